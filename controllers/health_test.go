package controllers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestHealthForArgoCDAndKstatus reads objects that the real controllers
// brought to each state, and checks what Argo CD's Lua health check (run in
// gopher-lua, as Argo CD runs it) and kstatus (as Flux and kubectl wait read
// it) make of them.
func TestHealthForArgoCDAndKstatus(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "argocd", "health.lua"))
	if err != nil {
		t.Fatal(err)
	}

	// Objects in each state.
	ready := publishedService(t, "so-hl", "dich-vu-san-sang", v1alpha1.AudienceProvince)
	newNamespace(t, "so-hl-thieu")
	noFocalPoint := newAgency(t, "so-hl-thieu", "so-hl-thieu", v1alpha1.LevelDepartment)
	waitForReason(t, noFocalPoint, metav1.ConditionFalse, v1alpha1.ReasonNoFocalPoint)
	backendService(t, "so-hl", "cho-gateway", 8080, map[string]string{"app": "x"})
	waiting := dataService("so-hl", "cho-gateway")
	update(t, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-hl"}}, func(a *v1alpha1.Agency) {
		a.Spec.AppraisedServices = append(a.Spec.AppraisedServices, v1alpha1.ServiceAppraisal{Service: "cho-gateway", DocumentRef: "CV", AppraisedAt: metav1.Now()})
	})
	create(t, waiting)
	waitForReason(t, waiting, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)
	consumerAgency(t, "ubnd-hl", v1alpha1.LevelDistrict)
	listed := publishedService(t, "so-hl-ds", "danh-sach", v1alpha1.AudienceListed, v1alpha1.Consent{Agency: "ai-khac", DocumentRef: "CV"})
	awaiting := agreement("ubnd-hl", "danh-sach", listed)
	create(t, awaiting)
	waitForReason(t, awaiting, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)
	active := agreement("ubnd-hl", "san-sang", ready)
	create(t, active)
	waitForReason(t, active, metav1.ConditionTrue, v1alpha1.ReasonActive)
	later := agreement("ubnd-hl", "sau-nay", ready)
	later.Spec.ValidFrom = &metav1.Time{Time: operatorClock.Now().Add(time.Hour)}
	create(t, later)
	waitForReason(t, later, metav1.ConditionFalse, v1alpha1.ReasonNotYetValid)
	// The agreement's key changed the route: the gateway reports on the new
	// generation.
	route, _, _ := generatedObjects(ready)
	acceptRoute(t, route, metav1.ConditionTrue, "Accepted")
	waitForReason(t, ready, metav1.ConditionTrue, v1alpha1.ReasonReady)
	futureFP := newFocalPoint(t, "ubnd-hl", "sap-nhan-viec", v1alpha1.RoleDeputy, appointment{from: operatorClock.Now().Add(time.Hour)}, "sap@hl")
	waitForReason(t, futureFP, metav1.ConditionFalse, v1alpha1.ReasonAppointmentNotStarted)

	cases := []struct {
		name        string
		obj         client.Object
		newGen      bool // pretend a new generation the operator has not seen
		wantArgo    string
		wantKstatus status.Status
	}{
		{"a Ready service", ready, false, "Healthy", status.CurrentStatus},
		{"an Active agreement", active, false, "Healthy", status.CurrentStatus},
		{"a service waiting for the gateway", waiting, false, "Progressing", status.InProgressStatus},
		{"an agency without a focal point", noFocalPoint, false, "Degraded", status.FailedStatus},
		{"an agreement awaiting the provider", awaiting, false, "Suspended", status.FailedStatus},
		{"an agreement that starts later", later, false, "Suspended", status.InProgressStatus},
		{"a focal point appointed from later", futureFP, false, "Suspended", status.InProgressStatus},
		{"a new generation not yet reconciled", ready, true, "Progressing", status.InProgressStatus},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(tc.obj), tc.obj); err != nil {
				t.Fatal(err)
			}
			m, err := render.ToMap(tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			if tc.newGen {
				meta := m["metadata"].(map[string]any)
				meta["generation"] = meta["generation"].(float64) + 1
			}
			argo, msg := argoHealth(t, string(script), m)
			if argo != tc.wantArgo {
				t.Errorf("Argo CD health %s (%s), want %s", argo, msg, tc.wantArgo)
			}
			res, err := status.Compute(&unstructured.Unstructured{Object: numbersToInt(m).(map[string]any)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.wantKstatus {
				t.Errorf("kstatus %s (%s), want %s", res.Status, res.Message, tc.wantKstatus)
			}
		})
	}
}

// TestArgoCDConfigMapCarriesTheScript keeps the argocd-cm snippet equal to
// health.lua for every kind.
func TestArgoCDConfigMapCarriesTheScript(t *testing.T) {
	dir := filepath.Join(testenv.RepoRoot(), "config", "argocd")
	script, err := os.ReadFile(filepath.Join(dir, "health.lua"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "argocd-cm-health.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm struct{ Data map[string]string }
	if err := yaml.Unmarshal(raw, &cm); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"Agency", "FocalPoint", "DataService", "SharingAgreement"} {
		key := "resource.customizations.health.datashare.lgsp.vn_" + kind
		if strings.TrimSpace(cm.Data[key]) != strings.TrimSpace(string(script)) {
			t.Errorf("%s differs from health.lua", key)
		}
	}
}

// argoHealth runs an Argo CD health script on obj, as Argo CD does: obj is
// a global, the script returns a table with status and message.
func argoHealth(t *testing.T, script string, obj map[string]any) (string, string) {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoString(script); err != nil {
		t.Fatalf("the health script failed: %v", err)
	}
	ret, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		t.Fatalf("the health script returned %v", L.Get(-1))
	}
	return ret.RawGetString("status").String(), ret.RawGetString("message").String()
}

func toLua(L *lua.LState, v any) lua.LValue {
	switch t := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(t)
	case float64:
		return lua.LNumber(t)
	case string:
		return lua.LString(t)
	case []any:
		tbl := L.NewTable()
		for _, item := range t {
			tbl.Append(toLua(L, item))
		}
		return tbl
	case map[string]any:
		tbl := L.NewTable()
		for k, item := range t {
			tbl.RawSetString(k, toLua(L, item))
		}
		return tbl
	}
	panic(fmt.Sprintf("no Lua value for %T", v))
}

// numbersToInt turns JSON's float64 numbers into int64, as unstructured
// objects hold them.
func numbersToInt(v any) any {
	switch t := v.(type) {
	case float64:
		return int64(t)
	case []any:
		for i := range t {
			t[i] = numbersToInt(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = numbersToInt(t[k])
		}
	}
	return v
}
