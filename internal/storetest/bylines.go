package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"broadsheet/internal/news"
)

// testBylines: an article's byline is an ordered list of authors (news.Article.Author,
// then CoAuthors), kept in order, changed as a whole, listed in every author's
// archive, versioned like any other field, and purged from every author's pages.
func testBylines(t *testing.T, s Engine) {
	ctx := context.Background()
	names := func(a *news.Article) []string { return a.BylineNames() }

	a := article(1, "World")
	a.Author = &news.Author{Name: "Ana Reyes"}
	a.CoAuthors = []*news.Author{{Name: "Ben Okafor"}, {Name: "Cara Lin"}}
	mustCreate(t, s, a)
	for _, au := range a.Byline() {
		if au.ID == 0 {
			t.Fatalf("co-author %q has no ID after the create", au.Name)
		}
	}
	ana, ben, cara := a.Author, a.CoAuthors[0], a.CoAuthors[1]
	other := mustCreate(t, s, article(2, "World")) // Anna Petrova's alone

	got, err := s.Article(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Ana Reyes", "Ben Okafor", "Cara Lin"}; !reflect.DeepEqual(names(got), want) {
		t.Fatalf("byline read back %v, want %v in order", names(got), want)
	}
	if got, _ := s.ArticleBySlug(ctx, a.Slug); !reflect.DeepEqual(names(got), names(a)) {
		t.Errorf("the reader's read of the byline: %v", names(got))
	}

	// A co-author's archive lists the stories they co-wrote (and only those), as do
	// the counts that page it and the admin's filter by name.
	arts, err := s.Articles(ctx, news.ArticleQuery{PublicAt: base.Add(48 * 3600e9), AuthorID: cara.ID})
	if err != nil || !reflect.DeepEqual(slugs(arts), []string{a.Slug}) {
		t.Errorf("Cara Lin's archive: %v, %v; want only %s", slugs(arts), err, a.Slug)
	}
	if len(arts) == 1 && !reflect.DeepEqual(names(arts[0]), names(a)) {
		t.Errorf("a list's byline: %v", names(arts[0]))
	}
	if n, err := s.CountArticles(ctx, news.ArticleQuery{AuthorID: ben.ID}); err != nil || n != 1 {
		t.Errorf("count of Ben Okafor's stories: %d, %v", n, err)
	}
	if arts, _ := s.Articles(ctx, news.ArticleQuery{AuthorName: "okafor"}); !reflect.DeepEqual(slugs(arts), []string{a.Slug}) {
		t.Errorf("the list filtered by a co-author's name: %v", slugs(arts))
	}
	if arts, _ := s.Articles(ctx, news.ArticleQuery{AuthorID: other.Author.ID}); !reflect.DeepEqual(slugs(arts), []string{other.Slug}) {
		t.Errorf("Anna Petrova's archive: %v", slugs(arts))
	}

	// Changing the lead and dropping a co-author: a new version, a revision that
	// records the byline, and every author who was or is on it has their pages purged.
	_, revsBefore, _ := s.RevisionPage(ctx, a.ID, 0, 0)
	mark, _ := s.LastChange(ctx)
	edit, _ := s.Article(ctx, a.ID)
	from := edit.Version
	edit.SetByline([]*news.Author{{ID: ben.ID, Slug: ben.Slug, Name: ben.Name}, {ID: ana.ID, Slug: ana.Slug, Name: ana.Name}})
	if err := s.UpdateArticle(ctx, edit); err != nil {
		t.Fatal(err)
	}
	if edit.Version != from+1 {
		t.Errorf("a byline change made version %d from %d: it is a change", edit.Version, from)
	}
	got, _ = s.Article(ctx, a.ID)
	if want := []string{"Ben Okafor", "Ana Reyes"}; !reflect.DeepEqual(names(got), want) {
		t.Errorf("byline after the change %v, want %v", names(got), want)
	}
	keys := keysSince(t, s, mark)
	for _, au := range []*news.Author{ana, ben, cara} {
		if !slices.Contains(keys, news.KeyAuthor(au.ID)) {
			t.Errorf("the byline change's keys %v lack %s's archive", keys, au.Name)
		}
	}
	if arts, _ := s.Articles(ctx, news.ArticleQuery{AuthorID: cara.ID}); len(arts) != 0 {
		t.Errorf("Cara Lin, taken off the byline, still lists %v", slugs(arts))
	}
	revs, n, err := s.RevisionPage(ctx, a.ID, 1, 0)
	if err != nil || n != revsBefore+1 || len(revs) != 1 {
		t.Fatalf("revisions after a byline change: %d (was %d), %v", n, revsBefore, err)
	}
	if !revs[0].HasAuthors || !reflect.DeepEqual(revs[0].Authors, []string{"Ben Okafor", "Ana Reyes"}) {
		t.Errorf("the revision records the byline %v (kept %v)", revs[0].Authors, revs[0].HasAuthors)
	}

	// A save from the version before the byline change is stale, and changes nothing.
	late, _ := s.Article(ctx, a.ID)
	late.Version = from
	late.Title = "A late edit"
	late.SetByline([]*news.Author{{ID: cara.ID, Slug: cara.Slug, Name: cara.Name}})
	if err := s.UpdateArticle(ctx, late); !errors.Is(err, news.ErrStale) {
		t.Errorf("a save based on the version before the byline change: %v, want ErrStale", err)
	}
	if got, _ := s.Article(ctx, a.ID); !reflect.DeepEqual(names(got), []string{"Ben Okafor", "Ana Reyes"}) {
		t.Errorf("a stale save changed the byline to %v", names(got))
	}

	// Repeats are kept once; too many co-authors is refused, and nothing is lost.
	dup, _ := s.Article(ctx, a.ID)
	dup.CoAuthors = []*news.Author{{Name: "Ana Reyes"}, {Name: "Ben Okafor"}, {Name: "Dev Patel"}}
	if err := s.UpdateArticle(ctx, dup); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Article(ctx, a.ID); !reflect.DeepEqual(names(got), []string{"Ben Okafor", "Ana Reyes", "Dev Patel"}) {
		t.Errorf("a byline with repeats read back %v", names(got))
	}
	long, _ := s.Article(ctx, a.ID)
	for range news.MaxCoAuthors + 1 {
		long.CoAuthors = append(long.CoAuthors, &news.Author{Name: "Someone " + string(rune('A'+len(long.CoAuthors)))})
	}
	if err := s.UpdateArticle(ctx, long); !errors.Is(err, news.ErrInvalid) {
		t.Errorf("%d co-authors: %v, want ErrInvalid", len(long.CoAuthors), err)
	}
	if got, _ := s.Article(ctx, a.ID); len(got.Byline()) != 3 {
		t.Errorf("a refused byline left %v", names(got))
	}

	// The authors a byline may name, by name and bounded.
	all, err := s.Authors(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, au := range all {
		listed = append(listed, au.Name)
	}
	if want := []string{"Ana Reyes", "Anna Petrova", "Ben Okafor", "Cara Lin", "Dev Patel"}; !reflect.DeepEqual(listed, want) {
		t.Errorf("Authors: %v, want %v", listed, want)
	}
	if two, _ := s.Authors(ctx, 2); len(two) != 2 {
		t.Errorf("Authors(2) gave %d", len(two))
	}
}
