package controllers

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// TestAgencyBecomesReadyStepByStep walks an agency through each not-Ready
// reason to Ready, and checks that it recovers on its own as each cause is
// fixed.
func TestAgencyBecomesReadyStepByStep(t *testing.T) {
	agency := newAgency(t, "so-gtvt", "so-gtvt", v1alpha1.LevelDepartment)

	c := waitForReason(t, agency, metav1.ConditionFalse, v1alpha1.ReasonNamespaceNotFound)
	if !strings.Contains(c.Message, "namespace so-gtvt does not exist: the DIC must create it") {
		t.Errorf("message: %q", c.Message)
	}

	create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "so-gtvt"}})
	c = waitForReason(t, agency, metav1.ConditionFalse, v1alpha1.ReasonNamespaceNotLabelled)
	if !strings.Contains(c.Message, "the DIC must label it (kubectl label namespace so-gtvt datashare.lgsp.vn/agency=so-gtvt)") {
		t.Errorf("message: %q", c.Message)
	}

	labelNamespace(t, "so-gtvt", "so-gtvt")
	c = waitForReason(t, agency, metav1.ConditionFalse, v1alpha1.ReasonNoFocalPoint)
	if !strings.Contains(c.Message, "must commit a FocalPoint with role Primary in namespace so-gtvt") {
		t.Errorf("message: %q", c.Message)
	}

	newFocalPoint(t, "so-gtvt", "pho-phong", v1alpha1.RoleDeputy, appointment{}, "pho-phong@sgtvt")
	waitForReason(t, agency, metav1.ConditionFalse, v1alpha1.ReasonNoFocalPoint)

	newFocalPoint(t, "so-gtvt", "truong-phong", v1alpha1.RolePrimary, appointment{}, "truong-phong@sgtvt")
	waitForReason(t, agency, metav1.ConditionTrue, v1alpha1.ReasonReady)
	if got := strings.Join(agency.Status.FocalPoints, ","); got != "truong-phong,pho-phong" {
		t.Errorf("status.focalPoints = %q, want the primary first", got)
	}

	eventually(t, 10*time.Second, "an Event says the agency became Ready", func() error {
		return findEvent(agency, "BecameReady", string(v1alpha1.ReasonReady))
	})
}

// TestNamespaceBelongsToTheAgencyItsLabelNames: two agencies name one
// namespace; the namespace's label, the DIC's word, decides. Deleting and
// registering the holder again — what the immutability message on
// spec.namespace advises — gives the namespace back to it, never to the
// other claimant, and the other is told whose it is. Relabelling hands the
// namespace over, but not its focal points.
func TestNamespaceBelongsToTheAgencyItsLabelNames(t *testing.T) {
	create(t, namespaceObject("ubnd-vinh-chau"))
	labelNamespace(t, "ubnd-vinh-chau", "ubnd-tx-vinh-chau")
	newFocalPoint(t, "ubnd-vinh-chau", "chanh-van-phong", v1alpha1.RolePrimary, appointment{}, "cvp@vinhchau")
	// The other claimant is registered first: registration order decides
	// nothing.
	second := newAgency(t, "ubnd-vinh-chau-trung-lap", "ubnd-vinh-chau", v1alpha1.LevelDistrict)
	first := newAgency(t, "ubnd-tx-vinh-chau", "ubnd-vinh-chau", v1alpha1.LevelDistrict)

	waitForReason(t, first, metav1.ConditionTrue, v1alpha1.ReasonReady)
	claimed := "namespace ubnd-vinh-chau belongs to agency ubnd-tx-vinh-chau by its label datashare.lgsp.vn/agency=ubnd-tx-vinh-chau: " +
		"the DIC must give agency ubnd-vinh-chau-trung-lap a namespace of its own, or relabel ubnd-vinh-chau if it is ubnd-vinh-chau-trung-lap's"
	c := waitForReason(t, second, metav1.ConditionFalse, v1alpha1.ReasonNamespaceClaimed)
	if c.Message != claimed {
		t.Errorf("message: %q", c.Message)
	}
	if len(second.Status.FocalPoints) != 0 {
		t.Errorf("an agency that does not hold its namespace lists no focal points, got %v", second.Status.FocalPoints)
	}

	// The DIC deletes the holder and registers it again. The deletion wakes
	// the holder and the other claimant: once both are reconciled, the
	// other claimant has not been given the namespace.
	reconciled := reconcileCount(t, "agency")
	if err := k8s.Delete(ctx, first); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the holder is gone and both claimants are reconciled", func() error {
		if exists(t, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: first.Name}}) {
			return errorf("still there")
		}
		if n := reconcileCount(t, "agency") - reconciled; n < 2 {
			return errorf("%v agency reconciles since the deletion", n)
		}
		return nil
	})
	if c, _ := conditionOf(t, second, v1alpha1.ConditionReady); c == nil || c.Reason != string(v1alpha1.ReasonNamespaceClaimed) {
		t.Fatalf("the other claimant took the namespace while its holder was away: %+v", c)
	}
	// Meanwhile the label names an agency the register does not hold, and
	// the other claimant is told so.
	ghost := "namespace ubnd-vinh-chau is labelled datashare.lgsp.vn/agency=ubnd-tx-vinh-chau, and no Agency ubnd-tx-vinh-chau is registered"
	messageBecomes := func(want string) {
		t.Helper()
		eventually(t, 10*time.Second, "the other claimant's message says "+want, func() error {
			c, err := conditionOf(t, second, v1alpha1.ConditionReady)
			if err != nil || c == nil || c.Reason != string(v1alpha1.ReasonNamespaceClaimed) || !strings.HasPrefix(c.Message, want) {
				return errorf("%+v %v", c, err)
			}
			return nil
		})
	}
	messageBecomes(ghost)
	again := newAgency(t, "ubnd-tx-vinh-chau", "ubnd-vinh-chau", v1alpha1.LevelDistrict)
	waitForReason(t, again, metav1.ConditionTrue, v1alpha1.ReasonReady)
	messageBecomes(claimed)

	// The DIC relabels the namespace: it changes hands, both ways told. The
	// focal point stays the earlier holder's: the newcomer must appoint its
	// own (TestANewHolderInheritsNoFocalPoint).
	labelNamespace(t, "ubnd-vinh-chau", "ubnd-vinh-chau-trung-lap")
	waitForReason(t, second, metav1.ConditionFalse, v1alpha1.ReasonNoFocalPoint)
	waitForReason(t, again, metav1.ConditionFalse, v1alpha1.ReasonNamespaceClaimed)
}

