package controllers

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/sharingagreement"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// TestLiveAgreementIssuesCredentials checks both Secrets of a live
// agreement, the service's SecurityPolicy, and the agreement's status.
func TestLiveAgreementIssuesCredentials(t *testing.T) {
	ds := publishedService(t, "so-tn", "dat-o", v1alpha1.AudienceProvince)
	consumerAgency(t, "ubnd-my-tu", v1alpha1.LevelDistrict)
	sa := agreement("ubnd-my-tu", "dat-o", ds)
	create(t, sa)

	c := waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	// No finalizer holds an agreement: its keys go when its deletion is
	// seen. And the operator writes nothing into the spec (the manifest
	// has no spec.credentials).
	if sa.Generation != 1 || len(sa.Finalizers) != 0 {
		t.Errorf("the operator changed the agreement's metadata: generation %d, finalizers %v", sa.Generation, sa.Finalizers)
	}
	if !strings.Contains(c.Message, "agency ubnd-my-tu uses DataService so-tn/dat-o of agency so-tn") {
		t.Errorf("message: %q", c.Message)
	}
	if c, _ := conditionOf(t, sa, v1alpha1.ConditionCredentialIssued); c == nil || c.Status != metav1.ConditionTrue {
		t.Fatalf("CredentialIssued: %+v", c)
	}
	st := sa.Status
	if st.ConsumerAgency != "ubnd-my-tu" || st.ProviderAgency != "so-tn" || st.Endpoint != "https://lgsp.soctrang.gov.vn/so-tn/dat-o/v1" ||
		st.Credential.SecretName != "datashare-dat-o" || st.Credential.IssuedAt == nil || st.Credential.NextRotationAt == nil {
		t.Fatalf("status %+v", st)
	}
	if got := st.Credential.NextRotationAt.Sub(st.Credential.IssuedAt.Time); got != 90*24*time.Hour {
		t.Errorf("the next rotation is %s after issue, want the default 2160h", got)
	}

	issuedKey(t, sa)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ubnd-my-tu", Name: "datashare-dat-o"}}
	if !exists(t, secret) {
		t.Fatal("no consumer Secret")
	}
	key := string(secret.Data[render.SecretKeyAPIKey])
	rememberKey(key)
	if len(key) != 43 || string(secret.Data[render.SecretKeyEndpoint]) != st.Endpoint || string(secret.Data[render.SecretKeyHeader]) != "X-API-Key" {
		t.Fatalf("consumer Secret holds %d-character key, endpoint %q, header %q", len(key), secret.Data[render.SecretKeyEndpoint], secret.Data[render.SecretKeyHeader])
	}
	if refs := secret.OwnerReferences; len(refs) != 1 || refs[0].UID != sa.UID {
		t.Errorf("the consumer Secret must be owned by the agreement: %+v", refs)
	}

	keys := gatewayKeysOf(t, sa)
	if len(keys) != 1 {
		t.Fatalf("want one gateway-side key, got %d", len(keys))
	}
	clientID := string(secret.Data[render.SecretKeyClientID])
	if got := string(keys[0].Data[clientID]); got != key || len(keys[0].Data) != 1 || !strings.HasPrefix(clientID, "ubnd-my-tu.dat-o.") {
		t.Fatalf("the gateway-side Secret must hold one client %q with the consumer's key", clientID)
	}
	_, policy, _ := generatedObjects(ds)
	eventually(t, 10*time.Second, "the SecurityPolicy lists the key", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
			return err
		}
		if got := strings.Join(credentialNames(policy), ","); got != keys[0].Name {
			return errorf("credentialRefs %q", got)
		}
		return nil
	})
	// One Event tells the news: the agreement became live with its key.
	eventually(t, 10*time.Second, "an Event says the agreement is live", func() error { return findEvent(sa, "BecameReady", "Active") })
	if findEvent(sa, "KeyIssued", "Issued") == nil {
		t.Fatal("the first key, issued as the agreement became live, has an Event of its own besides BecameReady")
	}
}

