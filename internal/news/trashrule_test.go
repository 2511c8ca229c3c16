package news

import (
	"testing"
	"time"
)

// A contributor's own story in the trash whose earlier status is not known (trashed
// before the site kept it, restored from a backup without it, imported already in the
// trash) is theirs to get back when it never had a publication time: no reader can
// have seen it, so it was a draft in all but name. One with a time stays the editors',
// as one trashed from published, scheduled or unpublished does.
func TestContributorRestoresOwnUndatedTrashOfUnknownStatus(t *testing.T) {
	co := &User{ID: 7, Role: RoleContributor}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		a    Article
		want bool
	}{
		{"own, unknown, never dated", Article{OwnerID: 7, Status: StatusTrash}, true},
		{"own, from a draft", Article{OwnerID: 7, Status: StatusTrash, TrashedFrom: StatusDraft}, true},
		{"own, unknown, dated", Article{OwnerID: 7, Status: StatusTrash, PublishedAt: now.Add(-time.Hour)}, false},
		{"own, from published", Article{OwnerID: 7, Status: StatusTrash, TrashedFrom: StatusPublished}, false},
		{"own, from unpublished, never dated", Article{OwnerID: 7, Status: StatusTrash, TrashedFrom: StatusUnpublished}, false},
		{"another's, unknown, never dated", Article{OwnerID: 8, Status: StatusTrash}, false},
		{"an import's (no owner)", Article{Status: StatusTrash}, false},
	} {
		if got := co.CanEdit(&c.a); got != c.want {
			t.Errorf("%s: CanEdit %v, want %v", c.name, got, c.want)
		}
		if got := co.CanMove(&c.a, StatusDraft); got != c.want {
			t.Errorf("%s: CanMove to a draft %v, want %v", c.name, got, c.want)
		}
		if to, ok := RestoredStatus(co, &c.a, c.a.TrashedFrom, now); c.want && (to != StatusDraft || !ok) {
			t.Errorf("%s: restored as %s (%v), want a draft", c.name, to, ok)
		}
	}
}
