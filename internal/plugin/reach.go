package plugin

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
)

// reachReport is who can reach a service, and on what grounds.
type reachReport struct {
	Service  string `json:"service"`
	Audience string `json:"audience"`
	URL      string `json:"url,omitempty"`
	// Consumers are the agencies whose key the gateway accepts now.
	Consumers []reachingAgency `json:"consumers"`
	// Pods are the pods the NetworkPolicy lets reach the backend.
	Pods []string `json:"pods,omitempty"`
	// FocalPoints can change who reaches it: the provider's, and the
	// DIC's for appraisals and endorsements.
	FocalPoints []string `json:"focalPoints,omitempty"`
	Hidden      []string `json:"hidden,omitempty"`
	// ConsumersHidden counts the live consumers (the service's status
	// counts them) whose agreements the reader may not read.
	ConsumersHidden int `json:"consumersHidden,omitempty"`
	// agreementsHidden is true when the user may not list agreements.
	agreementsHidden bool
}

type reachingAgency struct {
	Agency      string     `json:"agency"`
	Agreement   string     `json:"agreement"`
	Consent     string     `json:"consent"`
	Endorsement string     `json:"endorsement,omitempty"`
	KeyIDs      []string   `json:"keyIDs,omitempty"`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty"`
}

func newWhoCanReach(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "who-can-reach SERVICE -n NAMESPACE",
		Short: "Every agency whose key the gateway accepts for a service, the grounds, the pods let through, and who can change it",
		Example: `  kubectl datashare who-can-reach dat-dai -n so-tnmt
  kubectl datashare who-can-reach ho-so-suc-khoe -n so-yte -o yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ns, err := o.reader()
			if err != nil {
				return err
			}
			r, err := whoCanReach(c, ns, args[0])
			if err != nil {
				return err
			}
			return o.print(r, func(w io.Writer) { o.reachTable(w, r) })
		},
	}
}

func whoCanReach(c client.Client, ns, name string) (reachReport, error) {
	ctx, cancel := background()
	defer cancel()
	ds := &v1alpha1.DataService{}
	if err := getNamed(ctx, c, ds, "DataService", ns, name, ""); err != nil {
		return reachReport{}, err
	}
	key := ns + "/" + name
	r := reachReport{Service: key, Audience: string(ds.Spec.Access.Audience), URL: ds.Status.URL}

	agreements := &v1alpha1.SharingAgreementList{}
	if err := c.List(ctx, agreements); err != nil {
		note, err := hidden(err, "the SharingAgreements of other agencies, so the agencies whose keys the gateway accepts")
		if err != nil {
			return r, err
		}
		r.Hidden, r.agreementsHidden = append(r.Hidden, note), true
	}
	agencies := map[string]*v1alpha1.Agency{}
	list := &v1alpha1.AgencyList{}
	if err := c.List(ctx, list); err == nil {
		for i := range list.Items {
			agencies[list.Items[i].Name] = &list.Items[i]
		}
	}
	for _, sa := range agreements.Items {
		if string(sa.Spec.Service.Namespace) != ns || string(sa.Spec.Service.Name) != name || registry.StateOf(&sa) != string(v1alpha1.ReasonActive) {
			continue
		}
		row := reachingAgency{Agency: sa.Status.ConsumerAgency, Agreement: sa.Namespace + "/" + sa.Name, KeyIDs: sa.Status.Credential.KeyIDs,
			Consent: "audience " + string(ds.Spec.Access.Audience)}
		if c := ds.Spec.Access.ConsentFor(sa.Status.ConsumerAgency); c != nil {
			row.Consent = "the provider's consent " + string(c.DocumentRef)
		}
		if a := agencies[sa.Status.ConsumerAgency]; a != nil {
			if e := a.Spec.EndorsementOf(key); e != nil {
				row.Endorsement = "the DIC's endorsement " + string(e.DocumentRef)
			}
		}
		if e := sa.Status.ExpiresAt; e != nil {
			row.ExpiresAt = &e.Time
		}
		r.Consumers = append(r.Consumers, row)
	}
	slices.SortFunc(r.Consumers, func(a, b reachingAgency) int { return strings.Compare(a.Agreement, b.Agreement) })
	r.ConsumersHidden = hiddenConsumers(ds, len(r.Consumers), r.agreementsHidden)

	np := &networkingv1.NetworkPolicy{}
	switch err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: names.ServiceObjectName(ds)}, np); {
	case ds.Spec.Backend.External != nil:
		r.Pods = []string{"the backend is outside the cluster (" + publishing.ExternalHost(ds) + "): no NetworkPolicy applies; the gateway's proxies reach it, with the province's credential"}
	case err == nil:
		r.Pods = describePeers(np, ns)
	case apierrors.IsNotFound(err):
		r.Pods = []string{"no NetworkPolicy: nothing isolates the backend (see the service's NetworkIsolated condition)"}
	default:
		note, err := hidden(err, "the service's NetworkPolicy")
		if err != nil {
			return r, err
		}
		r.Hidden = append(r.Hidden, note)
	}

	fps := &v1alpha1.FocalPointList{}
	if err := c.List(ctx, fps, client.InNamespace(ns)); err != nil {
		note, err := hidden(err, "the focal points of namespace "+ns)
		if err != nil {
			return r, err
		}
		r.Hidden = append(r.Hidden, note)
	}
	for _, fp := range fps.Items {
		if conditions.Ready(fp.Status.Conditions).Status == metav1.ConditionTrue {
			r.FocalPoints = append(r.FocalPoints, fmt.Sprintf("%s (%s, %s): consents, refuses and withdraws", fp.Spec.Person.Name, fp.Spec.Role, fp.Name))
		}
	}
	r.FocalPoints = append(r.FocalPoints, "the DIC's focal points: appraisals, and endorsements of bodies outside the province")
	return r, nil
}

// describePeers says in words which pods a NetworkPolicy admits.
func describePeers(np *networkingv1.NetworkPolicy, ns string) []string {
	var out []string
	for _, rule := range np.Spec.Ingress {
		for _, p := range rule.From {
			where := "namespace " + ns
			if p.NamespaceSelector != nil {
				where = "namespaces " + metav1.FormatLabelSelector(p.NamespaceSelector)
			}
			pods := "every pod"
			if p.PodSelector != nil && (len(p.PodSelector.MatchLabels) > 0 || len(p.PodSelector.MatchExpressions) > 0) {
				pods = "pods " + metav1.FormatLabelSelector(p.PodSelector)
			}
			out = append(out, pods+" in "+where)
		}
	}
	return out
}

func (o *options) reachTable(w io.Writer, r reachReport) {
	fmt.Fprintf(w, "%s (audience %s) %s\n", r.Service, r.Audience, orDash(r.URL))
	fmt.Fprintln(w, "\nThe gateway accepts the keys of:")
	switch {
	case r.ConsumersHidden > 0:
		fmt.Fprintf(w, "  %d %s hidden from you (see the note below)\n", r.ConsumersHidden, plural(r.ConsumersHidden, "agency", "agencies"))
	case len(r.Consumers) == 0 && r.agreementsHidden:
		fmt.Fprintln(w, "  (hidden from you: see the note below)")
	case len(r.Consumers) == 0:
		fmt.Fprintln(w, "  nobody")
	}
	for _, c := range r.Consumers {
		fmt.Fprintf(w, "  %s  by agreement %s\n", o.paint(c.Agency, true), c.Agreement)
		grounds := c.Consent
		if c.Endorsement != "" {
			grounds += ", " + c.Endorsement
		}
		fmt.Fprintf(w, "    on %s; key ids %s", grounds, orDash(strings.Join(c.KeyIDs, ", ")))
		if c.ExpiresAt != nil {
			fmt.Fprintf(w, "; until %s", o.moment(*c.ExpiresAt))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "\nThe backend admits:")
	if len(r.Pods) == 0 {
		fmt.Fprintln(w, "  (hidden from you: see the note below)")
	}
	for _, p := range r.Pods {
		fmt.Fprintf(w, "  %s\n", p)
	}
	fmt.Fprintln(w, "\nWho can change it:")
	for _, f := range r.FocalPoints {
		fmt.Fprintf(w, "  %s\n", f)
	}
	for _, h := range r.Hidden {
		fmt.Fprintf(w, "\nNote: %s\n", h)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
