package registry

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func mt(t time.Time) *metav1.Time { m := metav1.NewTime(t); return &m }

// focalPoint builds a focal point created at created, appointed from..until
// (until zero means open-ended).
func focalPoint(name string, role v1alpha1.FocalPointRole, created, from, until time.Time) v1alpha1.FocalPoint {
	fp := v1alpha1.FocalPoint{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "so-tnmt", CreationTimestamp: metav1.NewTime(created)},
		Spec: v1alpha1.FocalPointSpec{
			Role:        role,
			Appointment: v1alpha1.Appointment{DocumentRef: "QĐ 1", ValidFrom: metav1.NewTime(from)},
		},
	}
	if !until.IsZero() {
		fp.Spec.Appointment.ValidUntil = mt(until)
	}
	return fp
}

func agency(name, ns string, created time.Time) v1alpha1.Agency {
	return v1alpha1.Agency{
		ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(created)},
		Spec:       v1alpha1.AgencySpec{Namespace: v1alpha1.ObjectName(ns), Level: v1alpha1.LevelDepartment},
	}
}

func TestAppointmentAt(t *testing.T) {
	cases := []struct {
		name       string
		from       time.Time
		until      time.Time
		now        time.Time
		wantActive bool
		wantReason v1alpha1.ConditionReason
		wantNext   time.Time
	}{
		{"before the start", at(time.Hour), time.Time{}, t0, false, v1alpha1.ReasonAppointmentNotStarted, at(time.Hour)},
		{"exactly at the start", t0, time.Time{}, t0, true, v1alpha1.ReasonAppointed, time.Time{}},
		{"inside an open-ended window", at(-time.Hour), time.Time{}, t0, true, v1alpha1.ReasonAppointed, time.Time{}},
		{"inside a closed window", at(-time.Hour), at(time.Hour), t0, true, v1alpha1.ReasonAppointed, at(time.Hour)},
		{"exactly at the end", at(-time.Hour), t0, t0, false, v1alpha1.ReasonAppointmentEnded, time.Time{}},
		{"after the end", at(-2 * time.Hour), at(-time.Hour), t0, false, v1alpha1.ReasonAppointmentEnded, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fp := focalPoint("a", v1alpha1.RolePrimary, at(-time.Hour), tc.from, tc.until)
			got := AppointmentAt(&fp, tc.now)
			if got.Active != tc.wantActive || got.Reason != tc.wantReason || !got.Next.Equal(tc.wantNext) {
				t.Fatalf("got active=%v reason=%s next=%v; want %v %s %v", got.Active, got.Reason, got.Next, tc.wantActive, tc.wantReason, tc.wantNext)
			}
			if !strings.Contains(got.Message, "QĐ 1") {
				t.Errorf("message does not cite the appointment: %q", got.Message)
			}
		})
	}
}

