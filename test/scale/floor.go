package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// floorWorkers is the floor's parallelism: one worker per controller.
const floorWorkers = 4

// floorKey is the key every floor Secret holds: as long as an issued one.
var floorKey = []byte(strings.Repeat("k", 43))

// floorClientID is the i-th client id of a floor key group, in the form
// of the operator's ("<consumer agency>.<agreement>.<key id>").
func floorClientID(i int) string { return fmt.Sprintf("ag-x.floor-%d.%08d", i, i) }

// floorAgreement names the g-th agreement of the world, as buildWorld made
// it.
func floorAgreement(o options, g int) (ns, name string) {
	return fmt.Sprintf("ag-%d", g%o.agencies), fmt.Sprintf("tt-%d", g)
}

// floorPhase is one part of the floor: how long it took, and the CPU the
// API server, etcd and this process spent on it.
type floorPhase struct {
	took time.Duration
	cpu  cpuUse
}

// floors are the parts of the floor, each timed on its own after the
// operator has stopped:
//   - output: the objects the operator wrote, each written whole, once;
//   - events: one Event per agreement, as the operator's Active Event, the
//     news it keeps for every agreement that goes live;
//   - keyPatches: each agreement's key patched into its service's key
//     group on its own, which is what lets a key work at the gateway the
//     moment it is issued, where output writes every group complete.
//
// output is the floor the ratio target is set against; the sum of the
// three is the least the design writes, however the operator is built.
type floors struct{ output, events, keyPatches floorPhase }

func (f floors) all() time.Duration { return f.output.took + f.events.took + f.keyPatches.took }

// measureFloors times the three parts of the floor, one after the other.
func measureFloors(ctx context.Context, c client.Client, o options) (floors, error) {
	var f floors
	var err error
	if f.output, err = timed(func() error { return writeOutputFloor(ctx, c, o) }); err != nil {
		return f, err
	}
	template, err := activeEvent(ctx, c)
	if err != nil {
		return f, err
	}
	if f.events, err = timed(func() error { return writeEventFloor(ctx, c, o, template) }); err != nil {
		return f, err
	}
	groups, err := emptyKeyGroups(ctx, c, o)
	if err != nil {
		return f, err
	}
	f.keyPatches, err = timed(func() error { return patchKeysOneByOne(ctx, c, o, groups) })
	return f, err
}

// timed runs fn and measures how long it took and the CPU it cost; the CPU
// is zero when /proc could not be read.
func timed(fn func() error) (floorPhase, error) {
	before, cpuErr := cpuNow()
	start := time.Now()
	err := fn()
	p := floorPhase{took: time.Since(start)}
	if cpuErr == nil {
		if used, err := cpuSince(before); err == nil {
			p.cpu = used
		}
	}
	return p, err
}

