package sharingagreement

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
)

// keyHandOver is what is left to do once the status records an
// agreement's keys: give the consumer its Secret, and delete the gateway
// keys the status no longer records.
type keyHandOver struct {
	consumerSecret *corev1.Secret
	delete         []string
}

// handOver gives the consumer its Secret and deletes the gateway keys that
// the status no longer records.
func (r *Reconciler) handOver(ctx context.Context, sa *v1alpha1.SharingAgreement, h keyHandOver) error {
	if err := r.writeConsumerSecret(ctx, h.consumerSecret); err != nil {
		return err
	}
	for _, name := range h.delete {
		gk := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: string(sa.Spec.Service.Namespace), Name: name}}
		if _, err := kit.DeleteIfExists(ctx, r.Client, gk); err != nil {
			return fmt.Errorf("delete gateway key %s: %w", name, err)
		}
	}
	return nil
}

// writeConsumerSecret creates the consumer's Secret when the cache has
// none, and otherwise applies it when it changed. Every agreement going
// live creates one, and a create costs the API server less than a
// server-side apply. What a create wrote, a later apply cannot remove:
// the Secret's fields are the same for every agreement, but its owner is
// not, so the Secret of an earlier agreement of the same name (deleted and
// created again, before garbage collection) is replaced, not applied over.
func (r *Reconciler) writeConsumerSecret(ctx context.Context, s *corev1.Secret) error {
	existing := &corev1.Secret{}
	switch err := r.Get(ctx, client.ObjectKeyFromObject(s), existing); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return err
	case earlierAgreements(existing, s):
		// Its key was withdrawn with it.
		if err := r.Delete(ctx, existing, client.Preconditions{UID: &existing.UID}); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("replace %s, an earlier agreement's: %w", existing.Name, err)
		}
	default:
		err = kit.ApplyIfChanged(ctx, r.Client, s)
		return err
	}
	err := r.Create(ctx, s.DeepCopy(), client.FieldOwner(kit.FieldManager))
	if !apierrors.IsAlreadyExists(err) {
		return err
	}
	err = kit.ApplyIfChanged(ctx, r.Client, s)
	return err
}

// earlierAgreements says whether the Secret existing is controlled by
// another object of the same kind as desired's controller: an earlier
// agreement of the same name.
func earlierAgreements(existing, desired *corev1.Secret) bool {
	owner, want := metav1.GetControllerOf(existing), metav1.GetControllerOf(desired)
	return owner != nil && want != nil && owner.Kind == want.Kind && owner.UID != want.UID
}