func TestActivePrimaryAndNames(t *testing.T) {
	old, newer := at(-48*time.Hour), at(-24*time.Hour)
	deleting := focalPoint("dang-xoa", v1alpha1.RolePrimary, at(-72*time.Hour), old, time.Time{})
	deleting.DeletionTimestamp = mt(t0)
	cases := []struct {
		name        string
		fps         []v1alpha1.FocalPoint
		wantPrimary string
		wantNames   []string
	}{
		{"none", nil, "", nil},
		{"deputy only", []v1alpha1.FocalPoint{focalPoint("d", v1alpha1.RoleDeputy, old, old, time.Time{})}, "", []string{"d"}},
		{"one primary and a deputy", []v1alpha1.FocalPoint{
			focalPoint("d", v1alpha1.RoleDeputy, old, old, time.Time{}),
			focalPoint("p", v1alpha1.RolePrimary, newer, old, time.Time{}),
		}, "p", []string{"p", "d"}},
		{"two primaries: the older keeps it", []v1alpha1.FocalPoint{
			focalPoint("moi", v1alpha1.RolePrimary, newer, old, time.Time{}),
			focalPoint("cu", v1alpha1.RolePrimary, old, old, time.Time{}),
		}, "cu", []string{"cu"}},
		{"two primaries created in the same second: by name", []v1alpha1.FocalPoint{
			focalPoint("b", v1alpha1.RolePrimary, old, old, time.Time{}),
			focalPoint("a", v1alpha1.RolePrimary, old, old, time.Time{}),
		}, "a", []string{"a"}},
		{"an ended primary does not count", []v1alpha1.FocalPoint{
			focalPoint("het-han", v1alpha1.RolePrimary, old, old, at(-time.Hour)),
			focalPoint("p", v1alpha1.RolePrimary, newer, old, time.Time{}),
		}, "p", []string{"p"}},
		{"a primary being deleted does not count", []v1alpha1.FocalPoint{
			deleting, focalPoint("p", v1alpha1.RolePrimary, newer, old, time.Time{}),
		}, "p", []string{"p"}},
		{"a future primary does not count yet", []v1alpha1.FocalPoint{
			focalPoint("sap-toi", v1alpha1.RolePrimary, old, at(time.Hour), time.Time{}),
		}, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if p := ActivePrimary(tc.fps, t0); p != nil {
				got = p.Name
			}
			if got != tc.wantPrimary {
				t.Errorf("primary %q, want %q", got, tc.wantPrimary)
			}
			if names := ActiveNames(tc.fps, t0); strings.Join(names, ",") != strings.Join(tc.wantNames, ",") {
				t.Errorf("names %v, want %v", names, tc.wantNames)
			}
		})
	}
}

