package dataservice

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// gatewayKeys reads the keys of the service's live agreements from their
// gateway-side key Secrets (client id → key), and counts the agreements (a
// rotation holds two keys for one). A key is taken only when its Secret
// holds one non-empty key under its name and its agreement's status
// records its key id: only the operator writes that status, so a key
// Secret that someone else made is never accepted.
func (r *Reconciler) gatewayKeys(ctx context.Context, ds *v1alpha1.DataService) (map[string][]byte, int, error) {
	secrets := &corev1.SecretList{}
	// No copy of every key: they are only read.
	if err := r.List(ctx, secrets, client.InNamespace(ds.Namespace), client.MatchingFields{gather.IndexCredential: gather.ServiceKeysIndexValue(ds.Name)},
		client.UnsafeDisableDeepCopy); err != nil {
		return nil, 0, err
	}
	keys := make(map[string][]byte, len(secrets.Items))
	type issuedFor struct {
		agreement *v1alpha1.SharingAgreement
		ids       []string
	}
	agreements := map[types.NamespacedName]issuedFor{}
	live := map[types.NamespacedName]bool{}
	for i := range secrets.Items {
		s := &secrets.Items[i]
		l := s.Labels
		key := types.NamespacedName{Namespace: l[v1alpha1.LabelAgreementNamespace], Name: l[v1alpha1.LabelAgreement]}
		if s.DeletionTimestamp != nil || !credentials.HoldsOneKey(s) || key.Name == "" {
			continue
		}
		issued, seen := agreements[key]
		if !seen {
			sa, ids, err := r.recordedKeyIDs(ctx, key)
			if err != nil {
				return nil, 0, err
			}
			issued = issuedFor{sa, ids}
			agreements[key] = issued
		}
		if issued.agreement == nil || !credentials.Trusted(credentials.KeyUnderReview{Secret: s, Agreement: issued.agreement, Consumer: issued.agreement.Status.ConsumerAgency}, issued.ids) {
			continue
		}
		// The one key it holds; the cache's bytes, never written to.
		for id, k := range s.Data {
			keys[id] = k
		}
		live[key] = true
	}
	return keys, len(live), nil
}

// recordedKeyIDs reads an agreement and the ids of the keys the operator
// issued for it, as its status records them (see credentials.RecordedKeyIDs);
// a nil agreement when it does not exist.
func (r *Reconciler) recordedKeyIDs(ctx context.Context, key types.NamespacedName) (*v1alpha1.SharingAgreement, []string, error) {
	sa := &v1alpha1.SharingAgreement{}
	// No copy: a service's reconcile reads each of its agreements, and
	// reconciles as often as its keys change; the agreement is only read.
	if err := r.Get(ctx, key, sa, client.UnsafeDisableDeepCopy); err != nil {
		return nil, nil, client.IgnoreNotFound(err)
	}
	var consumerKeyID string
	if credentials.LegacyCredentialStatus(sa) {
		s := &corev1.Secret{}
		switch err := r.Get(ctx, client.ObjectKey{Namespace: sa.Namespace, Name: names.ConsumerSecretName(sa)}, s); {
		case err == nil:
			consumerKeyID = s.Labels[v1alpha1.LabelKeyID]
		case !apierrors.IsNotFound(err):
			return nil, nil, err
		}
	}
	return sa, credentials.RecordedKeyIDs(sa, consumerKeyID), nil
}
