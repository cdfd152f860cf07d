// Command scale measures the operator against a real API server: how long
// a province of A agencies, S data services and G agreements takes to
// converge, against the floor (a plain client writing the same output
// objects with the same parallelism, then an Event per agreement and a
// patch per key; see floors), the apply → Active latency of single
// changes under that load, API requests per object, writes on an unchanged
// resync, and memory. It prints a Markdown table and writes it to -out.
//
//	go run ./test/scale -agencies 100 -services 1000 -agreements 10000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// etcdQuota is etcd's storage quota in the benchmark: 8 GiB, the most etcd
// advises; its default 2 GiB fills before the floor ends at 100,000
// agreements.
const etcdQuota = 8 << 30

type options struct {
	agencies, services, agreements int
	workers                        int
	latencySamples                 int
	out                            string
	profile                        string
	floor                          bool
	timeout                        time.Duration
}

func main() {
	var o options
	flag.IntVar(&o.agencies, "agencies", 100, "agencies, each with a namespace and a primary focal point")
	flag.IntVar(&o.services, "services", 1000, "data services, spread over the agencies")
	flag.IntVar(&o.agreements, "agreements", 10000, "sharing agreements, spread over the agencies and services")
	flag.IntVar(&o.workers, "workers", 8, "parallel writers when creating the world")
	flag.IntVar(&o.latencySamples, "latency-samples", 50, "single agreements created one at a time, at convergence and again once the operator is quiet, for the apply → Active latency")
	flag.StringVar(&o.out, "out", "bin/scale-results.md", "where to write the Markdown table")
	flag.DurationVar(&o.timeout, "timeout", 2*time.Hour, "how long to wait for convergence before giving up")
	flag.BoolVar(&o.floor, "floor", true, "measure the floor after the operator (false: only the operator, for the runs of the slope)")
	logPath := flag.String("log", "bin/scale-operator.log", "where the operator's log goes")
	flag.StringVar(&o.profile, "profile", "", "if set, a directory for 30 s CPU profiles of the operator and the API server, taken 10 s after the operator starts, and the heap profile of the restarted operator, its cache full")
	flag.Parse()
	logFile, err := os.Create(*logPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
	defer logFile.Close()
	ctrl.SetLogger(zap.New(zap.WriteTo(logFile)))
	// Interrupted, it still stops the API server and etcd it started.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		logFile.Close()
		os.Exit(1) //nolint:gocritic // the log is closed above
	}
}

// byVerbAndResource adds up counts over namespaces: "PATCH secrets".
func byVerbAndResource(counts map[testenv.Request]int) map[string]int {
	out := map[string]int{}
	for r, n := range counts {
		out[r.Verb+" "+r.Resource] += n
	}
	return out
}