// TestWithdrawingConsentRemovesTheGatewayKey withdraws each kind of consent
// in turn and measures how long the gateway-side key outlives it.
func TestWithdrawingConsentRemovesTheGatewayKey(t *testing.T) {
	ds := publishedService(t, "so-tc-ks", "so-thue", v1alpha1.AudienceListed,
		v1alpha1.Consent{Agency: "bo-tc", DocumentRef: "CV 1"}, v1alpha1.Consent{Agency: "ubnd-ke-sach", DocumentRef: "CV 2"})
	outsider, _ := consumerAgency(t, "bo-tc", v1alpha1.LevelCentral, v1alpha1.Endorsement{Service: "so-tc-ks/so-thue", DocumentRef: "CV DIC 5"})
	_, insiderFP := consumerAgency(t, "ubnd-ke-sach", v1alpha1.LevelDistrict)
	fromOutside := agreement("bo-tc", "so-thue", ds)
	fromInside := agreement("ubnd-ke-sach", "so-thue", ds)
	create(t, fromOutside)
	create(t, fromInside)
	waitForReason(t, fromOutside, metav1.ConditionTrue, v1alpha1.ReasonActive)
	waitForReason(t, fromInside, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, fromOutside))
	rememberKey(issuedKey(t, fromInside))

	report := map[string]time.Duration{}

	// The DIC withdraws its endorsement.
	update(t, outsider, func(a *v1alpha1.Agency) { a.Spec.Endorsements = nil })
	report["the DIC withdraws its endorsement"] = waitKeysGone(t, fromOutside, time.Now())
	c := waitForReason(t, fromOutside, metav1.ConditionFalse, v1alpha1.ReasonAwaitingCoordinatorEndorsement)
	if !strings.Contains(c.Message, "the DIC (Sở TT&TT) must endorse its use of so-tc-ks/so-thue") {
		t.Errorf("message: %q", c.Message)
	}
	if consumerKey(t, fromOutside) != "" {
		t.Error("the consumer Secret must be removed when the agreement stops being live")
	}
	eventually(t, 10*time.Second, "an Event says the keys were withdrawn", func() error { return findEvent(fromOutside, "Withdraw", "KeysWithdrawn") })

	// The provider removes the consumer from its list.
	update(t, ds, func(ds *v1alpha1.DataService) { ds.Spec.Access.Consumers = ds.Spec.Access.Consumers[:1] })
	report["the provider removes the consumer"] = waitKeysGone(t, fromInside, time.Now())
	waitForReason(t, fromInside, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)

	// Consent comes back, then the consumer loses its focal point.
	update(t, ds, func(ds *v1alpha1.DataService) {
		ds.Spec.Access.Consumers = append(ds.Spec.Access.Consumers, v1alpha1.Consent{Agency: "ubnd-ke-sach", DocumentRef: "CV 3"})
	})
	waitForReason(t, fromInside, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, fromInside))
	if err := k8s.Delete(ctx, insiderFP); err != nil {
		t.Fatal(err)
	}
	report["the consumer's focal point goes"] = waitKeysGone(t, fromInside, time.Now())
	waitForReason(t, fromInside, metav1.ConditionFalse, v1alpha1.ReasonConsumerHasNoFocalPoint)

	// A new focal point, then the DIC withdraws the service's appraisal.
	newFocalPoint(t, "ubnd-ke-sach", "dau-moi-moi", v1alpha1.RolePrimary, appointment{}, "moi@ubnd-ke-sach")
	waitForReason(t, fromInside, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, fromInside))
	update(t, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-tc-ks"}}, func(a *v1alpha1.Agency) { a.Spec.AppraisedServices = nil })
	report["the DIC withdraws the appraisal"] = waitKeysGone(t, fromInside, time.Now())
	c = waitForReason(t, fromInside, metav1.ConditionFalse, v1alpha1.ReasonServiceNotReady)
	if !strings.Contains(c.Message, "is not offered for sharing") || !strings.Contains(c.Message, "the DIC has not appraised this service") {
		t.Errorf("message: %q", c.Message)
	}

	for what, took := range report {
		t.Logf("gateway key removed %s after %s", took.Round(time.Millisecond), what)
	}
}

