package storetest

// Re-rendering (news.RerenderStore): which articles are stale under a fingerprint, and
// the conditional write of their new HTML that is not an edit.

import (
	"context"
	"errors"
	"slices"
	"testing"

	"broadsheet/internal/news"
)

const (
	fpOld   = "000001/00000000000000aa" // a renderer's fingerprint under some hosts
	fpNow   = "000002/00000000000000aa" // a newer renderer's
	fpHosts = "000002/00000000000000bb" // the newer renderer under other hosts
	fpNext  = "000003/00000000000000aa" // a newer server's still
)

func staleIDs(t *testing.T, s Engine, fp string, limit int) []int64 {
	t.Helper()
	rs, err := s.StaleRenders(context.Background(), fp, limit)
	if err != nil {
		t.Fatalf("StaleRenders(%s): %v", fp, err)
	}
	var ids []int64
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	return ids
}

func changedKeys(t *testing.T, s Engine, after int64) []string {
	t.Helper()
	cs, err := s.Changes(context.Background(), after)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range cs {
		keys = append(keys, c.Keys...)
	}
	return keys
}

func rerenderOne(t *testing.T, s Engine, fp string, id int64, html string) news.RerenderCount {
	t.Helper()
	rs, err := s.StaleRenders(context.Background(), fp, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.ID == id {
			n, err := s.SetRenderedHTML(context.Background(), fp, []news.Rendered{{ID: id, Version: r.Version, Fingerprint: r.Fingerprint, HTML: html}})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("article %d is not stale under %s", id, fp)
	return news.RerenderCount{}
}

func testRerender(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, "World", "Diplomacy"))
	b := mustCreate(t, s, article(2, ""))

	// A new article has no fingerprint: it is stale under any.
	if got := staleIDs(t, s, fpOld, 10); !slices.Equal(got, []int64{a.ID, b.ID}) {
		t.Fatalf("stale at first: %v, want both", got)
	}
	if got := staleIDs(t, s, fpOld, 1); len(got) != 1 {
		t.Fatalf("limit 1 gave %d articles", len(got))
	}
	if _, err := s.StaleRenders(ctx, "no-slash", 10); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("a malformed fingerprint: %v, want ErrInvalid", err)
	}

	// The new HTML is stored without being an edit, and its pages are named.
	before, _ := s.Article(ctx, a.ID)
	_, revs, _ := s.RevisionPage(ctx, a.ID, 0, 0)
	last, _ := s.LastChange(ctx)
	if n := rerenderOne(t, s, fpOld, a.ID, "<p>Body, rendered again</p>"); n.Changed != 1 {
		t.Fatalf("first render: %+v, want 1 changed", n)
	}
	got, _ := s.Article(ctx, a.ID)
	if got.BodyHTML != "<p>Body, rendered again</p>" || got.BodyMarkdown != before.BodyMarkdown {
		t.Errorf("after the render: %q from %q", got.BodyHTML, got.BodyMarkdown)
	}
	if got.Version != before.Version || !got.UpdatedAt.Equal(before.UpdatedAt) || got.WasUpdated() {
		t.Errorf("a render is no edit: version %d→%d, updated %v→%v", before.Version, got.Version, before.UpdatedAt, got.UpdatedAt)
	}
	if _, n, _ := s.RevisionPage(ctx, a.ID, 0, 0); n != revs {
		t.Errorf("revisions %d→%d after a render", revs, n)
	}
	keys := changedKeys(t, s, last)
	for _, k := range []string{news.KeyArticle(a.ID), news.KeyLists, news.KeySection(a.Section.ID), news.KeyTag(a.Tags[0].ID)} {
		if !slices.Contains(keys, k) {
			t.Errorf("the change names %v, not %s", keys, k)
		}
	}
	if got := staleIDs(t, s, fpOld, 10); !slices.Equal(got, []int64{b.ID}) {
		t.Errorf("stale after rendering a: %v, want only b", got)
	}

	// The same HTML stores only the fingerprint, and names no page.
	last, _ = s.LastChange(ctx)
	if n := rerenderOne(t, s, fpOld, b.ID, b.BodyHTML); n.Unchanged != 1 || n.Changed != 0 {
		t.Errorf("the same HTML: %+v, want 1 unchanged", n)
	}
	if keys := changedKeys(t, s, last); len(keys) != 0 {
		t.Errorf("the same HTML named %v", keys)
	}
	if got := staleIDs(t, s, fpOld, 10); len(got) != 0 {
		t.Errorf("a second pass finds %v", got)
	}

	// Another renderer or other hosts make them stale again; a newer server's stamp is
	// left to it.
	if got := staleIDs(t, s, fpNow, 10); len(got) != 2 {
		t.Errorf("under a newer renderer: %v, want both", got)
	}
	rerenderOne(t, s, fpNow, a.ID, "<p>Body, version 2</p>")
	if got := staleIDs(t, s, fpHosts, 10); len(got) != 2 {
		t.Errorf("under other hosts: %v, want both", got)
	}
	if got := staleIDs(t, s, fpOld, 10); len(got) != 0 {
		t.Errorf("an older renderer would redo %v (one newer, one its own)", got)
	}
	if got := staleIDs(t, s, fpNext, 10); len(got) != 2 {
		t.Errorf("under the newest renderer: %v, want both", got)
	}

	// An edit between the read and the write wins, and forgets the fingerprint.
	rs, _ := s.StaleRenders(ctx, fpHosts, 10)
	var read *news.StaleRender
	for _, r := range rs {
		if r.ID == a.ID {
			read = r
		}
	}
	if read == nil || read.Fingerprint != fpNow {
		t.Fatalf("a as read: %+v, want its fingerprint %s", read, fpNow)
	}
	edit, _ := s.Article(ctx, a.ID)
	edit.BodyMarkdown, edit.BodyHTML = "Edited", "<p>Edited</p>"
	if err := s.UpdateArticle(ctx, edit); err != nil {
		t.Fatal(err)
	}
	n, err := s.SetRenderedHTML(ctx, fpHosts, []news.Rendered{{ID: a.ID, Version: read.Version, Fingerprint: read.Fingerprint, HTML: "<p>Body, stale render</p>"}})
	if err != nil || n.Skipped != 1 || n.Changed != 0 {
		t.Fatalf("a render of an article edited since: %+v, %v; want it skipped", n, err)
	}
	if got, _ := s.Article(ctx, a.ID); got.BodyHTML != "<p>Edited</p>" {
		t.Errorf("the edit was overwritten: %q", got.BodyHTML)
	}
	if got := staleIDs(t, s, fpNow, 10); !slices.Contains(got, a.ID) {
		t.Errorf("an edited article keeps its fingerprint: stale under %s are %v", fpNow, got)
	}

	// Two servers with the same read: one writes.
	rs, _ = s.StaleRenders(ctx, fpHosts, 10)
	var items []news.Rendered
	for _, r := range rs {
		items = append(items, news.Rendered{ID: r.ID, Version: r.Version, Fingerprint: r.Fingerprint, HTML: "<p>Hosts</p>"})
	}
	first, err1 := s.SetRenderedHTML(ctx, fpHosts, items)
	second, err2 := s.SetRenderedHTML(ctx, fpHosts, items)
	if err1 != nil || err2 != nil || first.Changed != 2 || second.Skipped != 2 || second.Changed+second.Unchanged != 0 {
		t.Errorf("two servers: %+v %v, then %+v %v", first, err1, second, err2)
	}

	// Keep stamps without writing the HTML.
	c := mustCreate(t, s, article(3, ""))
	rs, _ = s.StaleRenders(ctx, fpHosts, 10)
	if len(rs) != 1 || rs[0].ID != c.ID {
		t.Fatalf("stale: %+v, want only the new article", rs)
	}
	last, _ = s.LastChange(ctx)
	n, err = s.SetRenderedHTML(ctx, fpHosts, []news.Rendered{{ID: c.ID, Version: rs[0].Version, Keep: true}})
	if err != nil || n.Unchanged != 1 {
		t.Errorf("keep: %+v, %v", n, err)
	}
	if got, _ := s.Article(ctx, c.ID); got.BodyHTML != c.BodyHTML {
		t.Errorf("kept HTML changed to %q", got.BodyHTML)
	}
	if got := staleIDs(t, s, fpHosts, 10); len(got) != 0 {
		t.Errorf("a kept article is tried again: %v", got)
	}
	if keys := changedKeys(t, s, last); len(keys) != 0 {
		t.Errorf("keeping named %v", keys)
	}

	// HTML a store would refuse in an edit is refused here too, and nothing is written.
	if _, err := s.SetRenderedHTML(ctx, fpNext, []news.Rendered{{ID: c.ID, Version: c.Version, Fingerprint: fpHosts, HTML: "<p>\x00</p>"}}); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("HTML with NUL: %v, want ErrInvalid", err)
	}
}