func run(ctx context.Context, o options) error {
	fmt.Printf("Starting a local API server… world: %d agencies, %d services, %d agreements\n", o.agencies, o.services, o.agreements)
	env, err := testenv.Start(testenv.WithEtcdQuota(etcdQuota))
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	admin := rest.CopyConfig(env.Config)
	admin.QPS, admin.Burst = -1, 0
	c, err := client.New(admin, client.Options{Scheme: scheme.New()})
	if err != nil {
		return err
	}

	start := time.Now()
	if err := buildWorld(ctx, c, o); err != nil {
		return err
	}
	fmt.Printf("World created in %s\n", time.Since(start).Round(time.Millisecond))

	// The harness watches the agreements to see them converge.
	// It keeps only what it reads, so as to add little to the heap the
	// benchmark reports as the operator's.
	agreements, err := cache.New(admin, cache.Options{Scheme: scheme.New(),
		ByObject: map[client.Object]cache.ByObject{&v1alpha1.SharingAgreement{}: {}}, DefaultTransform: func(o any) (any, error) {
			sa, ok := o.(*v1alpha1.SharingAgreement)
			if !ok {
				return o, nil
			}
			kept := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: sa.Name, Namespace: sa.Namespace,
				Generation: sa.Generation, ResourceVersion: sa.ResourceVersion}}
			if r := conditions.Get(sa.Status.Conditions, v1alpha1.ConditionReady); r != nil {
				// Ready alone, without its message: the other conditions
				// and the messages are the operator's to hold.
				kept.Status.Conditions = []metav1.Condition{{Type: r.Type, ObservedGeneration: r.ObservedGeneration, Reason: r.Reason}}
			}
			return kept, nil
		}})
	if err != nil {
		return err
	}
	informer, err := agreements.GetInformer(ctx, &v1alpha1.SharingAgreement{})
	if err != nil {
		return err
	}
	active := &activeAgreements{active: map[types.NamespacedName]bool{}}
	if _, err := informer.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { active.hear(o, false) },
		UpdateFunc: func(_, o any) { active.hear(o, false) },
		DeleteFunc: func(o any) { active.hear(o, true) },
	}); err != nil {
		return err
	}
	watchCtx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	go func() { _ = agreements.Start(watchCtx) }()
	if !agreements.WaitForCacheSync(ctx) {
		return fmt.Errorf("the harness's cache of agreements did not sync")
	}

	// The operator, counted, with the production resync period (the
	// unchanged resync is measured by a restart below).
	reqs := &testenv.RequestCounter{}
	opConfig := rest.CopyConfig(env.Config)
	opConfig.QPS = -1 // as main.go: the API server's fairness limits, not the client's
	opConfig.WrapTransport = reqs.Wrap
	var peakHeap atomic.Uint64
	stopSampling := sampleHeap(&peakHeap)
	var converging cpuUse // while the operator converges
	cpuBefore, cpuErr := cpuNow()
	opStart := time.Now()
	_, stop, err := startOperator(ctx, opConfig, "")
	if err != nil {
		return err
	}
	if o.profile != "" {
		go profile(ctx, admin, o.profile)
	}

	if err := waitConverged(ctx, active, o.agreements, o.timeout); err != nil {
		_ = stop()
		return err
	}
	converge := time.Since(opStart)
	if cpuErr == nil {
		converging, cpuErr = cpuSince(cpuBefore)
	}
	if cpuErr != nil {
		fmt.Fprintln(os.Stderr, "CPU times not measured:", cpuErr)
	}
	atConvergence := byVerbAndResource(reqs.Counts())
	reconciles, err := testenv.ReconcileCounts()
	if err != nil {
		_ = stop()
		return err
	}
	fmt.Printf("Converged in %s\n", converge.Round(time.Millisecond))
	if depths, err := testenv.QueueDepths(); err == nil {
		fmt.Printf("Requests waiting in each controller's queue at convergence: %v\n", depths)
	}

	// Single changes: at once, while the operator still works off what
	// convergence left (policies, Events, counts), and once it is quiet.
	var latencies [2][]time.Duration
	var settle time.Duration
	var firstReconciled []time.Duration
	var revocations [2][]time.Duration
	latencies[0], firstReconciled, err = measureLatency(ctx, c, o, "do-tre-a")
	fmt.Printf("apply → Active at convergence, in order: %v\n", roundAll(latencies[0]))
	fmt.Printf("apply → its first status (its first reconcile), in order: %v\n", roundAll(firstReconciled))
	if err == nil {
		revocations[0], err = measureRevocation(ctx, c, o, "do-tre-a")
		fmt.Printf("delete → key out of the key groups, soon after convergence, in order: %v\n", roundAll(revocations[0]))
	}
	if err == nil {
		settleStart := time.Now()
		err = waitQuiet(ctx, 3*time.Second)
		settle = time.Since(settleStart) - 3*time.Second
	}
	if err == nil {
		latencies[1], _, err = measureLatency(ctx, c, o, "do-tre-b")
	}
	if err == nil {
		revocations[1], err = measureRevocation(ctx, c, o, "do-tre-b")
	}
	var events map[string]int
	if err == nil {
		events, err = eventsByReason(ctx, c)
	}
	if err == nil {
		// Delayed work (an Agency's counts) done before the stop, so that
		// the restart below finds nothing left to write.
		err = waitQuiet(ctx, 8*time.Second)
	}
	stopSampling()
	if err := errors.Join(err, stop()); err != nil {
		return err
	}

	// An unchanged resync: a restarted operator reconciles every object
	// from its first list, as a resync does; it should write nothing.
	before := reqs.Counts()
	reconcilesBefore, err := testenv.ReconcileCounts()
	if err != nil {
		return err
	}
	accessLogAddr, err := testenv.FreeAddress()
	if err != nil {
		return err
	}
	mgr, stop, err := startOperator(ctx, opConfig, accessLogAddr)
	if err != nil {
		return err
	}
	resyncTime, err := waitEveryObjectReconciled(ctx, reconcilesBefore, map[string]int{
		"agency": o.agencies, "focalpoint": o.agencies, "dataservice": o.services, "sharingagreement": o.agreements})
	if err != nil {
		_ = stop()
		return err
	}
	resyncWrites := byVerbAndResource(reqs.Since(before, func(r testenv.Request) bool {
		return r.Write() && r.Resource != "leases" && r.Resource != "events"
	}))
	fmt.Printf("Every object reconciled again after a restart in %s\n", resyncTime.Round(time.Millisecond))

	// Memory of the idle operator, its cache full.
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if o.profile != "" {
		if err := writeHeapProfile(filepath.Join(o.profile, "operator-heap.pprof")); err != nil {
			_ = stop()
			return err
		}
	}
	cached := cachedObjects(o)
	var secrets secretsCached
	if secrets, err = countCachedSecrets(ctx, mgr.GetCache()); err != nil {
		_ = stop()
		return err
	}
	// The gateway's access logs, for every live agreement, into the
	// restarted operator.
	traffic, err := measureTraffic(ctx, c, reqs, accessLogAddr, 10*time.Second)
	if err != nil {
		_ = stop()
		return err
	}
	fmt.Printf("Access logs: %d entries taken at %.0f a second; %d usage writes\n", traffic.entries, traffic.perSecond, traffic.writes)
	if err := stop(); err != nil {
		return err
	}

	// The floor: a plain client writes the same output objects, then the
	// Events and the key patches the design adds to them.
	var floor floors
	var floorErr error
	if o.floor {
		// Should the floor fail, what the run measured is still reported.
		if floor, floorErr = measureFloors(ctx, c, o); floorErr != nil {
			floor = floors{}
		}
	}

	table := report(o, converge, converging, floor, latencies, revocations, settle, atConvergence, reconciles, resyncWrites, events, peakHeap.Load(), ms.HeapInuse, ms.HeapAlloc, cached, secrets) + traffic.String()
	fmt.Print(table)
	return errors.Join(os.WriteFile(o.out, []byte(table), 0o644), floorErr)
}