func TestDecideFocalPoint(t *testing.T) {
	old, newer := at(-48*time.Hour), at(-24*time.Hour)
	tnmt := agency("so-tnmt", "so-tnmt", old)
	tttt := agency("so-tttt", "so-tnmt", old)
	primary := focalPoint("p", v1alpha1.RolePrimary, old, old, at(2*time.Hour))
	second := focalPoint("p2", v1alpha1.RolePrimary, newer, old, time.Time{})
	deputy := focalPoint("d", v1alpha1.RoleDeputy, newer, old, time.Time{})
	future := focalPoint("f", v1alpha1.RoleDeputy, newer, at(time.Hour), time.Time{})
	ended := focalPoint("e", v1alpha1.RoleDeputy, newer, old, at(-time.Hour))

	cases := []struct {
		name          string
		fp            v1alpha1.FocalPoint
		agency        *v1alpha1.Agency
		peers         []v1alpha1.FocalPoint
		wantGrant     bool
		wantProvince  bool
		wantReason    v1alpha1.ConditionReason
		wantNext      time.Time
		wantInMessage string
	}{
		{"no agency claims the namespace", primary, nil, nil, false, false, v1alpha1.ReasonNoAgency, time.Time{}, "the DIC (Sở TT&TT) must register the agency"},
		{"a subject outside the identity provider's prefix", withSubjects(primary, "oidc:lan@stnmt", "lan@stnmt"), &tnmt, []v1alpha1.FocalPoint{primary}, false, false,
			v1alpha1.ReasonSubjectOutsideIdentityProvider, at(2 * time.Hour), `subject(s) User lan@stnmt do not start with "oidc:", the identity provider's prefix`},
		{"a system group behind the prefix", withGroups(primary, "oidc:system:authenticated"), &tnmt, []v1alpha1.FocalPoint{primary}, false, false,
			v1alpha1.ReasonSystemSubject, at(2 * time.Hour), `subject(s) Group oidc:system:authenticated name the cluster's own users or groups`},
		{"a system user admitted before the prefix was set", withSubjects(primary, "oidc:lan@stnmt", "system:anonymous"), &tnmt, []v1alpha1.FocalPoint{primary}, false, false,
			v1alpha1.ReasonSystemSubject, at(2 * time.Hour), `User system:anonymous name`},
		{"appointed for the namespace's earlier holder", appointedFor(primary, "so-cu"), &tnmt, []v1alpha1.FocalPoint{appointedFor(primary, "so-cu")}, false, false,
			v1alpha1.ReasonEarlierAgency, at(2 * time.Hour), "focal point p was appointed for agency so-cu, and namespace so-tnmt is now agency so-tnmt's"},
		{"a primary beside the earlier holder's is no duplicate", second, &tnmt, []v1alpha1.FocalPoint{appointedFor(primary, "so-cu"), second}, true, false,
			v1alpha1.ReasonReady, at(2 * time.Hour), "Primary p2 of agency so-tnmt"},
		{"every subject inside the prefix", withSubjects(primary, "oidc:lan@stnmt"), &tnmt, []v1alpha1.FocalPoint{primary}, true, false,
			v1alpha1.ReasonReady, at(2 * time.Hour), ""},
		{"appointment not started", future, &tnmt, []v1alpha1.FocalPoint{future}, false, false, v1alpha1.ReasonAppointmentNotStarted, at(time.Hour), "starts at"},
		{"appointment ended", ended, &tnmt, []v1alpha1.FocalPoint{ended}, false, false, v1alpha1.ReasonAppointmentEnded, time.Time{}, "ended at"},
		{"the primary", primary, &tnmt, []v1alpha1.FocalPoint{primary, second}, true, false, v1alpha1.ReasonReady, at(2 * time.Hour), "in namespace so-tnmt"},
		{"a second primary is a duplicate until the first ends", second, &tnmt, []v1alpha1.FocalPoint{primary, second}, false, false, v1alpha1.ReasonDuplicatePrimary, at(2 * time.Hour), "p is already the active primary of agency so-tnmt"},
		{"a deputy beside the primary", deputy, &tnmt, []v1alpha1.FocalPoint{primary, deputy}, true, false, v1alpha1.ReasonReady, at(2 * time.Hour), "Deputy d"},
		{"the coordinator's focal point is province-level", deputy, &tttt, []v1alpha1.FocalPoint{deputy}, true, true, v1alpha1.ReasonReady, time.Time{}, "province-wide"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefix := ""
			if strings.Contains(tc.name, "prefix") {
				prefix = "oidc:"
			}
			d := DecideFocalPoint(FocalPointInputs{FocalPoint: &tc.fp, Agency: tc.agency, Peers: tc.peers, CoordinatorAgency: "so-tttt", SubjectPrefix: prefix, Now: t0})
			if d.Grant != tc.wantGrant || d.ProvinceLevel != tc.wantProvince || d.Reason != tc.wantReason || !d.Next.Equal(tc.wantNext) {
				t.Fatalf("got grant=%v province=%v reason=%s next=%v; want %v %v %s %v",
					d.Grant, d.ProvinceLevel, d.Reason, d.Next, tc.wantGrant, tc.wantProvince, tc.wantReason, tc.wantNext)
			}
			if !strings.Contains(d.Message, tc.wantInMessage) {
				t.Errorf("message %q does not contain %q", d.Message, tc.wantInMessage)
			}
			// The conditions it reports say the same.
			byType := map[v1alpha1.ConditionType]conditions.Condition{}
			for _, c := range d.Conditions {
				byType[c.Type] = c
			}
			ready, bound, active := byType[v1alpha1.ConditionReady], byType[v1alpha1.ConditionBound], byType[v1alpha1.ConditionActive]
			if len(d.Conditions) != 3 || ready.Reason != tc.wantReason || (ready.Status == metav1.ConditionTrue) != tc.wantGrant ||
				(bound.Status == metav1.ConditionTrue) != tc.wantGrant || active.Reason != d.Activity.Reason {
				t.Errorf("conditions %+v do not match the decision", d.Conditions)
			}
			if got := strings.Contains(bound.Message, v1alpha1.ProvinceFocalPointClusterRole); got != tc.wantProvince {
				t.Errorf("Bound message %q names the province role: %v, want %v", bound.Message, got, tc.wantProvince)
			}
		})
	}
}

