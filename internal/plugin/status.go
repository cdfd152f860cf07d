package plugin

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// statusReport is the province, or one agency, at a glance.
type statusReport struct {
	Agencies          []agencyRow    `json:"agencies"`
	Services          []serviceRow   `json:"services"`
	AgreementsByState map[string]int `json:"agreementsByState"`
	Waiting           []waitingRow   `json:"waiting"`
	// Unused are the live agreements that carried no request for the
	// unused-grant period (their Unused condition).
	Unused []unusedRow `json:"unused,omitempty"`
	// Hidden says what the user's rights hide.
	Hidden []string `json:"hidden,omitempty"`
}

type unusedRow struct {
	Agreement string `json:"agreement"`
	Message   string `json:"message"`
}

type agencyRow struct {
	Agency      string   `json:"agency"`
	Ready       bool     `json:"ready"`
	Reason      string   `json:"reason"`
	FocalPoints []string `json:"focalPoints,omitempty"`
}

type serviceRow struct {
	Service       string   `json:"service"`
	Audience      string   `json:"audience"`
	Ready         bool     `json:"ready"`
	Reason        string   `json:"reason"`
	URL           string   `json:"url,omitempty"`
	LiveConsumers []string `json:"liveConsumers,omitempty"`
	// LiveHidden counts the live consumers (the service's status counts
	// them) whose agreements the reader may not read.
	LiveHidden int `json:"liveHidden,omitempty"`
}

// waitingRow is an agreement that is not live, and who must act.
type waitingRow struct {
	Agreement string     `json:"agreement"`
	State     string     `json:"state"`
	WhoActs   string     `json:"whoActs"`
	RespondBy *time.Time `json:"respondBy,omitempty"`
	Overdue   bool       `json:"overdue,omitempty"`
}