// buildWorld creates the agencies, focal points, services (with backend
// Services, appraised) and agreements, in parallel.
func buildWorld(ctx context.Context, c client.Client, o options) error {
	var objs []client.Object
	objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "lgsp-system"}},
		&gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Name: "lgsp", Namespace: "lgsp-system"}, Spec: gatewayv1.GatewaySpec{
			GatewayClassName: "envoy-gateway", Listeners: []gatewayv1.Listener{
				{Name: "http", Port: 80, Protocol: gatewayv1.HTTPProtocolType},
				{Name: "https", Port: 443, Protocol: gatewayv1.HTTPSProtocolType, TLS: &gatewayv1.ListenerTLSConfig{
					Mode: ptr.To(gatewayv1.TLSModeTerminate), CertificateRefs: []gatewayv1.SecretObjectReference{{Name: "lgsp-tls"}}}},
			}}})
	if err := createAll(ctx, c, objs, o.workers); err != nil {
		return err
	}
	objs = nil
	servicesOf := make([][]string, o.agencies)
	for s := 0; s < o.services; s++ {
		a := s % o.agencies
		servicesOf[a] = append(servicesOf[a], fmt.Sprintf("dv-%d", s))
	}
	for a := 0; a < o.agencies; a++ {
		ns := fmt.Sprintf("ag-%d", a)
		objs = append(objs, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{v1alpha1.LabelAgency: ns}}})
	}
	if err := createAll(ctx, c, objs, o.workers); err != nil {
		return err
	}
	objs = nil
	for a := 0; a < o.agencies; a++ {
		ns := fmt.Sprintf("ag-%d", a)
		agency := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: ns}, Spec: v1alpha1.AgencySpec{
			DisplayName: "Cơ quan " + ns, Level: v1alpha1.LevelDepartment, Namespace: v1alpha1.ObjectName(ns)}}
		for _, s := range servicesOf[a] {
			agency.Spec.AppraisedServices = append(agency.Spec.AppraisedServices, v1alpha1.ServiceAppraisal{
				Service: v1alpha1.ObjectName(s), DocumentRef: "CV", AppraisedAt: metav1.Now()})
		}
		// A Secret of the agency's own, which the operator must not cache.
		objs = append(objs, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db-password", Namespace: ns}, StringData: map[string]string{"password": ns}})
		objs = append(objs, agency, &v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Name: "dau-moi", Namespace: ns}, Spec: v1alpha1.FocalPointSpec{
			Person: v1alpha1.Contact{Name: "Cán bộ", Email: "cb@" + ns + ".gov.vn"}, Role: v1alpha1.RolePrimary,
			Appointment: v1alpha1.Appointment{DocumentRef: "QĐ", ValidFrom: metav1.NewTime(time.Now().Add(-time.Hour))},
			Subjects:    []v1alpha1.Subject{{Kind: v1alpha1.SubjectUser, Name: "cb@" + ns}}}})
		for _, s := range servicesOf[a] {
			objs = append(objs,
				// Headless: a test API server has a few hundred service IPs.
				&corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: s, Namespace: ns}, Spec: corev1.ServiceSpec{
					ClusterIP: corev1.ClusterIPNone, Selector: map[string]string{"app": s}, Ports: []corev1.ServicePort{{Port: 8080}}}},
				&v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Name: s, Namespace: ns}, Spec: v1alpha1.DataServiceSpec{
					Title: s, Description: s, Version: "v1", Classification: v1alpha1.ClassificationShared,
					Backend: v1alpha1.Backend{ServiceName: v1alpha1.ObjectName(s), Port: 8080},
					Access:  v1alpha1.Access{Audience: v1alpha1.AudienceProvince}}})
		}
	}
	for g := 0; g < o.agreements; g++ {
		consumer := g % o.agencies
		s := (g*7 + 1) % o.services
		provider := s % o.agencies
		if provider == consumer { // sharing with oneself needs no agreement
			s = (s + 1) % o.services
			provider = s % o.agencies
		}
		objs = append(objs, agreementObject(fmt.Sprintf("ag-%d", consumer), fmt.Sprintf("tt-%d", g), fmt.Sprintf("ag-%d", provider), fmt.Sprintf("dv-%d", s)))
	}
	return createAll(ctx, c, objs, o.workers)
}

