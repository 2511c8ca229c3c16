package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// storyOf stores an article of owner in status, with an image, a byline and a
// correction, as the editor would have saved it.
func (e *env) storyOf(owner *news.User, title string, status news.ArticleStatus, at time.Time) *news.Article {
	e.t.Helper()
	body, _ := render.Markdown("The **first** paragraph.")
	a := &news.Article{Slug: news.Slugify(title), Title: title, Standfirst: "What the story says in one line", BodyMarkdown: "The **first** paragraph.",
		BodyHTML: body, Status: status, PublishedAt: at, OwnerID: owner.ID, CorrectionNote: "An earlier version misspelt the harbour.",
		Author:        &news.Author{Name: owner.Name, Slug: news.Slugify(owner.Name)},
		FeaturedImage: &news.Image{URL: "/media/harbour.jpg", Alt: "Boats in the harbour at dawn", Caption: "The harbour", Width: 1200, Height: 800}}
	if err := e.db.CreateArticle(context.Background(), a); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// buttons lists the editor's buttons as "label" (a primary one "label*"), the top row
// then "|" then the foot, with the trash's confirmation as "label?".
var (
	buttonRe  = regexp.MustCompile(`<button type="submit" name="action" value="[a-z]+"( class="primary")?[^>]*>([^<]+)`)
	confirmRe = regexp.MustCompile(`<details class="trash-confirm"><summary>([^<]+)…</summary>`)
)

func buttons(page string) string {
	top, foot, _ := strings.Cut(page, `class="actions editor-foot"`)
	list := func(s string) string {
		var out []string
		for _, m := range buttonRe.FindAllStringSubmatch(s, -1) {
			l := html.UnescapeString(m[2])
			if strings.HasPrefix(l, "Yes, ") {
				continue // the trash's confirmation, counted below
			}
			if m[1] != "" {
				l += "*"
			}
			out = append(out, l)
		}
		for _, m := range confirmRe.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1]+"?")
		}
		return strings.Join(out, ", ")
	}
	return list(top) + " | " + list(foot)
}

// The editor's buttons say what they do in the story's state and for the role: a
// draft is saved as a draft or published, or scheduled when its time is to come; a
// live story is updated; a contributor submits for review; the primary action is
// marked, at the top and at the foot; moving to the trash asks first.
func TestEditorButtonsSayWhatTheyDo(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	co := e.addUser(news.RoleContributor)
	eb, cb := e.browser(), e.browser()
	eb.login(ed.Email)
	cb.login(co.Email)
	now := e.clock.Now()
	draft := e.storyOf(ed, "A draft", news.StatusDraft, time.Time{})
	later := e.storyOf(ed, "A draft for tomorrow", news.StatusDraft, now.Add(24*time.Hour))
	live := e.storyOf(ed, "A live one", news.StatusPublished, now.Add(-time.Hour))
	own := e.storyOf(co, "A contributor's draft", news.StatusDraft, time.Time{})
	for _, tc := range []struct {
		b    *browser
		path string
		want string
	}{
		{eb, "/admin/articles/new", "Save draft, Preview, Publish* | Save draft, Submit for review, Publish*, Preview"},
		{eb, fmt.Sprintf("/admin/articles/%d", draft.ID), "Save draft, Preview, Publish* | Save draft, Submit for review, Publish*, Preview, Move to trash?"},
		{eb, fmt.Sprintf("/admin/articles/%d", later.ID), "Save draft, Preview, Schedule* | Save draft, Submit for review, Schedule*, Preview, Move to trash?"},
		{eb, fmt.Sprintf("/admin/articles/%d", live.ID), "Update*, Preview | Update*, Unpublish, Preview, Move to trash?"},
		{cb, fmt.Sprintf("/admin/articles/%d", own.ID), "Save draft, Preview, Submit for review* | Save draft, Submit for review*, Preview, Move to trash?"},
	} {
		r := tc.b.get(tc.path)
		if r.status != 200 {
			t.Fatalf("%s: %d", tc.path, r.status)
		}
		if got := buttons(r.body); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.path, got, tc.want)
		}
		// Preview sends the unsaved form to the full preview, in a new tab.
		if !strings.Contains(r.body, `value="preview" formaction="/admin/articles/`) || !strings.Contains(r.body, `formtarget="_blank"`) {
			t.Errorf("%s: the Preview button does not open the full preview in a new tab", tc.path)
		}
	}
}

