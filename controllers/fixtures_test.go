package controllers

import (
	"context"
	"fmt"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

var ctx = context.Background()

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8s.Create(ctx, obj); err != nil {
		t.Fatalf("create %T %s: %v", obj, obj.GetName(), err)
	}
}

// namespaceObject is a namespace labelled, as the DIC labels it, for the
// agency of the same name.
func namespaceObject(name string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{v1alpha1.LabelAgency: name}}}
}

// labelNamespace says, as the DIC would, that namespace ns belongs to
// agency.
func labelNamespace(t *testing.T, ns, agency string) {
	t.Helper()
	update(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, func(n *corev1.Namespace) {
		if n.Labels == nil {
			n.Labels = map[string]string{}
		}
		n.Labels[v1alpha1.LabelAgency] = agency
	})
}

func newNamespace(t *testing.T, name string) {
	t.Helper()
	create(t, namespaceObject(name))
}

func newAgency(t *testing.T, name, ns string, level v1alpha1.AgencyLevel) *v1alpha1.Agency {
	t.Helper()
	a := &v1alpha1.Agency{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.AgencySpec{
			DisplayName: "Cơ quan " + name,
			Level:       level,
			Namespace:   v1alpha1.ObjectName(ns),
		},
	}
	create(t, a)
	return a
}

// appointment is a validity window; zero times are left open.
type appointment struct{ from, until time.Time }

func newFocalPoint(t *testing.T, ns, name string, role v1alpha1.FocalPointRole, w appointment, users ...string) *v1alpha1.FocalPoint {
	t.Helper()
	fp := focalPointObject(ns, name, role, w, users...)
	create(t, fp)
	return fp
}

// focalPointObject is a focal point appointed in window w; a zero start
// means yesterday.
func focalPointObject(ns, name string, role v1alpha1.FocalPointRole, w appointment, users ...string) *v1alpha1.FocalPoint {
	from := w.from
	if from.IsZero() {
		from = operatorClock.Now().Add(-24 * time.Hour)
	}
	fp := &v1alpha1.FocalPoint{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.FocalPointSpec{
			Person:      v1alpha1.Contact{Name: "Cán bộ " + name, Email: name + "@soctrang.gov.vn"},
			Role:        role,
			Appointment: v1alpha1.Appointment{DocumentRef: "QĐ số 1/QĐ", ValidFrom: metav1.NewTime(from)},
		},
	}
	if !w.until.IsZero() {
		until := metav1.NewTime(w.until)
		fp.Spec.Appointment.ValidUntil = &until
	}
	for _, u := range users {
		fp.Spec.Subjects = append(fp.Spec.Subjects, v1alpha1.Subject{Kind: v1alpha1.SubjectUser, Name: u})
	}
	return fp
}

// conditionOf reads obj afresh and returns its condition of type ct.
func conditionOf(t *testing.T, obj client.Object, ct v1alpha1.ConditionType) (*metav1.Condition, error) {
	t.Helper()
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		return nil, err
	}
	o, ok := obj.(interface{ GetConditions() []metav1.Condition })
	if !ok {
		t.Fatalf("no conditions on %T", obj)
	}
	conds := o.GetConditions()
	c := conditions.Get(conds, ct)
	if c == nil {
		return nil, fmt.Errorf("no %s condition yet", ct)
	}
	return c, nil
}

// waitForReason waits until obj's Ready condition has the status and reason
// for the current generation, and returns it.
func waitForReason(t *testing.T, obj client.Object, status metav1.ConditionStatus, reason v1alpha1.ConditionReason) *metav1.Condition {
	t.Helper()
	var got *metav1.Condition
	eventually(t, 20*time.Second, fmt.Sprintf("%s %s is Ready=%s/%s", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), status, reason), func() error {
		c, err := conditionOf(t, obj, v1alpha1.ConditionReady)
		if err != nil {
			return err
		}
		if c.Status != status || c.Reason != string(reason) || c.ObservedGeneration != obj.GetGeneration() {
			return fmt.Errorf("Ready is %s/%s (generation %d of %d): %s", c.Status, c.Reason, c.ObservedGeneration, obj.GetGeneration(), c.Message)
		}
		got = c
		return nil
	})
	return got
}

// exists reports whether obj exists, reading the API server directly.
func exists(t *testing.T, obj client.Object) bool {
	t.Helper()
	err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

// update reads obj afresh, applies change and writes it, again when the
// operator wrote the object in between (its status, its finalizers).
func update[T client.Object](t *testing.T, obj T, change func(T)) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		change(obj)
		return k8s.Update(ctx, obj)
	})
	if err != nil {
		t.Fatalf("update %s: %v", obj.GetName(), err)
	}
}