func agreementObject(ns, name, providerNS, service string) *v1alpha1.SharingAgreement {
	return &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: v1alpha1.SharingAgreementSpec{
		Service: v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(providerNS), Name: v1alpha1.ObjectName(service)},
		Purpose: "Khai thác", LegalBasis: "NĐ 47/2020"}}
}

func createAll(ctx context.Context, c client.Client, objs []client.Object, workers int) error {
	return parallel(len(objs), workers, func(i int) error { return c.Create(ctx, objs[i]) })
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first error.
func parallel(n, workers int, fn func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// activeAgreements are the agreements Active for their generation, as the
// harness's watch-fed cache hears of them. Each event costs the same at
// any size: listing every agreement four times a second, as the harness
// did, cost the benchmark's process — the operator's too — more with every
// agreement (a sixth of a core at 100,000).
type activeAgreements struct {
	mu     sync.Mutex
	active map[types.NamespacedName]bool
}

// hear takes an agreement the cache added, updated or deleted.
func (a *activeAgreements) hear(o any, deleted bool) {
	if gone, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
		o = gone.Obj
	}
	sa, ok := o.(*v1alpha1.SharingAgreement)
	if !ok {
		return
	}
	r := conditions.Get(sa.Status.Conditions, v1alpha1.ConditionReady)
	isActive := !deleted && r != nil && r.ObservedGeneration == sa.Generation && r.Reason == string(v1alpha1.ReasonActive)
	a.mu.Lock()
	defer a.mu.Unlock()
	if isActive {
		a.active[client.ObjectKeyFromObject(sa)] = true
	} else {
		delete(a.active, client.ObjectKeyFromObject(sa))
	}
}

func (a *activeAgreements) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.active)
}

