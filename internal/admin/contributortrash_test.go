package admin_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// TestContributorUndoesOwnTrash: a contributor who moves their own draft to the trash
// gets it back with the message's Undo, and with the editor's "Restore from the trash",
// as a draft: the same rule (news.User.CanEdit) as the API's restore.
func TestContributorUndoesOwnTrash(t *testing.T) {
	e := newEnv(t)
	co := e.addUser(news.RoleContributor)
	b := e.browser()
	b.login(co.Email)
	a := e.storyOf(co, "My ferry draft", news.StatusDraft, time.Time{})
	form := map[string]string{"title": a.Title, "standfirst": a.Standfirst, "body": a.BodyMarkdown}
	path := fmt.Sprintf("/admin/articles/%d", a.ID)
	if _, r := b.write(path, "trash", form); r.status != 303 || e.stored(a.ID).Status != news.StatusTrash {
		t.Fatalf("trash: %d", r.status)
	}
	m := undoRe.FindStringSubmatch(b.get("/admin/articles").body)
	if m == nil {
		t.Fatal("no Undo offered")
	}
	if r := b.post(m[1], url.Values{"csrf": {b.csrf()}}); r.status != 303 || e.stored(a.ID).Status != news.StatusDraft {
		t.Fatalf("undo: %d, %s", r.status, e.stored(a.ID).Status)
	}
	if _, r := b.write(path, "trash", form); r.status != 303 {
		t.Fatal(r.status)
	}
	if r := b.get(path); r.status != 200 {
		t.Fatalf("opening the trashed draft: %d", r.status)
	}
	if _, r := b.write(path, "restore", form); r.status != 303 || e.stored(a.ID).Status != news.StatusDraft {
		t.Fatalf("restore: %d, %s", r.status, e.stored(a.ID).Status)
	}
}

// TestContributorRestoresOwnTrashOfUnknownStatus: the admin's restore follows the same
// rule as the API's (news.User.CanEdit): a contributor's own story in the trash with no
// record of its earlier status and no publication time is theirs to restore as a draft.
func TestContributorRestoresOwnTrashOfUnknownStatus(t *testing.T) {
	e := newEnv(t)
	co := e.addUser(news.RoleContributor)
	b := e.browser()
	b.login(co.Email)
	a := e.storyOf(co, "My ferry draft", news.StatusDraft, time.Time{})
	form := map[string]string{"title": a.Title, "standfirst": a.Standfirst, "body": a.BodyMarkdown}
	path := fmt.Sprintf("/admin/articles/%d", a.ID)
	if _, r := b.write(path, "trash", form); r.status != 303 || e.stored(a.ID).Status != news.StatusTrash {
		t.Fatalf("trash: %d", r.status)
	}
	raw, err := sql.Open("sqlite", "file:"+e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`DELETE FROM trashed_from WHERE article_id = ?`, a.ID); err != nil {
		t.Fatal(err)
	}
	if r := b.get(path); r.status != 200 {
		t.Fatalf("opening the trashed draft: %d", r.status)
	}
	if _, r := b.write(path, "restore", form); r.status != 303 || e.stored(a.ID).Status != news.StatusDraft {
		t.Fatalf("restore: %d, %s", r.status, e.stored(a.ID).Status)
	}
}
