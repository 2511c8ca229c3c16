package storetest

// The management screens' store (news.ManageStore): the media library's pages and
// search, where an image is used and its deletion, an administrator's changes to an
// account and the password reset links, and the upkeep of sections and tags.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"broadsheet/internal/news"
)

func addMedia(t *testing.T, s Engine, name, alt string) *news.Media {
	t.Helper()
	m := &news.Media{Name: name, ContentType: "image/jpeg", Width: 1200, Height: 800, Bytes: 1000, Alt: alt, CreatedAt: base}
	if err := s.CreateMedia(context.Background(), m); err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return m
}

func mediaIDs(ms []*news.Media) []int64 {
	var out []int64
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// The library's pages are keyset pages, newest first: each page starts below the last
// item of the one before, so that an upload meanwhile neither repeats nor skips an
// item; a search matches part of the name, alt text or caption without case or accents.
func testMediaLibraryPages(t *testing.T, s Engine) {
	ctx := context.Background()
	var all []*news.Media
	for i := range 7 {
		all = append(all, addMedia(t, s, fmt.Sprintf("photo-%d.jpg", i), fmt.Sprintf("Picture %d", i)))
	}
	slices.Reverse(all) // newest first
	var seen []int64
	before := int64(0)
	for page := 0; ; page++ {
		got, err := s.MediaPage(ctx, news.MediaQuery{Before: before, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			break
		}
		if page == 0 {
			// An upload between two pages is on the first page, not on the next.
			addMedia(t, s, "late.jpg", "Late")
		}
		seen = append(seen, mediaIDs(got)...)
		before = got[len(got)-1].ID
		if page > 5 {
			t.Fatal("the pages do not end")
		}
	}
	if want := mediaIDs(all); !slices.Equal(seen, want) {
		t.Errorf("the library page by page: %v, want %v (newest first, each once)", seen, want)
	}
	if newest, err := s.MediaLibrary(ctx, 1); err != nil || len(newest) != 1 || newest[0].Name != "late.jpg" {
		t.Errorf("the newest item: %v, %v", newest, err)
	}

	// Words: alt text and caption, found by a search.
	if err := s.SetMediaWords(ctx, all[2].ID, "Le Café de Flore", "Paris, 2019"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.MediaItem(ctx, all[2].ID); err != nil || got.Alt != "Le Café de Flore" || got.Caption != "Paris, 2019" {
		t.Errorf("the words read back: %+v, %v", got, err)
	}
	if err := s.SetMediaWords(ctx, all[0].ID+100, "x", ""); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("words of a missing item: %v, want ErrNotFound", err)
	}
	for match, want := range map[string][]int64{
		"cafe":      {all[2].ID}, // the alt text, without accent or case
		"PARIS":     {all[2].ID}, // the caption
		"photo-6":   {all[0].ID}, // the name
		"100%":      nil,         // % is itself
		"photo_":    nil,         // _ is itself
		"photo-":    mediaIDs(all),
		"no-such-x": nil,
	} {
		got, err := s.MediaPage(ctx, news.MediaQuery{Match: match})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(mediaIDs(got), want) {
			t.Errorf("search %q: %v, want %v", match, mediaIDs(got), want)
		}
	}
	// A search pages too.
	if got, _ := s.MediaPage(ctx, news.MediaQuery{Match: "photo-", Before: all[3].ID, Limit: 2}); !slices.Equal(mediaIDs(got), mediaIDs(all[4:6])) {
		t.Errorf("a search's second page: %v, want %v", mediaIDs(got), mediaIDs(all[4:6]))
	}
}

// Where an image is used: as a story's featured image, in its body (the file or one of
// its sizes, by a relative or an absolute address, in the Markdown or the HTML), by
// every kind of write; and its deletion refused while a story, even one in the trash,
// still shows it.
func testMediaUses(t *testing.T, s Engine) {
	ctx := context.Background()
	photo := &news.Media{Name: "harbour.jpg", ContentType: "image/jpeg", Width: 1200, Height: 800, Bytes: 1000, Alt: "The harbour",
		Srcset: "/media/harbour-480.jpg 480w, /media/harbour.jpg 1200w", CreatedAt: base}
	if err := s.CreateMedia(ctx, photo); err != nil {
		t.Fatal(err)
	}
	chart := addMedia(t, s, "chart.png", "A chart")
	spare := addMedia(t, s, "spare.jpg", "Unused")

	uses := func(m *news.Media) (map[int64]news.MediaUse, int) {
		t.Helper()
		list, total, err := s.MediaUses(ctx, m, 10)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]news.MediaUse{}
		for _, u := range list {
			out[u.ArticleID] = u
		}
		return out, total
	}

	featured := article(1, "")
	featured.FeaturedImage = &news.Image{URL: "/media/harbour.jpg", Alt: "The harbour", Width: 1200, Height: 800, Srcset: photo.Srcset}
	mustCreate(t, s, featured)
	inBody := article(2, "")
	inBody.BodyMarkdown = "Look:\n\n![The harbour at dawn](/media/harbour-480.jpg)"
	inBody.BodyHTML = `<p>Look:</p><p><img src="/media/harbour-480.jpg" alt="The harbour at dawn"></p>`
	mustCreate(t, s, inBody)
	absolute := article(3, "")
	absolute.BodyMarkdown, absolute.BodyHTML = "", `<p><img src="https://news.example.org/media/chart.png" alt="A chart"></p>`
	mustCreate(t, s, absolute)

	got, total := uses(photo)
	if total != 2 || len(got) != 2 || !got[featured.ID].Featured || got[featured.ID].InBody || got[inBody.ID].Featured || !got[inBody.ID].InBody ||
		got[featured.ID].Title != featured.Title || got[inBody.ID].Status != news.StatusPublished {
		t.Errorf("the photo's uses: %+v (%d), want the featured story and the one with a size of it in its body", got, total)
	}
	if list, total, err := s.MediaUses(ctx, photo, 1); err != nil || len(list) != 1 || total != 2 {
		t.Errorf("one use of two: %d listed, %d in all, %v", len(list), total, err)
	}
	if got, total := uses(chart); total != 1 || !got[absolute.ID].InBody {
		t.Errorf("the chart, by an absolute address in the HTML: %+v (%d)", got, total)
	}
	if _, total := uses(spare); total != 0 {
		t.Errorf("an unused image has %d uses", total)
	}

	// Deletion is refused while used; a story in the trash still counts (it can come
	// back); an unused image goes.
	for _, m := range []*news.Media{photo, chart} {
		if err := s.DeleteMedia(ctx, m.ID); !errors.Is(err, news.ErrConflict) {
			t.Errorf("deleting %s, in use: %v, want ErrConflict", m.Name, err)
		}
		if _, err := s.MediaItem(ctx, m.ID); err != nil {
			t.Errorf("%s after a refused deletion: %v", m.Name, err)
		}
	}
	if err := s.DeleteMedia(ctx, spare.ID); err != nil {
		t.Errorf("deleting an unused image: %v", err)
	}
	if _, err := s.MediaItem(ctx, spare.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a deleted image is still in the library: %v", err)
	}
	if err := s.DeleteMedia(ctx, spare.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("deleting it again: %v, want ErrNotFound", err)
	}

	// The uses follow every write: an edit that drops the picture, the trash, an
	// import, a body the renderer brings up to date.
	inBody.BodyMarkdown, inBody.BodyHTML, inBody.Version = "No picture now.", "<p>No picture now.</p>", news.AnyVersion
	if err := s.UpdateArticle(ctx, inBody); err != nil {
		t.Fatal(err)
	}
	// A version restored from the history brings the picture back, and the use.
	revs, _, err := s.RevisionPage(ctx, inBody.ID, news.MaxRevisions, 0)
	if err != nil || len(revs) < 2 {
		t.Fatalf("the history: %d versions, %v", len(revs), err)
	}
	first := revs[len(revs)-1]
	inBody.BodyMarkdown, inBody.BodyHTML = first.Markdown, `<p><img src="/media/harbour-480.jpg" alt=""></p>`
	if err := s.UpdateArticle(ctx, inBody); err != nil {
		t.Fatal(err)
	}
	if got, total := uses(photo); total != 2 || !got[inBody.ID].InBody {
		t.Errorf("after the first version was restored: %+v (%d)", got, total)
	}
	inBody.BodyMarkdown, inBody.BodyHTML = "No picture now.", "<p>No picture now.</p>"
	if err := s.UpdateArticle(ctx, inBody); err != nil {
		t.Fatal(err)
	}
	featured.Status, featured.Version = news.StatusTrash, news.AnyVersion
	if err := s.UpdateArticle(ctx, featured); err != nil {
		t.Fatal(err)
	}
	if got, total := uses(photo); total != 1 || got[featured.ID].Status != news.StatusTrash {
		t.Errorf("after the body dropped it and the featured story went to the trash: %+v (%d)", got, total)
	}
	featured.FeaturedImage, featured.Version = nil, news.AnyVersion
	if err := s.UpdateArticle(ctx, featured); err != nil {
		t.Fatal(err)
	}
	if _, total := uses(photo); total != 0 {
		t.Errorf("after the featured image was removed: %d uses", total)
	}
	imp := article(4, "")
	imp.Source, imp.SourceID = "wxr", "post-4"
	imp.BodyMarkdown, imp.BodyHTML = "", `<figure><img src="/media/harbour.jpg" srcset="/media/harbour-480.jpg 480w"></figure>`
	if _, err := s.Import(ctx, []news.ImportItem{{Article: imp}}); err != nil {
		t.Fatal(err)
	}
	if got, total := uses(photo); total != 1 || len(got) != 1 {
		t.Errorf("after an import showing it: %+v (%d)", got, total)
	}
	if err := s.DeleteMedia(ctx, photo.ID); !errors.Is(err, news.ErrConflict) {
		t.Errorf("deleting the photo an imported story shows: %v, want ErrConflict", err)
	}
	stale, err := s.StaleRenders(ctx, "000002/00000000000000bb", 10)
	if err != nil {
		t.Fatal(err)
	}
	var redo []news.Rendered
	for _, r := range stale {
		redo = append(redo, news.Rendered{ID: r.ID, Version: r.Version, Fingerprint: r.Fingerprint, HTML: "<p>Rendered again, no pictures.</p>"})
	}
	if _, err := s.SetRenderedHTML(ctx, "000002/00000000000000bb", redo); err != nil {
		t.Fatal(err)
	}
	if _, total := uses(chart); total != 0 {
		t.Errorf("after the HTML was rendered again without the chart: %d uses", total)
	}
	if err := s.DeleteMedia(ctx, chart.ID); err != nil {
		t.Errorf("deleting the chart nobody shows any more: %v", err)
	}
}

// An administrator's changes to an account: its name and email (one email one
// account, compared as one address), and the password reset link, which works once,
// until it expires, and only the newest of a user's.
func testAccountManagement(t *testing.T, s Engine) {
	ctx := context.Background()
	ann := &news.User{Email: "ann@example.org", Name: "Ann", Role: news.RoleAuthor, PasswordHash: "$argon2id$ann"}
	bob := &news.User{Email: "bob@example.org", Name: "Bob", Role: news.RoleEditor, PasswordHash: "$argon2id$bob"}
	for _, u := range []*news.User{ann, bob} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetNameEmail(ctx, ann.ID, "Ann Lee", "ann.lee@example.org"); err != nil {
		t.Fatal(err)
	}
	if u, err := s.User(ctx, ann.ID); err != nil || u.Name != "Ann Lee" || u.Email != "ann.lee@example.org" {
		t.Errorf("read back: %+v, %v", u, err)
	}
	if u, err := s.UserByEmail(ctx, "ANN.LEE@example.org"); err != nil || u.ID != ann.ID {
		t.Errorf("signing in by the new email: %v, %v", u, err)
	}
	if err := s.SetNameEmail(ctx, ann.ID, "Ann Lee", "BOB@Example.org"); !errors.Is(err, news.ErrConflict) {
		t.Errorf("taking Bob's email in other case: %v, want ErrConflict", err)
	}
	if u, _ := s.User(ctx, ann.ID); u.Email != "ann.lee@example.org" {
		t.Errorf("a refused change changed the email to %q", u.Email)
	}
	if err := s.SetNameEmail(ctx, ann.ID+bob.ID+10, "Nobody", "nobody@example.org"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a missing user: %v, want ErrNotFound", err)
	}
	if err := s.SetNameEmail(ctx, ann.ID, " ", "ann@example.org"); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("no name: %v, want ErrInvalid", err)
	}

	// Reset links.
	now := base
	link := func(hash string, at time.Time) {
		t.Helper()
		if err := s.CreatePasswordReset(ctx, news.PasswordReset{TokenHash: hash, UserID: ann.ID, CreatedBy: bob.ID,
			CreatedAt: at, ExpiresAt: at.Add(news.PasswordResetLife)}); err != nil {
			t.Fatal(err)
		}
	}
	link("first", now)
	if pr, err := s.PasswordReset(ctx, "first", now.Add(time.Hour)); err != nil || pr.UserID != ann.ID || pr.CreatedBy != bob.ID {
		t.Errorf("the link an hour later: %+v, %v", pr, err)
	}
	if _, err := s.PasswordReset(ctx, "first", now.Add(news.PasswordResetLife)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the link when it expires: %v, want ErrNotFound", err)
	}
	if _, err := s.ResetPassword(ctx, "first", "$argon2id$late", now.Add(news.PasswordResetLife+time.Minute)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("an expired link used: %v, want ErrNotFound", err)
	}
	link("second", now.Add(time.Minute))
	if _, err := s.PasswordReset(ctx, "first", now.Add(2*time.Minute)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the first link after a second was made: %v, want ErrNotFound (one works at a time)", err)
	}
	if err := s.CreateSession(ctx, &news.Session{TokenHash: "ann-session", UserID: ann.ID, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), LastSeen: now}); err != nil {
		t.Fatal(err)
	}
	id, err := s.ResetPassword(ctx, "second", "$argon2id$new", now.Add(2*time.Minute))
	if err != nil || id != ann.ID {
		t.Fatalf("using the link: %d, %v", id, err)
	}
	if u, _ := s.User(ctx, ann.ID); u.PasswordHash != "$argon2id$new" {
		t.Errorf("the password after the reset: %q", u.PasswordHash)
	}
	if _, err := s.Session(ctx, "ann-session", now.Add(3*time.Minute)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a session from before the reset: %v, want it ended", err)
	}
	if _, err := s.ResetPassword(ctx, "second", "$argon2id$again", now.Add(3*time.Minute)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the link used twice: %v, want ErrNotFound", err)
	}
	if u, _ := s.User(ctx, ann.ID); u.PasswordHash != "$argon2id$new" {
		t.Errorf("a second use changed the password to %q", u.PasswordHash)
	}
	// A disabled account's link works no more.
	link("third", now.Add(5*time.Minute))
	if err := s.SetAccess(ctx, ann.ID, news.RoleAuthor, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ResetPassword(ctx, "third", "$argon2id$x", now.Add(6*time.Minute)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("a disabled user's link: %v, want ErrNotFound", err)
	}
}

