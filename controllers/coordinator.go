package controllers

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// checkCoordinator says, in words a person can act on, when the coordinator
// agency named by --coordinator-agency is not registered. The operator keeps
// working: every agency is reconciled, and no focal point is province-level
// until that Agency exists.
func checkCoordinator(ctx context.Context, c client.Reader, name string) error {
	err := c.Get(ctx, client.ObjectKey{Name: name}, &v1alpha1.Agency{})
	switch {
	case apierrors.IsNotFound(err):
		return fmt.Errorf("--coordinator-agency=%s names no registered Agency: no focal point holds province-wide rights until the DIC registers an Agency named %s, or the flag is corrected", name, name)
	case err != nil:
		return fmt.Errorf("read the coordinator agency %s: %w", name, err)
	}
	return nil
}

// coordinatorCheck runs checkCoordinator once the cache is ready.
func coordinatorCheck(mgr ctrl.Manager, name string) manager.RunnableFunc {
	return func(ctx context.Context) error {
		if !mgr.GetCache().WaitForCacheSync(ctx) {
			return nil
		}
		if err := checkCoordinator(ctx, mgr.GetClient(), name); err != nil {
			ctrl.Log.WithName("setup").Error(err, "coordinator agency not found")
		}
		return nil
	}
}
