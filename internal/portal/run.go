package portal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/national"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

// The portal's rights are config/rbac/portal_role.yaml: read the four
// kinds, and ask the API server who a token is and what that person may
// read. Never Secrets.

// StartCache starts an informer cache of the four kinds and waits until it
// holds them.
func StartCache(ctx context.Context, restConfig *rest.Config) (cache.Cache, error) {
	c, err := cache.New(restConfig, cache.Options{Scheme: scheme.New()})
	if err != nil {
		return nil, err
	}
	for _, obj := range []client.Object{&v1alpha1.Agency{}, &v1alpha1.FocalPoint{}, &v1alpha1.DataService{}, &v1alpha1.SharingAgreement{}} {
		if _, err := c.GetInformer(ctx, obj); err != nil {
			return nil, fmt.Errorf("watch %T: %w", obj, err)
		}
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, errors.New("the portal's cache did not sync: can its service account list the datashare kinds?")
	}
	return c, nil
}

// Settings are the portal's flags.
type Settings struct {
	Listen    string
	Rules     config.Rules
	Publisher string
	PublicURL string
	// Zone is the province's time zone (--time-zone).
	Zone *time.Location
	// SignInURL is where officers sign in (--sign-in-url).
	SignInURL string
	// NationalSigner signs the national catalog
	// (--national-catalog-key); nil when none is configured.
	NationalSigner *national.Signer
}

// NewHandler starts the portal's cache and reviewer on restConfig (the
// portal's own identity) and returns its routes, until ctx ends. set.Listen
// is not used: the caller serves the routes.
func NewHandler(ctx context.Context, restConfig *rest.Config, set Settings, log logr.Logger) (http.Handler, error) {
	c, err := StartCache(ctx, restConfig)
	if err != nil {
		return nil, err
	}
	kube, err := kubernetes.NewForConfig(restConfig)
	if err != nil {
		return nil, err
	}
	s := &Server{Reader: c, Reviewer: &KubeReviewer{Client: kube}, Rules: set.Rules, Log: log, Publisher: set.Publisher, PublicURL: set.PublicURL, Zone: set.Zone, SignInURL: set.SignInURL,
		NationalSigner: set.NationalSigner}
	return s.Handler()
}

// Run serves the portal until ctx ends.
func Run(ctx context.Context, restConfig *rest.Config, set Settings, log logr.Logger) error {
	h, err := NewHandler(ctx, restConfig, set, log)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: set.Listen, Handler: h, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		<-ctx.Done()
		// ctx is done: the shutdown gets its own ten seconds.
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("serving the portal", "address", set.Listen)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