// TestAgencyCountsFollowServicesAndAgreements checks that the counts change
// as services and agreements come and go, through watches.
func TestAgencyCountsFollowServicesAndAgreements(t *testing.T) {
	newNamespace(t, "so-ct")
	newNamespace(t, "so-nv")
	provider := newAgency(t, "so-ct", "so-ct", v1alpha1.LevelDepartment)
	consumer := newAgency(t, "so-nv", "so-nv", v1alpha1.LevelDepartment)
	newFocalPoint(t, "so-ct", "dau-moi", v1alpha1.RolePrimary, appointment{}, "dm@sct")
	newFocalPoint(t, "so-nv", "dau-moi", v1alpha1.RolePrimary, appointment{}, "dm@snv")
	waitForReason(t, provider, metav1.ConditionTrue, v1alpha1.ReasonReady)
	waitForReason(t, consumer, metav1.ConditionTrue, v1alpha1.ReasonReady)

	svc := &v1alpha1.DataService{
		ObjectMeta: metav1.ObjectMeta{Name: "gia-ca", Namespace: "so-ct"},
		Spec: v1alpha1.DataServiceSpec{
			Title: "Giá cả thị trường", Description: "Giá cả hàng hóa", Version: "v1",
			Classification: v1alpha1.ClassificationShared,
			Backend:        v1alpha1.Backend{ServiceName: "gia-ca", Port: 8080},
			Access:         v1alpha1.Access{Audience: v1alpha1.AudienceProvince},
		},
	}
	create(t, svc)
	agreement := &v1alpha1.SharingAgreement{
		ObjectMeta: metav1.ObjectMeta{Name: "gia-ca", Namespace: "so-nv"},
		Spec: v1alpha1.SharingAgreementSpec{
			Service: v1alpha1.ServiceReference{Namespace: "so-ct", Name: "gia-ca"},
			Purpose: "Thẩm định giá", LegalBasis: "Nghị định 47/2020/NĐ-CP",
		},
	}
	create(t, agreement)

	eventuallyAfter(t, operatorClock, kit.SummaryDelay, "the provider counts one service and one agreement provided", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(provider), provider); err != nil {
			return err
		}
		s := provider.Status
		if s.ServicesProvided != 1 || s.AgreementsProvided.Total != 1 || s.AgreementsConsumed.Total != 0 {
			return errorf("provider status %+v", s)
		}
		return nil
	})
	eventuallyAfter(t, operatorClock, kit.SummaryDelay, "the consumer counts one agreement consumed", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(consumer), consumer); err != nil {
			return err
		}
		s := consumer.Status
		if s.ServicesProvided != 0 || s.AgreementsConsumed.Total != 1 || s.AgreementsProvided.Total != 0 {
			return errorf("consumer status %+v", s)
		}
		return nil
	})

	if err := k8s.Delete(ctx, agreement); err != nil {
		t.Fatal(err)
	}
	eventuallyAfter(t, operatorClock, kit.SummaryDelay, "the counts drop when the agreement goes", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(provider), provider); err != nil {
			return err
		}
		if provider.Status.AgreementsProvided.Total != 0 {
			return errorf("provider still counts %d", provider.Status.AgreementsProvided.Total)
		}
		return nil
	})
}