// waitConverged waits until every agreement is Active for its generation.
// It counts what a watch-fed cache of its own hears: listing every
// agreement from the API server twice a second cost the API server more
// than a tenth of its time at 2,000 agreements.
func waitConverged(ctx context.Context, a *activeAgreements, want int, timeout time.Duration) error {
	start, lastReport := time.Now(), time.Now()
	deadline := start.Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		active := a.count()
		if active >= want {
			return nil
		}
		if time.Since(lastReport) >= 15*time.Second {
			fmt.Printf("  %s: %d of %d agreements Active\n", time.Since(start).Round(time.Second), active, want)
			lastReport = time.Now()
		}
		time.Sleep(250 * time.Millisecond)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("not converged within %s", timeout)
}

// measureLatency creates agreements one at a time and times each from the
// create call to Active, and to the first status the operator writes on it,
// at the end of its first reconcile.
func measureLatency(ctx context.Context, c client.Client, o options, prefix string) (active, reconciled []time.Duration, err error) {
	for i := 0; i < o.latencySamples; i++ {
		sa := latencySample(o, prefix, i)
		start := time.Now()
		if err := c.Create(ctx, sa); err != nil {
			return nil, nil, err
		}
		var statusSeen time.Duration
		for {
			if err := c.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
				return nil, nil, err
			}
			if statusSeen == 0 && len(sa.Status.Conditions) > 0 {
				statusSeen = time.Since(start)
			}
			if conditions.IsTrue(sa.Status.Conditions, v1alpha1.ConditionReady) {
				break
			}
			if time.Since(start) > time.Minute {
				return nil, nil, fmt.Errorf("agreement %s not Active after a minute", sa.Name)
			}
			time.Sleep(5 * time.Millisecond)
		}
		active = append(active, time.Since(start))
		reconciled = append(reconciled, statusSeen)
		time.Sleep(50 * time.Millisecond)
	}
	return active, reconciled, nil
}

// latencySample is the i-th single agreement created under prefix, spread
// over consumers and services; never an agency's own.
func latencySample(o options, prefix string, i int) *v1alpha1.SharingAgreement {
	consumer, s := i%o.agencies, (i%o.agencies+1)%o.services
	return agreementObject(fmt.Sprintf("ag-%d", consumer), fmt.Sprintf("%s-%d", prefix, i), fmt.Sprintf("ag-%d", s%o.agencies), fmt.Sprintf("dv-%d", s))
}

