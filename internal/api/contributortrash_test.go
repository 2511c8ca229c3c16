package api_test

import (
	"fmt"
	"testing"

	"broadsheet/internal/news"
)

// TestContributorRestoresOwnTrashedDraft: a contributor who moved their own draft to
// the trash can read it there and get it back (a draft again), as WordPress's
// contributor restores their own unpublished post; what they trashed was not lost to
// them. Someone else's trashed story stays out of their reach.
func TestContributorRestoresOwnTrashedDraft(t *testing.T) {
	e := newEnv(t)
	contributor, editor := e.token(t, news.RoleContributor), e.token(t, news.RoleEditor)
	var c staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", contributor, map[string]any{"headline": "Ferry timetable changes", "body_markdown": "From Monday."}, &c)
	path := fmt.Sprintf("/api/v1/articles/%d", c.ID)
	e.want(t, 200, "DELETE", path, contributor, nil, &c)
	if c.Status != "trash" {
		t.Fatalf("trashed as %s", c.Status)
	}
	e.want(t, 200, "GET", path, contributor, nil, nil)
	var back staffArticle
	e.want(t, 200, "POST", path+"/restore", contributor, map[string]any{"version": c.Version}, &back)
	if back.Status != "draft" || e.stored(t, c.ID).Status != news.StatusDraft {
		t.Fatalf("restored as %s, want a draft", back.Status)
	}
	// Their own story published, then trashed by an editor, stays the editors' (as
	// WordPress judges a trashed post by the status it had).
	var pub staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", editor, map[string]any{"headline": "Harbour reopens", "body_markdown": "Today."}, &pub)
	e.want(t, 200, "POST", fmt.Sprintf("/api/v1/articles/%d/publish", pub.ID), editor, map[string]any{"version": pub.Version}, &pub)
	e.want(t, 200, "DELETE", fmt.Sprintf("/api/v1/articles/%d", pub.ID), editor, nil, &pub)
	if a := e.stored(t, pub.ID); a.OwnerID != e.admin.ID || a.Status != news.StatusTrash || a.TrashedFrom != news.StatusPublished {
		t.Fatalf("set-up: owner %d, %s from %q", a.OwnerID, a.Status, a.TrashedFrom)
	}
	e.want(t, 404, "POST", fmt.Sprintf("/api/v1/articles/%d/restore", pub.ID), contributor, map[string]any{"version": pub.Version}, nil)
	if st := e.stored(t, pub.ID).Status; st != news.StatusTrash {
		t.Errorf("the contributor moved the editor's trash to %s", st)
	}
	// Someone else's story an editor trashed stays out of the contributor's reach.
	story := e.public[1]
	var gone staffArticle
	e.want(t, 200, "DELETE", fmt.Sprintf("/api/v1/articles/%d", story.ID), editor, nil, &gone)
	if a := e.stored(t, story.ID); a.Status != news.StatusTrash || a.OwnerID == e.admin.ID {
		t.Fatalf("editor's trash: %s, owner %d", a.Status, a.OwnerID)
	}
	e.want(t, 404, "POST", fmt.Sprintf("/api/v1/articles/%d/restore", story.ID), contributor, map[string]any{"version": gone.Version}, nil)
	e.want(t, 404, "GET", fmt.Sprintf("/api/v1/articles/%d", story.ID), contributor, nil, nil)
}

// TestContributorRestoresOwnTrashOfUnknownStatus: a contributor's own story in the
// trash with no record of its earlier status (trashed before the site kept one,
// restored from a backup without it) was out of their reach for good. Never given a
// publication time, it was never live: they restore it as a draft (news.User.CanEdit,
// the admin's rule too). One with a time stays the editors'.
func TestContributorRestoresOwnTrashOfUnknownStatus(t *testing.T) {
	e := newEnv(t)
	contributor := e.token(t, news.RoleContributor)
	var c staffArticle
	e.want(t, 201, "POST", "/api/v1/articles", contributor, map[string]any{"headline": "Ferry timetable changes", "body_markdown": "From Monday."}, &c)
	path := fmt.Sprintf("/api/v1/articles/%d", c.ID)
	e.want(t, 200, "DELETE", path, contributor, nil, &c)
	e.rawExec(t, `DELETE FROM trashed_from WHERE article_id = ?`, c.ID)
	if a := e.stored(t, c.ID); a.Status != news.StatusTrash || a.TrashedFrom != "" || !a.PublishedAt.IsZero() {
		t.Fatalf("set-up: %s from %q at %v", a.Status, a.TrashedFrom, a.PublishedAt)
	}
	var back staffArticle
	e.want(t, 200, "POST", path+"/restore", contributor, map[string]any{"version": c.Version}, &back)
	if back.Status != "draft" || e.stored(t, c.ID).Status != news.StatusDraft {
		t.Fatalf("restored as %s, want a draft", back.Status)
	}
	// Dated: it may have been live, and stays the editors'.
	e.want(t, 200, "DELETE", path, contributor, nil, &c)
	e.rawExec(t, `DELETE FROM trashed_from WHERE article_id = ?`, c.ID)
	e.rawExec(t, `UPDATE articles SET published_at = 1700000000 WHERE id = ?`, c.ID)
	e.want(t, 404, "POST", path+"/restore", contributor, map[string]any{"version": e.stored(t, c.ID).Version}, nil)
	if st := e.stored(t, c.ID).Status; st != news.StatusTrash {
		t.Errorf("the dated story was moved to %s", st)
	}
}
