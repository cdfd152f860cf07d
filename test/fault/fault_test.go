// Package fault stops the operator abruptly, again and again, while it
// converges a few hundred agreements, and checks that nothing is lost and
// nothing is left over; and runs two operators with leader election.
package fault

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

var (
	env *testenv.Env
	k8s client.Client
	ctx = context.Background()
)

func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.WriteTo(discard{})))
	var err error
	if env, err = testenv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if k8s, err = client.New(env.Config, client.Options{Scheme: scheme.New()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = env.Stop()
	os.Exit(code)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// operator starts an operator in this process; stop cancels it at once.
// leaderElection, when set, adjusts its manager's options; wrap, when set,
// wraps its connection to the API server.
func operator(t *testing.T, leaderElection func(*manager.Options), wrap func(http.RoundTripper) http.RoundTripper) (mgr manager.Manager, stop func()) {
	t.Helper()
	return operatorWith(t, config.Default(), leaderElection, wrap)
}

// operatorWith starts an operator with a configuration of its own.
func operatorWith(t *testing.T, cfg config.Config, leaderElection func(*manager.Options), wrap func(http.RoundTripper) http.RoundTripper) (mgr manager.Manager, stop func()) {
	t.Helper()
	cfg.CoordinatorAgency = "so-tttt"
	cfg.PublicBaseURL = testenv.SampleBaseURL
	restConfig := rest.CopyConfig(env.Config)
	restConfig.WrapTransport = wrap
	restConfig.QPS = -1 // as main.go runs it: the API server's priority and fairness limit, not the client
	var adjust []func(*manager.Options)
	if leaderElection != nil {
		adjust = append(adjust, leaderElection)
	}
	m, err := controllers.NewEmbeddedManager(restConfig, controllers.Options{Config: cfg}, adjust...)
	if err != nil {
		t.Fatal(err)
	}
	stopManager := controllers.StartInBackground(ctx, m)
	return m, func() { _ = stopManager() }
}

func create(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8s.Create(ctx, obj); err != nil {
		t.Fatalf("create %T %s: %v", obj, obj.GetName(), err)
	}
}

// province makes providers with published services and consumers with
// agreements: most live, some refused, some expired.
func province(t *testing.T, prefix string, consumers, perConsumer int) []string {
	t.Helper()
	for _, obj := range []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "lgsp-system"}},
		lgspGateway(),
	} {
		if err := k8s.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	agency := func(name string, appraised ...string) {
		create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{v1alpha1.LabelAgency: name}}})
		a := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.AgencySpec{
			DisplayName: "Cơ quan " + name, Level: v1alpha1.LevelDepartment, Namespace: v1alpha1.ObjectName(name)}}
		for _, s := range appraised {
			a.Spec.AppraisedServices = append(a.Spec.AppraisedServices, v1alpha1.ServiceAppraisal{Service: v1alpha1.ObjectName(s), DocumentRef: "CV", AppraisedAt: metav1.Now()})
		}
		create(t, a)
		create(t, &v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Name: "dau-moi", Namespace: name}, Spec: v1alpha1.FocalPointSpec{
			Person: v1alpha1.Contact{Name: "Cán bộ", Email: "cb@" + name + ".gov.vn"}, Role: v1alpha1.RolePrimary,
			Appointment: v1alpha1.Appointment{DocumentRef: "QĐ", ValidFrom: metav1.NewTime(time.Now().Add(-time.Hour))}}})
	}
	provider := prefix + "-cung-cap"
	services := []string{"dv-tinh", "dv-danh-sach"}
	agency(provider, services...)
	for i, name := range services {
		create(t, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: provider}, Spec: corev1.ServiceSpec{
			Selector: map[string]string{"app": name}, Ports: []corev1.ServicePort{{Port: 8080}}}})
		audience := v1alpha1.AudienceProvince
		var consents []v1alpha1.Consent
		if i == 1 {
			audience = v1alpha1.AudienceListed
			for c := 0; c < consumers; c += 2 { // every other consumer is listed
				consents = append(consents, v1alpha1.Consent{Agency: v1alpha1.ObjectName(fmt.Sprintf("%s-dung-%d", prefix, c)), DocumentRef: "CV"})
			}
		}
		create(t, &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: provider}, Spec: v1alpha1.DataServiceSpec{
			Title: name, Description: name, Version: "v1", Classification: v1alpha1.ClassificationShared,
			Backend: v1alpha1.Backend{ServiceName: v1alpha1.ObjectName(name), Port: 8080},
			Access:  v1alpha1.Access{Audience: audience, Consumers: consents}}})
	}
	var agreements []string
	for c := 0; c < consumers; c++ {
		ns := fmt.Sprintf("%s-dung-%d", prefix, c)
		agency(ns)
		for j := 0; j < perConsumer; j++ {
			sa := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("thoa-thuan-%d", j), Namespace: ns}, Spec: v1alpha1.SharingAgreementSpec{
				Service: v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(provider), Name: v1alpha1.ObjectName(services[j%2])},
				Purpose: "Khai thác", LegalBasis: "NĐ 47/2020"}}
			if j%7 == 6 {
				sa.Spec.ValidFrom = &metav1.Time{Time: time.Now().Add(-48 * time.Hour)}
				sa.Spec.ValidUntil = &metav1.Time{Time: time.Now().Add(-24 * time.Hour)}
			}
			create(t, sa)
			agreements = append(agreements, ns+"/"+sa.Name)
		}
	}
	return agreements
}