// measureRevocation deletes the agreements measureLatency created under
// prefix, one at a time, and times each from the delete call until none of
// its keys is left in the service's key groups, which the SecurityPolicy
// names, nor in a gateway key Secret: from then on the gateway has no key
// of it to accept.
func measureRevocation(ctx context.Context, c client.Client, o options, prefix string) ([]time.Duration, error) {
	var revoked []time.Duration
	for i := 0; i < o.latencySamples; i++ {
		sa := latencySample(o, prefix, i)
		provider := client.InNamespace(string(sa.Spec.Service.Namespace))
		list := &corev1.SecretList{}
		if err := c.List(ctx, list, provider, client.MatchingLabels{
			v1alpha1.LabelCredential: v1alpha1.CredentialGateway, v1alpha1.LabelAgreementNamespace: sa.Namespace, v1alpha1.LabelAgreement: sa.Name}); err != nil {
			return nil, err
		}
		var clients []string
		for _, s := range list.Items {
			for id := range s.Data {
				clients = append(clients, id)
			}
		}
		// The keys left: in a gateway key Secret, or in a key group.
		keys := func() (int, error) {
			left := 0
			for _, credential := range []string{v1alpha1.CredentialGateway, v1alpha1.CredentialKeyGroup} {
				list := &corev1.SecretList{}
				if err := c.List(ctx, list, provider, client.MatchingLabels{
					v1alpha1.LabelCredential: credential, v1alpha1.LabelDataService: string(sa.Spec.Service.Name)}); err != nil {
					return 0, err
				}
				for _, s := range list.Items {
					for _, id := range clients {
						if _, ok := s.Data[id]; ok {
							left++
						}
					}
				}
			}
			return left, nil
		}
		// Its key in its Secret and in a key group (the group may be a
		// moment behind the agreement's Active).
		for waited := time.Now(); ; time.Sleep(5 * time.Millisecond) {
			n, err := keys()
			if err != nil {
				return nil, err
			}
			if len(clients) > 0 && n >= 2*len(clients) {
				break
			}
			if time.Since(waited) > 10*time.Second {
				return nil, fmt.Errorf("agreement %s/%s has no key at the gateway to revoke (%d in Secrets and key groups)", sa.Namespace, sa.Name, n)
			}
		}
		start := time.Now()
		if err := c.Delete(ctx, sa); err != nil {
			return nil, err
		}
		for {
			n, err := keys()
			if err != nil {
				return nil, err
			}
			if n == 0 {
				break
			}
			if time.Since(start) > time.Minute {
				return nil, fmt.Errorf("agreement %s/%s deleted a minute ago, %d of its keys left", sa.Namespace, sa.Name, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
		revoked = append(revoked, time.Since(start))
		time.Sleep(50 * time.Millisecond)
	}
	return revoked, nil
}

// eventsByReason counts the Events about each kind, by reason.
func eventsByReason(ctx context.Context, c client.Reader) (map[string]int, error) {
	list := &corev1.EventList{}
	if err := c.List(ctx, list); err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, e := range list.Items {
		counts[e.InvolvedObject.Kind+" "+e.Reason] += int(max(e.Count, 1))
	}
	return counts, nil
}

// cachedObjects estimates the objects in the operator's cache: the world,
// and what the operator wrote for it.
func cachedObjects(o options) int {
	return o.agencies*(1+1+1+2) + // namespace, agency, focal point, role + its 2 bindings are below
		o.agencies*2 + // focal point bindings
		o.services*(1+1+3+2) + // Service, DataService, route + policy + NetworkPolicy, sentinel + key group
		o.agreements*(1+2) // agreement, 2 Secrets
}

func sampleHeap(peak *atomic.Uint64) func() {
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			for {
				p := peak.Load()
				if ms.HeapInuse <= p || peak.CompareAndSwap(p, ms.HeapInuse) {
					break
				}
			}
		}
	}()
	return func() { close(stop) }
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(p*float64(len(s)))) - 1
	return s[max(i, 0)]
}

