package plugin

import (
	"fmt"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

func newRequest(o *options) *cobra.Command {
	var asAgency, purpose, legalBasis string
	cmd := &cobra.Command{
		Use:   "request SERVICE -n NAMESPACE --as-agency AGENCY --purpose TEXT --legal-basis TEXT",
		Short: "Print the SharingAgreement to commit to ask for a service (writes nothing)",
		Long: `request prints the SharingAgreement manifest an agency commits to its Git
repository to ask for a data service, with what must happen before it is live.
It writes nothing to the cluster: Argo CD applies what is committed.`,
		Example: `  kubectl datashare request ho-so-suc-khoe -n so-yte --as-agency so-khdt \
    --purpose "Xác minh hồ sơ đăng ký doanh nghiệp y tế" \
    --legal-basis "Nghị định 47/2020/NĐ-CP, Điều 10" > agreements/ho-so-suc-khoe.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for flag, v := range map[string]string{"--as-agency": asAgency, "--purpose": purpose, "--legal-basis": legalBasis} {
				if v == "" {
					return usageError{fmt.Errorf("%s is required: %s", flag, map[string]string{
						"--as-agency": "the Agency that asks", "--purpose": "what the agency uses the data for",
						"--legal-basis": "the law the request rests on, for example \"Nghị định 47/2020/NĐ-CP, Điều 10\""}[flag])}
				}
			}
			c, ns, err := o.client()
			if err != nil {
				return err
			}
			return o.printRequest(c, ns, args[0], asAgency, purpose, legalBasis)
		},
	}
	cmd.Flags().StringVar(&asAgency, "as-agency", "", "the Agency that asks (required)")
	cmd.Flags().StringVar(&purpose, "purpose", "", "what the agency uses the data for (required)")
	cmd.Flags().StringVar(&legalBasis, "legal-basis", "", "the law the request rests on (required)")
	return cmd
}

func (o *options) printRequest(c client.Client, ns, service, asAgency, purpose, legalBasis string) error {
	ctx, cancel := background()
	defer cancel()
	ds := &v1alpha1.DataService{}
	if err := getNamed(ctx, c, ds, "DataService", ns, service, "kubectl get dataservices -A lists the catalog"); err != nil {
		return err
	}
	agency := &v1alpha1.Agency{}
	if err := c.Get(ctx, client.ObjectKey{Name: asAgency}, agency); err != nil {
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("agency %s is not registered: the DIC registers agencies", asAgency)
		}
		return err
	}
	manifest, needs, err := render.RequestManifest(ds, agency, purpose, legalBasis)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.out, "# Commit to the Git repository of agency %s; Argo CD applies it.\n", asAgency)
	for _, need := range needs {
		fmt.Fprintf(o.out, "# Before it is live: %s\n", need)
	}
	_, err = o.out.Write(manifest)
	return err
}