// namespace is a namespace's metadata, labelled for an agency unless that
// is empty.
func namespace(name, agency string) *metav1.PartialObjectMetadata {
	ns := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if agency != "" {
		ns.Labels = map[string]string{v1alpha1.LabelAgency: agency}
	}
	return ns
}

// withSubjects is fp with users of the given names.
func withSubjects(fp v1alpha1.FocalPoint, users ...string) v1alpha1.FocalPoint {
	fp = *fp.DeepCopy()
	fp.Spec.Subjects = nil
	for _, u := range users {
		fp.Spec.Subjects = append(fp.Spec.Subjects, v1alpha1.Subject{Kind: v1alpha1.SubjectUser, Name: u})
	}
	return fp
}

func TestDecideAgency(t *testing.T) {
	old, newer := at(-48*time.Hour), at(-24*time.Hour)
	holder := agency("so-tnmt", "so-tnmt", old)
	latecomer := agency("so-tnmt-2", "so-tnmt", newer)
	primary := focalPoint("p", v1alpha1.RolePrimary, old, old, at(3*time.Hour))
	deputy := focalPoint("d", v1alpha1.RoleDeputy, old, old, time.Time{})
	future := focalPoint("f", v1alpha1.RolePrimary, old, at(time.Hour), time.Time{})
	labelled := namespace("so-tnmt", "so-tnmt")

	cases := []struct {
		name          string
		agency        v1alpha1.Agency
		namespace     *metav1.PartialObjectMetadata
		fps           []v1alpha1.FocalPoint
		wantReady     bool
		wantReason    v1alpha1.ConditionReason
		wantNames     []string
		wantNext      time.Time
		wantInMessage string
	}{
		{"the namespace's label names another agency", latecomer, labelled, []v1alpha1.FocalPoint{primary},
			false, v1alpha1.ReasonNamespaceClaimed, nil, time.Time{},
			"namespace so-tnmt belongs to agency so-tnmt by its label datashare.lgsp.vn/agency=so-tnmt: the DIC must give agency so-tnmt-2 a namespace of its own, or relabel so-tnmt if it is so-tnmt-2's"},
		{"the namespace's label names an agency not registered", holder, namespace("so-tnmt", "so-tnmt-typo"), []v1alpha1.FocalPoint{primary},
			false, v1alpha1.ReasonNamespaceClaimed, nil, time.Time{},
			"namespace so-tnmt is labelled datashare.lgsp.vn/agency=so-tnmt-typo, and no Agency so-tnmt-typo is registered (a mistyped label, or an agency deleted): the DIC must relabel so-tnmt datashare.lgsp.vn/agency=so-tnmt if it is so-tnmt's, or register agency so-tnmt-typo"},
		{"the label names it, whoever registered first", latecomer, namespace("so-tnmt", "so-tnmt-2"), []v1alpha1.FocalPoint{primary},
			true, v1alpha1.ReasonReady, []string{"p"}, at(3 * time.Hour), "p is the active primary"},
		{"the holder keeps it", holder, labelled, []v1alpha1.FocalPoint{primary},
			true, v1alpha1.ReasonReady, []string{"p"}, at(3 * time.Hour), "p is the active primary"},
		{"namespace missing", holder, nil, nil,
			false, v1alpha1.ReasonNamespaceNotFound, nil, time.Time{}, "namespace so-tnmt does not exist: the DIC must create it, labelled datashare.lgsp.vn/agency=so-tnmt"},
		{"namespace without the label", holder, namespace("so-tnmt", ""), []v1alpha1.FocalPoint{primary},
			false, v1alpha1.ReasonNamespaceNotLabelled, nil, time.Time{},
			"namespace so-tnmt does not say which agency it belongs to: the DIC must label it (kubectl label namespace so-tnmt datashare.lgsp.vn/agency=so-tnmt)"},
		{"no focal point", holder, labelled, nil,
			false, v1alpha1.ReasonNoFocalPoint, nil, time.Time{}, "must commit a FocalPoint with role Primary in namespace so-tnmt"},
		{"a deputy is not enough", holder, labelled, []v1alpha1.FocalPoint{deputy},
			false, v1alpha1.ReasonNoFocalPoint, []string{"d"}, time.Time{}, "no active primary"},
		{"a primary appointed from later", holder, labelled, []v1alpha1.FocalPoint{future, deputy},
			false, v1alpha1.ReasonNoFocalPoint, []string{"d"}, at(time.Hour), "no active primary"},
		{"primary and deputy", holder, labelled, []v1alpha1.FocalPoint{deputy, primary},
			true, v1alpha1.ReasonReady, []string{"p", "d"}, at(3 * time.Hour), ""},
		{"the earlier holder's primary counts for nothing", holder, labelled, []v1alpha1.FocalPoint{appointedFor(primary, "so-cu"), appointedFor(deputy, "so-tnmt")},
			false, v1alpha1.ReasonNoFocalPoint, []string{"d"}, time.Time{}, "FocalPoint(s) p (of agency so-cu) were appointed for the namespace's earlier holder and give agency so-tnmt nothing"},
		{"a primary outside the identity provider's prefix", holder, labelled, []v1alpha1.FocalPoint{withSubjects(primary, "lan@stnmt")},
			false, v1alpha1.ReasonFocalPointUnbound, []string{"p"}, at(3 * time.Hour), `the primary focal point p holds no rights: its subject(s) User lan@stnmt do not start with "oidc:"`},
		{"a primary naming a system group behind the prefix", holder, labelled, []v1alpha1.FocalPoint{withGroups(primary, "oidc:system:masters")},
			false, v1alpha1.ReasonFocalPointUnbound, []string{"p"}, at(3 * time.Hour), "its subject(s) Group oidc:system:masters name the cluster's own users or groups"},
		{"a primary inside the prefix", holder, labelled, []v1alpha1.FocalPoint{withSubjects(primary, "oidc:lan@stnmt")},
			true, v1alpha1.ReasonReady, []string{"p"}, at(3 * time.Hour), "p is the active primary"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prefix := ""
			if strings.Contains(tc.name, "prefix") {
				prefix = "oidc:"
			}
			d := DecideAgency(AgencyInputs{Agency: &tc.agency, Namespace: tc.namespace, FocalPoints: tc.fps, Now: t0,
				ClaimantUnregistered: strings.Contains(tc.name, "not registered"), SubjectPrefix: prefix})
			if d.Ready != tc.wantReady || d.Reason != tc.wantReason || !d.Next.Equal(tc.wantNext) ||
				strings.Join(d.FocalPoints, ",") != strings.Join(tc.wantNames, ",") {
				t.Fatalf("got ready=%v reason=%s next=%v names=%v; want %v %s %v %v",
					d.Ready, d.Reason, d.Next, d.FocalPoints, tc.wantReady, tc.wantReason, tc.wantNext, tc.wantNames)
			}
			if !strings.Contains(d.Message, tc.wantInMessage) {
				t.Errorf("message %q does not contain %q", d.Message, tc.wantInMessage)
			}
			if len(d.Conditions) != 2 || d.Conditions[0].Type != v1alpha1.ConditionReady || d.Conditions[0].Reason != tc.wantReason ||
				(d.Conditions[0].Status == metav1.ConditionTrue) != tc.wantReady || d.Conditions[1].Type != v1alpha1.ConditionEndorsementsKnown {
				t.Errorf("conditions %+v do not match the decision", d.Conditions)
			}
		})
	}
}

