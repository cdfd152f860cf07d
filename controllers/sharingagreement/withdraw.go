package sharingagreement

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// markRetiring marks a gateway-side key to stop being accepted at a
// moment.
func (r *Reconciler) markRetiring(ctx context.Context, sa *v1alpha1.SharingAgreement, name string, at time.Time) error {
	s := &corev1.Secret{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: string(sa.Spec.Service.Namespace), Name: name}, s); err != nil {
		return client.IgnoreNotFound(err)
	}
	base := s.DeepCopy()
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[v1alpha1.AnnotationExpiresAt] = clock.Format(at)
	if err := r.Patch(ctx, s, client.MergeFrom(base), client.FieldOwner(kit.FieldManager)); err != nil {
		return fmt.Errorf("retire gateway key %s: %w", name, err)
	}
	return nil
}

// withdraw removes every key of an agreement that is not live: at the
// gateway first, then the consumer's Secret, so that workloads that still
// mount it get no working key. reason is the agreement's state, and ended
// the moment it stopped being live, for the metrics.
func (r *Reconciler) withdraw(ctx context.Context, sa *v1alpha1.SharingAgreement, reason string, ended time.Time) error {
	keys, err := r.gatewayKeys(ctx, r.Client, sa)
	if err != nil {
		return err
	}
	if err := r.removeGatewayKeys(ctx, keys, reason, ended); err != nil {
		return err
	}
	wrote, err := r.removeConsumerSecret(ctx, client.ObjectKeyFromObject(sa))
	if err != nil {
		return err
	}
	if wrote || len(keys) > 0 {
		withdrawn := credentials.Withdrawn(len(keys), names.ConsumerSecretName(sa))
		kit.Emit(r.Recorder, sa, &withdrawn)
	}
	return nil
}

// removeGatewayKeys deletes gateway keys and counts those it removed, in
// the metrics and in their providers' key histories, even when it stops
// on an error. reason is their agreement's state, and ended the moment it
// stopped being live.
func (r *Reconciler) removeGatewayKeys(ctx context.Context, keys []corev1.Secret, reason string, ended time.Time) error {
	removed := map[string]int{} // by provider namespace
	defer func() {
		now := r.Now()
		for ns, n := range removed {
			observeRevocation(n, reason, ended, now)
			r.Keys.Revoked(ns, now, n)
		}
	}()
	for i := range keys {
		wrote, err := kit.DeleteIfExists(ctx, r.Client, &keys[i])
		if err != nil {
			return fmt.Errorf("withdraw gateway key %s/%s: %w", keys[i].Namespace, keys[i].Name, err)
		}
		if wrote {
			removed[keys[i].Namespace]++
		}
	}
	return nil
}

// removeConsumerSecret deletes the consumer's copy of an agreement's key,
// when the Secret of that name is one: it reports whether it deleted.
func (r *Reconciler) removeConsumerSecret(ctx context.Context, agreement types.NamespacedName) (bool, error) {
	s := &corev1.Secret{}
	name := names.ConsumerSecretName(&v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: agreement.Name}})
	switch err := r.Get(ctx, client.ObjectKey{Namespace: agreement.Namespace, Name: name}, s); {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, err
	case s.Labels[v1alpha1.LabelAgreement] != agreement.Name || s.Labels[v1alpha1.LabelCredential] != v1alpha1.CredentialConsumer:
		return false, nil
	}
	if err := r.Delete(ctx, s); err != nil {
		return false, client.IgnoreNotFound(fmt.Errorf("withdraw Secret %s: %w", name, err))
	}
	return true, nil
}