// TestAgreementWindowTurnsAtItsMoments watches an agreement become live
// when its window opens and expire when it closes.
func TestAgreementWindowTurnsAtItsMoments(t *testing.T) {
	ds := publishedService(t, "so-gt", "dang-kiem", v1alpha1.AudienceProvince)
	consumerAgency(t, "ubnd-vinh-loi", v1alpha1.LevelDistrict)
	// Whole seconds: the API's time precision. A minute ahead, so that real
	// time never reaches it: the test moves the operator's clock there.
	from := operatorClock.Now().Add(time.Minute).Truncate(time.Second)
	until := from.Add(time.Minute)
	sa := agreement("ubnd-vinh-loi", "dang-kiem", ds)
	sa.Spec.ValidFrom, sa.Spec.ValidUntil = &metav1.Time{Time: from}, &metav1.Time{Time: until}
	create(t, sa)

	c := waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonNotYetValid)
	if !strings.Contains(c.Message, "the agreement starts at "+from.UTC().Format(time.RFC3339)) {
		t.Errorf("message: %q", c.Message)
	}
	if len(gatewayKeysOf(t, sa)) != 0 {
		t.Fatal("no key before the window opens")
	}
	advanceTo(t, from)
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	opened := operatorClock.Since(from)
	if sa.Status.ExpiresAt == nil || !sa.Status.ExpiresAt.Time.Equal(until) {
		t.Errorf("expiresAt %v, want %v", sa.Status.ExpiresAt, until)
	}
	rememberKey(issuedKey(t, sa))
	if len(gatewayKeysOf(t, sa)) != 1 {
		t.Fatal("one key while live")
	}
	advanceTo(t, until.Add(-time.Second))
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	if n := len(gatewayKeysOf(t, sa)); n != 1 {
		t.Fatalf("%d key(s) a second before the window closes", n)
	}
	advanceTo(t, until)
	c = waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonExpired)
	closed := operatorClock.Since(until)
	if !strings.Contains(c.Message, "the agreement ended at "+until.UTC().Format(time.RFC3339)+": agency ubnd-vinh-loi must renew it") {
		t.Errorf("message: %q", c.Message)
	}
	if n := len(gatewayKeysOf(t, sa)); n != 0 {
		t.Fatalf("%d key(s) after expiry", n)
	}
	t.Logf("live %s after validFrom; expired, keys removed, %s after validUntil", opened.Round(time.Millisecond), closed.Round(time.Millisecond))
	if opened < 0 || closed < 0 {
		t.Fatal("a window turned before its moment")
	}
}

// TestRotationKeepsBothKeysThroughTheGrace asks for a new key and checks
// that the gateway accepts both until the grace period ends, then only the
// new one.
func TestRotationKeepsBothKeysThroughTheGrace(t *testing.T) {
	ds, sa, oldKey := liveAgreement(t, "so-ct-xk", "xuat-khau", "ubnd-tran-de")
	issued := sa.Status.Credential.IssuedAt.Time
	oldKeyID := gatewayKeysOf(t, sa)[0].Labels[v1alpha1.LabelKeyID]

	// The request must be later than the key's issue, in whole seconds:
	// asked for the next second, the operator wakes for it then.
	asked := issued.Add(time.Second)
	update(t, sa, func(sa *v1alpha1.SharingAgreement) {
		sa.Annotations = map[string]string{v1alpha1.AnnotationRotateKey: asked.UTC().Format(time.RFC3339)}
	})
	advanceTo(t, asked)
	var newKey string
	eventually(t, 10*time.Second, "a new key is issued", func() error {
		newKey = consumerKey(t, sa)
		if newKey == "" || newKey == oldKey {
			return errorf("still the old key")
		}
		return nil
	})
	rotated := operatorClock.Now()
	rememberKey(newKey)
	_, policy, _ := generatedObjects(ds)
	eventually(t, 5*time.Second, "both keys are at the gateway", func() error {
		if n := len(gatewayKeysOf(t, sa)); n != 2 {
			return errorf("%d gateway keys", n)
		}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
			return err
		}
		if n := len(credentialNames(policy)); n != 2 {
			return errorf("%d credentialRefs beside the sentinel", n)
		}
		return nil
	})
	keys := map[string]bool{}
	for _, k := range gatewayKeysOf(t, sa) {
		for _, v := range k.Data {
			keys[string(v)] = true
		}
	}
	if !keys[oldKey] || !keys[newKey] {
		t.Fatal("during the grace period the gateway must accept the old and the new key")
	}
	// The old key says when it dies: the grace after the rotation, on a
	// whole second.
	for _, k := range gatewayKeysOf(t, sa) {
		if k.Labels[v1alpha1.LabelKeyID] == oldKeyID {
			dies, err := time.Parse(time.RFC3339, k.Annotations[v1alpha1.AnnotationExpiresAt])
			if err != nil || dies.Before(asked.Add(rotationGrace)) || dies.After(rotated.Add(rotationGrace+time.Second)) {
				t.Fatalf("the old key expires at %q, want the grace (%s) after the rotation asked for %s", k.Annotations[v1alpha1.AnnotationExpiresAt], rotationGrace, asked.UTC().Format(time.RFC3339))
			}
		}
	}
	advanceTo(t, rotated.Add(rotationGrace+time.Second))
	eventually(t, 10*time.Second, "only the new key is left", func() error {
		left := gatewayKeysOf(t, sa)
		if len(left) != 1 {
			var desc []string
			for _, k := range left {
				desc = append(desc, k.Name+" "+k.Labels[v1alpha1.LabelKeyID]+" "+k.Annotations[v1alpha1.AnnotationExpiresAt])
			}
			return errorf("%d gateway keys: %v", len(left), desc)
		}
		for _, v := range left[0].Data {
			if string(v) != newKey {
				return errorf("the key left is not the new one")
			}
		}
		return nil
	})
	t.Logf("the old key was retired %s after the rotation (grace %s)", operatorClock.Since(rotated).Round(time.Millisecond), rotationGrace)
	eventually(t, 10*time.Second, "an Event says the key was rotated", func() error { return findEvent(sa, "KeyRotated", "Issued") })
}