// lgspGateway is the LGSP Gateway, with an HTTP listener and the HTTPS one
// over which keys travel.
func lgspGateway() *gatewayv1.Gateway {
	return &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Name: "lgsp", Namespace: "lgsp-system"}, Spec: gatewayv1.GatewaySpec{
		GatewayClassName: "envoy-gateway", Listeners: []gatewayv1.Listener{
			{Name: "http", Port: 80, Protocol: gatewayv1.HTTPProtocolType},
			{Name: "https", Port: 443, Protocol: gatewayv1.HTTPSProtocolType, TLS: &gatewayv1.ListenerTLSConfig{
				Mode: ptr.To(gatewayv1.TLSModeTerminate), CertificateRefs: []gatewayv1.SecretObjectReference{{Name: "lgsp-tls"}}}},
		}}}
}

// converged waits until every agreement in the given namespaces has a Ready
// condition for its generation that matches the consent decision for the
// world as it is, and nothing changed for a second.
func converged(t *testing.T, prefix string, timeout time.Duration) {
	t.Helper()
	last, stable := "", 0
	err := testenv.EventuallyEvery(timeout, 250*time.Millisecond, func() error {
		state, err := checkInvariants(prefix)
		if err == nil && state == last {
			stable++
		} else {
			stable = 0
		}
		last = state
		// Unchanged over four more looks, a second in all.
		if stable < 4 {
			if err == nil {
				err = errors.New("still changing")
			}
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("not converged: %v", err)
	}
}

// checkInvariants checks the world and returns a digest of it:
//   - every agreement's Ready reason is the consent decision for the world
//     as it is now, for its current generation;
//   - a live agreement has exactly one key at the consumer and one at the
//     gateway, and they are the same key;
//   - no gateway key exists for an agreement that is not live;
//   - the agreement's status records exactly the ids of its gateway keys;
//   - every issued Secret belongs to an existing agreement;
//   - each service's SecurityPolicy names exactly its sentinel, first, and
//     its key groups, and these hold exactly the keys of its gateway key
//     Secrets.
func checkInvariants(prefix string) (string, error) {
	agreements := &v1alpha1.SharingAgreementList{}
	if err := k8s.List(ctx, agreements); err != nil {
		return "", err
	}
	secrets := &corev1.SecretList{}
	if err := k8s.List(ctx, secrets, client.MatchingLabels{v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator}); err != nil {
		return "", err
	}
	byKey := map[string]*v1alpha1.SharingAgreement{}
	var digest []string
	now := time.Now()
	for i := range agreements.Items {
		sa := &agreements.Items[i]
		if !strings.HasPrefix(sa.Namespace, prefix) {
			continue
		}
		byKey[sa.Namespace+"/"+sa.Name] = sa
		in, err := gather.Consent(ctx, k8s, sa, now)
		if err != nil {
			return "", err
		}
		want := consent.Decide(in)
		ready := conditions.Get(sa.Status.Conditions, v1alpha1.ConditionReady)
		if ready == nil || ready.ObservedGeneration != sa.Generation || ready.Reason != string(want.Reason) {
			return "", fmt.Errorf("%s/%s: status %v, the world says %s", sa.Namespace, sa.Name, ready, want.Reason)
		}
		digest = append(digest, sa.Namespace+"/"+sa.Name+"="+ready.Reason)

		var gateway, consumer []corev1.Secret
		for _, s := range secrets.Items {
			if s.Labels[v1alpha1.LabelAgreementNamespace] == sa.Namespace && s.Labels[v1alpha1.LabelAgreement] == sa.Name {
				if s.Labels[v1alpha1.LabelCredential] == v1alpha1.CredentialGateway {
					gateway = append(gateway, s)
				} else {
					consumer = append(consumer, s)
				}
			}
		}
		var ids []string
		for _, g := range gateway {
			ids = append(ids, g.Labels[v1alpha1.LabelKeyID])
		}
		sort.Strings(ids)
		if strings.Join(ids, ",") != strings.Join(sa.Status.Credential.KeyIDs, ",") {
			return "", fmt.Errorf("%s/%s records the keys %v, the gateway holds %v", sa.Namespace, sa.Name, sa.Status.Credential.KeyIDs, ids)
		}
		if !want.Live {
			if len(gateway)+len(consumer) != 0 {
				return "", fmt.Errorf("%s/%s is %s but holds %d gateway and %d consumer Secret(s)", sa.Namespace, sa.Name, want.Reason, len(gateway), len(consumer))
			}
			continue
		}
		// One current key at the consumer and at the gateway, and at most
		// one more at the gateway while a rotation's grace runs.
		var current []corev1.Secret
		for _, g := range gateway {
			if g.Annotations[v1alpha1.AnnotationExpiresAt] == "" {
				current = append(current, g)
			}
		}
		if len(current) != 1 || len(consumer) != 1 || len(gateway) > 2 {
			return "", fmt.Errorf("%s/%s is live with %d gateway key(s) (%d current) and %d consumer Secret(s)",
				sa.Namespace, sa.Name, len(gateway), len(current), len(consumer))
		}
		key := string(consumer[0].Data[render.SecretKeyAPIKey])
		if key == "" || string(current[0].Data[string(consumer[0].Data[render.SecretKeyClientID])]) != key {
			return "", fmt.Errorf("%s/%s: the consumer's key is not the gateway's current key", sa.Namespace, sa.Name)
		}
	}
	for _, s := range secrets.Items {
		owner := s.Labels[v1alpha1.LabelAgreementNamespace] + "/" + s.Labels[v1alpha1.LabelAgreement]
		if strings.HasPrefix(owner, prefix) && byKey[owner] == nil {
			return "", fmt.Errorf("Secret %s/%s is left over from agreement %s", s.Namespace, s.Name, owner)
		}
	}
	policies := &egv1a1.SecurityPolicyList{}
	if err := k8s.List(ctx, policies); err != nil {
		return "", err
	}
	for _, p := range policies.Items {
		if !strings.HasPrefix(p.Namespace, prefix) {
			continue
		}
		var refs, groups []string
		for _, r := range p.Spec.APIKeyAuth.CredentialRefs {
			refs = append(refs, string(r.Name))
		}
		// The keys of the gateway key Secrets, and those the policy's
		// key groups hold: the gateway accepts the second.
		sentinel, issued, held := "", map[string]string{}, map[string]string{}
		for _, s := range secrets.Items {
			if s.Namespace != p.Namespace || "datashare-"+s.Labels[v1alpha1.LabelDataService] != p.Name {
				continue
			}
			switch s.Labels[v1alpha1.LabelCredential] {
			case v1alpha1.CredentialGateway:
				for id, key := range s.Data {
					issued[id] = string(key)
				}
			case v1alpha1.CredentialKeyGroup:
				groups = append(groups, s.Name)
				for id, key := range s.Data {
					held[id] = string(key)
				}
			case v1alpha1.CredentialSentinel:
				sentinel = s.Name
			}
		}
		if len(refs) == 0 || sentinel == "" || refs[0] != sentinel {
			return "", fmt.Errorf("SecurityPolicy %s/%s does not list its sentinel %q first: %v", p.Namespace, p.Name, sentinel, refs)
		}
		refs = refs[1:]
		sort.Strings(refs)
		sort.Strings(groups)
		if strings.Join(refs, ",") != strings.Join(groups, ",") {
			return "", fmt.Errorf("SecurityPolicy %s/%s names the key groups %v, the namespace holds %v", p.Namespace, p.Name, refs, groups)
		}
		if !maps.Equal(issued, held) {
			return "", fmt.Errorf("SecurityPolicy %s/%s: its key groups hold %d keys, the gateway key Secrets %d, or not the same", p.Namespace, p.Name, len(held), len(issued))
		}
	}
	sort.Strings(digest)
	return strings.Join(digest, ","), nil
}

// stopSeed is the seed of the moments the operator is stopped at: FAULT_SEED
// when set (to replay a run whose log gave it), else a new one, logged.
func stopSeed(t *testing.T) uint64 {
	t.Helper()
	if v := os.Getenv("FAULT_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("FAULT_SEED=%q is not a whole number: %v", v, err)
		}
		t.Logf("stop moments from FAULT_SEED=%d", seed)
		return seed
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("stop moments from seed %d (replay: FAULT_SEED=%d go test ./test/fault -run %s)", seed, seed, t.Name())
	return seed
}

// TestStopsAtRandomLoseNothing stops the operator at random moments while
// it converges, five times, then lets it finish and checks the invariants.
func TestStopsAtRandomLoseNothing(t *testing.T) {
	agreements := province(t, "f1", 10, 20)
	rng := rand.New(rand.NewPCG(stopSeed(t), 7))
	for i := range 5 {
		_, stop := operator(t, nil, nil)
		after := time.Duration(100+rng.IntN(1500)) * time.Millisecond
		time.Sleep(after)
		stop()
		t.Logf("stop %d after %s", i+1, after)
		if i == 2 {
			// Change the world while the operator is down: withdraw a
			// consent and delete an agreement. No finalizer holds it: its
			// keys must go when the operator starts again.
			ds := &v1alpha1.DataService{}
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: "f1-cung-cap", Name: "dv-danh-sach"}, ds); err != nil {
				t.Fatal(err)
			}
			ds.Spec.Access.Consumers = ds.Spec.Access.Consumers[1:]
			if err := k8s.Update(ctx, ds); err != nil {
				t.Fatal(err)
			}
			if err := k8s.Delete(ctx, &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: "f1-dung-1", Name: "thoa-thuan-0"}}); err != nil {
				t.Fatal(err)
			}
			// And one deleted and created again under its name: the keys
			// of the first, which carry its UID, are not the second's.
			old := &v1alpha1.SharingAgreement{}
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: "f1-dung-2", Name: "thoa-thuan-0"}, old); err != nil {
				t.Fatal(err)
			}
			if err := k8s.Delete(ctx, old); err != nil {
				t.Fatal(err)
			}
			create(t, &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: old.Namespace, Name: old.Name}, Spec: old.Spec})
		}
	}
	_, stop := operator(t, nil, nil)
	defer stop()
	start := time.Now()
	converged(t, "f1", 3*time.Minute)
	digest, err := checkInvariants("f1")
	if err != nil {
		t.Fatal(err)
	}
	live := strings.Count(digest, "=Active")
	t.Logf("%d agreements; after 5 abrupt stops every invariant held within %s (the checker's own reads included), %d live",
		len(agreements)-1, time.Since(start).Round(time.Millisecond), live)
	if live == 0 || live == len(agreements)-1 {
		t.Fatalf("the test world must hold live and refused agreements, got %d live", live)
	}
}

