// Package plugin is kubectl-datashare, the kubectl plugin: the province's
// sharing at a glance, why an agreement is or is not live, who can reach a
// service, the manifest of a request, and a key rotation. It reads with
// the user's kubeconfig and rights only, and explains an agreement with
// the operator's own gatherer and decision.
package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	utilclock "k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

// Exit codes scripts can use.
const (
	// ExitOK: the command did what it was asked; for why, the agreement is
	// live.
	ExitOK = 0
	// ExitError: the cluster could not be read or written, or an object
	// does not exist.
	ExitError = 1
	// ExitUsage: the command line is wrong.
	ExitUsage = 2
	// ExitNotLive: why found the agreement not live.
	ExitNotLive = 3
)

// errNotLive makes why exit with ExitNotLive after printing.
var errNotLive = errors.New("the agreement is not live")

// usageError is a command line that cannot run.
type usageError struct{ error }

// Main runs the plugin with args (without the program name) and returns
// its exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cmd := newRoot(stdout)
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err := cmd.Execute()
	var usage usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errNotLive):
		return ExitNotLive
	case errors.As(err, &usage) || strings.HasPrefix(err.Error(), "unknown ") || strings.Contains(err.Error(), "accepts "):
		fmt.Fprintln(stderr, "error:", err)
		return ExitUsage
	}
	fmt.Fprintln(stderr, "error:", err)
	return ExitError
}

// options are what every command shares: the kubeconfig flags and the
// output format.
type options struct {
	flags    *genericclioptions.ConfigFlags
	output   string
	timeZone string
	// zone is timeZone, loaded once the command line is read.
	zone  *time.Location
	out   io.Writer
	color bool
	now   func() time.Time
}

func newRoot(stdout io.Writer) *cobra.Command {
	o := &options{flags: genericclioptions.NewConfigFlags(true), out: stdout, now: utilclock.RealClock{}.Now}
	o.color = isTerminal(stdout) && os.Getenv("NO_COLOR") == ""
	root := &cobra.Command{
		Use:   "kubectl-datashare",
		Short: "The province's data sharing: who shares what with whom, and why",
		Long: `kubectl datashare reads the province's Agencies, FocalPoints, DataServices and
SharingAgreements with your kubeconfig and your rights only, and explains them
with the operator's own decision. It never prints a key.

Exit codes: 0 done (for why: the agreement is live), 1 the cluster could not be
read or an object does not exist, 2 a wrong command line, 3 why: not live.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Annotations: map[string]string{
			cobra.CommandDisplayNameAnnotation: "kubectl datashare",
		},
	}
	root.PersistentFlags().StringVarP(&o.output, "output", "o", "", "output format: json or yaml (read commands); default a table for people")
	root.PersistentFlags().StringVar(&o.timeZone, "time-zone", "Asia/Ho_Chi_Minh", "the province's time zone (IANA name), in which tables write moments (JSON and YAML keep RFC 3339)")
	o.flags.AddFlags(root.PersistentFlags())
	root.AddCommand(newStatus(o), newWhy(o), newWhoCanReach(o), newRequest(o), newRotate(o))
	return root
}

// client builds a client from the user's kubeconfig.
func (o *options) client() (client.Client, string, error) {
	cfg, err := o.flags.ToRESTConfig()
	if err != nil {
		return nil, "", err
	}
	ns, _, err := o.flags.ToRawKubeConfigLoader().Namespace()
	if err != nil {
		return nil, "", err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.New()})
	return c, ns, err
}

// reader checks -o and builds the client of a read command.
func (o *options) reader() (client.Client, string, error) {
	if err := o.validateOutput(); err != nil {
		return nil, "", err
	}
	zone, err := time.LoadLocation(o.timeZone)
	if err != nil {
		return nil, "", usageError{fmt.Errorf("--time-zone %q is not a time zone: use an IANA name such as Asia/Ho_Chi_Minh", o.timeZone)}
	}
	o.zone = zone
	return o.client()
}

// validateOutput refuses an unknown -o.
func (o *options) validateOutput() error {
	switch o.output {
	case "", "json", "yaml":
		return nil
	}
	return usageError{fmt.Errorf("-o %s is not a format: use json or yaml, or leave it out for a table", o.output)}
}

// print writes v as JSON or YAML when asked, else calls table.
func (o *options) print(v any, table func(io.Writer)) error {
	switch o.output {
	case "json":
		enc := json.NewEncoder(o.out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "yaml":
		b, err := yaml.Marshal(v)
		if err != nil {
			return err
		}
		_, err = o.out.Write(b)
		return err
	}
	table(o.out)
	return nil
}

// paint colours s when the output is a terminal.
func (o *options) paint(s string, good bool) string {
	if !o.color {
		return s
	}
	if good {
		return "\x1b[32m" + s + "\x1b[0m"
	}
	return "\x1b[31m" + s + "\x1b[0m"
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// hidden says, in words, what RBAC hides from the user, when err is a
// refusal; other errors are returned.
func hidden(err error, what string) (string, error) {
	if apierrors.IsForbidden(err) {
		return fmt.Sprintf("you may not read %s: your rights hide them (a focal point reads its own agency's objects and the catalog; the DIC reads the province)", what), nil
	}
	return "", err
}

// getNamed reads the kind's object ns/name into obj. An object that does
// not exist is an error that says so, and then hint when there is one.
func getNamed(ctx context.Context, c client.Client, obj client.Object, kind, ns, name, hint string) error {
	err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, obj)
	if !apierrors.IsNotFound(err) {
		return err
	}
	msg := fmt.Sprintf("%s %s/%s does not exist", kind, ns, name)
	if hint != "" {
		msg += ": " + hint
	}
	return errors.New(msg)
}

func background() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// moment writes t in the province's time zone for a table, the zone named:
// 2026-12-08 23:59 (Asia/Ho_Chi_Minh); UTC before the zone is loaded.
func (o *options) moment(t time.Time) string {
	zone := o.zone
	if zone == nil {
		zone = time.UTC
	}
	return t.In(zone).Format("2006-01-02 15:04") + " (" + zone.String() + ")"
}

// hiddenConsumers is how many of a service's live consumers (its status
// counts them) a reader who may not list every agreement cannot name, of
// which it named known.
func hiddenConsumers(ds *v1alpha1.DataService, known int, limited bool) int {
	if n := int(ds.Status.LiveAgreements) - known; limited && n > 0 {
		return n
	}
	return 0
}