func sectionSlugs(t *testing.T, s Engine) []string {
	t.Helper()
	secs, err := s.Sections(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range secs {
		out = append(out, x.Slug)
	}
	return out
}

// Sections: deleted with their stories moved to another (or to none), in one step,
// and reordered one place at a time; each change names every page (the navigation).
func testSectionUpkeep(t *testing.T, s Engine) {
	ctx := context.Background()
	for i, name := range []string{"World", "Sport", "Arts"} {
		if err := s.CreateSection(ctx, &news.Section{Name: name, Slug: news.Slugify(name), Position: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	secs, _ := s.Sections(ctx)
	id := map[string]int64{}
	for _, x := range secs {
		id[x.Slug] = x.ID
	}
	if got := sectionSlugs(t, s); !slices.Equal(got, []string{"world", "sport", "arts"}) {
		t.Fatalf("sections: %v", got)
	}
	namesAll := func(what string, after int64) {
		t.Helper()
		changes, err := s.Changes(ctx, after)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range changes {
			if slices.Contains(c.Keys, news.KeyAll) {
				return
			}
		}
		t.Errorf("%s named no change of every page: %+v", what, changes)
	}

	last, _ := s.LastChange(ctx)
	if err := s.MoveSection(ctx, id["arts"], -1); err != nil {
		t.Fatal(err)
	}
	namesAll("moving a section", last)
	if got := sectionSlugs(t, s); !slices.Equal(got, []string{"world", "arts", "sport"}) {
		t.Errorf("arts moved up: %v", got)
	}
	if err := s.MoveSection(ctx, id["world"], -1); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveSection(ctx, id["sport"], 1); err != nil {
		t.Fatal(err)
	}
	if got := sectionSlugs(t, s); !slices.Equal(got, []string{"world", "arts", "sport"}) {
		t.Errorf("moves past either end changed the order: %v", got)
	}
	if err := s.MoveSection(ctx, id["world"]+100, 1); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("moving a missing section: %v", err)
	}

	a := mustCreate(t, s, article(1, "World"))
	b := mustCreate(t, s, article(2, "Sport"))
	sectionOf := func(a *news.Article) string {
		t.Helper()
		got, err := s.Article(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Section == nil {
			return ""
		}
		return got.Section.Slug
	}
	if err := s.DeleteSection(ctx, id["world"], id["world"]); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("moving a section's stories to itself: %v, want ErrInvalid", err)
	}
	if err := s.DeleteSection(ctx, id["world"], id["world"]+100); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("moving to a missing section: %v, want ErrNotFound", err)
	}
	if sectionOf(a) != "world" || len(sectionSlugs(t, s)) != 3 {
		t.Errorf("a refused deletion changed something: %q, %v", sectionOf(a), sectionSlugs(t, s))
	}
	last, _ = s.LastChange(ctx)
	if err := s.DeleteSection(ctx, id["world"], id["arts"]); err != nil {
		t.Fatal(err)
	}
	namesAll("deleting a section", last)
	if sectionOf(a) != "arts" || sectionOf(b) != "sport" {
		t.Errorf("after World was deleted into Arts: %q, %q", sectionOf(a), sectionOf(b))
	}
	if _, err := s.SectionBySlug(ctx, "world"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the deleted section: %v", err)
	}
	if n, _ := s.CountArticles(ctx, news.ArticleQuery{SectionID: id["arts"]}); n != 1 {
		t.Errorf("Arts lists %d stories, want the one moved in", n)
	}
	if err := s.DeleteSection(ctx, id["sport"], 0); err != nil {
		t.Fatal(err)
	}
	if sectionOf(b) != "" {
		t.Errorf("a story of a section deleted without a new one: in %q", sectionOf(b))
	}
	if err := s.DeleteSection(ctx, id["sport"], 0); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("deleting it again: %v, want ErrNotFound", err)
	}
	if got := sectionSlugs(t, s); !slices.Equal(got, []string{"arts"}) {
		t.Errorf("sections left: %v", got)
	}
	// The story still saves, in its new section.
	cur, _ := s.Article(ctx, a.ID)
	cur.Title = "Story 1, edited"
	if err := s.UpdateArticle(ctx, cur); err != nil || sectionOf(a) != "arts" {
		t.Errorf("saving a moved story: %v, section %q", err, sectionOf(a))
	}
}

func tagNames(t *testing.T, s Engine, a *news.Article) []string {
	t.Helper()
	got, err := s.Article(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range got.Tags {
		out = append(out, x.Name)
	}
	slices.Sort(out)
	return out
}

// Tags: renamed (the old address leads to the new), merged (every story of one gets
// the other, once, and its addresses lead there) and deleted (its stories lose it and
// its addresses answer nothing); a list with the stories each tag has.
func testTagUpkeep(t *testing.T, s Engine) {
	ctx := context.Background()
	a := mustCreate(t, s, article(1, "", "Elections", "Vote"))
	b := mustCreate(t, s, article(2, "", "Vote", "Polls"))
	c := mustCreate(t, s, article(3, "", "Polls"))
	tag := func(slug string) *news.Tag {
		t.Helper()
		x, err := s.TagBySlug(ctx, slug)
		if err != nil {
			t.Fatalf("tag %q: %v", slug, err)
		}
		return x
	}
	leadsTo := func(old string) string {
		t.Helper()
		x, err := s.TagRedirect(ctx, old)
		if errors.Is(err, news.ErrNotFound) {
			return ""
		}
		if err != nil {
			t.Fatal(err)
		}
		return x.Slug
	}
	elections, vote, polls := tag("elections"), tag("vote"), tag("polls")

	list, total, err := s.TagList(ctx, news.TagQuery{Limit: 10})
	if err != nil || total != 3 {
		t.Fatalf("tag list: %d, %v", total, err)
	}
	counts := map[string]int{}
	for _, x := range list {
		counts[x.Slug] = x.Articles
	}
	if counts["elections"] != 1 || counts["vote"] != 2 || counts["polls"] != 2 {
		t.Errorf("stories per tag: %v", counts)
	}
	if got, n, _ := s.TagList(ctx, news.TagQuery{Match: "VOT", Limit: 10}); n != 1 || got[0].ID != vote.ID {
		t.Errorf("a search of the tags: %+v (%d)", got, n)
	}

	// formOf is an editor's form of a story, opened now; saved after a change to one of
	// its tags, it must be refused as stale, not bring the old tag back.
	formOf := func(x *news.Article) *news.Article {
		t.Helper()
		f, err := s.Article(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	saveStale := func(what string, f *news.Article) {
		t.Helper()
		f.Title += " (saved from an old form)"
		if err := s.UpdateArticle(ctx, f); !errors.Is(err, news.ErrStale) {
			t.Errorf("saving a form opened before %s: %v, want ErrStale", what, err)
		}
	}

	// Rename.
	formA := formOf(a)
	if err := s.RenameTag(ctx, elections.ID, "Election 2024", "election-2024"); err != nil {
		t.Fatal(err)
	}
	saveStale("its tag was renamed", formA)
	if got := tagNames(t, s, a); !slices.Equal(got, []string{"Election 2024", "Vote"}) {
		t.Errorf("the story's tags after the rename: %v", got)
	}
	if leadsTo("elections") != "election-2024" {
		t.Errorf("the old address leads to %q", leadsTo("elections"))
	}
	if _, err := s.TagBySlug(ctx, "elections"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the old slug is still a tag: %v", err)
	}
	if err := s.RenameTag(ctx, elections.ID, "Polls", "polls"); !errors.Is(err, news.ErrConflict) {
		t.Errorf("renaming onto another tag's slug: %v, want ErrConflict", err)
	}
	if tag("election-2024").Name != "Election 2024" {
		t.Errorf("a refused rename changed the tag")
	}

	// Merge Vote into Polls: b had both and keeps Polls once; a gets Polls.
	formA = formOf(a)
	if err := s.MergeTag(ctx, vote.ID, polls.ID); err != nil {
		t.Fatal(err)
	}
	saveStale("its tag was merged into another", formA)
	if got := tagNames(t, s, a); !slices.Equal(got, []string{"Election 2024", "Polls"}) {
		t.Errorf("a's tags after the merge: %v", got)
	}
	if got := tagNames(t, s, b); !slices.Equal(got, []string{"Polls"}) {
		t.Errorf("b's tags after the merge: %v", got)
	}
	if n, _ := s.CountArticles(ctx, news.ArticleQuery{TagID: polls.ID}); n != 3 {
		t.Errorf("Polls lists %d stories, want 3", n)
	}
	if leadsTo("vote") != "polls" {
		t.Errorf("the merged tag's address leads to %q", leadsTo("vote"))
	}
	if err := s.MergeTag(ctx, polls.ID, polls.ID); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("merging a tag into itself: %v", err)
	}
	if err := s.MergeTag(ctx, vote.ID, polls.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("merging a tag that is gone: %v", err)
	}

	// A rename of the tag that took another's addresses: every former one leads to the
	// new address in one hop; taking a former slug back makes it live again.
	if err := s.RenameTag(ctx, polls.ID, "Polling", "polling"); err != nil {
		t.Fatal(err)
	}
	if leadsTo("polls") != "polling" || leadsTo("vote") != "polling" {
		t.Errorf("after a rename: polls → %q, vote → %q", leadsTo("polls"), leadsTo("vote"))
	}
	if err := s.RenameTag(ctx, polls.ID, "Polls", "polls"); err != nil {
		t.Fatal(err)
	}
	if leadsTo("polls") != "" || leadsTo("polling") != "polls" || tag("polls").ID != polls.ID {
		t.Errorf("a former slug taken back: polls → %q, polling → %q", leadsTo("polls"), leadsTo("polling"))
	}

	// Delete.
	last, _ := s.LastChange(ctx)
	formC := formOf(c)
	if err := s.DeleteTag(ctx, polls.ID); err != nil {
		t.Fatal(err)
	}
	saveStale("its tag was deleted", formC)
	if got := tagNames(t, s, c); len(got) != 0 {
		t.Errorf("c's tags after its tag was deleted: %v", got)
	}
	if leadsTo("vote") != "" || leadsTo("polling") != "" {
		t.Errorf("a deleted tag's former addresses still lead somewhere")
	}
	if changes, _ := s.Changes(ctx, last); len(changes) == 0 || !slices.Contains(changes[len(changes)-1].Keys, news.KeyAll) {
		t.Errorf("deleting a tag named no change of every page: %+v", changes)
	}
	if err := s.DeleteTag(ctx, polls.ID); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("deleting it again: %v", err)
	}
}