// TestDeletionLeavesNothingAndRecreationIssuesAFreshKey deletes a live
// agreement, then creates it again.
func TestDeletionLeavesNothingAndRecreationIssuesAFreshKey(t *testing.T) {
	ds := publishedService(t, "so-yt-bh", "bao-hiem", v1alpha1.AudienceProvince)
	sa, first := liveAgreementFor(t, ds, "ubnd-long-phu")

	if err := k8s.Delete(ctx, sa); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the agreement and everything it issued are gone", func() error {
		if exists(t, &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: sa.Namespace, Name: sa.Name}}) {
			return errorf("the agreement is still there")
		}
		if n := len(gatewayKeysOf(t, sa)); n != 0 {
			return errorf("%d gateway keys left", n)
		}
		if consumerKey(t, sa) != "" {
			return errorf("the consumer Secret is left")
		}
		return nil
	})

	again := agreement("ubnd-long-phu", "bao-hiem", ds)
	create(t, again)
	waitForReason(t, again, metav1.ConditionTrue, v1alpha1.ReasonActive)
	second := issuedKey(t, again)
	rememberKey(second)
	if second == "" || second == first {
		t.Fatal("a recreated agreement must get a fresh key")
	}
}

// TestOlderOperatorsFinalizerIsRemoved: an agreement an older operator
// guarded with its finalizer loses it, and a deletion held by another
// party's finalizer withdraws the keys at once.
func TestOlderOperatorsFinalizerIsRemoved(t *testing.T) {
	const hold = "example.gov.vn/audit-hold"
	ds := publishedService(t, "so-ct-ld", "lao-dong", v1alpha1.AudienceProvince)
	consumerAgency(t, "ubnd-tran-de-hl", v1alpha1.LevelDistrict)
	sa := agreement("ubnd-tran-de-hl", "lao-dong", ds)
	sa.Finalizers = []string{sharingagreement.LegacyGatewayKeysFinalizer, hold}
	create(t, sa)
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, sa))
	eventually(t, 10*time.Second, "the older operator's finalizer is removed, the other kept", func() error {
		got := &v1alpha1.SharingAgreement{}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), got); err != nil {
			return err
		}
		if !slices.Equal(got.Finalizers, []string{hold}) {
			return errorf("finalizers %v", got.Finalizers)
		}
		return nil
	})

	if err := k8s.Delete(ctx, sa); err != nil {
		t.Fatal(err)
	}
	waitKeysGone(t, sa, time.Now())
	eventually(t, 10*time.Second, "the consumer's Secret is gone while the agreement waits on the other finalizer", func() error {
		if consumerKey(t, sa) != "" {
			return errorf("the consumer Secret is left")
		}
		if !exists(t, &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: sa.Namespace, Name: sa.Name}}) {
			return errorf("the agreement is gone: the test's finalizer should hold it")
		}
		return nil
	})
	update(t, sa, func(sa *v1alpha1.SharingAgreement) { sa.Finalizers = nil })
}