// writeOutputFloor writes, with a plain client and the operator's
// parallelism, what the operator wrote for the world: per agreement two
// Secrets and a status; per service a route, a key group already holding
// its share of the keys, a policy, a NetworkPolicy and a status; per focal
// point two RoleBindings and a status; per agency a Role and a status.
func writeOutputFloor(ctx context.Context, c client.Client, o options) error {
	cfg := config.Default()
	var writes []func() error
	for g := 0; g < o.agreements; g++ {
		ns, name := floorAgreement(o, g)
		sa := agreementObject(ns, name, "ag-0", "dv-0")
		writes = append(writes,
			func() error {
				return c.Create(ctx, render.ConsumerSecret(renamed(sa, "floor-"+name), render.ConsumerCredential{ConsumerAgency: ns, Key: string(floorKey), KeyID: "00000000", IssuedAt: time.Now()}))
			},
			func() error {
				return c.Create(ctx, render.GatewayKeySecret(renamed(sa, "floor-"+name), ns, string(floorKey), "00000000"))
			},
			func() error { return touchStatus(ctx, c, &v1alpha1.SharingAgreement{}, ns, name) })
	}
	for s := 0; s < o.services; s++ {
		ns, name := fmt.Sprintf("ag-%d", s%o.agencies), fmt.Sprintf("dv-%d", s)
		ds := floorService(ns, "floor-"+name, name)
		backend := &corev1.Service{Spec: corev1.ServiceSpec{Selector: map[string]string{"app": name}, Ports: []corev1.ServicePort{{Port: 8080}}}}
		objs := render.Service(render.ServiceInputs{Service: ds, Agency: ns, Rules: cfg.Rules, Backend: backend, LiveKeys: 2, KeyGroups: 1})
		// The service's key group, complete: its share of the agreements.
		group := map[string][]byte{}
		for k := 0; k < o.agreements/o.services; k++ {
			group[floorClientID(k)] = floorKey
		}
		writes = append(writes,
			func() error { return c.Create(ctx, objs.Route) },
			func() error { return c.Create(ctx, render.KeyGroupSecret(ds, ns, 0, group)) },
			func() error { return c.Create(ctx, objs.SecurityPolicy) },
			func() error { return c.Create(ctx, objs.NetworkPolicy) },
			func() error { return touchStatus(ctx, c, &v1alpha1.DataService{}, ns, name) })
	}
	for a := 0; a < o.agencies; a++ {
		ns := fmt.Sprintf("ag-%d", a)
		fp := &v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Name: "floor", Namespace: ns, UID: floorUID}}
		bindings := render.FocalPointBindings(fp, ns)
		writes = append(writes,
			func() error { return c.Create(ctx, bindings[0]) },
			func() error { return c.Create(ctx, bindings[1]) },
			func() error {
				r := render.IssuedCredentialsRole(&v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: ns, UID: floorUID}, Spec: v1alpha1.AgencySpec{Namespace: v1alpha1.ObjectName(ns)}}, nil)
				r.Name = "floor-role"
				return c.Create(ctx, r)
			},
			func() error { return touchStatus(ctx, c, &v1alpha1.FocalPoint{}, ns, "dau-moi") },
			func() error { return touchStatus(ctx, c, &v1alpha1.Agency{}, "", ns) })
	}
	return parallel(len(writes), floorWorkers, func(i int) error { return writes[i]() })
}

// floorService is a DataService of the floor's: it owns the floor's
// objects of one service.
func floorService(ns, name, backend string) *v1alpha1.DataService {
	return &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, UID: floorUID}, Spec: v1alpha1.DataServiceSpec{
		Version: "v1", Backend: v1alpha1.Backend{ServiceName: v1alpha1.ObjectName(backend), Port: 8080},
		Access: v1alpha1.Access{Audience: v1alpha1.AudienceProvince}}}
}

// activeEvent is one of the Events the operator recorded for an agreement
// going live, as the model of the Event floor: the same fields, the same
// note.
func activeEvent(ctx context.Context, c client.Reader) (*eventsv1.Event, error) {
	list := &eventsv1.EventList{}
	if err := c.List(ctx, list, client.InNamespace("ag-0")); err != nil {
		return nil, err
	}
	for i := range list.Items {
		e := &list.Items[i]
		if e.Regarding.Kind == "SharingAgreement" && e.Reason == string(v1alpha1.ReasonActive) {
			return e, nil
		}
	}
	return nil, fmt.Errorf("no Active Event of an agreement in namespace ag-0 to model the Event floor on (%d Events there)", len(list.Items))
}

// writeEventFloor creates one Event per agreement, a copy of template
// about that agreement, as the operator's recorder would.
func writeEventFloor(ctx context.Context, c client.Client, o options, template *eventsv1.Event) error {
	return parallel(o.agreements, floorWorkers, func(g int) error {
		ns, name := floorAgreement(o, g)
		now := time.Now()
		e := &eventsv1.Event{
			ObjectMeta:          metav1.ObjectMeta{Name: fmt.Sprintf("floor-%s.%x", name, now.UnixNano()), Namespace: ns},
			EventTime:           metav1.NewMicroTime(now),
			ReportingController: template.ReportingController, ReportingInstance: template.ReportingInstance,
			Action: template.Action, Reason: template.Reason, Note: template.Note, Type: template.Type,
			Regarding: corev1.ObjectReference{Kind: template.Regarding.Kind, APIVersion: template.Regarding.APIVersion,
				Namespace: ns, Name: name, UID: floorUID},
		}
		return c.Create(ctx, e)
	})
}

