package kit

import (
	"time"

	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/lgsp-vn/datashare-operator/internal/config"
)

// Options is what every reconciler shares.
type Options struct {
	Config config.Config
	// Clock is the time the reconcilers decide by and their work queues wait
	// by; nil means the real clock and controller-runtime's default queue.
	// Tests give one they can advance, so that no test sleeps until a
	// window opens.
	Clock clock.WithTicker
}

// Now is the time by the options' clock.
func (o Options) Now() time.Time {
	if o.Clock != nil {
		return o.Clock.Now()
	}
	return clock.RealClock{}.Now()
}

// ControllerOptions are every controller's options: its concurrency and,
// when a clock is given, a work queue whose delayed requests (RequeueAfter,
// AddAfter) come due by that clock.
func (o Options) ControllerOptions() controller.Options {
	opts := controller.Options{MaxConcurrentReconciles: o.Config.Concurrency}
	if o.Clock != nil {
		opts.NewQueue = func(name string, rl workqueue.TypedRateLimiter[reconcile.Request]) workqueue.TypedRateLimitingInterface[reconcile.Request] {
			return workqueue.NewTypedRateLimitingQueueWithConfig(rl, workqueue.TypedRateLimitingQueueConfig[reconcile.Request]{Name: name, Clock: o.Clock})
		}
	}
	return opts
}