// TestConsumerCannotGrantItself acts as a consumer's focal point: it may
// ask, in its own namespace, but cannot read the provider's keys nor make
// an agreement live when the provider has not listed it.
func TestConsumerCannotGrantItself(t *testing.T) {
	ds := publishedService(t, "so-yt-hs", "benh-an", v1alpha1.AudienceListed, v1alpha1.Consent{Agency: "ubnd-cu-lao-dung", DocumentRef: "CV 4"})
	_, listedFP := consumerAgency(t, "ubnd-cu-lao-dung", v1alpha1.LevelDistrict)
	_, fp := consumerAgency(t, "ubnd-thanh-tri", v1alpha1.LevelDistrict)
	listed := agreement("ubnd-cu-lao-dung", "benh-an", ds)
	create(t, listed)
	waitForReason(t, listed, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, listed))
	_ = listedFP

	user := env.UserClient(t, fp.Spec.Subjects[0].Name)
	sa := agreement("ubnd-thanh-tri", "benh-an", ds)
	if err := user.Create(ctx, sa); err != nil {
		t.Fatalf("a focal point may ask for a service in its own namespace: %v", err)
	}
	waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)

	// Everything it might try from its own seat is refused by the API
	// server, or changes nothing.
	for _, k := range gatewayKeysOf(t, listed) {
		if err := user.Get(ctx, client.ObjectKeyFromObject(&k), &corev1.Secret{}); !apierrors.IsForbidden(err) {
			t.Errorf("a consumer's focal point must not read the provider's gateway keys; got %v", err)
		}
	}
	if err := user.List(ctx, &corev1.SecretList{}, client.InNamespace("so-yt-hs")); !apierrors.IsForbidden(err) {
		t.Errorf("a consumer's focal point must not list the provider's Secrets; got %v", err)
	}
	forged := &v1alpha1.DataService{}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(ds), forged); err != nil {
		t.Fatal(err)
	}
	forged.Spec.Access.Consumers = append(forged.Spec.Access.Consumers, v1alpha1.Consent{Agency: "ubnd-thanh-tri", DocumentRef: "tự cấp"})
	if err := user.Update(ctx, forged); !apierrors.IsForbidden(err) {
		t.Errorf("a consumer's focal point must not edit the provider's DataService; got %v", err)
	}
	key := gatewayKeysOf(t, listed)[0].DeepCopy()
	key.ObjectMeta = metav1.ObjectMeta{Name: "forged-key", Namespace: "so-yt-hs", Labels: key.Labels}
	if err := user.Create(ctx, key); !apierrors.IsForbidden(err) {
		t.Errorf("a consumer's focal point must not create a gateway key; got %v", err)
	}
	if err := user.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
		t.Fatal(err)
	}
	sa.Status.Conditions = []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Active", Message: "tự duyệt", LastTransitionTime: metav1.Now()}}
	if err := user.Status().Update(ctx, sa); !apierrors.IsForbidden(err) {
		t.Errorf("a consumer's focal point must not write an agreement's status; got %v", err)
	}
	// Editing its own agreement in every way it may does not make it live.
	sa.Spec.Purpose = "Mục đích khác"
	sa.Spec.LegalBasis = "Căn cứ khác"
	if err := user.Update(ctx, sa); err != nil {
		t.Fatalf("a focal point may edit its own agreement: %v", err)
	}
	// Waits for the reconcile of the new generation.
	waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)
	if n := len(gatewayKeysOf(t, sa)); n != 0 || consumerKey(t, sa) != "" {
		t.Fatalf("an agreement the provider did not consent to holds %d gateway key(s)", n)
	}
}

