package storetest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"testing"

	"broadsheet/internal/news"
)

// exportAll is a backup in memory: every record of every kind, in order.
func exportAll(t *testing.T, s Engine, withSecrets bool) []*news.BackupRecord {
	t.Helper()
	var out []*news.BackupRecord
	err := s.ExportBackup(context.Background(), withSecrets, func(kind string, f map[string]any) error {
		out = append(out, &news.BackupRecord{Kind: kind, Fields: maps.Clone(f)})
		return nil
	})
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return out
}

func records(recs []*news.BackupRecord, fail error) iter.Seq2[*news.BackupRecord, error] {
	return func(yield func(*news.BackupRecord, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
		if fail != nil {
			yield(nil, fail)
		}
	}
}

// testBackup: a backup read into an empty store gives back the stories with their IDs,
// bylines, tags, threads, accounts and roles; secrets only when asked for; a second
// import, a broken stream or a record naming what the backup does not hold writes
// nothing.
func testBackup(t *testing.T, s Engine, open func(t *testing.T) Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, "World", "Climate", "Energy"))
	b := mustCreate(t, s, article(2, "", "Energy"))
	b.CoAuthors = []*news.Author{{Name: "Chen Wei", Email: "chen@example.org"}}
	b.Version = news.AnyVersion
	if err := s.UpdateArticle(ctx, b); err != nil {
		t.Fatal(err)
	}
	top := &news.Comment{ArticleID: a.ID, Status: news.CommentApproved, AuthorName: "Rosa", AuthorEmail: "rosa@example.net", Body: "x", BodyHTML: "<p>x</p>", IPHash: "h1", CreatedAt: base}
	if err := s.CreateComment(ctx, top); err != nil {
		t.Fatal(err)
	}
	reply := &news.Comment{ArticleID: a.ID, ParentID: top.ID, Status: news.CommentPending, AuthorName: "Sam", Body: "y", BodyHTML: "<p>y</p>", CreatedAt: base.Add(1)}
	if err := s.CreateComment(ctx, reply); err != nil {
		t.Fatal(err)
	}
	u := &news.User{Email: "ed@example.org", Name: "Ed", Role: news.RoleEditor, PasswordHash: "$argon2id$secret-hash"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}

	plain := exportAll(t, s, false)
	for _, r := range plain {
		if r.Kind == "user" && r.Fields["password_hash"] != "" {
			t.Errorf("without secrets, a user's record holds its password hash %v", r.Fields["password_hash"])
		}
	}
	if err := s.BackupEmpty(ctx); !errors.Is(err, news.ErrNotEmpty) {
		t.Errorf("BackupEmpty of a site with stories: %v", err)
	}

	// A stream that breaks after every record, and one naming a missing article:
	// nothing written.
	d := open(t)
	if _, err := d.ImportBackup(ctx, records(plain, errors.New("cut short"))); err == nil {
		t.Fatal("a broken stream was imported")
	}
	orphan := &news.BackupRecord{Kind: "comment", Fields: maps.Clone(plain[len(plain)-1].Fields)}
	for _, r := range plain {
		if r.Kind == "comment" {
			orphan.Fields = maps.Clone(r.Fields)
		}
	}
	orphan.Fields["id"], orphan.Fields["article_id"], orphan.Fields["parent_id"] = int64(999), int64(999), nil
	if _, err := d.ImportBackup(ctx, records(append(plain[:len(plain):len(plain)], orphan), nil)); err == nil {
		t.Fatal("a comment on an article the backup does not hold was imported")
	}
	if err := d.BackupEmpty(ctx); err != nil {
		t.Fatalf("a failed import left something behind: %v", err)
	}
	for _, bad := range []*news.BackupRecord{{Kind: "spaceship", Fields: map[string]any{"id": int64(1)}},
		{Kind: "tag", Fields: map[string]any{"id": int64(1), "slug": "x", "name": "X", "colour": "red"}},
		{Kind: "tag", Fields: map[string]any{"slug": "x", "name": "X"}}} {
		if err := d.CheckBackupRecord(bad); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("CheckBackupRecord(%v): %v", bad, err)
		}
	}

	// The whole backup, into the same empty store: the same site.
	counts, err := d.ImportBackup(ctx, records(plain, nil))
	if err != nil {
		t.Fatal(err)
	}
	if counts["article"] != 2 || counts["comment"] != 2 || counts["user"] != 1 {
		t.Errorf("counts: %v", counts)
	}
	for _, want := range []*news.Article{a, b} {
		w, _ := s.Article(ctx, want.ID)
		g, err := d.Article(ctx, want.ID)
		if err != nil {
			t.Fatalf("article %d: %v", want.ID, err)
		}
		if describe(g) != describe(w) {
			t.Errorf("article %d: %s, want %s", want.ID, describe(g), describe(w))
		}
	}
	if c, err := d.Comment(ctx, reply.ID); err != nil || c.ParentID != top.ID || c.Status != news.CommentPending || c.AuthorName != "Sam" {
		t.Errorf("the reply: %+v %v", c, err)
	}
	gu, err := d.User(ctx, u.ID)
	if err != nil || gu.Email != u.Email || gu.Role != u.Role || gu.PasswordHash != "" {
		t.Errorf("the user: %+v %v", gu, err)
	}
	// A second run changes nothing.
	if _, err := d.ImportBackup(ctx, records(plain, nil)); !errors.Is(err, news.ErrNotEmpty) {
		t.Errorf("a second import: %v", err)
	}
	// With secrets, the account comes back able to sign in.
	e := open(t)
	if _, err := e.ImportBackup(ctx, records(exportAll(t, s, true), nil)); err != nil {
		t.Fatal(err)
	}
	if gu, err := e.User(ctx, u.ID); err != nil || gu.PasswordHash != u.PasswordHash {
		t.Errorf("with secrets, the user: %+v %v", gu, err)
	}

	// A story and its comment written while the export runs are wholly out of it (one
	// snapshot), not a comment without its story.
	first, seen := true, 0
	var late *news.Article
	err = s.ExportBackup(ctx, false, func(kind string, f map[string]any) error {
		if first {
			first = false
			late = mustCreate(t, s, article(9, ""))
			c := &news.Comment{ArticleID: late.ID, Status: news.CommentApproved, AuthorName: "Late", Body: "z", BodyHTML: "<p>z</p>", CreatedAt: base}
			if err := s.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if (kind == "article" && f["id"] == late.ID) || (kind == "comment" && f["article_id"] == late.ID) {
			seen++
		}
		return nil
	})
	if err != nil || seen != 0 {
		t.Errorf("an export saw %d rows written after it began (%v)", seen, err)
	}
}

func describe(a *news.Article) string {
	s := fmt.Sprintf("%s %q %s %v", a.Slug, a.Title, a.Status, a.PublishedAt.UTC())
	if a.Author != nil {
		s += " by " + a.Author.Name
	}
	for _, c := range a.CoAuthors {
		s += " and " + c.Name
	}
	if a.Section != nil {
		s += " in " + a.Section.Name
	}
	for _, t := range a.Tags {
		s += " #" + t.Name
	}
	return s
}
