package intern

import (
	"fmt"
	goruntime "runtime"
	"runtime/debug"
	"testing"
	"time"
	"unsafe"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

// world is what the cache holds for n agreements, over n/10 services and
// n/100 agencies, as the scale benchmark's world: each agreement, its
// consumer Secret and its gateway key, with the statuses the operator
// writes.
func world(n int) []any {
	issued := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	var objs []any
	for g := range n {
		consumer, provider, service := fmt.Sprintf("ag-%d", g%(n/100)), fmt.Sprintf("ag-%d", (g+1)%(n/100)), fmt.Sprintf("dv-%d", g%(n/10))
		sa := &v1alpha1.SharingAgreement{
			TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "SharingAgreement"},
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("tt-%d", g), Namespace: consumer, UID: types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", g)), Generation: 1},
			Spec: v1alpha1.SharingAgreementSpec{Service: v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(provider), Name: v1alpha1.ObjectName(service)},
				Purpose: "Khai thác", LegalBasis: "NĐ 47/2020"},
		}
		at := metav1.NewTime(issued.Add(time.Duration(g) * 10 * time.Millisecond))
		id := fmt.Sprintf("%08x", g)
		sa.Status = v1alpha1.SharingAgreementStatus{ObservedGeneration: 1, ConsumerAgency: consumer, ProviderAgency: provider,
			Endpoint: "https://lgsp.example.gov.vn/" + provider + "/" + service + "/v1",
			Conditions: []metav1.Condition{
				{Type: "Ready", Status: "True", ObservedGeneration: 1, LastTransitionTime: at, Reason: "Active",
					Message: fmt.Sprintf("agency %s uses DataService %s/%s of agency %s with every consent in place", consumer, provider, service, provider)},
				{Type: "Stalled", Status: "False", ObservedGeneration: 1, LastTransitionTime: at, Reason: "Ready", Message: "the object is Ready"},
				{Type: "CredentialIssued", Status: "True", ObservedGeneration: 1, LastTransitionTime: at, Reason: "Issued",
					Message: fmt.Sprintf("key %s is in Secret datashare-%s, issued at %s", id, sa.Name, at.UTC().Format(time.RFC3339))},
				{Type: "ServiceReachable", Status: "Unknown", ObservedGeneration: 1, LastTransitionTime: at, Reason: "WaitingForGateway",
					Message: "the gateway has not reported on route datashare-" + service + " yet"},
				{Type: "ResponseOverdue", Status: "False", ObservedGeneration: 1, LastTransitionTime: at, Reason: "NoRequest",
					Message: "the agreement has not waited for anyone's answer"},
			},
			Credential: v1alpha1.CredentialStatus{SecretName: "datashare-" + sa.Name, IssuedAt: &at, NextRotationAt: &at, KeyIDs: []string{id}},
		}
		key := fmt.Sprintf("%043d", g)
		objs = append(objs, sa,
			render.ConsumerSecret(sa, render.ConsumerCredential{ConsumerAgency: consumer, Key: key, KeyID: id, IssuedAt: at.Time, Endpoint: sa.Status.Endpoint}),
			render.GatewayKeySecret(sa, consumer, key, id))
	}
	return objs
}

// decoded encodes each object and decodes it again as the cache's
// informers do: Secrets from protobuf, this API's objects from JSON.
func decoded(t testing.TB, objs []any) []any {
	t.Helper()
	s := scheme.New()
	pb := protobuf.NewSerializer(s, s)
	js := json.NewSerializerWithOptions(json.DefaultMetaFactory, s, s, json.SerializerOptions{})
	out := make([]any, len(objs))
	for i, o := range objs {
		var codec runtime.Serializer = js
		if _, secret := o.(*corev1.Secret); secret {
			codec = pb
		}
		data, err := runtime.Encode(codec, o.(runtime.Object))
		if err == nil {
			out[i], _, err = codec.Decode(data, nil, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestObjectKeepsEveryValue(t *testing.T) {
	objs := decoded(t, world(200))
	for _, o := range objs {
		before := o.(runtime.Object).DeepCopyObject()
		Object(o)
		if !equality.Semantic.DeepEqual(before, o) {
			t.Fatalf("%T changed:\n%+v\n%+v", o, before, o)
		}
	}
}

func TestObjectSharesWhatObjectsRepeat(t *testing.T) {
	// A canonical string lives in the unique package's map only while a
	// handle to it does: a collection between two objects lets the second
	// get a copy of its own (interning is best effort across collections).
	// The test asks what one pass shares, so no collection runs during it.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	objs := decoded(t, world(200))
	for _, o := range objs {
		Object(o)
	}
	same := func(what string, a, b string) {
		t.Helper()
		if a != b {
			t.Fatalf("%s: %q and %q differ", what, a, b)
		}
		if unsafe.StringData(a) != unsafe.StringData(b) {
			t.Errorf("%s: %q is held twice", what, a)
		}
	}
	// Agreements 0 and 100 are of the same consumer, provider and service.
	sa0, sa100 := objs[0].(*v1alpha1.SharingAgreement), objs[300].(*v1alpha1.SharingAgreement)
	same("namespace", sa0.Namespace, sa100.Namespace)
	same("service", string(sa0.Spec.Service.Name), string(sa100.Spec.Service.Name))
	same("endpoint", sa0.Status.Endpoint, sa100.Status.Endpoint)
	for i, c := range sa0.Status.Conditions {
		same("condition type", c.Type, sa100.Status.Conditions[i].Type)
		same("condition reason", c.Reason, sa100.Status.Conditions[i].Reason)
	}
	same("Stalled message", sa0.Status.Conditions[1].Message, sa100.Status.Conditions[1].Message)
	consumer0, consumer100 := objs[1].(*corev1.Secret), objs[301].(*corev1.Secret)
	gateway0 := objs[2].(*corev1.Secret)
	for k, v := range consumer0.Labels {
		for k2, v2 := range gateway0.Labels {
			if k == k2 {
				same("label key", k, k2)
				if sharedLabelValues[k] && v == v2 {
					same("value of "+k, v, v2)
				}
			}
		}
		if sharedLabelValues[k] {
			same("value of "+k, v, consumer100.Labels[k])
		}
	}
	for k := range consumer0.Data {
		found := false
		for k2 := range consumer100.Data {
			if k == k2 {
				same("data key", k, k2)
				found = true
			}
		}
		if !found {
			t.Errorf("data key %s missing", k)
		}
	}
	for k := range consumer0.Annotations {
		for k2 := range consumer100.Annotations {
			same("annotation key", k, k2)
		}
	}
	same("owner kind", consumer0.OwnerReferences[0].Kind, consumer100.OwnerReferences[0].Kind)
}

// BenchmarkCachedObjects measures the heap that decoded agreements, their
// consumer Secrets and their gateway keys hold, with and without sharing
// their repeated strings: B/object is the live heap per object after a
// collection.
func BenchmarkCachedObjects(b *testing.B) {
	const n = 10000
	src := world(n)
	for _, shared := range []bool{false, true} {
		b.Run(fmt.Sprintf("shared=%t", shared), func(b *testing.B) {
			var perObject float64
			for b.Loop() {
				var before, after goruntime.MemStats
				goruntime.GC()
				goruntime.ReadMemStats(&before)
				objs := decoded(b, src)
				if shared {
					for _, o := range objs {
						Object(o)
					}
				}
				goruntime.GC()
				goruntime.ReadMemStats(&after)
				perObject = float64(after.HeapAlloc-before.HeapAlloc) / float64(len(objs))
				goruntime.KeepAlive(objs)
			}
			b.ReportMetric(perObject, "B/object")
		})
	}
}
