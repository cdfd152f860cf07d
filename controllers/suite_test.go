package controllers

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// The real API server and an operator running against it, shared by the
// tests of this package. Each test works in namespaces and agencies of its
// own.
var (
	env *testenv.Env
	k8s client.Client
	// operatorLogs holds everything the operator logged, for the tests that
	// scan it.
	operatorLogs = &testenv.SyncBuffer{}
	// operatorRequests counts every request the operator sends.
	operatorRequests = &testenv.RequestCounter{}
	// operatorCache is the operator's cache, for the tests of what it holds.
	operatorCache cache.Cache
	// operatorClock is the operator's clock: tests advance it past a window,
	// a grace period or a delay instead of sleeping, by as much as days (a
	// deadline in working days). Tests set the moments of their objects by
	// it, never by time.Now.
	operatorClock = testenv.NewClock()
)

// accessLogAddr is where the operator receives access logs in the tests.
var accessLogAddr string

const (
	usageFlushInterval = time.Minute
	unusedGrantPeriod  = 24 * time.Hour
	coordinator        = "so-tttt"
	// rotationGrace is long enough that real time never ends it while a
	// test looks at both keys: the test advances the clock past it.
	rotationGrace = time.Minute
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctrl.SetLogger(zap.New(zap.WriteTo(operatorLogs), zap.UseDevMode(true)))
	var err error
	env, err = testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = env.Stop() }()

	k8s, err = client.New(env.Config, client.Options{Scheme: scheme.New()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := installRBAC(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The operator runs as a user that holds only the RBAC generated from
	// its markers, so that every test also proves that RBAC suffices.
	operator, err := env.AddUser(envtest.User{Name: operatorUser}, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	cfg := config.Default()
	cfg.CoordinatorAgency = coordinator
	cfg.PublicBaseURL = testenv.SampleBaseURL
	cfg.KeyRotationGrace = rotationGrace
	cfg.NationalListener = nationalListener
	if accessLogAddr, err = testenv.FreeAddress(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg.AccessLogAddr, cfg.UsageFlushInterval, cfg.UnusedGrantPeriod = accessLogAddr, usageFlushInterval, unusedGrantPeriod
	operatorConfig := operator.Config()
	operatorConfig.WrapTransport = operatorRequests.Wrap
	operatorConfig.QPS = -1 // as main.go runs it: the API server's priority and fairness limit, not the client
	mgr, err := NewEmbeddedManager(operatorConfig, kit.Options{Config: cfg, Clock: operatorClock})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	operatorCache = mgr.GetCache()
	stop := StartInBackground(context.Background(), mgr)
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintln(os.Stderr, "manager:", err)
	}
	// OPERATOR_LOG=file keeps the operator's whole log of the run, to read
	// for errors that did not fail a test.
	if path := os.Getenv("OPERATOR_LOG"); path != "" {
		_ = os.WriteFile(path, []byte(operatorLogs.String()), 0o600)
	}
	if code != 0 {
		fmt.Fprintf(os.Stderr, "operator log (last 200 lines):\n%s\n", tail(operatorLogs, 200))
	}
	return code
}

// operatorUser is the identity the operator runs as in these tests.
const operatorUser = "datashare-operator"

// installRBAC applies the RBAC the project ships, the operator's own
// (generated from markers) and the focal-point roles, and binds the
// operator's roles to operatorUser.
func installRBAC() error {
	ctx := context.Background()
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "datashare-system"}}); err != nil {
		return err
	}
	if err := testenv.InstallConfig(ctx, k8s, "rbac/role.yaml", "rbac/focal_point_roles.yaml"); err != nil {
		return err
	}
	subject := []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: operatorUser}}
	if err := k8s.Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "datashare-operator"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "datashare-operator"},
		Subjects:   subject,
	}); err != nil {
		return err
	}
	return k8s.Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "datashare-operator", Namespace: "datashare-system"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "datashare-operator"},
		Subjects:   subject,
	})
}

// eventually retries check until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	if err := testenv.Eventually(timeout, check); err != nil {
		t.Fatalf("waiting until %s: %v", what, err)
	}
}

// advanceTo moves the operator's clock on to moment, as if the time until
// then had passed; a moment already past changes nothing. It first waits
// until no reconcile runs and none waits to run: a reconcile still running
// would ask to be woken "so long from now" after the clock has moved, and
// wake that much too late.
func advanceTo(t *testing.T, moment time.Time) {
	t.Helper()
	waitIdle(t)
	if d := moment.Sub(operatorClock.Now()); d > 0 {
		operatorClock.Advance(d)
	}
}

// waitIdle waits until no reconcile runs and none waits to run, on three
// looks in a row: the echo of the operator's last write (a watch event on
// its way to a queue) has had time to arrive and be reconciled.
func waitIdle(t *testing.T) {
	t.Helper()
	quiet := 0
	eventually(t, 10*time.Second, "the operator is idle", func() error {
		active, err := testenv.ActiveWorkers()
		if err != nil {
			return err
		}
		queued, err := testenv.QueueDepths()
		if err != nil {
			return err
		}
		for name, n := range active {
			if n+queued[name] > 0 {
				quiet = 0
				return errorf("%s: %d reconciling, %d queued", name, n, queued[name])
			}
		}
		if quiet++; quiet < 3 {
			return errorf("idle on %d look(s)", quiet)
		}
		return nil
	})
}

// eventuallyAfter waits for what the operator does a delay after it sees a
// change: summaryDelay for what only an Agency's counts or credentials Role
// show, say. The clock moves past the delay, and again each second in case
// the change reached the operator after the clock moved.
func eventuallyAfter(t *testing.T, clk *testenv.Clock, delay time.Duration, what string, check func() error) {
	t.Helper()
	var moved time.Time
	eventually(t, 10*time.Second, what, func() error {
		if time.Since(moved) > time.Second {
			clk.Advance(delay)
			moved = time.Now()
		}
		return check()
	})
}