// The preview is the public site's article page — its template, stylesheet, header —
// with the headline, standfirst, featured image, byline, correction and body, shown in
// a sandboxed frame with a desktop/phone switch; an unsaved form previews without
// being saved.
func TestFullPreviewIsTheSitesArticlePage(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	a := e.storyOf(ed, "Harbour reopens", news.StatusDraft, time.Time{})
	r := b.get(fmt.Sprintf("/admin/articles/%d/preview", a.ID))
	if r.status != 200 {
		t.Fatalf("preview: %d", r.status)
	}
	m := regexp.MustCompile(`<iframe class="preview-frame" title="[^"]+" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="([^"]*)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no sandboxed frame with the page:\n%s", r.body)
	}
	doc := html.UnescapeString(m[1])
	for _, want := range []string{`<link rel="stylesheet" href="/static/style.`, `<header class="site-header">`, `<article class="story">`,
		`<h1 class="headline">Harbour reopens</h1>`, `<p class="standfirst">What the story says in one line</p>`,
		`<p class="byline">By <a href="/author/the-editor/" rel="author"><bdi>The editor</bdi></a>`,
		`<aside class="correction" aria-label="Correction or update"><p>An earlier version misspelt the harbour.</p></aside>`,
		`<figure class="featured-image"><img src="/media/harbour.jpg" alt="Boats in the harbour at dawn" width="1200" height="800"><figcaption>The harbour</figcaption></figure>`,
		`<strong>first</strong>`, `<meta name="robots" content="noindex">`, `<base target="_blank">`} {
		if !strings.Contains(doc, want) {
			t.Errorf("the preview's page lacks %s", want)
		}
	}
	if strings.Contains(doc, `id="comments"`) || strings.Contains(doc, "Leave a Reply") {
		t.Error("the preview shows a comment form for a story readers cannot reach")
	}
	if !strings.Contains(r.body, `id="pw-phone"`) || !strings.Contains(r.body, `id="pw-desktop" value="desktop" checked`) {
		t.Error("no desktop/phone switch")
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "'unsafe") {
		t.Errorf("CSP %q", csp)
	}

	// The editor's unsaved text, previewed without saving it.
	before := e.stored(a.ID)
	form := url.Values{"csrf": {b.csrf()}, "action": {"preview"}, "title": {"Harbour reopens at last"}, "body": {"Now *unsaved* words.\n\n<script>alert(1)</script>"},
		"standfirst": {"New standfirst"}, "image_media": {"current"}, "image_alt": {"Boats"}, "version": {fmt.Sprint(before.Version)}}
	r = b.post(fmt.Sprintf("/admin/articles/%d/preview", a.ID), form)
	doc = html.UnescapeString(r.body)
	if r.status != 200 || !strings.Contains(doc, `<h1 class="headline">Harbour reopens at last</h1>`) || !strings.Contains(doc, "<em>unsaved</em>") ||
		!strings.Contains(doc, `alt="Boats"`) || strings.Contains(doc, "<script>alert") {
		t.Errorf("preview of the form: %d\n%s", r.status, r.body)
	}
	if after := e.stored(a.ID); after.Version != before.Version || after.Title != before.Title {
		t.Error("previewing the form saved it")
	}
	// Without the session's token, no preview is made.
	form.Set("csrf", "forged")
	if r := b.post(fmt.Sprintf("/admin/articles/%d/preview", a.ID), form); r.status != 403 {
		t.Errorf("a forged preview: %d", r.status)
	}
}

var previewLinkRe = regexp.MustCompile(`/preview/([A-Za-z0-9]+)/`)

// makeLink makes a private preview link of a as b and returns its path.
func makeLink(t *testing.T, b *browser, a *news.Article) string {
	t.Helper()
	r := b.post(fmt.Sprintf("/admin/articles/%d/preview-links", a.ID), url.Values{"csrf": {b.csrf()}})
	if r.status != 303 {
		t.Fatalf("make a link: %d\n%s", r.status, r.body)
	}
	page := b.get(r.header.Get("Location")).body // the message shows it, once
	m := previewLinkRe.FindString(page)
	if m == "" {
		t.Fatalf("the link is not shown:\n%s", page)
	}
	return m
}

