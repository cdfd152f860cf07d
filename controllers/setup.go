// Package controllers holds one reconciler per kind. Each reads what it
// needs from the cache, asks the pure packages under internal/ what should
// be, applies that with server-side apply, and writes status only when it
// changed.
package controllers

import (
	"context"
	"fmt"
	"time"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlconfig "sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/accesslog"
	"github.com/lgsp-vn/datashare-operator/controllers/agency"
	"github.com/lgsp-vn/datashare-operator/controllers/dataservice"
	"github.com/lgsp-vn/datashare-operator/controllers/focalpoint"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/controllers/sharingagreement"
	"github.com/lgsp-vn/datashare-operator/internal/intern"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

// Options is what every reconciler shares: the configuration and the clock.
type Options = kit.Options

// CacheOptions restricts the cache to what the operator needs: Secrets,
// RBAC objects and NetworkPolicies only when the operator made them (never
// every Secret or RoleBinding in the cluster), no managed fields but on the
// routes and policies it generates, and one copy of the strings objects
// repeat. Routes and SecurityPolicies are cached whole: their CRDs may be
// installed after the operator starts, and a cache cannot be restricted by
// label for a kind the API server does not serve yet.
func CacheOptions() cache.Options {
	managed, err := labels.NewRequirement(v1alpha1.LabelManagedBy, selection.Equals, []string{v1alpha1.ManagedByOperator})
	if err != nil {
		panic(err) // constant input
	}
	ours := cache.ByObject{Label: labels.NewSelector().Add(*managed)}
	return cache.Options{
		DefaultTransform: slimForCache,
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}:              ours,
			&rbacv1.Role{}:                ours,
			&rbacv1.RoleBinding{}:         ours,
			&rbacv1.ClusterRoleBinding{}:  ours,
			&networkingv1.NetworkPolicy{}: ours,
		},
	}
}

// slimForCache makes what the cache holds smaller, with every value the
// operator reads left as it is: it drops managed fields, and lets objects
// share the strings they repeat (see intern).
func slimForCache(in any) (any, error) {
	stripManagedFields(in)
	intern.Object(in)
	return in, nil
}

// stripManagedFields drops the managed fields of what the cache holds,
// except on the routes and policies the operator generates: there they show
// a field that another writer added, which the operator removes.
func stripManagedFields(in any) {
	obj, err := meta.Accessor(in)
	if err != nil || obj.GetManagedFields() == nil {
		return
	}
	switch in.(type) {
	case *gatewayv1.HTTPRoute, *egv1a1.SecurityPolicy, *egv1a1.BackendTrafficPolicy, *networkingv1.NetworkPolicy:
		if obj.GetLabels()[v1alpha1.LabelManagedBy] == v1alpha1.ManagedByOperator {
			return
		}
	}
	obj.SetManagedFields(nil)
}

// SetupWithManager registers the field indexes and every reconciler that
// exists.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	if err := kit.AddIndexes(mgr); err != nil {
		return fmt.Errorf("add field indexes: %w", err)
	}
	zone, err := time.LoadLocation(opts.Config.TimeZone)
	if err != nil {
		return fmt.Errorf("the province's time zone: %w", err)
	}
	keys := kit.NewKeyLedger(zone)
	if err := (&agency.Reconciler{Client: mgr.GetClient(), Options: opts, Keys: keys,
		Recorder: mgr.GetEventRecorder("datashare-agency")}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the Agency controller: %w", err)
	}
	if err := (&focalpoint.Reconciler{Client: mgr.GetClient(), Options: opts,
		Recorder: mgr.GetEventRecorder("datashare-focal-point")}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the FocalPoint controller: %w", err)
	}
	if err := (&dataservice.Reconciler{Client: mgr.GetClient(), Options: opts,
		Recorder: mgr.GetEventRecorder("datashare-data-service")}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the DataService controller: %w", err)
	}
	if err := (&sharingagreement.Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Options: opts, Keys: keys,
		Recorder: mgr.GetEventRecorder("datashare-sharing-agreement")}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the SharingAgreement controller: %w", err)
	}
	if err := mgr.Add(&sharingCollector{cache: mgr.GetCache(), rules: opts.Config.Rules, countsTraffic: opts.Config.AccessLogAddr != ""}); err != nil {
		return fmt.Errorf("add the sharing metrics: %w", err)
	}
	if err := mgr.Add(coordinatorCheck(mgr, opts.Config.CoordinatorAgency)); err != nil {
		return fmt.Errorf("add the coordinator check: %w", err)
	}
	if opts.Config.AccessLogAddr != "" {
		wait := func(d time.Duration) <-chan time.Time { return time.After(d) } //nolint:forbidigo // the real clock, when none is given
		if opts.Clock != nil {
			wait = opts.Clock.After
		}
		if err := mgr.Add(&accesslog.Server{Collector: &accesslog.Collector{Reader: mgr.GetCache(), Zone: zone, Now: opts.Now}, Client: mgr.GetClient(),
			Address: opts.Config.AccessLogAddr, FlushInterval: opts.Config.UsageFlushInterval, After: wait, Now: opts.Now}); err != nil {
			return fmt.Errorf("add the access-log collector: %w", err)
		}
	}
	return nil
}

// NewEmbeddedManager builds a manager with every reconciler, for running the
// operator inside another program: the demo, the tests and the scale
// benchmark. It listens on no port (no metrics, no probes), and a later
// manager in the same process may register the same controllers again.
// adjust, when given, changes the manager's options last (leader election,
// say).
func NewEmbeddedManager(restConfig *rest.Config, opts Options, adjust ...func(*ctrl.Options)) (ctrl.Manager, error) {
	mopts := ctrl.Options{
		Scheme:                 scheme.New(),
		Cache:                  CacheOptions(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             ctrlconfig.Controller{SkipNameValidation: ptr.To(true)},
	}
	for _, f := range adjust {
		f(&mopts)
	}
	mgr, err := ctrl.NewManager(restConfig, mopts)
	if err != nil {
		return nil, err
	}
	if err := SetupWithManager(mgr, opts); err != nil {
		return nil, err
	}
	return mgr, nil
}

// StartInBackground starts mgr and returns stop, which cancels it, waits for
// it to end and returns its error.
func StartInBackground(ctx context.Context, mgr ctrl.Manager) (stop func() error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	return func() error {
		cancel()
		return <-done
	}
}
