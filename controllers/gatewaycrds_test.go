package controllers

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/dataservice"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestGatewayCRDsInstalledAfterTheOperator starts the operator on a cluster
// without Gateway API and Envoy Gateway: it runs, says what is missing, and
// publishes as soon as the CRDs are installed, without a restart. The CRDs
// that reach a backend outside the cluster come last, as on a cluster with
// an older Gateway API: every other service is published meanwhile, and the
// DIC's external service waits for them, then is published too.
func TestGatewayCRDsInstalledAfterTheOperator(t *testing.T) {
	externalService := dataService(coordinator, "dan-cu")
	externalService.Spec.Backend = v1alpha1.Backend{External: &v1alpha1.ExternalBackend{URL: "https://api.ndxp.example.vn/dan-cu/v1"}}
	bare, err := testenv.Start(testenv.WithoutGatewayCRDs())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bare.Stop() })
	c, err := client.New(bare.Config, client.Options{Scheme: scheme.New()})
	if err != nil {
		t.Fatal(err)
	}

	cfg := config.Default()
	cfg.CoordinatorAgency = coordinator
	cfg.PublicBaseURL = testenv.SampleBaseURL
	cfg.NationalListener = nationalListener // the Gateway fixture has one
	clk := testenv.NewClock()
	mgr, err := NewEmbeddedManager(bare.Config, kit.Options{Config: cfg, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	stop := StartInBackground(context.Background(), mgr)
	t.Cleanup(func() { _ = stop() })

	for _, obj := range []client.Object{
		namespaceObject("so-cn"),
		&v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-cn"}, Spec: v1alpha1.AgencySpec{
			DisplayName: "Sở Công Thương", Level: v1alpha1.LevelDepartment, Namespace: "so-cn",
			AppraisedServices: []v1alpha1.ServiceAppraisal{{Service: "gia-dien", DocumentRef: "CV 1", AppraisedAt: metav1.Now()}},
		}},
		focalPointObject("so-cn", "dau-moi", v1alpha1.RolePrimary, appointment{}, "dm@scn"),
		serviceObject("so-cn", "gia-dien", 8080),
		dataService("so-cn", "gia-dien"),
		namespaceObject(coordinator),
		&v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: coordinator}, Spec: v1alpha1.AgencySpec{
			DisplayName: "Sở TT&TT", Level: v1alpha1.LevelDepartment, Namespace: coordinator,
			AppraisedServices: []v1alpha1.ServiceAppraisal{{Service: "dan-cu", DocumentRef: "CV 2", AppraisedAt: metav1.Now()}},
		}},
		focalPointObject(coordinator, "dau-moi", v1alpha1.RolePrimary, appointment{}, "dm@stttt"),
		externalService,
	} {
		if err := c.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	ds := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-cn", Name: "gia-dien"}}
	external := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: coordinator, Name: "dan-cu"}}

	readyOfService := func(ds *v1alpha1.DataService) (*metav1.Condition, error) {
		if err := c.Get(ctx, client.ObjectKeyFromObject(ds), ds); err != nil {
			return nil, err
		}
		if r := conditions.Get(ds.Status.Conditions, v1alpha1.ConditionReady); r != nil {
			return r, nil
		}
		return nil, errorf("no Ready condition yet")
	}
	readyOf := func() (*metav1.Condition, error) { return readyOfService(ds) }
	eventually(t, 20*time.Second, "the service says the CRDs are missing", func() error {
		r, err := readyOf()
		if err != nil {
			return err
		}
		if r.Reason != string(v1alpha1.ReasonGatewayAPIMissing) {
			return errorf("Ready reason %s: %s", r.Reason, r.Message)
		}
		if !strings.Contains(r.Message, "the Gateway API and Envoy Gateway CRDs are not installed in the cluster: the platform team must install them") {
			return errorf("message %q", r.Message)
		}
		return nil
	})

	crds, err := testenv.GatewayCRDs()
	if err != nil {
		t.Fatal(err)
	}
	isExternalKind := func(crd *apiextensionsv1.CustomResourceDefinition) bool {
		return slices.Contains([]string{"Backend", "HTTPRouteFilter", "BackendTLSPolicy"}, crd.Spec.Names.Kind)
	}
	var later []*apiextensionsv1.CustomResourceDefinition
	for _, crd := range crds {
		if isExternalKind(crd) {
			later = append(later, crd)
		}
	}
	if len(later) != 3 {
		t.Fatalf("found %d of the 3 CRDs that reach a backend outside the cluster", len(later))
	}
	if _, err := envtest.InstallCRDs(bare.Config, envtest.CRDInstallOptions{CRDs: slices.DeleteFunc(slices.Clone(crds), isExternalKind)}); err != nil {
		t.Fatal(err)
	}
	installed := time.Now()
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(tail(operatorLogs, 80))
		}
	})
	// The operator looks for the CRDs again dataservice.GatewayAPIRecheck later.
	eventuallyAfter(t, clk, dataservice.GatewayAPIRecheck, "the service asks for the Gateway", func() error {
		r, err := readyOf()
		if err != nil {
			return err
		}
		if r.Reason != string(v1alpha1.ReasonGatewayNotFound) {
			return errorf("Ready reason %s: %s", r.Reason, r.Message)
		}
		return nil
	})
	t.Logf("recovered %s after the CRDs were installed", time.Since(installed).Round(time.Millisecond))

	if err := c.Create(ctx, namespaceObject("lgsp-system")); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, gatewayObject()); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the service is published", func() error {
		r, err := readyOf()
		if err != nil {
			return err
		}
		if r.Reason != string(v1alpha1.ReasonWaitingForGateway) {
			return errorf("Ready reason %s: %s", r.Reason, r.Message)
		}
		route, _, _ := generatedObjects(ds)
		return c.Get(ctx, client.ObjectKey{Namespace: "so-cn", Name: names.ServiceObjectName(ds)}, route)
	})
	r, err := readyOfService(external)
	if err != nil || r.Reason != string(v1alpha1.ReasonGatewayAPIMissing) || !strings.Contains(r.Message, "BackendTLSPolicy (v1, Gateway API 1.4 or later)") {
		t.Fatalf("the external service, without the CRDs that reach it: %+v (%v)", r, err)
	}

	if _, err := envtest.InstallCRDs(bare.Config, envtest.CRDInstallOptions{CRDs: later}); err != nil {
		t.Fatal(err)
	}
	eventuallyAfter(t, clk, dataservice.GatewayAPIRecheck, "the external service is published", func() error {
		if r, err := readyOfService(external); err != nil || r.Reason != string(v1alpha1.ReasonWaitingForGateway) {
			return errorf("Ready %+v (%v)", r, err)
		}
		return c.Get(ctx, client.ObjectKey{Namespace: coordinator, Name: names.ServiceObjectName(external)}, &egv1a1.Backend{})
	})
}
