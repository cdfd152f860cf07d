package focalpoint

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// clusterBindingsFinalizer guards a focal point's cluster-scoped bindings
// (the catalog, and the province for the coordinator's focal points), which
// garbage collection cannot reach from a namespaced owner.
const clusterBindingsFinalizer = "datashare.lgsp.vn/cluster-bindings"

// legacyProvinceBindingFinalizer is the finalizer older operators put on
// province-level focal points only; it is removed with the bindings.
const legacyProvinceBindingFinalizer = "datashare.lgsp.vn/province-binding"

// Reconciler grants a focal point's subjects their rights while
// the appointment is in effect, and takes them away the moment it ends.
type Reconciler struct {
	client.Client
	kit.Options
	Recorder events.EventRecorder
}

// The operator binds only the roles the project ships, through the bind
// verb, and never escalates.
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=focalpoints,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=focalpoints/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=focalpoints/finalizers,verbs=update
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=rolebindings;clusterrolebindings,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=clusterroles,verbs=bind,resourceNames=datashare-focal-point;datashare-province-focal-point;datashare-catalog-reader
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=roles,verbs=bind,resourceNames=datashare-issued-credentials

// Reconcile grants or withdraws one focal point's rights.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	fp := &v1alpha1.FocalPoint{}
	if err := r.Get(ctx, req.NamespacedName, fp); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if fp.DeletionTimestamp != nil {
		return ctrl.Result{}, r.finalize(ctx, fp)
	}
	now := r.Now()

	agency, err := gather.NamespaceHolder(ctx, r.Client, fp.Namespace)
	if err != nil {
		return ctrl.Result{}, err
	}
	peers := &v1alpha1.FocalPointList{}
	if err := r.List(ctx, peers, client.InNamespace(fp.Namespace)); err != nil {
		return ctrl.Result{}, err
	}
	d := registry.DecideFocalPoint(registry.FocalPointInputs{
		FocalPoint: fp, Agency: agency, Peers: peers.Items, CoordinatorAgency: r.Config.CoordinatorAgency,
		SubjectPrefix: r.Config.FocalPointSubjectPrefix, Now: now,
	})

	if err := r.grant(ctx, fp, agency, d); err != nil {
		return ctrl.Result{}, err
	}

	base := fp.DeepCopy()
	fp.Status.Agency = d.Agency
	fp.Status.ProvinceLevel = d.ProvinceLevel
	result, _, err := kit.Finish(ctx, r.Client, r.Recorder, fp, base, d.Conditions, now, d.Next)
	return result, err
}

// grant makes the bindings match the decision: present while the focal
// point is granted its rights, absent otherwise.
func (r *Reconciler) grant(ctx context.Context, fp *v1alpha1.FocalPoint, agency *v1alpha1.Agency, d registry.FocalPointDecision) error {
	if d.Grant {
		// The finalizer is stored before a cluster binding exists, so that
		// no binding can outlive its focal point.
		if err := kit.ChangeFinalizers(ctx, r.Client, fp, controllerutil.AddFinalizer, clusterBindingsFinalizer); err != nil {
			return fmt.Errorf("add finalizer: %w", err)
		}
	}

	if d.Grant {
		for _, desired := range render.FocalPointBindings(fp, agency.Name) {
			if err := kit.ApplyIfChanged(ctx, r.Client, desired); err != nil {
				return err
			}
		}
	} else {
		for _, name := range []string{render.FocalPointBindingName(fp), render.FocalPointCredentialsBindingName(fp)} {
			if _, err := kit.DeleteIfExists(ctx, r.Client, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: fp.Namespace, Name: name}}); err != nil {
				return fmt.Errorf("delete RoleBinding %s: %w", name, err)
			}
		}
	}

	if !d.Grant {
		return r.removeClusterBindings(ctx, fp, render.CatalogBindingName(fp), render.ProvinceBindingName(fp))
	}
	if err := kit.ApplyIfChanged(ctx, r.Client, render.CatalogBinding(fp, agency.Name)); err != nil {
		return err
	}
	if d.ProvinceLevel {
		err := kit.ApplyIfChanged(ctx, r.Client, render.ProvinceBinding(fp, agency.Name))
		return err
	}
	return r.removeClusterBindings(ctx, fp, render.ProvinceBindingName(fp))
}

// removeClusterBindings deletes cluster-scoped bindings and, once none is
// left, the finalizers that guarded them.
func (r *Reconciler) removeClusterBindings(ctx context.Context, fp *v1alpha1.FocalPoint, names ...string) error {
	for _, name := range names {
		crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if _, err := kit.DeleteIfExists(ctx, r.Client, crb); err != nil {
			return fmt.Errorf("delete ClusterRoleBinding %s: %w", crb.Name, err)
		}
	}
	if len(names) < 2 {
		// The catalog binding stays: so does the finalizer.
		return nil
	}
	for _, f := range []string{clusterBindingsFinalizer, legacyProvinceBindingFinalizer} {
		if err := kit.ChangeFinalizers(ctx, r.Client, fp, controllerutil.RemoveFinalizer, f); err != nil {
			return client.IgnoreNotFound(fmt.Errorf("remove finalizer: %w", err))
		}
	}
	return nil
}

// finalize runs when the focal point is being deleted. Its RoleBindings are
// owned by it and go with it; the cluster-scoped bindings are deleted here.
func (r *Reconciler) finalize(ctx context.Context, fp *v1alpha1.FocalPoint) error {
	if !controllerutil.ContainsFinalizer(fp, clusterBindingsFinalizer) && !controllerutil.ContainsFinalizer(fp, legacyProvinceBindingFinalizer) {
		return nil
	}
	return r.removeClusterBindings(ctx, fp, render.CatalogBindingName(fp), render.ProvinceBindingName(fp))
}

// SetupWithManager registers the controller and what it watches.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	focalPointsIn := func(ctx context.Context, ns string) []reconcile.Request {
		return kit.ListRequests(ctx, r, &v1alpha1.FocalPointList{}, client.InNamespace(ns))
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("focalpoint").
		WithOptions(r.ControllerOptions()).
		For(&v1alpha1.FocalPoint{}, kit.OwnChanges()).
		// A peer's appointment decides who is the primary.
		Watches(&v1alpha1.FocalPoint{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return focalPointsIn(ctx, o.GetNamespace())
		}), kit.OnChangeOf(kit.SpecView)).
		Watches(&v1alpha1.Agency{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return focalPointsIn(ctx, string(o.(*v1alpha1.Agency).Spec.Namespace))
		}), kit.OnChangeOf(kit.SpecView)).
		// The namespace's label says which agency it belongs to.
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return focalPointsIn(ctx, o.GetName())
		}), builder.OnlyMetadata, kit.OnChangeOf(kit.NamespaceLabels)).
		Owns(&rbacv1.RoleBinding{}).
		// A province-level binding has no owner reference; its labels name
		// the focal point.
		Watches(&rbacv1.ClusterRoleBinding{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			l := o.GetLabels()
			if l[v1alpha1.LabelManagedBy] != v1alpha1.ManagedByOperator || l[v1alpha1.LabelFocalPoint] == "" {
				return nil
			}
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: l[v1alpha1.LabelFocalPointNamespace], Name: l[v1alpha1.LabelFocalPoint]}}}
		})).
		Complete(r)
}