// TestNamespaceHolder: the holder is the claimant the namespace's label
// names; deleting and registering again changes nothing, and a namespace
// that does not exist, or has no label, has no holder.
func TestNamespaceHolder(t *testing.T) {
	a := agency("a", "ns", at(-time.Hour))
	b := agency("b", "ns", at(-2*time.Hour))
	reRegistered := agency("a", "ns", at(0))
	deleting := agency("a", "ns", at(-time.Hour))
	deleting.DeletionTimestamp = &metav1.Time{Time: t0}
	elsewhere := agency("a", "other", at(-time.Hour))
	cases := []struct {
		name      string
		claimants []v1alpha1.Agency
		ns        *metav1.PartialObjectMetadata
		want      string
	}{
		{"the labelled claimant, though registered later", []v1alpha1.Agency{b, a}, namespace("ns", "a"), "a"},
		{"the labelled claimant registered again", []v1alpha1.Agency{b, reRegistered}, namespace("ns", "a"), "a"},
		{"the labelled claimant being deleted", []v1alpha1.Agency{b, deleting}, namespace("ns", "a"), ""},
		{"no label", []v1alpha1.Agency{a, b}, namespace("ns", ""), ""},
		{"no namespace", []v1alpha1.Agency{a, b}, nil, ""},
		{"the label names an agency of another namespace", []v1alpha1.Agency{elsewhere}, namespace("ns", "a"), ""},
	}
	for _, tc := range cases {
		got := ""
		if h := NamespaceHolder(tc.claimants, tc.ns); h != nil {
			got = h.Name
		}
		if got != tc.want {
			t.Errorf("%s: holder %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCountAgreements(t *testing.T) {
	withState := func(reason string) v1alpha1.SharingAgreement {
		sa := v1alpha1.SharingAgreement{}
		if reason != "" {
			sa.Status.Conditions = []metav1.Condition{{Type: "Ready", Status: metav1.ConditionFalse, Reason: reason}}
		}
		return sa
	}
	got := CountAgreements([]v1alpha1.SharingAgreement{
		withState("Active"), withState("Active"), withState("Expired"), withState(""),
	})
	if got.Total != 4 || got.Active != 2 || got.ByState["Active"] != 2 || got.ByState["Expired"] != 1 || got.ByState["Reconciling"] != 1 {
		t.Fatalf("unexpected counts %+v", got)
	}
	if empty := CountAgreements(nil); empty.Total != 0 || empty.ByState != nil {
		t.Fatalf("no agreements must count nothing: %+v", empty)
	}
}

func TestCountReadyServices(t *testing.T) {
	ready := v1alpha1.DataService{Status: v1alpha1.DataServiceStatus{Conditions: []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Ready"}}}}
	notReady := v1alpha1.DataService{Status: v1alpha1.DataServiceStatus{Conditions: []metav1.Condition{{Type: "Ready", Status: metav1.ConditionFalse, Reason: "BackendNotFound"}}}}
	if n := CountReadyServices([]v1alpha1.DataService{ready, notReady, {}}); n != 1 {
		t.Fatalf("got %d ready, want 1", n)
	}
}

func TestUnknownEndorsements(t *testing.T) {
	a := &v1alpha1.Agency{Spec: v1alpha1.AgencySpec{Endorsements: []v1alpha1.Endorsement{
		{Service: "so-tnmt/dat-dai"}, {Service: "so-x/khong-co"},
	}}}
	got := UnknownEndorsements(a, map[string]bool{"so-tnmt/dat-dai": true})
	if strings.Join(got, ",") != "so-x/khong-co" {
		t.Fatalf("got %v", got)
	}
	if got := UnknownEndorsements(a, map[string]bool{"so-tnmt/dat-dai": true, "so-x/khong-co": true}); len(got) != 0 {
		t.Fatalf("every service exists: got %v", got)
	}
}

func TestRecordedHolder(t *testing.T) {
	withReason := func(name string, reason v1alpha1.ConditionReason) v1alpha1.Agency {
		a := agency(name, "so-tnmt", at(-time.Hour))
		if reason != "" {
			a.Status.Conditions = []metav1.Condition{{Type: string(v1alpha1.ConditionReady), Status: metav1.ConditionFalse, Reason: string(reason)}}
		}
		return a
	}
	for _, tc := range []struct {
		name      string
		claimants []v1alpha1.Agency
		want      string
	}{
		{"the claimant the operator found holding it", []v1alpha1.Agency{withReason("so-gia", v1alpha1.ReasonNamespaceClaimed), withReason("so-tnmt", v1alpha1.ReasonNoFocalPoint)}, "so-tnmt"},
		{"refused by the namespace's label", []v1alpha1.Agency{withReason("so-gia", v1alpha1.ReasonNamespaceNotLabelled)}, ""},
		{"not decided yet", []v1alpha1.Agency{withReason("so-moi", "")}, ""},
		{"nobody claims it", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if a := RecordedHolder(tc.claimants); a != nil {
				got = a.Name
			}
			if got != tc.want {
				t.Errorf("holder %q, want %q", got, tc.want)
			}
		})
	}
}

// RecordedHolders answers for every namespace as RecordedHolder does for
// one namespace's claimants.
func TestRecordedHoldersAgreesWithRecordedHolder(t *testing.T) {
	held := func(name, ns string, reason v1alpha1.ConditionReason) v1alpha1.Agency {
		a := agency(name, ns, at(-time.Hour))
		a.Status.Conditions = []metav1.Condition{{Type: string(v1alpha1.ConditionReady), Status: metav1.ConditionFalse, Reason: string(reason)}}
		return a
	}
	agencies := []v1alpha1.Agency{
		held("so-gia", "so-tnmt", v1alpha1.ReasonNamespaceClaimed), held("so-tnmt", "so-tnmt", v1alpha1.ReasonNoFocalPoint),
		held("so-yte", "so-yte", v1alpha1.ReasonReady), held("so-moi", "so-moi", v1alpha1.ReasonNamespaceNotLabelled),
	}
	holders := RecordedHolders(agencies)
	for _, ns := range []string{"so-tnmt", "so-yte", "so-moi", "khong-co"} {
		var claims []v1alpha1.Agency
		for _, a := range agencies {
			if string(a.Spec.Namespace) == ns {
				claims = append(claims, a)
			}
		}
		want, got := RecordedHolder(claims), holders[ns]
		if (want == nil) != (got == nil) || (want != nil && want.Name != got.Name) {
			t.Errorf("namespace %s: holders says %v, RecordedHolder %v", ns, got, want)
		}
	}
	if len(holders) != 2 || holders["so-tnmt"].Name != "so-tnmt" {
		t.Errorf("holders %v", holders)
	}
}

func withGroups(fp v1alpha1.FocalPoint, groups ...string) v1alpha1.FocalPoint {
	fp = withSubjects(fp)
	for _, g := range groups {
		fp.Spec.Subjects = append(fp.Spec.Subjects, v1alpha1.Subject{Kind: v1alpha1.SubjectGroup, Name: g})
	}
	return fp
}

func appointedFor(fp v1alpha1.FocalPoint, agency string) v1alpha1.FocalPoint {
	fp = *fp.DeepCopy()
	fp.Status.Agency = agency
	return fp
}

// TestHolderAsSeen: a reader who may read namespaces goes by the label; one
// who may not (a focal point through the plugin) by what the operator
// recorded, even when the label has moved on since.
func TestHolderAsSeen(t *testing.T) {
	recorded := agency("so-cu", "so-tnmt", at(-2*time.Hour))
	recorded.Status.Conditions = []metav1.Condition{{Type: string(v1alpha1.ConditionReady), Status: metav1.ConditionTrue, Reason: string(v1alpha1.ReasonReady)}}
	labelled := agency("so-moi", "so-tnmt", at(-time.Hour))
	claimants := []v1alpha1.Agency{recorded, labelled}
	ns := namespace("so-tnmt", "so-moi")
	for _, tc := range []struct {
		readable bool
		want     string
	}{{true, "so-moi"}, {false, "so-cu"}} {
		if got := HolderAsSeen(claimants, ns, tc.readable); got == nil || got.Name != tc.want {
			t.Errorf("namespace readable %v: holder %v, want %s", tc.readable, got, tc.want)
		}
	}
}