func newStatus(o *options) *cobra.Command {
	var agency string
	cmd := &cobra.Command{
		Use:   "status [--agency AGENCY]",
		Short: "The province, or one agency, at a glance: agencies, services, agreements, and what waits for whom",
		Example: `  # The whole province (as far as your rights go)
  kubectl datashare status

  # One agency: its services, and the agreements it provides or consumes
  kubectl datashare status --agency so-tnmt -o yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, ns, err := o.reader()
			if err != nil {
				return err
			}
			r, err := gatherStatus(c, agency, ns)
			if err != nil {
				return err
			}
			return o.print(r, func(w io.Writer) { o.statusTable(w, r) })
		},
	}
	cmd.Flags().StringVar(&agency, "agency", "", "show only this agency, its services and its agreements")
	return cmd
}

func gatherStatus(c client.Client, only, currentNS string) (statusReport, error) {
	ctx, cancel := background()
	defer cancel()
	r := statusReport{AgreementsByState: map[string]int{}}
	agencies := &v1alpha1.AgencyList{}
	if err := c.List(ctx, agencies); err != nil {
		note, err := hidden(err, "the register of agencies")
		if err != nil {
			return r, err
		}
		r.Hidden = append(r.Hidden, note)
	}
	// The namespace each agency holds, to filter by agency.
	nsOf := map[string]string{}
	for _, a := range agencies.Items {
		nsOf[a.Name] = string(a.Spec.Namespace)
		if only != "" && a.Name != only {
			continue
		}
		ready := conditions.Ready(a.Status.Conditions)
		r.Agencies = append(r.Agencies, agencyRow{Agency: a.Name, Ready: ready.Status == metav1.ConditionTrue, Reason: ready.Reason, FocalPoints: a.Status.FocalPoints})
	}
	if only != "" && len(r.Agencies) == 0 && len(r.Hidden) == 0 {
		return r, fmt.Errorf("agency %s is not registered", only)
	}

	// Cluster-wide when the user may; else the agency's namespace: the one
	// asked for, or the reader's own.
	scope := []client.ListOption{}
	limited := false
	own := sync.OnceValue(func() string { return ownNamespace(ctx, c, agencies.Items) })
	list := func(l client.ObjectList, what string) error {
		err := c.List(ctx, l, scope...)
		if err == nil {
			return nil
		}
		note, err := hidden(err, what+" in every namespace")
		if err != nil {
			return err
		}
		limited = true
		ns := currentNS
		if only != "" && nsOf[only] != "" {
			ns = nsOf[only]
		} else if own() != "" {
			ns = own()
		}
		r.Hidden = append(r.Hidden, note+"; showing namespace "+ns)
		if err := c.List(ctx, l, client.InNamespace(ns)); err != nil {
			note, err := hidden(err, what+" in namespace "+ns)
			if err != nil {
				return err
			}
			r.Hidden = append(r.Hidden, note)
		}
		return nil
	}
	services, agreements := &v1alpha1.DataServiceList{}, &v1alpha1.SharingAgreementList{}
	if err := list(services, "DataServices"); err != nil {
		return r, err
	}
	if err := list(agreements, "SharingAgreements"); err != nil {
		return r, err
	}

	live := map[string][]string{}
	for _, sa := range agreements.Items {
		key := string(sa.Spec.Service.Namespace) + "/" + string(sa.Spec.Service.Name)
		if only != "" && sa.Status.ConsumerAgency != only && sa.Status.ProviderAgency != only && sa.Namespace != nsOf[only] && string(sa.Spec.Service.Namespace) != nsOf[only] {
			continue
		}
		state := registry.StateOf(&sa)
		r.AgreementsByState[state]++
		if state == string(v1alpha1.ReasonActive) {
			live[key] = append(live[key], sa.Status.ConsumerAgency)
			if c := conditions.Get(sa.Status.Conditions, v1alpha1.ConditionUnused); c != nil && c.Status == metav1.ConditionTrue {
				r.Unused = append(r.Unused, unusedRow{Agreement: sa.Namespace + "/" + sa.Name, Message: c.Message})
			}
			continue
		}
		row := waitingRow{Agreement: sa.Namespace + "/" + sa.Name, State: state, WhoActs: conditions.Ready(sa.Status.Conditions).Message}
		if req := sa.Status.Request; req != nil && req.AnsweredAt == nil {
			row.RespondBy = &req.RespondBy.Time
			row.Overdue = meta.IsStatusConditionTrue(sa.Status.Conditions, string(v1alpha1.ConditionResponseOverdue))
		}
		r.Waiting = append(r.Waiting, row)
	}
	// The requests an agency must answer live in the consumers'
	// namespaces, which its focal point may not read: its Agency's status
	// lists them.
	seen := map[string]bool{}
	for _, w := range r.Waiting {
		seen[w.Agreement] = true
	}
	for _, a := range agencies.Items {
		if only != "" && a.Name != only {
			continue
		}
		for _, req := range a.Status.AwaitingAnswer {
			if seen[req.Agreement] {
				continue
			}
			seen[req.Agreement] = true
			r.AgreementsByState[string(req.State)]++
			row := waitingRow{Agreement: req.Agreement, State: string(req.State), WhoActs: awaitedAnswer(req), Overdue: req.Overdue}
			if req.RespondBy != nil {
				row.RespondBy = &req.RespondBy.Time
			}
			r.Waiting = append(r.Waiting, row)
		}
	}
	for _, ds := range services.Items {
		if only != "" && ds.Namespace != nsOf[only] {
			continue
		}
		key := ds.Namespace + "/" + ds.Name
		ready := conditions.Ready(ds.Status.Conditions)
		consumers := live[key]
		slices.Sort(consumers)
		r.Services = append(r.Services, serviceRow{Service: key, Audience: string(ds.Spec.Access.Audience), Ready: ready.Status == metav1.ConditionTrue,
			Reason: ready.Reason, URL: ds.Status.URL, LiveConsumers: consumers, LiveHidden: hiddenConsumers(&ds, len(consumers), limited)})
	}
	slices.SortFunc(r.Services, func(a, b serviceRow) int { return strings.Compare(a.Service, b.Service) })
	slices.SortFunc(r.Waiting, func(a, b waitingRow) int { return strings.Compare(a.Agreement, b.Agreement) })
	return r, nil
}

func (o *options) statusTable(w io.Writer, r statusReport) {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "AGENCY\tREADY\tFOCAL POINTS")
	for _, a := range r.Agencies {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", a.Agency, o.paint(a.Reason, a.Ready), orDash(strings.Join(a.FocalPoints, ", ")))
	}
	fmt.Fprintln(tw, "\nSERVICE\tAUDIENCE\tREADY\tURL\tLIVE CONSUMERS")
	for _, s := range r.Services {
		consumers := s.LiveConsumers
		if s.LiveHidden > 0 {
			consumers = append(slices.Clone(consumers), fmt.Sprintf("%d hidden from you", s.LiveHidden))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Service, s.Audience, o.paint(s.Reason, s.Ready), orDash(s.URL), orDash(strings.Join(consumers, ", ")))
	}
	// Like the Fprint calls above, a write to a terminal that is gone has
	// no one left to tell.
	_ = tw.Flush()

	states := make([]string, 0, len(r.AgreementsByState))
	for s := range r.AgreementsByState {
		states = append(states, s)
	}
	slices.Sort(states)
	var counts []string
	for _, s := range states {
		counts = append(counts, fmt.Sprintf("%s %d", o.paint(s, s == string(v1alpha1.ReasonActive)), r.AgreementsByState[s]))
	}
	fmt.Fprintf(w, "\nAgreements: %s\n", orDash(strings.Join(counts, ", ")))

	if len(r.Waiting) > 0 {
		fmt.Fprintln(w, "\nWaiting for someone:")
		for _, row := range r.Waiting {
			fmt.Fprintf(w, "  %s  %s\n    %s\n", row.Agreement, o.paint(row.State, false), row.WhoActs)
			if row.RespondBy != nil {
				when := "answer due by " + o.moment(*row.RespondBy)
				if row.Overdue {
					when = o.paint("answer overdue since "+o.moment(*row.RespondBy), false)
				}
				fmt.Fprintf(w, "    %s\n", when)
			}
		}
	}
	if len(r.Unused) > 0 {
		fmt.Fprintln(w, "\nUnused grants (live, no request through the gateway for the unused-grant period):")
		for _, row := range r.Unused {
			fmt.Fprintf(w, "  %s\n    %s\n", row.Agreement, row.Message)
		}
	}
	for _, h := range r.Hidden {
		fmt.Fprintf(w, "\nNote: %s\n", h)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// awaitedAnswer says what a request listed in an Agency's status waits
// for, in the words the request command uses.
func awaitedAnswer(req v1alpha1.AwaitingRequest) string {
	need := render.RequestNeed{Kind: render.NeedProviderConsent, Agency: req.Consumer, Service: string(req.Service)}
	if req.State == v1alpha1.ReasonAwaitingCoordinatorEndorsement {
		need.Kind = render.NeedCoordinatorEndorsement
	}
	return need.String()
}

// ownNamespace is the namespace of the first agency (in the register's
// order) where the reader may list SharingAgreements: a focal point's own
// agency, read instead of the kubeconfig's namespace (often "default",
// which holds no agency). Empty when there is none, or the reader may not
// ask.
func ownNamespace(ctx context.Context, c client.Client, agencies []v1alpha1.Agency) string {
	namespaces := make([]string, 0, len(agencies))
	for _, a := range agencies {
		namespaces = append(namespaces, string(a.Spec.Namespace))
	}
	slices.Sort(namespaces)
	for _, ns := range namespaces {
		review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
			ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: ns, Verb: "list",
				Group: v1alpha1.GroupVersion.Group, Resource: "sharingagreements"}}}
		if err := c.Create(ctx, review); err != nil {
			return ""
		}
		if review.Status.Allowed {
			return ns
		}
	}
	return ""
}