// emptyKeyGroups creates, before the key patches are timed, an empty key
// group per service, which the patches fill as the operator's groups fill:
// from no key to the service's share.
func emptyKeyGroups(ctx context.Context, c client.Client, o options) ([]types.NamespacedName, error) {
	groups := make([]types.NamespacedName, o.services)
	err := parallel(o.services, floorWorkers, func(s int) error {
		ns := fmt.Sprintf("ag-%d", s%o.agencies)
		ds := floorService(ns, fmt.Sprintf("floor-patched-dv-%d", s), fmt.Sprintf("dv-%d", s))
		groups[s] = types.NamespacedName{Namespace: ns, Name: names.KeyGroupName(ds, 0)}
		return c.Create(ctx, render.KeyGroupSecret(ds, ns, 0, map[string][]byte{}))
	})
	return groups, err
}

// patchKeysOneByOne adds each agreement's key to its service's group, one
// merge patch per key, as the operator's patch of a group carries one key.
func patchKeysOneByOne(ctx context.Context, c client.Client, o options, groups []types.NamespacedName) error {
	return parallel(o.agreements, floorWorkers, func(g int) error {
		group := groups[g%o.services]
		patch, err := json.Marshal(map[string]any{"data": map[string][]byte{floorClientID(g): floorKey}})
		if err != nil {
			return err
		}
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: group.Namespace, Name: group.Name}}
		return c.Patch(ctx, s, client.RawPatch(types.MergePatchType, patch))
	})
}

// floorUID owns the floor's objects: owner references need a UID, and
// nothing collects them in a test API server.
const floorUID = "00000000-0000-0000-0000-000000000000"

func renamed(sa *v1alpha1.SharingAgreement, name string) *v1alpha1.SharingAgreement {
	out := sa.DeepCopy()
	out.Name, out.UID = name, floorUID
	return out
}

// touchStatus writes a status as the operator does: a merge patch of the
// status subresource.
func touchStatus(ctx context.Context, c client.Client, obj client.Object, ns, name string) error {
	patch := client.RawPatch("application/merge-patch+json", []byte(fmt.Sprintf(`{"status":{"observedGeneration":%d}}`, time.Now().UnixNano()%1000+1)))
	obj.SetNamespace(ns)
	obj.SetName(name)
	return c.Status().Patch(ctx, obj, patch)
}

// floorRows reports the floor's parts, and the operator's time and CPU
// against the output floor alone and against all three.
func floorRows(b *strings.Builder, converge time.Duration, converging cpuUse, f floors) {
	for _, p := range []struct {
		what  string
		phase floorPhase
	}{
		{"floor: the output objects, each written whole once (plain client, 4 workers)", f.output},
		{"floor: one Event per agreement, as the operator's Active Event", f.events},
		{"floor: each key patched into its service's key group on its own", f.keyPatches},
	} {
		fmt.Fprintf(b, "| %s | %s | |\n", p.what, p.phase.took.Round(time.Millisecond))
		if p.phase.cpu.apiServer > 0 {
			fmt.Fprintf(b, "| CPU seconds of that part: API server / etcd / this process (floor's client, harness) | %s | |\n", p.phase.cpu)
		}
	}
	fmt.Fprintf(b, "| ratio operator / output floor | %.2f | ≤ 1.2 |\n", converge.Seconds()/f.output.took.Seconds())
	fmt.Fprintf(b, "| ratio operator / the three parts together (the least the design writes) | %.2f | |\n", converge.Seconds()/f.all().Seconds())
	if output := f.output.cpu.controlPlane(); converging.apiServer > 0 && output > 0 {
		all := output + f.events.cpu.controlPlane() + f.keyPatches.cpu.controlPlane()
		op := converging.controlPlane()
		fmt.Fprintf(b, "| API server and etcd CPU, operator / output floor, / the three parts | %.2f / %.2f | |\n", op/output, op/all)
	}
}