// TestNoKeyMaterialInLogsOrEvents scans everything the operator logged and
// every Event in the cluster for the keys the tests saw. It runs last in
// this file's order; `go test -run` on it alone scans what exists.
func TestNoKeyMaterialInLogsOrEvents(t *testing.T) {
	if len(keysSeen) == 0 {
		t.Skip("run with the agreement tests: they issue the keys this test looks for")
	}
	all, events := logsAndEvents(t)
	for key := range keysSeen {
		if strings.Contains(all, key) || strings.Contains(all, key[:16]) {
			t.Fatal("an API key appears in the operator's logs or Events")
		}
	}
	t.Logf("%d keys looked for in %d bytes of logs and Events (%d Events): none found", len(keysSeen), len(all), events)
}

// logsAndEvents is everything the operator logged and the words of every
// Event in the cluster, and how many Events there are.
func logsAndEvents(t *testing.T) (string, int) {
	t.Helper()
	events := &corev1.EventList{}
	if err := k8s.List(ctx, events); err != nil {
		t.Fatal(err)
	}
	texts := []string{operatorLogs.String()}
	for _, e := range events.Items {
		texts = append(texts, e.Message, e.Reason, e.Action)
	}
	return strings.Join(texts, "\n"), len(events.Items)
}

// TestAgreementRefusals: an agreement in a namespace no agency claims, and
// one for a service of the consumer's own agency.
func TestAgreementRefusals(t *testing.T) {
	ds := publishedService(t, "so-nv-tk", "can-bo-cong-chuc", v1alpha1.AudienceProvince)
	newNamespace(t, "chua-co-co-quan")
	orphan := agreement("chua-co-co-quan", "can-bo", ds)
	create(t, orphan)
	c := waitForReason(t, orphan, metav1.ConditionFalse, v1alpha1.ReasonNoConsumerAgency)
	if !strings.Contains(c.Message, "no Agency holds namespace chua-co-co-quan: the DIC (Sở TT&TT) must register the consumer agency") {
		t.Errorf("message: %q", c.Message)
	}

	self := agreement("so-nv-tk", "tu-dung", ds)
	create(t, self)
	c = waitForReason(t, self, metav1.ConditionFalse, v1alpha1.ReasonSelfSharing)
	if !strings.Contains(c.Message, "sharing with oneself needs no agreement") {
		t.Errorf("message: %q", c.Message)
	}
	for _, sa := range []*v1alpha1.SharingAgreement{orphan, self} {
		if n := len(gatewayKeysOf(t, sa)); n != 0 || consumerKey(t, sa) != "" {
			t.Errorf("a refused agreement %s holds keys", sa.Name)
		}
	}
}

// TestTheCacheHoldsOnlyWhatTheOperatorMade: the operator caches the Secrets
// it issued, never the others of a namespace (database passwords, say), and
// likewise only its own RoleBindings.
func TestTheCacheHoldsOnlyWhatTheOperatorMade(t *testing.T) {
	ds := publishedService(t, "so-khcn", "gia-nong-san", v1alpha1.AudienceProvince)
	foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "so-khcn", Name: "db-password"}, StringData: map[string]string{"password": "x"}}
	create(t, foreign)
	foreignBinding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "so-khcn", Name: "db-admins"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "dba@skhcn"}}}
	create(t, foreignBinding)
	consumer, _ := consumerAgency(t, "ubnd-nga-nam", v1alpha1.LevelDistrict)
	consumerNS := consumer.Name
	sa := agreement(consumerNS, "gia-lua", ds)
	create(t, sa)
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)

	eventually(t, 10*time.Second, "the issued keys are in the cache", func() error {
		list := &corev1.SecretList{}
		if err := operatorCache.List(ctx, list); err != nil {
			return err
		}
		issued := 0
		for _, s := range list.Items {
			if s.Labels[v1alpha1.LabelManagedBy] != v1alpha1.ManagedByOperator {
				t.Fatalf("the operator's cache holds Secret %s/%s, which it did not issue", s.Namespace, s.Name)
			}
			if s.Namespace == "so-khcn" || s.Namespace == consumerNS {
				issued++
			}
		}
		if issued < 2 {
			return errorf("%d of the agreement's 2 Secrets cached", issued)
		}
		return nil
	})
	if err := operatorCache.Get(ctx, client.ObjectKeyFromObject(foreign), &corev1.Secret{}); !apierrors.IsNotFound(err) {
		t.Fatalf("reading a foreign Secret through the operator's cache: want NotFound, got %v", err)
	}
	bindings := &rbacv1.RoleBindingList{}
	if err := operatorCache.List(ctx, bindings, client.InNamespace("so-khcn")); err != nil {
		t.Fatal(err)
	}
	if len(bindings.Items) == 0 {
		t.Fatal("the focal point's RoleBindings are not in the operator's cache")
	}
	for _, b := range bindings.Items {
		if b.Labels[v1alpha1.LabelManagedBy] != v1alpha1.ManagedByOperator {
			t.Fatalf("the operator's cache holds RoleBinding %s, which it did not make", b.Name)
		}
	}
}

