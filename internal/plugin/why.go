package plugin

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
)

// whyReport is an agreement's decision, explained.
type whyReport struct {
	Agreement string          `json:"agreement"`
	Live      bool            `json:"live"`
	State     string          `json:"state"`
	Message   string          `json:"message"`
	ExpiresAt *time.Time      `json:"expiresAt,omitempty"`
	Checks    []consent.Check `json:"checks"`
	// Recorded is the state the operator last recorded, when it differs
	// from the decision now (the operator has not caught up yet).
	Recorded string `json:"recorded,omitempty"`
	// Usage is what the gateway carried for it, as the operator last
	// flushed it; nil while the access logs are not counted.
	Usage *v1alpha1.Usage `json:"usage,omitempty"`
	// Unused is its Unused condition's message when it is True.
	Unused string `json:"unused,omitempty"`
}

func newWhy(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "why AGREEMENT -n NAMESPACE",
		Short: "Every consent an agreement rests on: held, missing, or when it ends, and who must act",
		Long: `why gathers what the agreement's decision depends on (the service, the provider's
consent, the DIC's endorsement, the consumer's focal point, every validity
window) with the operator's own gatherer, and decides with the operator's own
decision. It exits 0 when the agreement is live, 3 when it is not.`,
		Example: `  kubectl datashare why dat-dai-so-tnmt -n bo-nnmt
  kubectl datashare why ho-so-suc-khoe -n so-khdt -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ns, err := o.reader()
			if err != nil {
				return err
			}
			r, err := explain(c, ns, args[0], o.now())
			if err != nil {
				return err
			}
			if err := o.print(r, func(w io.Writer) { o.whyTable(w, r) }); err != nil {
				return err
			}
			if !r.Live {
				return errNotLive
			}
			return nil
		},
	}
}

func explain(c client.Client, ns, name string, now time.Time) (whyReport, error) {
	ctx, cancel := background()
	defer cancel()
	sa := &v1alpha1.SharingAgreement{}
	if err := getNamed(ctx, c, sa, "SharingAgreement", ns, name, ""); err != nil {
		if note, err := hidden(err, "SharingAgreement "+ns+"/"+name); err == nil {
			return whyReport{}, fmt.Errorf("%s", note)
		}
		return whyReport{}, err
	}
	in, err := gather.Consent(ctx, c, sa, now)
	if err != nil {
		if note, herr := hidden(err, "what the agreement rests on"); herr == nil {
			return whyReport{}, fmt.Errorf("%s", note)
		}
		return whyReport{}, err
	}
	d, checks := consent.Explain(in)
	r := whyReport{Agreement: ns + "/" + name, Live: d.Live, State: string(d.Reason), Message: d.Message, Checks: checks}
	if !d.ExpiresAt.IsZero() {
		r.ExpiresAt = &d.ExpiresAt
	}
	if recorded := conditions.Ready(sa.Status.Conditions).Reason; recorded != r.State {
		r.Recorded = recorded
	}
	r.Usage = sa.Status.Usage
	if c := conditions.Get(sa.Status.Conditions, v1alpha1.ConditionUnused); c != nil && c.Status == metav1.ConditionTrue {
		r.Unused = c.Message
	}
	return r, nil
}

func (o *options) whyTable(w io.Writer, r whyReport) {
	fmt.Fprintf(w, "%s is %s: %s\n", r.Agreement, o.paint(r.State, r.Live), r.Message)
	if r.ExpiresAt != nil {
		fmt.Fprintf(w, "It stays live until %s unless something changes.\n", o.moment(*r.ExpiresAt))
	}
	if r.Recorded != "" {
		fmt.Fprintf(w, "(The operator last recorded %s; it has not caught up yet.)\n", r.Recorded)
	}
	if u := r.Usage; u != nil && len(u.Months) > 0 {
		m := u.Months[len(u.Months)-1]
		line := fmt.Sprintf("Usage: %d request(s) in %s, %d failed", m.Requests, m.Month, m.Errors)
		if u.LastRequestAt != nil {
			line += "; the last at " + o.moment(u.LastRequestAt.Time)
		}
		fmt.Fprintln(w, line+".")
	}
	if r.Unused != "" {
		fmt.Fprintf(w, "Unused: %s\n", r.Unused)
	}
	fmt.Fprintln(w, "\nIt rests on:")
	for _, c := range r.Checks {
		var notes []string
		switch {
		case c.State == consent.CheckNotYetValid && c.From != nil:
			notes = append(notes, "starts at "+o.moment(*c.From))
		case c.Until != nil && c.State == consent.CheckEnded:
			notes = append(notes, "ended at "+o.moment(*c.Until))
		case c.Until != nil:
			notes = append(notes, "until "+o.moment(*c.Until))
		}
		switch {
		case c.Who != "" && c.State != consent.CheckHeld:
			notes = append(notes, c.Who+" acts")
		case c.Who != "" && c.Until != nil:
			notes = append(notes, c.Who+" renews it")
		}
		line := c.What
		if len(notes) > 0 {
			line += " (" + strings.Join(notes, "; ") + ")"
		}
		fmt.Fprintf(w, "  %s %s\n", o.paint(fmt.Sprintf("%-8s", mark(c.State)), c.State == consent.CheckHeld), line)
	}
}

// mark is a check's state in one word, for the table.
func mark(s consent.CheckState) string {
	switch s {
	case consent.CheckHeld:
		return "held"
	case consent.CheckNotYetValid:
		return "not yet"
	case consent.CheckEnded:
		return "ended"
	case consent.CheckRefused:
		return "refused"
	default:
		return "missing"
	}
}
