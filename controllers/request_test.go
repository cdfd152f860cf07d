package controllers

import (
	"regexp"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
)

// TestARequestIsAnsweredOnTime follows a request for a Listed service that
// does not name the consumer: its moment and deadline are recorded once and
// kept, ResponseOverdue turns at the deadline (the clock advanced by days),
// the provider's Agency counts it and the DIC's lists it; a written refusal
// answers it, with no key and the reasons quoted; consent after the
// refusal makes the agreement live.
func TestARequestIsAnsweredOnTime(t *testing.T) {
	ds := publishedService(t, "so-tc-yc", "ngan-sach-xa", v1alpha1.AudienceListed, v1alpha1.Consent{Agency: "ubnd-khac", DocumentRef: "CV 1"})
	consumerAgency(t, "ubnd-yeu-cau", v1alpha1.LevelDistrict)
	consumerAgency(t, "ubnd-cho-tra-loi", v1alpha1.LevelDistrict)
	dic := coordinatorAgency(t)
	sa := agreement("ubnd-yeu-cau", "ngan-sach-xa", ds)
	create(t, sa)
	// A second request, left unanswered to the end.
	unanswered := agreement("ubnd-cho-tra-loi", "ngan-sach-xa", ds)
	create(t, unanswered)
	waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)
	waitForReason(t, unanswered, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)

	var requested, respondBy time.Time
	eventually(t, 10*time.Second, "the request is recorded", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
			return err
		}
		if sa.Status.Request == nil {
			return errorf("no status.request")
		}
		requested, respondBy = sa.Status.Request.RequestedAt.Time, sa.Status.Request.RespondBy.Time
		return nil
	})
	cal, err := config.Default().Calendar()
	if err != nil {
		t.Fatal(err)
	}
	if want := cal.Deadline(requested, config.DefaultResponseWorkingDays); !respondBy.Equal(want) || sa.Status.Request.Service != "so-tc-yc/ngan-sach-xa" {
		t.Fatalf("request %+v: want the deadline %s, two working days after the request", sa.Status.Request, want)
	}
	c := conditions.Get(sa.Status.Conditions, v1alpha1.ConditionResponseOverdue)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != string(v1alpha1.ReasonAwaitingResponse) ||
		!strings.Contains(c.Message, "agency so-tc-yc must consent or refuse in writing, with reasons and the legal basis, by "+clock.Format(respondBy)) {
		t.Fatalf("ResponseOverdue before the deadline: %+v", c)
	}

	// A reconcile a day later, as after a restart, keeps the moment.
	advanceTo(t, requested.Add(24*time.Hour))
	update(t, sa, func(sa *v1alpha1.SharingAgreement) { sa.Spec.Purpose = "Tổng hợp ngân sách cấp xã" })
	waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)
	if got := sa.Status.Request; got == nil || !got.RequestedAt.Time.Equal(requested) || !got.RespondBy.Time.Equal(respondBy) {
		t.Fatalf("a later reconcile changed the request: %+v", got)
	}

	advanceTo(t, respondBy.Add(time.Second))
	eventually(t, 10*time.Second, "the answer is overdue", func() error {
		c, err := conditionOf(t, sa, v1alpha1.ConditionResponseOverdue)
		if err != nil {
			return err
		}
		if c.Status != metav1.ConditionTrue {
			return errorf("ResponseOverdue %s/%s", c.Status, c.Reason)
		}
		if !strings.Contains(c.Message, "agency so-tc-yc has neither consented nor refused in writing by "+clock.Format(respondBy)) ||
			!strings.Contains(c.Message, "the DIC (Sở TT&TT) follows up with the provider (Điều 23)") {
			t.Errorf("message: %q", c.Message)
		}
		return nil
	})
	turned := operatorClock.Since(respondBy.Add(time.Second))
	eventually(t, 10*time.Second, "an Event says so", func() error { return findEvent(sa, "ResponseOverdue", string(v1alpha1.ReasonResponseOverdue)) })
	provider := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-tc-yc"}}
	eventuallyAfter(t, operatorClock, kit.SummaryDelay, "the provider counts it, the DIC lists it", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(provider), provider); err != nil {
			return err
		}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(dic), dic); err != nil {
			return err
		}
		if provider.Status.ResponsesOverdue != 2 {
			return errorf("provider responsesOverdue %d", provider.Status.ResponsesOverdue)
		}
		for _, r := range dic.Status.OverdueRequests {
			if r == "ubnd-yeu-cau/ngan-sach-xa" {
				return nil
			}
		}
		return errorf("the DIC lists %v", dic.Status.OverdueRequests)
	})

	// The provider refuses in writing: the request is answered, late.
	update(t, ds, func(ds *v1alpha1.DataService) {
		ds.Spec.Access.Refusals = []v1alpha1.ConsumerRefusal{{Agency: "ubnd-yeu-cau", WrittenRefusal: v1alpha1.WrittenRefusal{
			Reason: "Dữ liệu ngân sách chưa được công khai", LegalBasis: "Luật Ngân sách nhà nước 2015, Điều 15",
			DocumentRef: "Công văn 45/STC-NS", RefusedAt: metav1.NewTime(operatorClock.Now().Truncate(time.Second))}}}
	})
	c = waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonRefusedByProvider)
	if !strings.Contains(c.Message, "agency so-tc-yc refused agency ubnd-yeu-cau the use of DataService so-tc-yc/ngan-sach-xa in writing (Công văn 45/STC-NS") ||
		!strings.Contains(c.Message, "Dữ liệu ngân sách chưa được công khai; legal basis: Luật Ngân sách nhà nước 2015, Điều 15") {
		t.Errorf("message: %q", c.Message)
	}
	if n := len(gatewayKeysOf(t, sa)); n != 0 || consumerKey(t, sa) != "" {
		t.Fatalf("a refused agreement holds %d gateway key(s)", n)
	}
	if c, _ := conditionOf(t, sa, v1alpha1.ConditionResponseOverdue); c.Reason != string(v1alpha1.ReasonAnswered) || !strings.Contains(c.Message, "after the deadline of "+clock.Format(respondBy)) {
		t.Errorf("after the refusal, ResponseOverdue is %+v", c)
	}
	// What a person sees with kubectl: one refused, one overdue.
	out := kubectlGet(t, "sharingagreements", "-A", "-o", "wide")
	for _, want := range []string{`ubnd-yeu-cau\s+ngan-sach-xa\s+ngan-sach-xa\s+so-tc-yc\s+ubnd-yeu-cau\s+RefusedByProvider\s+Answered\s+` + clock.Format(respondBy),
		`ubnd-cho-tra-loi\s+ngan-sach-xa\s+ngan-sach-xa\s+so-tc-yc\s+ubnd-cho-tra-loi\s+AwaitingProviderConsent\s+ResponseOverdue\s+`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("kubectl get sharingagreements -A -o wide does not match %s:\n%s", want, out)
		}
	}
	t.Logf("kubectl get sharingagreements -A -o wide (excerpt):\n%s", grepLines(out, "NAMESPACE", "ngan-sach-xa"))

	// The provider changes its mind: it removes the refusal and consents.
	update(t, ds, func(ds *v1alpha1.DataService) {
		ds.Spec.Access.Refusals = nil
		ds.Spec.Access.Consumers = append(ds.Spec.Access.Consumers, v1alpha1.Consent{Agency: "ubnd-yeu-cau", DocumentRef: "Công văn 46/STC-NS"})
	})
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, sa))
	t.Logf("ResponseOverdue turned %s after the deadline", turned.Round(time.Millisecond))
}

// coordinatorAgency returns the DIC's Agency, registering it when no test
// has yet.
func coordinatorAgency(t *testing.T) *v1alpha1.Agency {
	t.Helper()
	dic := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: coordinator}}
	if !exists(t, dic) {
		newNamespace(t, coordinator)
		dic = newAgency(t, coordinator, coordinator, v1alpha1.LevelDepartment)
	}
	return dic
}

// grepLines keeps the lines that contain any of words.
func grepLines(text string, words ...string) string {
	var keep []string
	for _, line := range strings.Split(text, "\n") {
		for _, w := range words {
			if strings.Contains(line, w) {
				keep = append(keep, line)
				break
			}
		}
	}
	return strings.Join(keep, "\n")
}
