package plugin

import (
	"fmt"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

func newRotate(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "rotate AGREEMENT -n NAMESPACE",
		Short: "Ask for a new key for an agreement (sets the " + v1alpha1.AnnotationRotateKey + " annotation)",
		Long: `rotate asks the operator for a new key now: it sets the documented annotation
` + v1alpha1.AnnotationRotateKey + ` to the current time. The operator issues a new key into the
consumer's Secret, and the gateway accepts the old one until the grace period
ends. Your rights must let you patch the agreement (the consumer's focal point).`,
		Example: `  kubectl datashare rotate dat-dai-so-tnmt -n bo-nnmt`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ns, err := o.client()
			if err != nil {
				return err
			}
			ctx, cancel := background()
			defer cancel()
			sa := &v1alpha1.SharingAgreement{}
			if err := getNamed(ctx, c, sa, "SharingAgreement", ns, args[0], ""); err != nil {
				return err
			}
			at := clock.Format(o.now())
			patch := client.MergeFrom(sa.DeepCopy())
			if sa.Annotations == nil {
				sa.Annotations = map[string]string{}
			}
			sa.Annotations[v1alpha1.AnnotationRotateKey] = at
			if err := c.Patch(ctx, sa, patch); err != nil {
				if apierrors.IsForbidden(err) {
					return fmt.Errorf("you may not change SharingAgreement %s/%s: the consumer agency's focal point asks for rotation", ns, args[0])
				}
				return err
			}
			fmt.Fprintf(o.out, "A new key for %s/%s was asked for at %s: the operator puts it in Secret %s; the old key stays valid for the grace period.\n",
				ns, args[0], at, names.ConsumerSecretName(sa))
			return nil
		},
	}
}