// findEvent looks for an events.k8s.io Event about obj with the action and
// reason.
func findEvent(obj client.Object, action, reason string) error {
	list := &eventsv1.EventList{}
	ns := obj.GetNamespace()
	if ns == "" {
		ns = corev1.NamespaceDefault
	}
	if err := k8s.List(ctx, list, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, e := range list.Items {
		if e.Regarding.Name == obj.GetName() && e.Action == action && e.Reason == reason {
			return nil
		}
	}
	return errorf("no %s/%s Event for %s among %d", action, reason, obj.GetName(), len(list.Items))
}

// waitQuiet waits until no new Event has appeared in a namespace for a
// second: the operator's Events are sent in the background.
func waitQuiet(t *testing.T, ns string) {
	t.Helper()
	last, stable := -1, 0
	eventually(t, 20*time.Second, "the Events in "+ns+" settle", func() error {
		list := &eventsv1.EventList{}
		if err := k8s.List(ctx, list, client.InNamespace(ns)); err != nil {
			return err
		}
		if len(list.Items) == last {
			stable++
		} else {
			last, stable = len(list.Items), 0
		}
		if stable < 20 { // 20 × 50 ms
			return errorf("%d Events, still arriving", last)
		}
		return nil
	})
}

// TestAnEndorsementOfAnUnknownServiceIsReported: kept, reported, and
// cleared when the service is published.
func TestAnEndorsementOfAnUnknownServiceIsReported(t *testing.T) {
	outsider, _ := consumerAgency(t, "bo-chua-ro", v1alpha1.LevelCentral,
		v1alpha1.Endorsement{Service: "so-chua-co/du-lieu-moi", DocumentRef: "CV DIC 9"})
	var c *metav1.Condition
	eventually(t, 10*time.Second, "the unknown service is reported", func() error {
		var err error
		if c, err = conditionOf(t, outsider, v1alpha1.ConditionEndorsementsKnown); err != nil {
			return err
		}
		if c.Status != metav1.ConditionFalse || c.Reason != string(v1alpha1.ReasonUnknownService) {
			return errorf("%s/%s", c.Status, c.Reason)
		}
		return nil
	})
	if !strings.Contains(c.Message, "spec.endorsements names so-chua-co/du-lieu-moi, which no DataService is") {
		t.Errorf("message: %q", c.Message)
	}
	if c, _ := conditionOf(t, outsider, v1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("an unknown endorsed service must not block Ready: %+v", c)
	}
	publishedService(t, "so-chua-co", "du-lieu-moi", v1alpha1.AudienceProvince)
	eventually(t, 10*time.Second, "the report clears once the service exists", func() error {
		c, err := conditionOf(t, outsider, v1alpha1.ConditionEndorsementsKnown)
		if err != nil {
			return err
		}
		if c.Status != metav1.ConditionTrue {
			return errorf("%s/%s", c.Status, c.Reason)
		}
		return nil
	})
}

// TestANewHolderInheritsNoFocalPoint: an agency deleted, another registered
// for its namespace and the namespace relabelled: the newcomer is not Ready
// through the earlier agency's focal point, which loses its rights, and
// becomes Ready with a focal point of its own.
func TestANewHolderInheritsNoFocalPoint(t *testing.T) {
	newNamespace(t, "so-cu")
	labelNamespace(t, "so-cu", "so-cu")
	earlier := newAgency(t, "so-cu", "so-cu", v1alpha1.LevelDepartment)
	fp := newFocalPoint(t, "so-cu", "dau-moi-cu", v1alpha1.RolePrimary, appointment{}, "an@so-cu")
	waitForReason(t, earlier, metav1.ConditionTrue, v1alpha1.ReasonReady)
	waitForReason(t, fp, metav1.ConditionTrue, v1alpha1.ReasonReady)

	if err := k8s.Delete(ctx, earlier); err != nil {
		t.Fatal(err)
	}
	newcomer := newAgency(t, "so-moi", "so-cu", v1alpha1.LevelDepartment)
	labelNamespace(t, "so-cu", "so-moi")

	c := waitForReason(t, newcomer, metav1.ConditionFalse, v1alpha1.ReasonNoFocalPoint)
	if !strings.Contains(c.Message, "FocalPoint(s) dau-moi-cu (of agency so-cu) were appointed for the namespace's earlier holder") {
		t.Errorf("the newcomer's message does not name the earlier holder's focal point: %q", c.Message)
	}
	c = waitForReason(t, fp, metav1.ConditionFalse, v1alpha1.ReasonEarlierAgency)
	if !strings.Contains(c.Message, "agency so-moi must appoint focal points of its own") {
		t.Errorf("the earlier focal point's message: %q", c.Message)
	}
	eventually(t, 10*time.Second, "the earlier focal point's bindings are removed", func() error {
		if exists(t, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "so-cu", Name: render.FocalPointBindingName(fp)}}) {
			return errorf("RoleBinding %s is still there", render.FocalPointBindingName(fp))
		}
		return nil
	})

	own := newFocalPoint(t, "so-cu", "dau-moi-moi", v1alpha1.RolePrimary, appointment{}, "binh@so-moi")
	waitForReason(t, newcomer, metav1.ConditionTrue, v1alpha1.ReasonReady)
	waitForReason(t, own, metav1.ConditionTrue, v1alpha1.ReasonReady)
	if got := strings.Join(newcomer.Status.FocalPoints, ","); got != "dau-moi-moi" {
		t.Errorf("status.focalPoints = %q, want only the newcomer's own", got)
	}
}
