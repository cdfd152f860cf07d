package portal

import (
	"context"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
)

// TestReviewsAreCachedBriefly: a second look within the TTL asks the API
// server nothing; after it, it asks again; the token is never kept.
func TestReviewsAreCachedBriefly(t *testing.T) {
	kube := fake.NewClientset()
	reviews := 0
	kube.PrependReactor("create", "tokenreviews", func(clienttesting.Action) (bool, runtime.Object, error) {
		reviews++
		return true, &authenticationv1.TokenReview{Status: authenticationv1.TokenReviewStatus{Authenticated: true,
			User: authenticationv1.UserInfo{Username: "lan@stnmt"}}}, nil
	})
	kube.PrependReactor("create", "subjectaccessreviews", func(clienttesting.Action) (bool, runtime.Object, error) {
		reviews++
		return true, &authorizationv1.SubjectAccessReview{Status: authorizationv1.SubjectAccessReviewStatus{Allowed: true}}, nil
	})
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	r := &KubeReviewer{Client: kube, Now: func() time.Time { return now }}
	ctx := context.Background()
	for range 3 {
		v, err := r.Authenticate(ctx, "secret-token")
		if err != nil || v.Name != "lan@stnmt" {
			t.Fatalf("%+v %v", v, err)
		}
		if ok, err := r.Allowed(ctx, v, "list", "dataservices", ""); !ok || err != nil {
			t.Fatalf("allowed %v %v", ok, err)
		}
	}
	if reviews != 2 {
		t.Errorf("%d reviews for three looks within the TTL, want 2", reviews)
	}
	now = now.Add(reviewTTL + time.Second)
	v, _ := r.Authenticate(ctx, "secret-token")
	_, _ = r.Allowed(ctx, v, "list", "dataservices", "")
	if reviews != 4 {
		t.Errorf("%d reviews after the TTL, want 4", reviews)
	}
	for key := range r.viewers {
		if key == "secret-token" {
			t.Error("the token itself is kept")
		}
	}
}
