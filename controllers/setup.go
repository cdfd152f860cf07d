// Package controllers holds one reconciler per kind. Each reads what it
// needs from the cache, asks the pure packages under internal/ what should
// be, applies that with server-side apply, and writes status only when it
// changed.
package controllers

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
)

// Options is what every reconciler shares.
type Options struct {
	Config config.Config
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// CacheOptions restricts the cache to what the operator needs: Secrets only
// when the operator issued them (never every Secret in the cluster), and no
// managed fields on anything.
func CacheOptions() cache.Options {
	managed, err := labels.NewRequirement(v1alpha1.LabelManagedBy, selection.Equals, []string{v1alpha1.ManagedByOperator})
	if err != nil {
		panic(err) // constant input
	}
	return cache.Options{
		DefaultTransform: cache.TransformStripManagedFields(),
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}: {Label: labels.NewSelector().Add(*managed)},
		},
	}
}

// SetupWithManager registers the field indexes and every reconciler that
// exists.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	if err := addIndexes(mgr); err != nil {
		return fmt.Errorf("add field indexes: %w", err)
	}
	if err := (&AgencyReconciler{Client: mgr.GetClient(), Options: opts,
		Recorder: mgr.GetEventRecorder("datashare-agency")}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the Agency controller: %w", err)
	}
	if err := (&FocalPointReconciler{Client: mgr.GetClient(), Options: opts,
		Recorder: mgr.GetEventRecorder("datashare-focal-point")}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the FocalPoint controller: %w", err)
	}
	if err := (&DataServiceReconciler{Client: mgr.GetClient(), Options: opts,
		Recorder: mgr.GetEventRecorder("datashare-data-service")}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the DataService controller: %w", err)
	}
	if err := (&SharingAgreementReconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Options: opts,
		Recorder: mgr.GetEventRecorder("datashare-sharing-agreement")}).SetupWithManager(mgr); err != nil {
		return fmt.Errorf("set up the SharingAgreement controller: %w", err)
	}
	if err := mgr.Add(coordinatorCheck(mgr, opts.Config.CoordinatorAgency)); err != nil {
		return fmt.Errorf("add the coordinator check: %w", err)
	}
	return nil
}