func report(o options, converge time.Duration, converging cpuUse, floor floors, lat, revoked [2][]time.Duration, settle time.Duration, reqs, reconciles, resync, events map[string]int,
	peak, heapAfterGC, liveAfterGC uint64, cached int, secrets secretsCached) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Scale run: %d agencies, %d services, %d agreements (%s, GOMAXPROCS=%d)\n\n", o.agencies, o.services, o.agreements, time.Now().UTC().Format("2006-01-02"), runtime.GOMAXPROCS(0))
	fmt.Fprintln(&b, "| measure | figure | target |")
	fmt.Fprintln(&b, "|---|---|---|")
	fmt.Fprintf(&b, "| convergence (operator start → every agreement Active) | %s | |\n", converge.Round(time.Millisecond))
	if converging.apiServer > 0 {
		fmt.Fprintf(&b, "| CPU seconds while converging: API server / etcd / this process (operator, harness) | %s | |\n", converging)
	}
	if floor.output.took > 0 {
		floorRows(&b, converge, converging, floor)
	}
	fmt.Fprintf(&b, "| convergence per 1,000 agreements | %.1f s | |\n", converge.Seconds()/float64(o.agreements)*1000)
	fmt.Fprintf(&b, "| apply → Active of single agreements at convergence, p50 / p99 / max (%d samples) | %s | p99 ≤ 1 s |\n", len(lat[0]), spread(lat[0]))
	fmt.Fprintf(&b, "| delete → key out of the gateway's key groups, of those agreements, at once, p50 / p99 / max | %s | p99 ≤ 1 s |\n", spread(revoked[0]))
	fmt.Fprintf(&b, "| the operator's queues quiet after that | %s | |\n", settle.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "| apply → Active once quiet, p50 / p99 / max (%d samples) | %s | p99 ≤ 1 s |\n", len(lat[1]), spread(lat[1]))
	fmt.Fprintf(&b, "| delete → key out of the gateway's key groups, once quiet, p50 / p99 / max | %s | p99 ≤ 1 s |\n", spread(revoked[1]))
	total := 0
	for _, v := range resync {
		total += v
	}
	written := fmt.Sprint(total)
	if total > 0 {
		written += fmt.Sprintf(" %v", resync)
	}
	fmt.Fprintf(&b, "| writes while a restarted operator reconciles the unchanged world | %s | 0 |\n", written)
	fmt.Fprintf(&b, "| peak heap in use | %.1f MiB | |\n", float64(peak)/(1<<20))
	fmt.Fprintf(&b, "| heap in use after GC | %.1f MiB | |\n", float64(heapAfterGC)/(1<<20))
	fmt.Fprintf(&b, "| heap in use after GC per cached object (~%d objects; fixed cost included) | %.2f KiB | ≤ 5 KiB |\n", cached, float64(heapAfterGC)/1024/float64(cached))
	fmt.Fprintf(&b, "| of which live objects (heap allocated after GC) per cached object | %.2f KiB | |\n", float64(liveAfterGC)/1024/float64(cached))
	fmt.Fprintf(&b, "| Secrets in the operator's cache / of those, not issued by it (the world holds %d others) | %d / %d | none not issued |\n",
		o.agencies, secrets.all, secrets.foreign)
	objects := o.agencies*2 + o.services + o.agreements
	fmt.Fprintf(&b, "\nReconciles until convergence:\n\n| controller | reconciles | per object of its kind |\n|---|---|---|\n")
	for _, c := range []struct {
		name string
		n    int
	}{{"agency", o.agencies}, {"focalpoint", o.agencies}, {"dataservice", o.services}, {"sharingagreement", o.agreements}} {
		fmt.Fprintf(&b, "| %s | %d | %.2f |\n", c.name, reconciles[c.name], float64(reconciles[c.name])/float64(c.n))
	}
	fmt.Fprintf(&b, "\nEvents at the end of the run, by the kind they are about and their reason (the single agreements' included):\n\n| kind and reason | Events |\n|---|---|\n")
	for _, k := range slices.Sorted(maps.Keys(events)) {
		fmt.Fprintf(&b, "| %s | %d |\n", k, events[k])
	}
	fmt.Fprintf(&b, "\nAPI requests until convergence (%d input objects):\n\n| request | count | per input object |\n|---|---|---|\n", objects)
	keys := make([]string, 0, len(reqs))
	for k := range reqs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return reqs[keys[i]] > reqs[keys[j]] })
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s | %d | %.2f |\n", k, reqs[k], float64(reqs[k])/float64(objects))
	}
	return b.String()
}

// writeHeapProfile writes what the heap holds (`go tool pprof -sample_index
// inuse_space`): which objects the cache's bytes are.
func writeHeapProfile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(pprof.WriteHeapProfile(f), f.Close())
}

// spread is the p50, p99 and max of ds.
func spread(ds []time.Duration) string {
	return fmt.Sprintf("%s / %s / %s", percentile(ds, 0.5).Round(time.Millisecond), percentile(ds, 0.99).Round(time.Millisecond), percentile(ds, 1).Round(time.Millisecond))
}

