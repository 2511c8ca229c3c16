package news

import (
	"context"
	"fmt"
	"time"
)

// Every running server is a node: it follows the Store's change log to keep its page
// cache true, and records in the store how far it has got. A writer that must be seen at
// once everywhere (the command line, an admin on another node) waits, briefly and
// boundedly, until every live node has applied its change. The same records carry
// unchanged to several nodes on one PostgreSQL database.

// Node is a running server as the store last heard of it.
type Node struct {
	ID        string
	StartedAt time.Time
	SeenAt    time.Time // its last heartbeat
	Applied   int64     // the last Change its page cache applied
}

// NodeStore is the registry of running servers. Every engine implements it.
type NodeStore interface {
	// ReportNode records that node id is alive at now and has applied every change up
	// to applied, creating the record on the first report.
	ReportNode(ctx context.Context, id string, applied int64, now time.Time) error
	// RemoveNode forgets a node that stops.
	RemoveNode(ctx context.Context, id string) error
	// Nodes lists the nodes heard from at or after since.
	Nodes(ctx context.Context, since time.Time) ([]Node, error)
}

// Node timing: a node reports at least every NodeHeartbeat; one not heard from for
// NodeTimeout is taken for dead and not waited for.
const (
	NodeHeartbeat = time.Second
	NodeTimeout   = 5 * time.Second
)

// WaitForNodes waits until every live node but self has applied change, polling the
// registry, for at most timeout. It returns the nodes still behind when it gives up (none
// when all caught up); an error only when the registry cannot be read.
func WaitForNodes(ctx context.Context, nodes NodeStore, change int64, self string, timeout time.Duration) ([]Node, error) {
	deadline := time.Now().Add(timeout)
	poll := 10 * time.Millisecond
	for {
		now := time.Now()
		all, err := nodes.Nodes(ctx, now.Add(-NodeTimeout))
		if err != nil {
			return nil, fmt.Errorf("read the node registry: %w", err)
		}
		var behind []Node
		for _, n := range all {
			if n.ID != self && n.Applied < change {
				behind = append(behind, n)
			}
		}
		if len(behind) == 0 || !now.Before(deadline) {
			return behind, nil
		}
		select {
		case <-ctx.Done():
			return behind, nil
		case <-time.After(min(poll, time.Until(deadline))):
		}
		poll = min(2*poll, 100*time.Millisecond)
	}
}
