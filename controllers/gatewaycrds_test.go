package controllers

import (
	"context"
	"strings"
	"testing"
	"time"

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
// publishes as soon as the CRDs are installed, without a restart.
func TestGatewayCRDsInstalledAfterTheOperator(t *testing.T) {
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
	} {
		if err := c.Create(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	ds := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-cn", Name: "gia-dien"}}

	readyOf := func() (*metav1.Condition, error) {
		if err := c.Get(ctx, client.ObjectKeyFromObject(ds), ds); err != nil {
			return nil, err
		}
		if r := conditions.Get(ds.Status.Conditions, v1alpha1.ConditionReady); r != nil {
			return r, nil
		}
		return nil, errorf("no Ready condition yet")
	}
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
	if _, err := envtest.InstallCRDs(bare.Config, envtest.CRDInstallOptions{CRDs: crds}); err != nil {
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
}