// TestAgreementWakesForSecretsItDidNotWrite: the watches on an agreement's
// Secrets pass over the creations that echo its own issue, not what others
// do. A gateway key someone else creates for a live agreement, with the
// operator's labels and even a grace period of its own, is deleted at once
// and never listed (the agreement's status records the ids of the keys the
// operator issued), and a deleted consumer Secret comes back with a fresh
// key.
func TestAgreementWakesForSecretsItDidNotWrite(t *testing.T) {
	ds, sa, first := liveAgreement(t, "so-xay-dung", "phuong-tien", "ubnd-an-thanh-ba")
	keys := gatewayKeysOf(t, sa)
	if len(keys) != 1 {
		t.Fatalf("want one gateway-side key, got %d", len(keys))
	}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
		t.Fatal(err)
	}
	if ids := sa.Status.Credential.KeyIDs; len(ids) != 1 || ids[0] != keys[0].Labels[v1alpha1.LabelKeyID] {
		t.Fatalf("the status must record the issued key's id: %v", ids)
	}

	forged := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: keys[0].Namespace, Name: names.GatewayKeyName(sa, "f0f0f0f0"),
		Labels:      maps.Clone(keys[0].Labels),
		Annotations: map[string]string{v1alpha1.AnnotationExpiresAt: operatorClock.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}},
		Data: map[string][]byte{"ubnd-an-thanh-ba.phuong-tien.f0f0f0f0": []byte("not-a-key-the-operator-issued")}}
	forged.Labels[v1alpha1.LabelKeyID] = "f0f0f0f0"
	create(t, forged)
	created := time.Now()
	eventually(t, 10*time.Second, "the forged key is deleted", func() error {
		if exists(t, forged) {
			return errorf("still there")
		}
		return nil
	})
	t.Logf("a forged gateway key was deleted %s after it was created", time.Since(created).Round(time.Millisecond))
	_, policy, _ := generatedObjects(ds)
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(credentialNames(policy), forged.Name) {
		t.Error("a forged key must never be listed")
	}
	if got := consumerKey(t, sa); got != first {
		t.Fatal("a forged key must not change the consumer's key")
	}

	// A reconcile still running from the forged key would hand the
	// consumer its current key again, after the deletion: the test asks
	// what a deletion alone does.
	waitIdle(t)
	consumer := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: sa.Namespace, Name: names.ConsumerSecretName(sa)}}
	if err := k8s.Delete(ctx, consumer); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the consumer Secret is back with a fresh key", func() error {
		key := consumerKey(t, sa)
		if key == "" || key == first {
			return errorf("no fresh key yet")
		}
		rememberKey(key)
		return nil
	})
}

