package news

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The scheduler's publications told to the writers (issue 8): a story published at its
// scheduled time is a NotifyPublished for its writer, with no actor and At its
// publication time, as one published by a colleague through the editor is.

// DuePublisher is a store whose scheduler pass says which articles it published: only
// those whose write it made (UpdateArticle succeeded), so that of several servers
// running the scheduler over one store exactly one reports each article.
type DuePublisher interface {
	// PublishDueIDs is PublishDue returning the IDs of the articles it published, in
	// the order it published them (also on error: those published before it).
	PublishDueIDs(ctx context.Context, now time.Time) ([]int64, error)
}

// PublishDueAndNotify runs the scheduler's pass (PublishDue, or PublishDueIDs when the
// store is a DuePublisher) and tells the writer of each article this call published
// (NotifyPublished, ActorID 0, At the publication time). It returns how many it
// published. A notification that cannot be stored is returned joined to the error
// after every article was tried; the publication stands.
func PublishDueAndNotify(ctx context.Context, s Store, now time.Time) (int, error) {
	p, ok := s.(DuePublisher)
	if !ok {
		return s.PublishDue(ctx, now)
	}
	ids, err := p.PublishDueIDs(ctx, now)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, id := range ids {
		a, err := s.Article(ctx, id)
		if err != nil {
			errs = append(errs, fmt.Errorf("notify the writer of scheduled article %d: %w", id, err))
			continue
		}
		if a.OwnerID == 0 {
			continue
		}
		ev := Notification{Kind: NotifyPublished, ArticleID: a.ID, At: a.PublishedAt, CreatedAt: now}
		if err := s.Notify(ctx, ev, []int64{a.OwnerID}); err != nil {
			errs = append(errs, fmt.Errorf("notify the writer of scheduled article %d: %w", id, err))
		}
	}
	return len(ids), errors.Join(errs...)
}
