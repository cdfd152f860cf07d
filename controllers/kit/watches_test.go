package kit

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestWatchesPassOnlyWhatTheirControllerReads(t *testing.T) {
	ready := func(status metav1.ConditionStatus, reason, msg string) []metav1.Condition {
		return []metav1.Condition{{Type: string(v1alpha1.ConditionReady), Status: status, Reason: reason, Message: msg}}
	}
	deleting := func(o client.Object) { o.SetDeletionTimestamp(&metav1.Time{}) }

	agency := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-yte", Generation: 1}}
	agency.Status.Conditions = ready(metav1.ConditionTrue, "Ready", "focal point a")
	notReadyAgency := agency.DeepCopy()
	notReadyAgency.Status.Conditions = ready(metav1.ConditionFalse, "NoFocalPoint", "appoint one")

	published := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Name: "ho-so", Namespace: "so-yte", Generation: 1}}
	published.Status.URL = "https://lgsp/so-yte/ho-so"
	published.Status.Conditions = append(ready(metav1.ConditionTrue, "Published", "live"),
		metav1.Condition{Type: string(v1alpha1.ConditionAccepted), Status: metav1.ConditionTrue, Reason: "Accepted"})
	unpublished := published.DeepCopy()
	unpublished.Status.Conditions = append(ready(metav1.ConditionFalse, "AgencyNotReady", "agency so-yte is not Ready"),
		metav1.Condition{Type: string(v1alpha1.ConditionAccepted), Status: metav1.ConditionFalse, Reason: "AgencyNotReady", Message: "agency so-yte is not Ready"})
	unreachable := metav1.Condition{Type: string(v1alpha1.ConditionReachable), Status: metav1.ConditionFalse, Reason: "GatewayNotFound", Message: "no Gateway"}

	agreement := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: "tt-1", Namespace: "so-tc", Generation: 1}}
	agreement.Status.Conditions = ready(metav1.ConditionFalse, "ServiceNotReady", "wait")

	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "k", Namespace: "so-yte",
		Labels: map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator}}, Data: map[string][]byte{"c": []byte("key")}}

	type change struct {
		name   string
		old    client.Object
		edit   func(client.Object)
		passes bool
	}
	cases := []struct {
		watch   string
		pred    predicate.Funcs
		changes []change
	}{
		{"an Agency, for agreements and focal points", viewChanged(SpecView), []change{
			{"its counts", agency, func(o client.Object) { o.(*v1alpha1.Agency).Status.ServicesReady = 7 }, false},
			{"its Ready condition", agency, func(o client.Object) { o.(*v1alpha1.Agency).Status.Conditions = nil }, false},
			{"its spec", agency, func(o client.Object) { o.SetGeneration(2) }, true},
			{"its deletion", agency, deleting, true},
		}},
		{"an Agency, for data services", viewChanged(AgencyForServices), []change{
			{"its counts", agency, func(o client.Object) { o.(*v1alpha1.Agency).Status.AgreementsProvided.Total = 9 }, false},
			{"the message of a True Ready", agency, func(o client.Object) { o.(*v1alpha1.Agency).Status.Conditions[0].Message = "focal point b" }, false},
			{"Ready turning False", agency, func(o client.Object) {
				o.(*v1alpha1.Agency).Status.Conditions = ready(metav1.ConditionFalse, "NoFocalPoint", "appoint one")
			}, true},
			{"why it is not Ready", notReadyAgency, func(o client.Object) { o.(*v1alpha1.Agency).Status.Conditions[0].Message = "namespace gone" }, true},
			{"its spec (appraisals)", agency, func(o client.Object) { o.SetGeneration(2) }, true},
		}},
		{"a DataService, for agreements", viewChanged(ServiceForAgreements), []change{
			{"its live count", published, func(o client.Object) { o.(*v1alpha1.DataService).Status.LiveAgreements = 3 }, false},
			{"the message of a True Ready", published, func(o client.Object) { o.(*v1alpha1.DataService).Status.Conditions[0].Message = "3 live" }, false},
			{"its URL", published, func(o client.Object) { o.(*v1alpha1.DataService).Status.URL = "https://lgsp/x" }, true},
			{"being withdrawn", published, func(o client.Object) {
				o.(*v1alpha1.DataService).Status.Conditions = unpublished.Status.Conditions
			}, true},
			{"why it is not offered", unpublished, func(o client.Object) { o.(*v1alpha1.DataService).Status.Conditions[1].Message = "no focal point" }, true},
			{"its reachability", published, func(o client.Object) {
				o.(*v1alpha1.DataService).Status.Conditions = append(o.(*v1alpha1.DataService).Status.Conditions, unreachable)
			}, true},
			{"its spec (consumers)", published, func(o client.Object) { o.SetGeneration(2) }, true},
		}},
		{"a DataService, for its agency's counts", viewChanged(ServiceForAgency), []change{
			{"its live count", published, func(o client.Object) { o.(*v1alpha1.DataService).Status.LiveAgreements = 3 }, false},
			{"Ready turning False", published, func(o client.Object) { o.(*v1alpha1.DataService).Status.Conditions = unpublished.Status.Conditions }, true},
		}},
		{"a SharingAgreement, for its agencies' counts", viewChanged(AgreementForAgency), []change{
			{"its credential status", agreement, func(o client.Object) { o.(*v1alpha1.SharingAgreement).Status.Credential.SecretName = "s" }, false},
			{"its message", agreement, func(o client.Object) { o.(*v1alpha1.SharingAgreement).Status.Conditions[0].Message = "still waiting" }, false},
			{"its state", agreement, func(o client.Object) {
				o.(*v1alpha1.SharingAgreement).Status.Conditions = ready(metav1.ConditionTrue, "Active", "live")
			}, true},
			{"its deletion", agreement, deleting, true},
		}},
		{"an issued Secret, for the Role and the policy", viewChanged(SecretByName), []change{
			{"its retirement annotation", secret, func(o client.Object) { o.SetAnnotations(map[string]string{v1alpha1.AnnotationExpiresAt: "soon"}) }, false},
			{"its data", secret, func(o client.Object) { o.(*corev1.Secret).Data = map[string][]byte{"api-key": []byte("x")} }, false},
			{"its labels", secret, func(o client.Object) { o.SetLabels(map[string]string{v1alpha1.LabelManagedBy: "someone"}) }, true},
			{"its deletion", secret, deleting, true},
		}},
		{"a key Secret, for the policy that lists it", viewChanged(KeySecret), []change{
			{"its retirement annotation", secret, func(o client.Object) { o.SetAnnotations(map[string]string{v1alpha1.AnnotationExpiresAt: "soon"}) }, false},
			{"its key, for another valid one", secret, func(o client.Object) { o.(*corev1.Secret).Data = map[string][]byte{"c": []byte("other")} }, false},
			{"its key emptied", secret, func(o client.Object) { o.(*corev1.Secret).Data = nil }, true},
			{"its labels", secret, func(o client.Object) { o.SetLabels(map[string]string{v1alpha1.LabelManagedBy: "someone"}) }, true},
			{"its deletion", secret, deleting, true},
		}},
		{"a SharingAgreement, for its service's policy", viewChanged(RecordedKeys), []change{
			{"its state", agreement, func(o client.Object) {
				o.(*v1alpha1.SharingAgreement).Status.Conditions = ready(metav1.ConditionTrue, "Active", "live")
			}, false},
			{"its recorded keys", agreement, func(o client.Object) { o.(*v1alpha1.SharingAgreement).Status.Credential.KeyIDs = []string{"a1"} }, true},
		}},
	}
	for _, tc := range cases {
		for _, ch := range tc.changes {
			after := ch.old.DeepCopyObject().(client.Object)
			ch.edit(after)
			if got := tc.pred.Update(event.UpdateEvent{ObjectOld: ch.old, ObjectNew: after}); got != ch.passes {
				t.Errorf("%s: a change of %s passes = %v, want %v", tc.watch, ch.name, got, ch.passes)
			}
		}
		if !tc.pred.Create(event.CreateEvent{Object: agency}) || !tc.pred.Delete(event.DeleteEvent{Object: agency}) {
			t.Errorf("%s: creations and deletions must always pass", tc.watch)
		}
	}
}

