package portal

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/search"
	"github.com/lgsp-vn/datashare-operator/internal/statistics"
)

// world is the four kinds as the cache holds them, read-only.
type world struct {
	agencies    []v1alpha1.Agency
	focalPoints []v1alpha1.FocalPoint
	services    []v1alpha1.DataService
	agreements  []v1alpha1.SharingAgreement
	// holders maps each namespace to the agency that holds it.
	holders map[string]*v1alpha1.Agency
}

func (s *Server) world(q request) (world, error) {
	var w world
	agencies, fps := &v1alpha1.AgencyList{}, &v1alpha1.FocalPointList{}
	services, agreements := &v1alpha1.DataServiceList{}, &v1alpha1.SharingAgreementList{}
	for _, l := range []client.ObjectList{agencies, fps, services, agreements} {
		if err := s.Reader.List(q.ctx, l, client.UnsafeDisableDeepCopy); err != nil {
			return w, err
		}
	}
	w.agencies, w.focalPoints, w.services, w.agreements = agencies.Items, fps.Items, services.Items, agreements.Items
	for i := range w.services {
		// The catalog and the feed show a service on the terms it is
		// published on.
		if ds := &w.services[i]; len(publishing.Widened(ds, ds.Status.Appraisal)) > 0 {
			w.services[i] = *publishing.AsAppraised(ds, ds.Status.Appraisal)
		}
	}
	sortWorld(&w)
	w.holders = registry.RecordedHolders(w.agencies)
	return w, nil
}

