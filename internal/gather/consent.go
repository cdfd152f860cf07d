package gather

import (
	"context"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
)

// Consent reads everything an agreement's consent decision depends
// on: the agencies that hold the consumer's and the provider's namespaces,
// the service, and the consumer's focal points. The controller reads its
// cache; the fault test — and anything else that explains an agreement —
// reads the API server through the same function, so that the inputs it
// explains are the ones the operator decided on.
func Consent(ctx context.Context, reader client.Reader, sa *v1alpha1.SharingAgreement, now time.Time) (consent.Inputs, error) {
	in := consent.Inputs{Agreement: sa, Now: now}
	var err error
	if in.Consumer, err = NamespaceHolder(ctx, reader, sa.Namespace); err != nil {
		return in, err
	}
	svc := &v1alpha1.DataService{}
	switch err := reader.Get(ctx, client.ObjectKey{Namespace: string(sa.Spec.Service.Namespace), Name: string(sa.Spec.Service.Name)}, svc); {
	case err == nil:
		in.Service = svc
	case !apierrors.IsNotFound(err):
		return in, err
	}
	if in.Provider, err = NamespaceHolder(ctx, reader, string(sa.Spec.Service.Namespace)); err != nil {
		return in, err
	}
	fps := &v1alpha1.FocalPointList{}
	if err := reader.List(ctx, fps, client.InNamespace(sa.Namespace)); err != nil {
		return in, err
	}
	in.ConsumerFocalPoints = fps.Items
	return in, nil
}
