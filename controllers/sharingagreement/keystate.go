package sharingagreement

import (
	"context"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// keyState reads an agreement's keys, from the cache or from the API
// server: the consumer's current key, and the gateway-side keys, each
// judged by credentials' checks for the consumer agency the agreement is
// live for, against the ids recordedIn's status records and the
// consumer's key.
func (r *Reconciler) keyState(ctx context.Context, reader client.Reader, sa, recordedIn *v1alpha1.SharingAgreement, consumer string, now time.Time) (credentials.State, render.ConsumerCredential, error) {
	recorded := recordedIn.Status.Credential.KeyIDs
	var state credentials.State
	var cred render.ConsumerCredential
	keys, err := r.gatewayKeys(ctx, reader, sa)
	if err != nil {
		return state, cred, err
	}
	existing := &corev1.Secret{}
	switch err := reader.Get(ctx, client.ObjectKey{Namespace: sa.Namespace, Name: names.ConsumerSecretName(sa)}, existing); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return state, cred, err
	default:
		issuedAt, err := time.Parse(time.RFC3339, existing.Annotations[v1alpha1.AnnotationIssuedAt])
		if err == nil && existing.Labels[v1alpha1.LabelKeyID] != "" && len(existing.Data[render.SecretKeyAPIKey]) > 0 {
			state.CurrentID, state.IssuedAt = existing.Labels[v1alpha1.LabelKeyID], issuedAt
			cred.Key, cred.KeyID, cred.IssuedAt = string(existing.Data[render.SecretKeyAPIKey]), state.CurrentID, issuedAt
		}
	}
	if pending, ok := r.toHandOver.lookup(client.ObjectKeyFromObject(sa)); ok && pending.id != state.CurrentID {
		// This process issued and recorded a newer key than the consumer's
		// Secret holds, and could not write the Secret: that key is the
		// one to hand over, while the gateway still accepts it.
		for i := range keys {
			k := &keys[i]
			if k.Labels[v1alpha1.LabelKeyID] == pending.id && credentials.Trusted(credentials.KeyUnderReview{Secret: k, Agreement: sa, Consumer: consumer}, recorded) && k.Annotations[v1alpha1.AnnotationExpiresAt] == "" {
				for _, v := range k.Data {
					cred.Key = string(v)
				}
				state.CurrentID, state.IssuedAt = pending.id, pending.issuedAt
				cred.KeyID, cred.IssuedAt = pending.id, pending.issuedAt
				break
			}
		}
	}
	for i := range keys {
		k := &keys[i]
		id := k.Labels[v1alpha1.LabelKeyID]
		issued, _ := credentials.Issued(credentials.KeyUnderReview{Secret: k, Agreement: sa, Consumer: consumer})
		gk := credentials.GatewayKey{Name: k.Name, ID: id, Recorded: slices.Contains(recorded, id), Sound: issued}
		if id != "" && id == state.CurrentID {
			// The consumer's current key must be the very key the gateway
			// checks.
			for _, v := range k.Data {
				gk.Sound = gk.Sound && string(v) == cred.Key
			}
		}
		if v := k.Annotations[v1alpha1.AnnotationExpiresAt]; v != "" {
			if gk.ExpiresAt, err = time.Parse(time.RFC3339, v); err != nil {
				gk.ExpiresAt = now // unreadable: retire it now
			}
		}
		state.Keys = append(state.Keys, gk)
	}
	return state, cred, nil
}

// gatewayKeys lists an agreement's gateway-side key Secrets: through the
// cache's index, or by labels when reader is the API server.
func (r *Reconciler) gatewayKeys(ctx context.Context, reader client.Reader, sa *v1alpha1.SharingAgreement) ([]corev1.Secret, error) {
	var selector client.ListOption = client.MatchingFields{gather.IndexCredential: gather.AgreementKeysIndexValue(sa.Namespace, sa.Name)}
	if reader == r.APIReader {
		selector = client.MatchingLabels{
			v1alpha1.LabelManagedBy:          v1alpha1.ManagedByOperator,
			v1alpha1.LabelCredential:         v1alpha1.CredentialGateway,
			v1alpha1.LabelAgreementNamespace: sa.Namespace,
			v1alpha1.LabelAgreement:          sa.Name,
		}
	}
	list := &corev1.SecretList{}
	if err := reader.List(ctx, list, client.InNamespace(string(sa.Spec.Service.Namespace)), selector); err != nil {
		return nil, err
	}
	return list.Items, nil
}
