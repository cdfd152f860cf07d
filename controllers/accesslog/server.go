package accesslog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	accesslogv3 "github.com/envoyproxy/go-control-plane/envoy/service/accesslog/v3"
	"google.golang.org/grpc"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/traffic"
)

// stopGrace is how long a stopping collector waits for the entries in
// flight before it closes Envoy's streams.
const stopGrace = 2 * time.Second

// Server receives Envoy's access logs over gRPC and flushes what it
// counted into the agreements' status at every FlushInterval. It runs in
// every replica (no leader election): Envoy spreads its streams over them.
type Server struct {
	Collector *Collector
	// Client writes the agreements' status.
	Client client.Client
	// Address is where it listens, for example ":9001".
	Address string
	// FlushInterval is how often usage is written: at most one write per
	// agreement per interval, and what a restart can lose.
	FlushInterval time.Duration
	// After waits by the operator's clock.
	After func(time.Duration) <-chan time.Time
	// Now is the operator's clock.
	Now func() time.Time

	accesslogv3.UnimplementedAccessLogServiceServer
}

// StreamAccessLogs counts every HTTP entry of one Envoy's stream.
func (s *Server) StreamAccessLogs(stream accesslogv3.AccessLogService_StreamAccessLogsServer) error {
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return stream.SendAndClose(&accesslogv3.StreamAccessLogsResponse{})
		}
		if err != nil {
			return err
		}
		for _, e := range msg.GetHttpLogs().GetLogEntry() {
			s.Collector.Count(stream.Context(), e)
		}
	}
}

// NeedLeaderElection is false: every replica counts what reaches it.
func (s *Server) NeedLeaderElection() bool { return false }

// Start serves until ctx ends, then flushes once more.
func (s *Server) Start(ctx context.Context) error {
	lis, err := (&net.ListenConfig{}).Listen(ctx, "tcp", s.Address)
	if err != nil {
		return fmt.Errorf("listen for access logs on %s: %w", s.Address, err)
	}
	srv := grpc.NewServer()
	accesslogv3.RegisterAccessLogServiceServer(srv, s)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	log := ctrl.LoggerFrom(ctx).WithName("accesslog")
	log.Info("receiving the gateway's access logs", "address", lis.Addr().String(), "flushInterval", s.FlushInterval)
	for {
		select {
		case <-ctx.Done():
			// Envoy's streams never end by themselves: a graceful stop
			// waits a moment for the entries in flight, then closes them,
			// and Envoy opens new ones to the other replicas.
			stopped := make(chan struct{})
			go func() { srv.GracefulStop(); close(stopped) }()
			select {
			case <-stopped:
			case <-s.After(stopGrace):
				srv.Stop()
			}
			// The last counts, with a context of their own: the manager's
			// has ended.
			flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			s.Flush(flushCtx)
			cancel()
			return nil
		case err := <-served:
			return err
		case <-s.After(s.FlushInterval):
			s.Flush(ctx)
		}
	}
}

// Flush adds what was counted to each agreement's status.usage. A write
// that fails (a conflict with another writer, the API server away) keeps
// its counts for the next flush.
func (s *Server) Flush(ctx context.Context) {
	now := s.Now()
	for key, tally := range s.Collector.drain() {
		if err := s.write(ctx, key, tally, now); err != nil {
			if client.IgnoreNotFound(err) == nil {
				continue // the agreement is gone: so is its usage
			}
			usageWrites.WithLabelValues("conflict").Inc()
			s.Collector.giveBack(key, tally)
			continue
		}
		usageWrites.WithLabelValues("written").Inc()
	}
	for key, minutes := range s.Collector.drainRecent() {
		if err := s.writeRecent(ctx, key, minutes, now); err != nil {
			if client.IgnoreNotFound(err) == nil {
				continue
			}
			usageWrites.WithLabelValues("conflict").Inc()
			s.Collector.giveBackRecent(key, minutes)
			continue
		}
		usageWrites.WithLabelValues("written").Inc()
	}
}

// writeRecent adds a service's minutes to its status.recentTraffic, which
// the DataService controller decides ConnectionDegraded on.
func (s *Server) writeRecent(ctx context.Context, key client.ObjectKey, minutes traffic.Minutes, now time.Time) error {
	ds := &v1alpha1.DataService{}
	if err := s.Client.Get(ctx, key, ds); err != nil {
		return err
	}
	base := ds.DeepCopy()
	ds.Status.RecentTraffic = traffic.AddRecent(ds.Status.RecentTraffic, minutes, now)
	return s.Client.Status().Patch(ctx, ds, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
}

func (s *Server) write(ctx context.Context, key client.ObjectKey, tally *traffic.Tally, now time.Time) error {
	sa := &v1alpha1.SharingAgreement{}
	if err := s.Client.Get(ctx, key, sa); err != nil {
		return err
	}
	base := sa.DeepCopy()
	sa.Status.Usage = traffic.AddUsage(sa.Status.Usage, *tally, now, s.Collector.Zone)
	return s.Client.Status().Patch(ctx, sa, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
}