// profile takes 30 s CPU profiles of this process (the operator) and of the
// API server, at the same time, 10 s into convergence: where the time goes
// on both sides of the wire. `go tool pprof` reads them.
func profile(ctx context.Context, admin *rest.Config, dir string) {
	time.Sleep(10 * time.Second)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, err := os.Create(filepath.Join(dir, "operator.pprof"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "profile:", err)
			return
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "profile:", err)
			return
		}
		time.Sleep(30 * time.Second)
		pprof.StopCPUProfile()
	}()
	// kube-apiserver serves /debug/pprof to an authorized user (--profiling
	// is on by default).
	rc, err := rest.RESTClientFor(withCodec(admin))
	if err == nil {
		var body []byte
		body, err = rc.Get().AbsPath("/debug/pprof/profile").Param("seconds", "30").Timeout(time.Minute).DoRaw(ctx)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "kube-apiserver.pprof"), body, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "profile the API server:", err)
	}
	wg.Wait()
	fmt.Printf("CPU profiles written to %s\n", dir)
}

func withCodec(c *rest.Config) *rest.Config {
	c = rest.CopyConfig(c)
	c.GroupVersion = &corev1.SchemeGroupVersion
	c.NegotiatedSerializer = clientgoscheme.Codecs.WithoutConversion()
	return c
}

// startOperator runs the operator in this process, as main.go does, until
// the returned stop is called.
func startOperator(ctx context.Context, cfg *rest.Config, accessLogAddr string) (mgr ctrl.Manager, stop func() error, err error) {
	opts := config.Default()
	opts.CoordinatorAgency = "ag-0"
	opts.PublicBaseURL = testenv.SampleBaseURL
	opts.AccessLogAddr, opts.UsageFlushInterval = accessLogAddr, trafficFlush
	if mgr, err = controllers.NewEmbeddedManager(cfg, controllers.Options{Config: opts}); err != nil {
		return nil, nil, err
	}
	return mgr, controllers.StartInBackground(ctx, mgr), nil
}

// waitEveryObjectReconciled waits until each controller has reconciled at
// least as many times as it has objects since before, and then until its
// queue is quiet for 3 s.
func waitEveryObjectReconciled(ctx context.Context, before, objects map[string]int) (time.Duration, error) {
	start := time.Now()
	var last map[string]int
	quietSince := time.Now()
	for time.Since(start) < 30*time.Minute && ctx.Err() == nil {
		now, err := testenv.ReconcileCounts()
		if err != nil {
			return 0, err
		}
		all := true
		for name, n := range objects {
			if now[name]-before[name] < n {
				all = false
			}
		}
		if !maps.Equal(now, last) {
			last, quietSince = now, time.Now()
		}
		if all && time.Since(quietSince) >= 3*time.Second {
			return quietSince.Sub(start), nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return 0, fmt.Errorf("a restarted operator did not reconcile every object within 30 minutes")
}

// waitQuiet waits until no controller has reconciled anything for quiet.
func waitQuiet(ctx context.Context, quiet time.Duration) error {
	var last map[string]int
	since := time.Now()
	for ctx.Err() == nil {
		now, err := testenv.ReconcileCounts()
		if err != nil {
			return err
		}
		if !maps.Equal(now, last) {
			last, since = now, time.Now()
		}
		if time.Since(since) >= quiet {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return ctx.Err()
}

type secretsCached struct{ all, foreign int }

// countCachedSecrets counts the Secrets in the operator's cache, and those
// among them it did not issue.
func countCachedSecrets(ctx context.Context, c client.Reader) (secretsCached, error) {
	list := &corev1.SecretList{}
	if err := c.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		return secretsCached{}, err
	}
	n := secretsCached{all: len(list.Items)}
	for i := range list.Items {
		if list.Items[i].Labels[v1alpha1.LabelManagedBy] != v1alpha1.ManagedByOperator {
			n.foreign++
		}
	}
	return n, nil
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}