// writesOf counts an operator's writes, other than to its leader-election
// lease.
func writesOf(c *testenv.RequestCounter) int {
	return testenv.Total(c.Counts(), func(r testenv.Request) bool { return r.Write() && r.Resource != "leases" })
}

// TestLeaderElectionOneWriterAndTakeover runs two operators: only the
// leader writes; when it dies without releasing its lease, the other takes
// over and the world converges.
func TestLeaderElectionOneWriterAndTakeover(t *testing.T) {
	province(t, "f2", 4, 5)
	le := func(o *manager.Options) {
		o.LeaderElection, o.LeaderElectionID, o.LeaderElectionNamespace = true, "datashare-fault-test", "default"
		o.LeaseDuration, o.RenewDeadline, o.RetryPeriod = ptr.To(3*time.Second), ptr.To(2*time.Second), ptr.To(500*time.Millisecond)
		// A killed leader releases nothing: the other waits for the lease
		// to run out.
		o.LeaderElectionReleaseOnCancel = false
	}
	var writesA, writesB testenv.RequestCounter
	a, stopA := operator(t, le, writesA.Wrap)
	select {
	case <-a.Elected():
	case <-time.After(30 * time.Second):
		t.Fatal("the first operator was not elected")
	}
	b, stopB := operator(t, le, writesB.Wrap)
	defer stopB()
	converged(t, "f2", 2*time.Minute)
	if writesOf(&writesA) == 0 || writesOf(&writesB) != 0 {
		t.Fatalf("only the leader may write: leader %d writes, standby %d", writesOf(&writesA), writesOf(&writesB))
	}
	select {
	case <-b.Elected():
		t.Fatal("two leaders at once")
	default:
	}

	stopA()
	killed := time.Now()
	select {
	case <-b.Elected():
	case <-time.After(30 * time.Second):
		t.Fatal("the standby did not take over")
	}
	tookOver := time.Since(killed)
	create(t, &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: "sau-khi-doi", Namespace: "f2-dung-0"}, Spec: v1alpha1.SharingAgreementSpec{
		Service: v1alpha1.ServiceReference{Namespace: "f2-cung-cap", Name: "dv-tinh"}, Purpose: "Khai thác", LegalBasis: "NĐ 47/2020"}})
	converged(t, "f2", 2*time.Minute)
	if writesOf(&writesB) == 0 {
		t.Fatal("the new leader wrote nothing")
	}
	t.Logf("leader writes %d, standby 0 while it led; the standby took over %s after the leader was killed (lease 3s)",
		writesOf(&writesA), tookOver.Round(time.Millisecond))
}