// A private preview link shows the story's saved version to anyone who has it, never
// cached nor indexed, until it is revoked or expires; never a story in the trash; only
// who may edit the story makes one, with the session's token, and a story has a
// bounded number; the store keeps only the token's hash.
func TestPrivatePreviewLinks(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	co := e.addUser(news.RoleContributor)
	b := e.browser()
	b.login(ed.Email)
	a := e.storyOf(ed, "Embargoed results", news.StatusScheduled, e.clock.Now().Add(48*time.Hour))
	link := makeLink(t, b, a)
	anon := e.browser()
	r := anon.get(link)
	if r.status != 200 || !strings.Contains(r.body, `<h1 class="headline">Embargoed results</h1>`) || !strings.Contains(r.body, `src="/media/harbour.jpg"`) ||
		!strings.Contains(r.body, "not published yet") {
		t.Fatalf("the link for an anonymous reader: %d\n%s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	if xr := r.header.Get("X-Robots-Tag"); !strings.Contains(xr, "noindex") || !strings.Contains(r.body, `<meta name="robots" content="noindex">`) {
		t.Errorf("X-Robots-Tag %q", xr)
	}
	// Only the hash is stored.
	token := strings.Trim(strings.TrimPrefix(link, "/preview/"), "/")
	ctx := context.Background()
	if id, err := e.db.PreviewLinkArticle(ctx, auth.HashToken(token), e.clock.Now()); err != nil || id != a.ID {
		t.Errorf("the link by its hash: %d, %v", id, err)
	}
	if _, err := e.db.PreviewLinkArticle(ctx, token, e.clock.Now()); err == nil {
		t.Error("the token is stored in plain")
	}
	// It shows the current saved version.
	form := map[string]string{"title": "Embargoed results, revised", "body": "Revised text.", "published": e.clock.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")}
	if _, r := b.write(fmt.Sprintf("/admin/articles/%d", a.ID), "save", form); r.status != 303 {
		t.Fatalf("save: %d", r.status)
	}
	if r := anon.get(link); !strings.Contains(r.body, "Embargoed results, revised") || !strings.Contains(r.body, "Revised text.") {
		t.Error("the link does not show the saved version")
	}
	// A made-up token is not found.
	if r := anon.get("/preview/AAAAAAAAAAAAAAAAAAAAAAAAAA/"); r.status != 404 {
		t.Errorf("a made-up link: %d", r.status)
	}
	// Revoked: refused at once.
	page := b.get(fmt.Sprintf("/admin/articles/%d/preview", a.ID)).body
	rv := regexp.MustCompile(`action="(/admin/articles/\d+/preview-links/\d+/revoke)"`).FindStringSubmatch(page)
	if rv == nil {
		t.Fatal("no Revoke button")
	}
	if r := b.post(rv[1], url.Values{"csrf": {b.csrf()}}); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := anon.get(link); r.status != 404 || strings.Contains(r.body, "Embargoed") {
		t.Errorf("a revoked link: %d", r.status)
	}
	// Expired: refused.
	link = makeLink(t, b, a)
	e.clock.Add(news.PreviewLinkTTL + time.Second)
	if r := anon.get(link); r.status != 404 {
		t.Errorf("an expired link: %d", r.status)
	}
	b = e.browser() // a week later, signed in again
	b.login(ed.Email)
	// In the trash: refused.
	a = e.storyOf(ed, "Draft to bin", news.StatusDraft, time.Time{})
	link = makeLink(t, b, a)
	if r := anon.get(link); r.status != 200 {
		t.Fatalf("a draft's link: %d", r.status)
	}
	if _, r := b.write(fmt.Sprintf("/admin/articles/%d", a.ID), "trash", map[string]string{"title": a.Title, "body": "x"}); r.status != 303 {
		t.Fatalf("trash: %d", r.status)
	}
	if r := anon.get(link); r.status != 404 || strings.Contains(r.body, "Draft to bin") {
		t.Errorf("a trashed story's link: %d", r.status)
	}
	// Without the session's token, or by someone who may not edit the story: no link.
	d := e.storyOf(ed, "Another draft", news.StatusDraft, time.Time{})
	if r := b.post(fmt.Sprintf("/admin/articles/%d/preview-links", d.ID), url.Values{"csrf": {"forged"}}); r.status != 403 {
		t.Errorf("a forged request: %d", r.status)
	}
	cb := e.browser()
	cb.login(co.Email)
	if r := cb.post(fmt.Sprintf("/admin/articles/%d/preview-links", d.ID), url.Values{"csrf": {cb.csrf()}}); r.status != 403 {
		t.Errorf("a contributor's link to an editor's story: %d", r.status)
	}
	// Bounded per story.
	for i := 0; i < news.MaxPreviewLinks; i++ {
		e.clock.Add(3 * time.Second) // within the save rate
		makeLink(t, b, d)
	}
	e.clock.Add(3 * time.Second)
	if r := b.post(fmt.Sprintf("/admin/articles/%d/preview-links", d.ID), url.Values{"csrf": {b.csrf()}}); r.status != 409 || !strings.Contains(r.body, "revoke one") {
		t.Errorf("link %d: %d", news.MaxPreviewLinks+1, r.status)
	}
	// Published meanwhile: the link leads to its public address.
	link = makeLink(t, b, e.storyOf(ed, "Soon public", news.StatusDraft, time.Time{}))
	pub := e.stored(d.ID + 1)
	pub.Status, pub.PublishedAt = news.StatusPublished, e.clock.Now().Add(-time.Minute)
	if err := e.db.UpdateArticle(context.Background(), pub); err != nil {
		t.Fatal(err)
	}
	if r := anon.get(link); r.status != 302 || r.header.Get("Location") != e.site.ArticlePath(pub) {
		t.Errorf("a published story's link: %d → %q", r.status, r.header.Get("Location"))
	}
}

var undoRe = regexp.MustCompile(`<form id="undo-form" method="post" action="(/admin/articles/\d+/untrash)">`)

// Moving to the trash asks first, answers "Moved to the trash." with an Undo, and
// restoring brings back the state the story had: published with its time, scheduled
// with its time, in review.
func TestTrashAsksAndRestoresTheStateItHad(t *testing.T) {
	e := newEnv(t)
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(ed.Email)
	now := e.clock.Now()
	for _, tc := range []struct {
		status news.ArticleStatus
		at     time.Time
	}{
		{news.StatusPublished, now.Add(-2 * time.Hour).Truncate(time.Second)},
		{news.StatusScheduled, now.Add(5 * time.Hour).Truncate(time.Second)},
		{news.StatusReview, time.Time{}},
	} {
		a := e.storyOf(ed, "Story "+string(tc.status), tc.status, tc.at)
		page := b.get(fmt.Sprintf("/admin/articles/%d", a.ID)).body
		if !strings.Contains(page, `<details class="trash-confirm"><summary>Move to trash…</summary>`) || !strings.Contains(page, `value="trash" class="danger">Yes, move to trash</button>`) {
			t.Fatalf("%s: the trash does not ask first", tc.status)
		}
		form := map[string]string{"title": a.Title, "standfirst": a.Standfirst, "body": a.BodyMarkdown, "image_media": "current", "image_alt": a.FeaturedImage.Alt,
			"image_caption": a.FeaturedImage.Caption, "correction": a.CorrectionNote}
		if !tc.at.IsZero() {
			form["published"] = tc.at.Format("2006-01-02T15:04")
			form["published_at"] = tc.at.UTC().Format(time.RFC3339)
		}
		_, r := b.write(fmt.Sprintf("/admin/articles/%d", a.ID), "trash", form)
		if r.status != 303 || r.header.Get("Location") != "/admin/articles" || e.stored(a.ID).Status != news.StatusTrash {
			t.Fatalf("%s: trash: %d %q", tc.status, r.status, r.header.Get("Location"))
		}
		list := b.get("/admin/articles").body
		m := undoRe.FindStringSubmatch(list)
		if !strings.Contains(list, `Moved to the trash. <button type="submit" form="undo-form" class="link">Undo</button>`) || m == nil {
			t.Fatalf("%s: no Undo in the message", tc.status)
		}
		// Undo needs the session's token.
		if r := b.post(m[1], url.Values{"csrf": {"forged"}}); r.status != 403 || e.stored(a.ID).Status != news.StatusTrash {
			t.Errorf("%s: a forged undo: %d", tc.status, r.status)
		}
		if r := b.post(m[1], url.Values{"csrf": {b.csrf()}}); r.status != 303 {
			t.Fatalf("%s: undo: %d", tc.status, r.status)
		}
		if got := e.stored(a.ID); got.Status != tc.status || !got.PublishedAt.Equal(tc.at) {
			t.Errorf("undone: %s at %v, want %s at %v", got.Status, got.PublishedAt, tc.status, tc.at)
		}
		// The editor's Restore does the same.
		if _, r := b.write(fmt.Sprintf("/admin/articles/%d", a.ID), "trash", form); r.status != 303 {
			t.Fatal(r.status)
		}
		if _, r := b.write(fmt.Sprintf("/admin/articles/%d", a.ID), "restore", form); r.status != 303 {
			t.Fatalf("restore: %d", r.status)
		}
		if got := e.stored(a.ID); got.Status != tc.status || !got.PublishedAt.Equal(tc.at) {
			t.Errorf("restored: %s at %v, want %s at %v", got.Status, got.PublishedAt, tc.status, tc.at)
		}
	}
	// A scheduled story whose time passed while it was in the trash is published.
	a := e.storyOf(ed, "Passed meanwhile", news.StatusScheduled, now.Add(time.Hour).Truncate(time.Second))
	cur := e.stored(a.ID)
	cur.Status = news.StatusTrash
	if err := e.db.UpdateArticle(context.Background(), cur); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(2 * time.Hour)
	if r := b.post(fmt.Sprintf("/admin/articles/%d/untrash", a.ID), url.Values{"csrf": {b.csrf()}}); r.status != 303 || e.stored(a.ID).Status != news.StatusPublished {
		t.Errorf("a passed schedule restored: %d %s", r.status, e.stored(a.ID).Status)
	}
}

// A contributor opens their own scheduled story read-only — its text and state — and
// sees its public address once it is live; not someone else's, and no save gets in.
func TestContributorSeesOwnStoryReadOnly(t *testing.T) {
	e := newEnv(t)
	co := e.addUser(news.RoleContributor)
	ed := e.addUser(news.RoleEditor)
	b := e.browser()
	b.login(co.Email)
	a := e.storyOf(co, "My scheduled piece", news.StatusScheduled, e.clock.Now().Add(3*time.Hour))
	r := b.get(fmt.Sprintf("/admin/articles/%d", a.ID))
	doc := html.UnescapeString(r.body)
	if r.status != 200 || !strings.Contains(r.body, "it is scheduled for") || !strings.Contains(r.body, "only an editor may change it") ||
		!strings.Contains(doc, "<strong>first</strong>") || strings.Contains(r.body, `class="editor"`) || strings.Contains(r.body, "Live at") {
		t.Fatalf("read-only view: %d\n%s", r.status, r.body)
	}
	if _, r := b.write(fmt.Sprintf("/admin/articles/%d", a.ID), "save", map[string]string{"title": "Changed", "body": "x"}); r.status != 403 || e.stored(a.ID).Title != a.Title {
		t.Errorf("a contributor's save of a scheduled story: %d", r.status)
	}
	e.clock.Add(4 * time.Hour) // live now, once the scheduler has run
	if _, err := e.db.PublishDue(context.Background(), e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	r = b.get(fmt.Sprintf("/admin/articles/%d", a.ID))
	// The full public link (the site's base URL and the permalink), to copy or follow.
	if link := e.http.URL + e.site.ArticlePath(a); r.status != 200 || !strings.Contains(r.body, `Live at <a href="`+link+`">`+link+`</a>`) {
		t.Errorf("once live: %d, no link to %s", r.status, link)
	}
	other := e.storyOf(ed, "An editor's piece", news.StatusScheduled, e.clock.Now().Add(time.Hour))
	if r := b.get(fmt.Sprintf("/admin/articles/%d", other.ID)); r.status != 403 {
		t.Errorf("someone else's story: %d", r.status)
	}
}