func TestOwnKindPassesEverythingButTheStatusEcho(t *testing.T) {
	sa := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: "tt-1", Namespace: "so-tc", Generation: 1, ResourceVersion: "10",
		Finalizers: []string{"datashare.lgsp.vn/gateway-keys"}}} // an older operator's
	cases := []struct {
		name   string
		edit   func(*v1alpha1.SharingAgreement)
		passes bool
	}{
		{"the status it wrote", func(o *v1alpha1.SharingAgreement) {
			o.ResourceVersion = "11"
			o.Status.Conditions = []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Active"}}
		}, false},
		{"an older operator's finalizer, removed", func(o *v1alpha1.SharingAgreement) {
			o.ResourceVersion = "11"
			o.Finalizers = nil
		}, false},
		{"the spec", func(o *v1alpha1.SharingAgreement) { o.ResourceVersion, o.Generation = "11", 2 }, true},
		{"the start of its deletion (the generation moves)", func(o *v1alpha1.SharingAgreement) {
			o.ResourceVersion, o.Generation, o.DeletionTimestamp = "11", 2, &metav1.Time{}
		}, true},
		{"a rotation asked by annotation", func(o *v1alpha1.SharingAgreement) {
			o.ResourceVersion = "11"
			o.Annotations = map[string]string{v1alpha1.AnnotationRotateKey: "2026-11-27T09:00:00Z"}
		}, true},
		{"its labels", func(o *v1alpha1.SharingAgreement) { o.ResourceVersion, o.Labels = "11", map[string]string{"team": "a"} }, true},
		{"a resync (the same object again)", func(*v1alpha1.SharingAgreement) {}, true},
	}
	for _, tc := range cases {
		after := sa.DeepCopy()
		tc.edit(after)
		if got := ownChangesPredicate.Update(event.UpdateEvent{ObjectOld: sa, ObjectNew: after}); got != tc.passes {
			t.Errorf("a change of %s passes = %v, want %v", tc.name, got, tc.passes)
		}
	}
	if !ownChangesPredicate.Create(event.CreateEvent{Object: sa}) || !ownChangesPredicate.Delete(event.DeleteEvent{Object: sa}) {
		t.Error("creations and deletions must pass")
	}
}