// TestAnUpgradeCutsNoOneOff: an agreement whose status an older operator
// wrote, with a credential and no key ids, keeps its key at the gateway
// until it is reconciled again, which records the id without a new key.
func TestAnUpgradeCutsNoOneOff(t *testing.T) {
	ds, sa, key := liveAgreement(t, "so-gtvt-nc", "dang-kiem-xe", "ubnd-vc-nang-cap")
	_, policy, _ := generatedObjects(ds)
	keys := gatewayKeysOf(t, sa)
	if len(keys) != 1 {
		t.Fatalf("want one gateway key, got %d", len(keys))
	}
	// As an older operator left it: no key ids. A status write alone does
	// not wake the agreement, only its service.
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
		t.Fatal(err)
	}
	base := sa.DeepCopy()
	sa.Status.Credential.KeyIDs = nil
	reconciled := reconcileCount(t, "dataservice")
	if err := k8s.Status().Patch(ctx, sa, client.MergeFrom(base)); err != nil {
		t.Fatal(err)
	}
	// The patch wakes the service: until it has been reconciled, and after,
	// the key stays listed.
	eventually(t, 10*time.Second, "the service is reconciled with the legacy status, its key still listed", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
			t.Fatal(err)
		}
		if names := credentialNames(policy); len(names) != 1 || names[0] != keys[0].Name {
			t.Fatalf("the key of an agreement with a legacy status must stay listed, got %v", names)
		}
		if reconcileCount(t, "dataservice") == reconciled {
			return errorf("the service is not reconciled yet")
		}
		return nil
	})
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
		t.Fatal(err)
	}
	if names := credentialNames(policy); len(names) != 1 || names[0] != keys[0].Name {
		t.Fatalf("the key of an agreement with a legacy status must stay listed once its service is reconciled, got %v", names)
	}
	// The next reconcile records the id, and the key is the same.
	update(t, sa, func(sa *v1alpha1.SharingAgreement) { sa.Labels = map[string]string{"reconcile": "now"} })
	eventually(t, 10*time.Second, "the key id is recorded again", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
			return err
		}
		if ids := sa.Status.Credential.KeyIDs; len(ids) != 1 || ids[0] != keys[0].Labels[v1alpha1.LabelKeyID] {
			return errorf("key ids %v", ids)
		}
		return nil
	})
	if consumerKey(t, sa) != key {
		t.Fatal("recording the id must not change the key")
	}
}

// TestNoEventForAStateNobodyWasIn: an agreement committed together with
// its service waits for the service to be reconciled with Ready Unknown,
// and no Event tells of a ServiceNotReady it never was in. The service is
// created first: an agreement reconciled before its service exists rightly
// says the service is missing.
func TestNoEventForAStateNobodyWasIn(t *testing.T) {
	lgspGateway(t)
	readyProvider(t, "so-cung-luc", "ban-do")
	backendService(t, "so-cung-luc", "ban-do", 8080, map[string]string{"app": "ban-do"})
	consumerAgency(t, "ubnd-cung-luc", v1alpha1.LevelDistrict)
	ds := dataService("so-cung-luc", "ban-do")
	sa := agreement("ubnd-cung-luc", "ban-do", ds)
	create(t, ds)
	create(t, sa)
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, sa))
	waitQuiet(t, "ubnd-cung-luc")
	if findEvent(sa, "NotReady", string(v1alpha1.ReasonServiceNotReady)) == nil {
		t.Fatal("a Warning Event told of ServiceNotReady while the service was only new")
	}
}

// TestAnAgreementCreatedAgainGetsAConsumerSecretOfItsOwn deletes a live
// agreement and creates it again under its name before the earlier one's
// consumer Secret is collected (this API server runs no garbage
// collector): the new agreement goes live with a fresh key, in a Secret
// that only it owns. Applied over the Secret that a create had written,
// the earlier owner stayed beside the new one, the API server refused two
// controllers, and every retry issued another key.
func TestAnAgreementCreatedAgainGetsAConsumerSecretOfItsOwn(t *testing.T) {
	ds, sa, key := liveAgreement(t, "ban-dan-toc", "ho-so-thue", "ubnd-h-my-xuyen")
	if err := k8s.Delete(ctx, sa); err != nil {
		t.Fatal(err)
	}
	again := agreement(sa.Namespace, sa.Name, ds)
	create(t, again)
	if again.UID == sa.UID {
		t.Fatal("the agreement was not created again")
	}
	waitForReason(t, again, metav1.ConditionTrue, v1alpha1.ReasonActive)
	eventually(t, 10*time.Second, "the consumer Secret is the new agreement's alone, with a new key", func() error {
		s := &corev1.Secret{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: sa.Namespace, Name: names.ConsumerSecretName(sa)}, s); err != nil {
			return err
		}
		if refs := s.OwnerReferences; len(refs) != 1 || refs[0].UID != again.UID {
			return errorf("owners %+v", refs)
		}
		if string(s.Data[render.SecretKeyAPIKey]) == key {
			return errorf("the earlier agreement's key")
		}
		return nil
	})
	if n := len(gatewayKeysOf(t, again)); n != 1 {
		t.Errorf("%d gateway keys for the agreement created again", n)
	}
	rememberKey(issuedKey(t, again))
}