// sortWorld puts what the cache lists in no order in the order every page
// shows it, the same on every reload: agencies by their names as a
// Vietnamese reader orders them, services by title, focal points and
// agreements by namespace and name.
func sortWorld(w *world) {
	order := search.NewOrder()
	slices.SortFunc(w.agencies, func(a, b v1alpha1.Agency) int {
		return cmp.Or(order(a.Spec.DisplayName, b.Spec.DisplayName), cmp.Compare(a.Name, b.Name))
	})
	slices.SortFunc(w.services, func(a, b v1alpha1.DataService) int {
		return cmp.Or(order(a.Spec.Title, b.Spec.Title), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	slices.SortFunc(w.focalPoints, func(a, b v1alpha1.FocalPoint) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	slices.SortFunc(w.agreements, func(a, b v1alpha1.SharingAgreement) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
}

// agencyOf is the agency that holds a namespace, as the operator recorded.
func (w world) agencyOf(ns string) *v1alpha1.Agency { return w.holders[ns] }

func agencyTitle(a *v1alpha1.Agency, fallback string) string {
	if a == nil {
		return fallback
	}
	return a.Spec.DisplayName
}

func failed(q request, err error) view {
	return view{title: q.T("portal"), status: http.StatusServiceUnavailable, message: "the portal cannot read the catalog right now: " + err.Error()}
}

// --- Home.

type homeData struct {
	Agencies, Services, LiveAgreements, OpenData int
}

func (s *Server) home(q request) view {
	w, err := s.world(q)
	if err != nil {
		return failed(q, err)
	}
	d := homeData{Agencies: len(w.agencies), Services: len(w.services)}
	for _, sa := range w.agreements {
		if registry.StateOf(&sa) == string(v1alpha1.ReasonActive) {
			d.LiveAgreements++
		}
	}
	for _, ds := range w.services {
		if ds.Spec.Access.Audience == v1alpha1.AudiencePublic {
			d.OpenData++
		}
	}
	return view{template: "home", title: q.T("portal"), data: d}
}

// --- The focal-point directory (Điều 20.4): published to everyone.

type directoryAgency struct {
	Name, Title string
	FocalPoints []directoryEntry
}

type directoryEntry struct {
	Name, Title, Email, Phone, Role string
	From                            time.Time
	Until                           *time.Time
}

func (s *Server) directory(q request) view {
	w, err := s.world(q)
	if err != nil {
		return failed(q, err)
	}
	var out []directoryAgency
	for i := range w.agencies {
		a := &w.agencies[i]
		entry := directoryAgency{Name: a.Name, Title: a.Spec.DisplayName}
		for _, fp := range w.focalPoints {
			if fp.Status.Agency != a.Name || !meta.IsStatusConditionTrue(fp.Status.Conditions, string(v1alpha1.ConditionReady)) {
				continue
			}
			e := directoryEntry{Name: fp.Spec.Person.Name, Title: fp.Spec.Person.Title, Email: fp.Spec.Person.Email, Phone: fp.Spec.Person.Phone,
				Role: string(fp.Spec.Role), From: fp.Spec.Appointment.ValidFrom.Time}
			if u := fp.Spec.Appointment.ValidUntil; u != nil {
				e.Until = &u.Time
			}
			entry.FocalPoints = append(entry.FocalPoints, e)
		}
		// The primary first.
		slices.SortStableFunc(entry.FocalPoints, func(a, b directoryEntry) int {
			return cmp.Compare(boolRank(a.Role != string(v1alpha1.RolePrimary)), boolRank(b.Role != string(v1alpha1.RolePrimary)))
		})
		out = append(out, entry)
	}
	return view{template: "directory", title: q.T("directory"), data: out}
}

// --- Open data (Điều 10): published to everyone.

type openDataRow struct {
	Title, Agency, License, URL string
	LastUpdated, Due            *time.Time
	Overdue                     bool
}

func (s *Server) openData(q request) view {
	w, err := s.world(q)
	if err != nil {
		return failed(q, err)
	}
	var rows []openDataRow
	for i := range w.services {
		ds := &w.services[i]
		due, open := publishing.OpenDataDue(ds, s.Rules)
		if !open {
			continue
		}
		row := openDataRow{Title: ds.Spec.Title, Agency: agencyTitle(w.agencyOf(ds.Namespace), ds.Namespace), URL: ds.Status.URL}
		if od := ds.Spec.OpenData; od != nil {
			row.License = od.License
			if od.LastUpdated != nil {
				row.LastUpdated = &od.LastUpdated.Time
			}
		}
		if !due.IsZero() {
			row.Due = &due
		}
		row.Overdue = !s.now().Before(due)
		rows = append(rows, row)
	}
	return view{template: "opendata", title: q.T("openData"), data: rows}
}

// --- Statistics (Điều 17.1.đ): published to everyone.

type statisticsData struct {
	Agencies []agencyStatistics
	States   []string
	// Matrix is live agreements, provider (row) × consumer (column).
	Consumers []string
	Matrix    []matrixRow
	Chart     chart
	// KeyMonths are the province's keys issued and revoked in the last
	// months, oldest first, drawn in KeysChart.
	KeyMonths []v1alpha1.KeyMonth
	KeysChart chart
	// AgencyKeys are each agency's key history, for the CSV.
	AgencyKeys []statistics.AgencyKeys
	// Traffic is what the gateway carried, by month, provider, service and
	// consumer (not named for Restricted services), for the CSV;
	// TrafficByProvider sums it by month and provider for the table, and
	// TrafficChart draws the province's months.
	Traffic           []statistics.TrafficGroup
	TrafficByProvider []statistics.TrafficGroup
	TrafficChart      chart
	// OwnTraffic is, for a signed-in focal point, the traffic of its own
	// agency's services and agreements with every consumer named (the DIC's
	// focal points: every agency's); empty for the public.
	OwnTraffic []statistics.TrafficGroup
	// Names are the agencies' display names, by object name: what a
	// person reads in the tables (the CSV keeps the object names).
	Names map[string]string
}

// Name is an agency's display name, or its object name when it has none.
func (d statisticsData) Name(agency string) string {
	if n := d.Names[agency]; n != "" {
		return n
	}
	return agency
}

// keyMonthsShown is how many months of keys the statistics page shows:
// the CSV has all the Agencies' statuses keep.
const keyMonthsShown = 12

type agencyStatistics struct {
	Agency   string
	Services map[string]int // by classification
	Provided map[string]int // by state
	Consumed map[string]int
	Live     int
}

type matrixRow struct {
	Provider string
	Counts   []int
}

func (s *Server) statisticsData(q request) (statisticsData, error) {
	w, err := s.world(q)
	if err != nil {
		return statisticsData{}, err
	}
	p := statistics.Summarize(statistics.Inputs{Agencies: w.agencies, FocalPoints: w.focalPoints, Services: w.services, Agreements: w.agreements, Rules: s.Rules})
	names := map[string]string{}
	for _, a := range w.agencies {
		names[a.Name] = a.Spec.DisplayName
	}
	by := map[string]*agencyStatistics{}
	get := func(a string) *agencyStatistics {
		if by[a] == nil {
			by[a] = &agencyStatistics{Agency: a, Services: map[string]int{}, Provided: map[string]int{}, Consumed: map[string]int{}}
		}
		return by[a]
	}
	for _, a := range p.Agencies {
		get(a.Agency)
	}
	states := map[string]bool{}
	live := map[[2]string]int{}
	for _, g := range p.Services {
		get(g.Agency).Services[string(g.Classification)] += g.Count
	}
	undisclosed := 0
	// The published statistics: who uses a Restricted service is not named
	// (statistics.UndisclosedConsumer).
	for _, g := range p.PublicAgreements {
		get(g.Provider).Provided[g.State] += g.Count
		states[g.State] = true
		if g.Consumer != statistics.UndisclosedConsumer {
			get(g.Consumer).Consumed[g.State] += g.Count
		}
		if g.State == string(v1alpha1.ReasonActive) {
			get(g.Provider).Live += g.Count
			live[[2]string{g.Provider, g.Consumer}] += g.Count
			if g.Consumer == statistics.UndisclosedConsumer {
				undisclosed += g.Count
			}
		}
	}
	names[statistics.UndisclosedConsumer] = q.T("undisclosedConsumer")
	d := statisticsData{Names: names}
	for _, a := range by {
		if a.Agency != "" {
			d.Agencies = append(d.Agencies, *a)
		}
	}
	order := search.NewOrder()
	slices.SortFunc(d.Agencies, func(a, b agencyStatistics) int {
		return cmp.Or(order(cmp.Or(names[a.Agency], a.Agency), cmp.Or(names[b.Agency], b.Agency)), cmp.Compare(a.Agency, b.Agency))
	})
	for st := range states {
		d.States = append(d.States, st)
	}
	slices.Sort(d.States)
	for _, a := range d.Agencies {
		d.Consumers = append(d.Consumers, a.Agency)
	}
	if undisclosed > 0 {
		d.Consumers = append(d.Consumers, statistics.UndisclosedConsumer)
	}
	for _, a := range d.Agencies {
		row := matrixRow{Provider: a.Agency}
		for _, c := range d.Consumers {
			row.Counts = append(row.Counts, live[[2]string{a.Agency, c}])
		}
		d.Matrix = append(d.Matrix, row)
	}
	var bars []bar
	for _, a := range d.Agencies {
		bars = append(bars, bar{Label: cmp.Or(names[a.Agency], a.Agency), Value: a.Live})
	}
	d.Chart = barChart("live", q.T("liveByProvider"), bars)

	d.KeyMonths, d.AgencyKeys = p.Keys[max(0, len(p.Keys)-keyMonthsShown):], p.AgencyKeys
	var months []string
	var counts [][]int
	for _, m := range d.KeyMonths {
		months = append(months, m.Month)
		counts = append(counts, []int{int(m.Issued), int(m.Revoked)})
	}
	d.KeysChart = columnChart("keys", q.T("keysByMonth"), months,
		[]series{{Name: q.T("keysIssued"), Class: "bar"}, {Name: q.T("keysRevoked"), Class: "bar-alt"}}, counts)

	d.Traffic = p.Traffic
	if own := focalPointAgencies(w, q.viewer); len(own) > 0 {
		for _, g := range p.AllTraffic {
			if own[g.Provider] || own[g.Consumer] || own[s.Publisher] {
				d.OwnTraffic = append(d.OwnTraffic, g)
			}
		}
	}
	byProvider := map[[2]string]*statistics.TrafficGroup{}
	byMonth := map[string][2]int64{}
	for _, g := range p.Traffic {
		key := [2]string{g.Month, g.Provider}
		if byProvider[key] == nil {
			byProvider[key] = &statistics.TrafficGroup{Month: g.Month, Provider: g.Provider}
		}
		byProvider[key].Requests += g.Requests
		byProvider[key].Errors += g.Errors
		m := byMonth[g.Month]
		byMonth[g.Month] = [2]int64{m[0] + g.Requests, m[1] + g.Errors}
	}
	for _, g := range byProvider {
		d.TrafficByProvider = append(d.TrafficByProvider, *g)
	}
	slices.SortFunc(d.TrafficByProvider, func(a, b statistics.TrafficGroup) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), order(d.Name(a.Provider), d.Name(b.Provider)))
	})
	var trafficMonths []string
	var trafficCounts [][]int
	for month := range byMonth {
		trafficMonths = append(trafficMonths, month)
	}
	slices.Sort(trafficMonths)
	for _, month := range trafficMonths {
		trafficCounts = append(trafficCounts, []int{int(byMonth[month][0]), int(byMonth[month][1])})
	}
	d.TrafficChart = columnChart("traffic", q.T("trafficByMonth"), trafficMonths,
		[]series{{Name: q.T("requests"), Class: "bar"}, {Name: q.T("failedRequests"), Class: "bar-alt"}}, trafficCounts)
	return d, nil
}

func (s *Server) statistics(q request) view {
	d, err := s.statisticsData(q)
	if err != nil {
		return failed(q, err)
	}
	return view{template: "statistics", title: q.T("statistics"), data: d}
}

// statisticsCSV is the statistics page's table, for spreadsheets.
func (s *Server) statisticsCSV(w http.ResponseWriter, r *http.Request) {
	s.writeStatisticsCSV(w, r, "thong-ke-chia-se-du-lieu.csv", func(d statisticsData) [][]string {
		// The same columns in every download (statistics.AgreementStates),
		// whatever states exist at the moment.
		header := []string{"agency", "agency_name", "services_open", "services_shared", "services_restricted", "live_provided"}
		for _, st := range append(slices.Clone(statistics.AgreementStates), statistics.StateOther) {
			header = append(header, "provided_"+st, "consumed_"+st)
		}
		rows := [][]string{header}
		for _, a := range d.Agencies {
			row := []string{a.Agency, d.Names[a.Agency], strconv.Itoa(a.Services["Open"]), strconv.Itoa(a.Services["Shared"]), strconv.Itoa(a.Services["Restricted"]), strconv.Itoa(a.Live)}
			provided, consumed := statistics.ByFixedStates(a.Provided), statistics.ByFixedStates(a.Consumed)
			for i := range provided {
				row = append(row, strconv.Itoa(provided[i]), strconv.Itoa(consumed[i]))
			}
			rows = append(rows, row)
		}
		return rows
	})
}

// --- The yearly report (Điều 24.3): per agency, what it offered, its
// agreements and the requests the LGSP carried, the table the DIC sends
// the People's Committee.

type reportRow struct {
	Agency                       string
	Services, Provided, Consumed int
	Served, ServedFailed         int64
	Made, MadeFailed             int64
}

type reportData struct {
	Year  int
	Years []int
	Rows  []reportRow
	Names map[string]string
}

func (s *Server) report(q request) view {
	d, err := s.statisticsData(q)
	if err != nil {
		return failed(q, err)
	}
	year := s.now().In(q.zone).Year()
	if y, err := strconv.Atoi(q.r.URL.Query().Get("year")); err == nil && y > 2000 && y <= year {
		year = y
	}
	out := reportData{Year: year, Names: d.Names}
	for y := year; y >= year-1; y-- {
		out.Years = append(out.Years, y)
	}
	rows := map[string]*reportRow{}
	row := func(a string) *reportRow {
		if rows[a] == nil {
			rows[a] = &reportRow{Agency: a}
		}
		return rows[a]
	}
	for _, a := range d.Agencies {
		r := row(a.Agency)
		for _, n := range a.Services {
			r.Services += n
		}
		r.Provided = a.Live
		r.Consumed = a.Consumed[string(v1alpha1.ReasonActive)]
	}
	prefix := strconv.Itoa(year) + "-"
	for _, g := range d.Traffic {
		if !strings.HasPrefix(g.Month, prefix) {
			continue
		}
		r := row(g.Provider)
		r.Served, r.ServedFailed = r.Served+g.Requests, r.ServedFailed+g.Errors
		if g.Consumer != statistics.UndisclosedConsumer {
			c := row(g.Consumer)
			c.Made, c.MadeFailed = c.Made+g.Requests, c.MadeFailed+g.Errors
		}
	}
	for _, r := range rows {
		if r.Agency != "" {
			out.Rows = append(out.Rows, *r)
		}
	}
	order := search.NewOrder()
	slices.SortFunc(out.Rows, func(a, b reportRow) int { return order(d.Name(a.Agency), d.Name(b.Agency)) })
	return view{template: "report", title: fmt.Sprintf("%s %d", q.T("report"), year), data: out}
}

// Name is an agency's display name, or its object name.
func (d reportData) Name(agency string) string { return cmp.Or(d.Names[agency], agency) }

// focalPointAgencies are the agencies a viewer acts for: those of the
// focal points, holding their rights, that name the viewer or one of its
// groups, as their RoleBindings do.
func focalPointAgencies(w world, v Viewer) map[string]bool {
	out := map[string]bool{}
	if v.Anonymous() {
		return out
	}
	for _, fp := range w.focalPoints {
		if !meta.IsStatusConditionTrue(fp.Status.Conditions, string(v1alpha1.ConditionReady)) {
			continue
		}
		for _, subject := range fp.Spec.Subjects {
			if subject.Kind == v1alpha1.SubjectUser && subject.Name == v.Name || subject.Kind == v1alpha1.SubjectGroup && slices.Contains(v.Groups, subject.Name) {
				out[fp.Status.Agency] = true
			}
		}
	}
	return out
}

// statisticsTrafficCSV is what the gateway carried, month by month, for
// spreadsheets: a row per month, provider, service and consumer, the
// consumer of a Restricted service not named.
func (s *Server) statisticsTrafficCSV(w http.ResponseWriter, r *http.Request) {
	s.writeStatisticsCSV(w, r, "thong-ke-luu-luong.csv", func(d statisticsData) [][]string {
		rows := [][]string{{"month", "provider", "provider_name", "service", "consumer", "consumer_name", "requests", "errors"}}
		for _, g := range d.Traffic {
			rows = append(rows, []string{g.Month, g.Provider, d.Names[g.Provider], g.Service, g.Consumer, d.Names[g.Consumer],
				strconv.FormatInt(g.Requests, 10), strconv.FormatInt(g.Errors, 10)})
		}
		return rows
	})
}

// trafficRecord is one row of the traffic download, as JSON.
type trafficRecord struct {
	Month        string `json:"month"`
	Provider     string `json:"provider"`
	ProviderName string `json:"providerName"`
	Service      string `json:"service"`
	Consumer     string `json:"consumer"`
	ConsumerName string `json:"consumerName"`
	Requests     int64  `json:"requests"`
	Errors       int64  `json:"errors"`
}

// statisticsTrafficJSON is statisticsTrafficCSV for programs.
func (s *Server) statisticsTrafficJSON(w http.ResponseWriter, r *http.Request) {
	d, err := s.statisticsData(request{ctx: r.Context(), r: r, lang: langVI})
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	records := make([]trafficRecord, 0, len(d.Traffic))
	for _, g := range d.Traffic {
		records = append(records, trafficRecord{Month: g.Month, Provider: g.Provider, ProviderName: d.Names[g.Provider], Service: g.Service,
			Consumer: g.Consumer, ConsumerName: d.Names[g.Consumer], Requests: g.Requests, Errors: g.Errors})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(records)
}

// statisticsKeysCSV is every agency's key history, month by month, for
// spreadsheets.
func (s *Server) statisticsKeysCSV(w http.ResponseWriter, r *http.Request) {
	s.writeStatisticsCSV(w, r, "thong-ke-khoa-truy-cap.csv", func(d statisticsData) [][]string {
		rows := [][]string{{"agency", "agency_name", "month", "keys_issued", "keys_rotated", "keys_revoked"}}
		for _, a := range d.AgencyKeys {
			for _, m := range a.Months {
				rows = append(rows, []string{a.Agency, d.Names[a.Agency], m.Month, strconv.Itoa(int(m.Issued)), strconv.Itoa(int(m.Rotated)), strconv.Itoa(int(m.Revoked))})
			}
		}
		return rows
	})
}

// writeStatisticsCSV sends the rows that rows makes of the statistics as
// a CSV download named filename.
func (s *Server) writeStatisticsCSV(w http.ResponseWriter, r *http.Request, filename string, rows func(statisticsData) [][]string) {
	d, err := s.statisticsData(request{ctx: r.Context(), r: r, lang: langVI})
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	_ = csv.NewWriter(w).WriteAll(rows(d))
}

// --- The catalog (Điều 8): for officers.

type catalogData struct {
	Query, Agency, Classification, Audience, Tag, Ready string
	Agencies, Tags                                      []string
	Services                                            []catalogRow
}

type catalogRow struct {
	Namespace, Name, Title, Description, Agency, Classification, Audience, URL, Reason string
	// AgencyName is the agency's display name, what a person reads.
	AgencyName string
	Ready      bool
	Tags       []string
}

func (s *Server) catalog(q request) view {
	if q.viewer.Anonymous() {
		return needOfficer(q, q.T("catalog"))
	}
	if !s.can(q, "list", "dataservices", "") {
		return notAllowed(q, q.T("catalog"))
	}
	w, err := s.world(q)
	if err != nil {
		return failed(q, err)
	}
	f := q.r.URL.Query()
	d := catalogData{Query: strings.TrimSpace(f.Get("q")), Agency: f.Get("agency"), Classification: f.Get("classification"),
		Audience: f.Get("audience"), Tag: f.Get("tag"), Ready: f.Get("ready")}
	tags := map[string]bool{}
	for _, a := range w.agencies {
		d.Agencies = append(d.Agencies, a.Name)
	}
	for i := range w.services {
		ds := &w.services[i]
		holder := w.agencyOf(ds.Namespace)
		agency, agencyName := ds.Namespace, ""
		if holder != nil {
			agency, agencyName = holder.Name, holder.Spec.DisplayName
		}
		ready := meta.FindStatusCondition(ds.Status.Conditions, string(v1alpha1.ConditionReady))
		row := catalogRow{Namespace: ds.Namespace, Name: ds.Name, Title: ds.Spec.Title, Description: ds.Spec.Description, Agency: agency, AgencyName: cmp.Or(agencyName, agency),
			Classification: string(ds.Spec.Classification), Audience: string(ds.Spec.Access.Audience), URL: ds.Status.URL, Tags: ds.Spec.Tags}
		if ready != nil {
			row.Ready, row.Reason = ready.Status == metav1.ConditionTrue, ready.Reason
		}
		for _, t := range ds.Spec.Tags {
			tags[t] = true
		}
		switch {
		case !search.Matches(strings.Join(append([]string{ds.Spec.Title, ds.Spec.Description, ds.Name, agencyName}, ds.Spec.Tags...), " "), d.Query):
		case d.Agency != "" && d.Agency != agency:
		case d.Classification != "" && d.Classification != row.Classification:
		case d.Audience != "" && d.Audience != row.Audience:
		case d.Tag != "" && !slices.Contains(ds.Spec.Tags, d.Tag):
		case d.Ready == "true" && !row.Ready, d.Ready == "false" && row.Ready:
		default:
			d.Services = append(d.Services, row)
		}
	}
	for t := range tags {
		d.Tags = append(d.Tags, t)
	}
	slices.Sort(d.Tags)
	return view{template: "catalog", title: q.T("catalog"), data: d}
}

// --- A service's page: for officers who may read it.

type serviceData struct {
	DS            *v1alpha1.DataService
	Agency        string
	ReviewDue     *time.Time
	OpenDataDue   *time.Time
	Consents      []string
	Endorsements  []string
	LiveConsumers []string
	// ConsumersHidden is true when the viewer may not read the agreements
	// that use it: only their number is shown.
	ConsumersHidden bool
	LiveCount       int32
	// OpenData is true for published open data: anyone may call it, with
	// no agreement and no key, under its licence.
	OpenData bool
}

// serviceFor finds the service a page names, for a viewer who may read it.
// With openToAll, a published open-data service (audience Public) is shown
// to anyone: its page is the open dataset's landing page, which the public
// and the national portal's harvester follow from the feed.
func (s *Server) serviceFor(q request, openToAll bool) (*v1alpha1.DataService, world, view, bool) {
	ns, name := q.r.PathValue("namespace"), q.r.PathValue("name")
	anonymous := q.viewer.Anonymous()
	if anonymous && !openToAll {
		return nil, world{}, needOfficer(q, q.T("service")), false
	}
	if !anonymous && !s.can(q, "get", "dataservices", ns) {
		return nil, world{}, notAllowed(q, q.T("service")), false
	}
	w, err := s.world(q)
	if err != nil {
		return nil, w, failed(q, err), false
	}
	for i := range w.services {
		ds := &w.services[i]
		if ds.Namespace != ns || ds.Name != name {
			continue
		}
		if anonymous && !publicOpenData(ds) {
			// Whether a service that is not open data exists is for
			// officers to know.
			break
		}
		return ds, w, view{}, true
	}
	if anonymous {
		return nil, w, needOfficer(q, q.T("service")), false
	}
	return nil, w, view{title: q.T("service"), status: http.StatusNotFound, message: q.T("notFound")}, false
}

// publicOpenData says whether a service is open data that is published.
func publicOpenData(ds *v1alpha1.DataService) bool {
	return ds.Spec.Access.Audience == v1alpha1.AudiencePublic && ds.Status.URL != ""
}

func (s *Server) service(q request) view {
	ds, w, v, ok := s.serviceFor(q, true)
	if !ok {
		return v
	}
	key := ds.Namespace + "/" + ds.Name
	d := serviceData{DS: ds, Agency: agencyTitle(w.agencyOf(ds.Namespace), ds.Namespace), LiveCount: ds.Status.LiveAgreements,
		OpenData: publicOpenData(ds), ConsumersHidden: true}
	if due, ok := publishing.ReviewDue(ds, s.Rules); ok {
		d.ReviewDue = &due
	}
	if due, open := publishing.OpenDataDue(ds, s.Rules); open && !due.IsZero() {
		d.OpenDataDue = &due
	}
	if q.viewer.Anonymous() {
		// Open data's landing page: what it is and how to use it; which
		// agencies consented to what is for officers.
		return view{template: "service", title: ds.Spec.Title, data: d}
	}
	for _, c := range ds.Spec.Access.Consumers {
		d.Consents = append(d.Consents, fmt.Sprintf("%s (%s)", c.Agency, c.DocumentRef))
	}
	for _, a := range w.agencies {
		if e := a.Spec.EndorsementOf(key); e != nil {
			d.Endorsements = append(d.Endorsements, fmt.Sprintf("%s (%s)", a.Name, e.DocumentRef))
		}
	}
	d.ConsumersHidden = !s.can(q, "list", "sharingagreements", "")
	if !d.ConsumersHidden {
		for _, sa := range w.agreements {
			if string(sa.Spec.Service.Namespace) == ds.Namespace && string(sa.Spec.Service.Name) == ds.Name && registry.StateOf(&sa) == string(v1alpha1.ReasonActive) {
				d.LiveConsumers = append(d.LiveConsumers, sa.Status.ConsumerAgency)
			}
		}
		slices.Sort(d.LiveConsumers)
	}
	return view{template: "service", title: ds.Spec.Title, data: d}
}

// --- Request access: the manifest to commit; the portal writes nothing.

type requestData struct {
	DS                            *v1alpha1.DataService
	Agencies                      []string
	AsAgency, Purpose, LegalBasis string
	// Selected is the agency the form starts at: the one asked for, else
	// the viewer's own.
	Selected string
	Manifest string
	Needs    []string
	Problem  string
}

func (s *Server) request(q request) view {
	ds, w, v, ok := s.serviceFor(q, false)
	if !ok {
		return v
	}
	f := q.r.URL.Query()
	d := requestData{DS: ds, AsAgency: f.Get("agency"), Purpose: strings.TrimSpace(f.Get("purpose")), LegalBasis: strings.TrimSpace(f.Get("legalBasis"))}
	for _, a := range w.agencies {
		d.Agencies = append(d.Agencies, a.Name)
	}
	if d.AsAgency == "" {
		// The form starts at the viewer's own agency: the first whose
		// namespace the viewer may create agreements in.
		for _, a := range w.agencies {
			if s.can(q, "create", "sharingagreements", string(a.Spec.Namespace)) {
				d.Selected = a.Name
				break
			}
		}
	} else {
		d.Selected = d.AsAgency
	}
	if d.AsAgency != "" {
		var agency *v1alpha1.Agency
		for i := range w.agencies {
			if w.agencies[i].Name == d.AsAgency {
				agency = &w.agencies[i]
			}
		}
		switch {
		case agency == nil:
			d.Problem = "agency " + d.AsAgency + " is not registered"
		case d.Purpose == "" || d.LegalBasis == "":
			d.Problem = q.T("purpose") + " / " + q.T("legalBasis") + ": required"
		default:
			manifest, needs, err := render.RequestManifest(ds, agency, d.Purpose, d.LegalBasis)
			if err != nil {
				return failed(q, err)
			}
			d.Manifest = string(manifest)
			for _, n := range needs {
				d.Needs = append(d.Needs, needText(q.lang, n))
			}
		}
	}
	return view{template: "request", title: q.T("requestAccess") + ": " + ds.Spec.Title, data: d}
}

// --- What waits for whom: the agreements the viewer may read that are not
// live, grouped by the party that must act, with the decision's message.

type waitingGroup struct {
	// Party is who must act (consent.Party), and Agency the display name
	// of the agency that must, when it is the provider or the consumer.
	Party  consent.Party
	Agency string
	Rows   []waitingRow
}

type waitingRow struct {
	Agreement, Service, State, Message string
	RespondBy                          *time.Time
	Overdue                            bool
}

func (s *Server) waiting(q request) view {
	if q.viewer.Anonymous() {
		return needOfficer(q, q.T("waiting"))
	}
	w, err := s.world(q)
	if err != nil {
		return failed(q, err)
	}
	everywhere := s.can(q, "list", "sharingagreements", "")
	allowed := map[string]bool{}
	answers := map[consent.Answerer]bool{}
	type groupKey struct {
		party  consent.Party
		agency string
	}
	groups := map[groupKey][]waitingRow{}
	for _, sa := range w.agreements {
		state := registry.StateOf(&sa)
		if state == string(v1alpha1.ReasonActive) {
			continue
		}
		if !everywhere {
			ok, seen := allowed[sa.Namespace]
			if !seen {
				ok = s.can(q, "list", "sharingagreements", sa.Namespace)
				allowed[sa.Namespace] = ok
			}
			// The party that must answer sees the request, although it
			// may not read the consumer's namespace.
			if right, must := consent.AnswerRight(v1alpha1.ConditionReason(state), string(sa.Spec.Service.Namespace)); !ok && must {
				may, asked := answers[right]
				if !asked {
					may = s.can(q, right.Verb, right.Resource, right.Namespace)
					answers[right] = may
				}
				ok = may
			}
			if !ok {
				continue
			}
		}
		ready := meta.FindStatusCondition(sa.Status.Conditions, string(v1alpha1.ConditionReady))
		row := waitingRow{Agreement: sa.Namespace + "/" + sa.Name, Service: string(sa.Spec.Service.Namespace) + "/" + string(sa.Spec.Service.Name), State: state}
		if ready != nil {
			row.Message = ready.Message
		}
		if req := sa.Status.Request; req != nil && req.AnsweredAt == nil {
			row.RespondBy = &req.RespondBy.Time
			row.Overdue = meta.IsStatusConditionTrue(sa.Status.Conditions, string(v1alpha1.ConditionResponseOverdue))
		}
		key := groupKey{party: consent.PartyToAct(v1alpha1.ConditionReason(state))}
		switch key.party {
		case consent.PartyProvider:
			key.agency = agencyTitle(w.agencyOf(string(sa.Spec.Service.Namespace)), cmp.Or(sa.Status.ProviderAgency, string(sa.Spec.Service.Namespace)))
		case consent.PartyConsumer:
			key.agency = agencyTitle(w.agencyOf(sa.Namespace), cmp.Or(sa.Status.ConsumerAgency, sa.Namespace))
		case consent.PartyCoordinator, consent.PartyPlatform, consent.PartyOperator:
			// One of a kind: its role names it.
		}
		groups[key] = append(groups[key], row)
	}
	var out []waitingGroup
	for key, rows := range groups {
		slices.SortFunc(rows, func(a, b waitingRow) int { return cmp.Compare(a.Agreement, b.Agreement) })
		out = append(out, waitingGroup{Party: key.party, Agency: key.agency, Rows: rows})
	}
	order := search.NewOrder()
	slices.SortFunc(out, func(a, b waitingGroup) int { return cmp.Or(cmp.Compare(a.Party, b.Party), order(a.Agency, b.Agency)) })
	return view{template: "waiting", title: q.T("waiting"), data: out}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// needText says a request's need in the page's language.
func needText(lang string, n render.RequestNeed) string {
	if lang == langEN {
		return n.String()
	}
	switch n.Kind {
	case render.NeedProviderConsent:
		return fmt.Sprintf("cơ quan cung cấp phải đưa cơ quan %s vào spec.access.consumers của DataService %s, hoặc từ chối bằng văn bản, trong thời hạn quy định", n.Agency, n.Service)
	case render.NeedCoordinatorEndorsement:
		return fmt.Sprintf("Sở TT&TT phải đồng ý cho cơ quan %s sử dụng %s trong spec.endorsements của Agency (Điều 17.3)", n.Agency, n.Service)
	default:
		return fmt.Sprintf("không cần gì thêm: đã có đủ sự đồng ý; đầu mối của cơ quan nhận khóa trong Secret %s của namespace %s", n.Secret, n.Namespace)
	}
}
