package news

import "time"

// StatusAt is the status an article written with status and publication time at has
// at now, the one rule every path that decides a status and a time follows (the
// editor's save, a restored version, the scheduler, imports): a published article
// whose time is to come is scheduled, and a scheduled one whose time has come (at or
// before now) is published at once, as WordPress's wp_insert_post turns a "future"
// post whose date has passed into "publish" (a post left "future" past its time is
// WordPress's "missed schedule" bug). Any other status is kept.
func StatusAt(status ArticleStatus, at, now time.Time) ArticleStatus {
	switch {
	case status == StatusPublished && at.After(now):
		return StatusScheduled
	case status == StatusScheduled && !at.IsZero() && !at.After(now):
		return StatusPublished
	}
	return status
}
