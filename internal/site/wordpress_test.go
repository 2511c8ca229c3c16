package site_test

import (
	"context"
	"net/url"
	"testing"

	"broadsheet/internal/news"
)

// An imported site's old paths answer one 301 to the story's address, cached, and
// the cached answer follows the story: renamed, it leads to the new address; taken
// down, it is not found.
func TestImportedOldPathsFollowTheStory(t *testing.T) {
	e := newEnv(t, 3, nil)
	ctx := context.Background()
	a := e.arts[0]
	w, err := e.db.BeginWXR(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/archives/77", "/2019/05/old-name/", "/?p=77"} {
		if _, err := w.ArticleRedirect(ctx, p, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	want := mustPath(t, e.url(a))
	for range 2 { // the second answer from the cache
		for _, p := range []string{"/archives/77", "/archives/77/", "/2019/05/old-name/"} {
			if r := e.get(p); r.status != 301 || r.header.Get("Location") != want {
				t.Errorf("%s: %d to %q, want 301 to %s", p, r.status, r.header.Get("Location"), want)
			}
		}
	}
	// A comment page of the old permalink: the same page of the story's thread (the
	// page itself may not exist; the address is what is kept).
	if r := e.get("/2019/05/old-name/comment-page-2/"); r.status != 301 || r.header.Get("Location") != want+"comment-page-2/" {
		t.Errorf("old comment page: %d to %q, want 301 to %scomment-page-2/", r.status, r.header.Get("Location"), want)
	}
	// A query for a post, page, term or author that is not there is 404, as in
	// WordPress (the front page under it would be a soft 404 to search engines and
	// a surprise to a reader of an old link to a deleted story); other queries on
	// the front page are the front page.
	for _, p := range []string{"/?p=424242", "/?page_id=424242", "/?attachment_id=9", "/?cat=77", "/?tag=nope", "/?author=5"} {
		if r := e.get(p); r.status != 404 {
			t.Errorf("%s: %d, want 404", p, r.status)
		}
	}
	for _, p := range []string{"/?utm_source=newsletter", "/?p=abc", "/?p=0", "/?page_id=", "/?cat=x&utm_source=y"} {
		if r := e.get(p); r.status != 200 {
			t.Errorf("%s: %d, want the front page (WordPress reads no ID there)", p, r.status)
		}
	}
	// An ID as WordPress reads it (PHP's absint): its leading digits.
	for _, p := range []string{"/?p=77", "/?p=077", "/?p=77abc", "/?p=-77", "/?p=+77&utm_source=x"} {
		if r := e.get(p); r.status != 301 || r.header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %s", p, r.status, r.header.Get("Location"), want)
		}
	}
	// The parts of a post WordPress answers under its permalink: page N of a post split
	// with <!--nextpage--> (…/2/), the AMP plugin's copy (…/amp/), the page other sites
	// frame to embed the post (…/embed/). The story shows all of it.
	for _, p := range []string{"/2019/05/old-name/2/", "/2019/05/old-name/12", "/archives/77/3/", "/2019/05/old-name/amp/", "/2019/05/old-name/embed/"} {
		if r := e.get(p); r.status != 301 || r.header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %s", p, r.status, r.header.Get("Location"), want)
		}
	}
	a, err = e.db.Article(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	a.Slug = "renamed-story"
	if err := e.db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	want = mustPath(t, e.url(a))
	if r := e.get("/2019/05/old-name/"); r.status != 301 || r.header.Get("Location") != want {
		t.Errorf("after the rename: %d to %q, want 301 to %s", r.status, r.header.Get("Location"), want)
	}
	a.Status = news.StatusTrash
	if err := e.db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if r := e.get("/2019/05/old-name/"); r.status != 404 {
		t.Errorf("after the trash: %d, want 404", r.status)
	}
}

func mustPath(t *testing.T, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Path
}

// WordPress reads a front-page query's ID with PHP: the last of a repeated parameter
// ($_GET keeps the last), and absint of the numeric prefix, which PHP reads as a
// number with its fraction and exponent ("7.7e1" is 77), capped at PHP_INT_MAX ("an
// author of 10^22 digits" is a user WordPress has not: 404), "-+77" no number at all.
// Read otherwise, ?p=7.7e1 led to post 7 (another story) or to the front page.
func TestWordPressQueryReadsIDsAsPHP(t *testing.T) {
	e := newEnv(t, 3, nil)
	ctx := context.Background()
	a, other := e.arts[0], e.arts[1]
	w, err := e.db.BeginWXR(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for p, id := range map[string]int64{"/?p=77": a.ID, "/?p=7": other.ID} {
		if _, err := w.ArticleRedirect(ctx, p, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	want := mustPath(t, e.url(a))
	for _, p := range []string{"/?p=7.7e1", "/?p=770e-1", "/?p=7&p=77", "/?p=%2077.9", "/?p=.77e2x", "/?p=-7.7E%2B1"} {
		if r := e.get(p); r.status != 301 || r.header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %s", p, r.status, r.header.Get("Location"), want)
		}
	}
	for _, p := range []string{"/?p=-%2B77", "/?p=1e999", "/?p=77&p=x", "/?p=e77", "/?p=."} {
		if r := e.get(p); r.status != 200 {
			t.Errorf("%s: %d, want the front page (no ID in PHP)", p, r.status)
		}
	}
	for _, p := range []string{"/?author=99999999999999999999999", "/?p=1e30"} {
		if r := e.get(p); r.status != 404 {
			t.Errorf("%s: %d, want 404 (PHP_INT_MAX, no post or author)", p, r.status)
		}
	}
}
