package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	utilclock "k8s.io/utils/clock"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// Viewer is who asks for a page: anonymous, or a person the API server
// authenticated from a bearer token.
type Viewer struct {
	Name   string
	Groups []string
}

// Anonymous reports whether the viewer gave no (valid) token.
func (v Viewer) Anonymous() bool { return v.Name == "" }

// Reviewer authenticates tokens and decides what a viewer may read, as the
// API server would for kubectl: the portal shows a person what their
// Kubernetes rights let them read, and no more.
type Reviewer interface {
	// Authenticate returns the viewer a bearer token stands for; an
	// invalid token is an error.
	Authenticate(ctx context.Context, token string) (Viewer, error)
	// Allowed says whether the viewer may verb the resource (of the
	// datashare API group) in namespace ("" for every namespace).
	Allowed(ctx context.Context, v Viewer, verb, resource, namespace string) (bool, error)
}

// reviewTTL is how long a review's answer is reused: a person's rights
// taken away reach the portal within it.
const reviewTTL = 30 * time.Second

// KubeReviewer asks the API server with TokenReviews and
// SubjectAccessReviews, and keeps each answer for reviewTTL. Tokens are
// kept only as their SHA-256, and never logged.
type KubeReviewer struct {
	Client kubernetes.Interface
	Now    func() time.Time

	mu      sync.Mutex
	viewers map[string]cached[Viewer]
	answers map[string]cached[bool]
}

type cached[T any] struct {
	value T
	until time.Time
}

func (r *KubeReviewer) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return utilclock.RealClock{}.Now()
}

// Authenticate reviews a token with a TokenReview.
func (r *KubeReviewer) Authenticate(ctx context.Context, token string) (Viewer, error) {
	sum := sha256.Sum256([]byte(token))
	key := hex.EncodeToString(sum[:])
	if v, ok := lookup(r, r.viewers, key); ok {
		return v, nil
	}
	review, err := r.Client.AuthenticationV1().TokenReviews().Create(ctx,
		&authenticationv1.TokenReview{Spec: authenticationv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
	if err != nil {
		return Viewer{}, fmt.Errorf("the API server could not review the token: %w", err)
	}
	if !review.Status.Authenticated {
		return Viewer{}, fmt.Errorf("the token is not valid: sign in again")
	}
	v := Viewer{Name: review.Status.User.Username, Groups: review.Status.User.Groups}
	r.mu.Lock()
	if r.viewers == nil {
		r.viewers = map[string]cached[Viewer]{}
	}
	prune(r.viewers, r.now())
	r.viewers[key] = cached[Viewer]{v, r.now().Add(reviewTTL)}
	r.mu.Unlock()
	return v, nil
}

// Allowed asks a SubjectAccessReview for the viewer.
func (r *KubeReviewer) Allowed(ctx context.Context, v Viewer, verb, resource, namespace string) (bool, error) {
	if v.Anonymous() {
		return false, nil
	}
	key := fmt.Sprintf("%s\x00%v\x00%s\x00%s\x00%s", v.Name, v.Groups, verb, resource, namespace)
	if ok, found := lookup(r, r.answers, key); found {
		return ok, nil
	}
	review, err := r.Client.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
		Spec: authorizationv1.SubjectAccessReviewSpec{
			User: v.Name, Groups: v.Groups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Group: v1alpha1.GroupVersion.Group, Resource: resource, Verb: verb, Namespace: namespace,
			},
		},
	}, metav1.CreateOptions{})
	if err != nil {
		return false, fmt.Errorf("the API server could not review the access: %w", err)
	}
	r.mu.Lock()
	if r.answers == nil {
		r.answers = map[string]cached[bool]{}
	}
	prune(r.answers, r.now())
	r.answers[key] = cached[bool]{review.Status.Allowed, r.now().Add(reviewTTL)}
	r.mu.Unlock()
	return review.Status.Allowed, nil
}

func lookup[T any](r *KubeReviewer, m map[string]cached[T], key string) (T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c, ok := m[key]
	if !ok || r.now().After(c.until) {
		var zero T
		return zero, false
	}
	return c.value, true
}

// maxCached bounds each cache: past it, expired answers are dropped before
// a new one is kept, so that many people over a long day do not grow the
// portal's memory without end.
const maxCached = 10000

func prune[T any](m map[string]cached[T], now time.Time) {
	if len(m) < maxCached {
		return
	}
	for k, c := range m {
		if now.After(c.until) {
			delete(m, k)
		}
	}
}
