package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// The WordPress-shaped API (wp.go), on the demo site of helpers_test.go with a page, a
// draft page, and two library images: one a public story shows, one only a draft.

// wpFixture is what the WordPress tests add to the env.
type wpFixture struct {
	page, draftPage     *news.Article
	harbour, secretSnap *news.Media
	loc                 *time.Location
}

func newWPEnv(t *testing.T) (*env, *wpFixture) {
	t.Helper()
	e := newEnv(t)
	ctx := context.Background()
	f := &wpFixture{}
	// A zone away from UTC, so that "date" (local, no zone) and "date_gmt" differ.
	if err := e.db.SetSettings(ctx, map[string]string{news.SettingTimezone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	f.loc, _ = time.LoadLocation("America/New_York")
	f.harbour = &news.Media{Name: "harbour.jpg", ContentType: "image/jpeg", Width: 1600, Height: 900, Bytes: 123456,
		Srcset: "/media/harbour-480.jpg 480w, /media/harbour-960.jpg 960w", Alt: "The harbour at dawn", Caption: "The harbour", CreatedAt: now.Add(-time.Hour)}
	f.secretSnap = &news.Media{Name: "secret-snap.jpg", ContentType: "image/jpeg", Width: 800, Height: 600, Bytes: 1000,
		Alt: "Secret snapshot", CreatedAt: now.Add(-time.Hour)}
	for _, m := range []*news.Media{f.harbour, f.secretSnap} {
		if err := e.db.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	draft, err := e.db.Article(ctx, e.hidden[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	draft.BodyHTML, draft.BodyMarkdown = `<p><img src="/media/secret-snap.jpg" alt="Secret snapshot"></p>`, "![Secret snapshot](/media/secret-snap.jpg)"
	draft.Version = news.AnyVersion
	if err := e.db.UpdateArticle(ctx, draft); err != nil {
		t.Fatal(err)
	}
	f.page = &news.Article{Kind: news.KindPage, Slug: "about-us", Title: "About the Courier", BodyMarkdown: "Who we are",
		BodyHTML: "<p>Who we are</p>", Status: news.StatusPublished, PublishedAt: now.Add(-72 * time.Hour), NavPosition: 2,
		Author: &news.Author{Name: "Mira Okafor"}}
	f.draftPage = &news.Article{Kind: news.KindPage, Slug: "secret-plans", Title: "Secret Page Plans", BodyMarkdown: "x",
		BodyHTML: "<p>x</p>", Status: news.StatusDraft, Author: &news.Author{Name: "Secret Page Writer", Email: "pagewriter@newsroom.example"}}
	for _, a := range []*news.Article{f.page, f.draftPage} {
		if err := e.db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	e.emails = append(e.emails, "pagewriter@newsroom.example")
	if err := e.site.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	return e, f
}

// wpGet GETs path, wants status, decodes the JSON into out and returns the answer.
func (e *env) wpGet(t *testing.T, path string, status int, out any) *http.Response {
	t.Helper()
	res, body := e.do(t, "GET", path, nil)
	if res.StatusCode != status {
		t.Fatalf("GET %s: %d, want %d: %s", path, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, body)
		}
	}
	return res
}

// wpPost is a post as the Handbook's schema describes it (developer.wordpress.org/
// rest-api/reference/posts/#schema), context "view": decoding fails on a field of
// another type.
type wpPost struct {
	ID      int64  `json:"id"`
	Date    string `json:"date"`
	DateGMT string `json:"date_gmt"`
	GUID    struct {
		Rendered string `json:"rendered"`
	} `json:"guid"`
	Modified    string `json:"modified"`
	ModifiedGMT string `json:"modified_gmt"`
	Slug        string `json:"slug"`
	Status      string `json:"status"`
	Type        string `json:"type"`
	Link        string `json:"link"`
	Title       struct {
		Rendered string `json:"rendered"`
	} `json:"title"`
	Content struct {
		Rendered  string `json:"rendered"`
		Protected bool   `json:"protected"`
	} `json:"content"`
	Excerpt struct {
		Rendered  string `json:"rendered"`
		Protected bool   `json:"protected"`
	} `json:"excerpt"`
	Author        int64   `json:"author"`
	FeaturedMedia int64   `json:"featured_media"`
	CommentStatus string  `json:"comment_status"`
	PingStatus    string  `json:"ping_status"`
	Sticky        bool    `json:"sticky"`
	Template      string  `json:"template"`
	Format        string  `json:"format"`
	Meta          []any   `json:"meta"`
	Categories    []int64 `json:"categories"`
	Tags          []int64 `json:"tags"`
	Parent        int64   `json:"parent"`
	MenuOrder     int     `json:"menu_order"`
	Links         map[string][]struct {
		Href       string `json:"href"`
		Embeddable bool   `json:"embeddable"`
		Taxonomy   string `json:"taxonomy"`
	} `json:"_links"`
}

type wpErrorDoc struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Status int               `json:"status"`
		Params map[string]string `json:"params"`
	} `json:"data"`
}

var wpDateForm = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`)

func ids(posts []wpPost) []int64 {
	out := make([]int64, len(posts))
	for i, p := range posts {
		out[i] = p.ID
	}
	return out
}

// TestWPPostsSchema: every field the Handbook lists for a post is there with its type,
// and says what the site shows: the permalink, dates in the site's zone and in UTC
// without a zone, the section and tags by ID, the lead author, the featured image's ID.
func TestWPPostsSchema(t *testing.T) {
	e, f := newWPEnv(t)
	var raw []map[string]json.RawMessage
	e.wpGet(t, "/wp-json/wp/v2/posts", http.StatusOK, &raw)
	if len(raw) != 10 {
		t.Fatalf("%d posts on the first page; WordPress's per_page default is 10", len(raw))
	}
	for _, k := range []string{"id", "date", "date_gmt", "guid", "modified", "modified_gmt", "slug", "status", "type", "link", "title",
		"content", "excerpt", "author", "featured_media", "comment_status", "ping_status", "sticky", "template", "format", "meta",
		"categories", "tags", "_links"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("a post has no %q", k)
		}
	}
	var posts []wpPost
	e.wpGet(t, "/wp-json/wp/v2/posts", http.StatusOK, &posts)
	lead := e.public[0]
	p := posts[0]
	if p.ID != lead.ID || p.Slug != lead.Slug || p.Type != "post" || p.Status != "publish" {
		t.Fatalf("first post %d %q %q %q, want the newest story %d %q", p.ID, p.Slug, p.Type, p.Status, lead.ID, lead.Slug)
	}
	if want := baseURL + e.site.ArticlePath(lead); p.Link != want {
		t.Errorf("link %q, want the permalink %q", p.Link, want)
	}
	if want := lead.PublishedAt.In(f.loc).Format("2006-01-02T15:04:05"); p.Date != want {
		t.Errorf("date %q, want the site's local time %q", p.Date, want)
	}
	if want := lead.PublishedAt.UTC().Format("2006-01-02T15:04:05"); p.DateGMT != want {
		t.Errorf("date_gmt %q, want %q", p.DateGMT, want)
	}
	for _, d := range []string{p.Date, p.DateGMT, p.Modified, p.ModifiedGMT} {
		if !wpDateForm.MatchString(d) {
			t.Errorf("date %q is not WordPress's form (no zone)", d)
		}
	}
	if p.Title.Rendered == "" || !strings.Contains(p.Content.Rendered, "<p>") || !strings.HasPrefix(p.Excerpt.Rendered, "<p>") ||
		p.Content.Protected || p.Excerpt.Protected {
		t.Errorf("title/content/excerpt: %+v %+v %+v", p.Title, p.Content, p.Excerpt)
	}
	if len(p.Categories) != 1 || p.Categories[0] != lead.Section.ID {
		t.Errorf("categories %v, want [%d]", p.Categories, lead.Section.ID)
	}
	if len(p.Tags) != len(lead.Tags) || p.Author != lead.Author.ID {
		t.Errorf("tags %v author %d; want %d tags, author %d", p.Tags, p.Author, len(lead.Tags), lead.Author.ID)
	}
	if p.FeaturedMedia != f.harbour.ID {
		t.Errorf("featured_media %d, want the library's harbour.jpg %d", p.FeaturedMedia, f.harbour.ID)
	}
	if p.Links["self"][0].Href != baseURL+"/wp-json/wp/v2/posts/"+strconv.FormatInt(lead.ID, 10) ||
		p.Links["author"][0].Href != baseURL+"/wp-json/wp/v2/users/"+strconv.FormatInt(lead.Author.ID, 10) ||
		len(p.Links["wp:term"]) != 2 || p.Links["wp:featuredmedia"] == nil {
		t.Errorf("_links: %+v", p.Links)
	}
	// One by ID is the same object.
	var one wpPost
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/posts/%d", lead.ID), http.StatusOK, &one)
	if one.ID != lead.ID || one.Title != p.Title || one.Link != p.Link {
		t.Errorf("posts/%d: %+v", lead.ID, one)
	}
}

// TestWPPostsPaging: X-WP-Total and X-WP-TotalPages count the public stories, Link
// points to the pages before and after, every page holds the next stories with none
// repeated or skipped, and a page past the last is WordPress's 400.
func TestWPPostsPaging(t *testing.T) {
	e, _ := newWPEnv(t)
	total := len(e.public)
	per := 7
	pages := (total + per - 1) / per
	var seen []int64
	for n := 1; n <= pages; n++ {
		var posts []wpPost
		res := e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/posts?per_page=%d&page=%d", per, n), http.StatusOK, &posts)
		if res.Header.Get("X-WP-Total") != strconv.Itoa(total) || res.Header.Get("X-WP-TotalPages") != strconv.Itoa(pages) {
			t.Fatalf("page %d: X-WP-Total %q X-WP-TotalPages %q, want %d %d", n, res.Header.Get("X-WP-Total"), res.Header.Get("X-WP-TotalPages"), total, pages)
		}
		link := res.Header.Get("Link")
		next := fmt.Sprintf(`<%s/wp-json/wp/v2/posts?page=%d&per_page=%d>; rel="next"`, baseURL, n+1, per)
		prev := fmt.Sprintf(`<%s/wp-json/wp/v2/posts?page=%d&per_page=%d>; rel="prev"`, baseURL, n-1, per)
		if (n < pages) != strings.Contains(link, next) || (n > 1) != strings.Contains(link, prev) {
			t.Errorf("page %d: Link %q", n, link)
		}
		if !strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "X-WP-Total") {
			t.Errorf("X-WP-Total is not exposed to scripts: %q", res.Header.Get("Access-Control-Expose-Headers"))
		}
		seen = append(seen, ids(posts)...)
	}
	if len(seen) != total {
		t.Fatalf("%d posts over the pages, want %d", len(seen), total)
	}
	for i, a := range e.public {
		if seen[i] != a.ID {
			t.Fatalf("post %d is %d, want %d (newest first)", i, seen[i], a.ID)
		}
	}
	// offset replaces the page's, as in WordPress.
	var off []wpPost
	e.wpGet(t, "/wp-json/wp/v2/posts?offset=5&per_page=3", http.StatusOK, &off)
	if fmt.Sprint(ids(off)) != fmt.Sprint(seen[5:8]) {
		t.Errorf("offset=5: %v, want %v", ids(off), seen[5:8])
	}
	var e1 wpErrorDoc
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/posts?per_page=%d&page=%d", per, pages+1), http.StatusBadRequest, &e1)
	if e1.Code != "rest_post_invalid_page_number" || e1.Data.Status != 400 {
		t.Errorf("a page past the last: %+v", e1)
	}
	e.wpGet(t, "/wp-json/wp/v2/posts?page=99999999", http.StatusBadRequest, &e1)
	if e1.Code != "rest_post_invalid_page_number" {
		t.Errorf("a page far past the last: %+v", e1)
	}
	for q, param := range map[string]string{"per_page=101": "per_page", "per_page=0": "per_page", "per_page=ten": "per_page",
		"page=0": "page", "order=up": "order", "orderby=rand": "orderby", "after=yesterday": "after", "categories=x": "categories",
		"status=draft": "status", "search=" + strings.Repeat("a", 101): "search", "include=" + strings.Repeat("1,", 101) + "1": "include"} {
		var ed wpErrorDoc
		e.wpGet(t, "/wp-json/wp/v2/posts?"+q, http.StatusBadRequest, &ed)
		if ed.Code != "rest_invalid_param" || ed.Data.Status != 400 || ed.Data.Params[param] == "" || ed.Message != "Invalid parameter(s): "+param {
			t.Errorf("%s: %+v", q, ed)
		}
	}
}

// TestWPPostsFilters: categories, tags, author, slug, include, exclude, search, after,
// before, orderby and order select and order what WordPress's would.
func TestWPPostsFilters(t *testing.T) {
	e, f := newWPEnv(t)
	want := func(keep func(a *news.Article) bool) []int64 {
		var out []int64
		for _, a := range e.public {
			if keep(a) {
				out = append(out, a.ID)
			}
		}
		return out
	}
	get := func(q string) []int64 {
		var posts []wpPost
		e.wpGet(t, "/wp-json/wp/v2/posts?per_page=100&"+q, http.StatusOK, &posts)
		return ids(posts)
	}
	a, b := e.public[3], e.public[10]
	sec1, sec2 := a.Section.ID, b.Section.ID
	tag := a.Tags[0]
	cases := map[string][]int64{
		fmt.Sprintf("categories=%d", sec1): want(func(x *news.Article) bool { return x.Section != nil && x.Section.ID == sec1 }),
		fmt.Sprintf("categories[]=%d&categories[]=%d", sec1, sec2): want(func(x *news.Article) bool {
			return x.Section != nil && (x.Section.ID == sec1 || x.Section.ID == sec2)
		}),
		fmt.Sprintf("tags=%d", tag.ID): want(func(x *news.Article) bool {
			for _, t := range x.Tags {
				if t.ID == tag.ID {
					return true
				}
			}
			return false
		}),
		fmt.Sprintf("author=%d", a.Author.ID): want(func(x *news.Article) bool {
			for _, au := range x.Byline() {
				if au.ID == a.Author.ID {
					return true
				}
			}
			return false
		}),
		"slug=" + a.Slug + "," + b.Slug:                          {a.ID, b.ID},
		fmt.Sprintf("include=%d,%d", b.ID, a.ID):                 {a.ID, b.ID},
		fmt.Sprintf("include=%d,%d&orderby=include", b.ID, a.ID): {b.ID, a.ID},
		// The list's order before paging (WordPress's FIELD()), whatever order says.
		fmt.Sprintf("include=%d,%d&orderby=include&per_page=1", b.ID, a.ID):                  {b.ID},
		fmt.Sprintf("include=%d,%d&orderby=include&per_page=1&page=2&order=asc", b.ID, a.ID): {a.ID},
		fmt.Sprintf("include=%d,%d&orderby=include&per_page=1&page=2", a.ID, b.ID):           {b.ID},
		fmt.Sprintf("exclude=%d", a.ID):                                                      want(func(x *news.Article) bool { return x.ID != a.ID }),
		fmt.Sprintf("categories_exclude=%d", sec1):                                           want(func(x *news.Article) bool { return x.Section == nil || x.Section.ID != sec1 }),
		fmt.Sprintf("tags_exclude=%d", tag.ID): want(func(x *news.Article) bool {
			for _, t := range x.Tags {
				if t.ID == tag.ID {
					return false
				}
			}
			return true
		}),
		"after=" + url.QueryEscape(a.PublishedAt.Format(time.RFC3339)):    want(func(x *news.Article) bool { return x.PublishedAt.After(a.PublishedAt) }),
		"before=" + a.PublishedAt.In(f.loc).Format("2006-01-02T15:04:05"): want(func(x *news.Article) bool { return x.PublishedAt.Before(a.PublishedAt) }),
		"modified_after=" + url.QueryEscape(a.PublishedAt.Format(time.RFC3339)): want(func(x *news.Article) bool {
			return x.PublishedAt.After(a.PublishedAt) || x.UpdatedAt.After(a.PublishedAt)
		}),
		"modified_before=" + url.QueryEscape(a.PublishedAt.Format(time.RFC3339)): want(func(x *news.Article) bool {
			return x.PublishedAt.Before(a.PublishedAt) && !x.UpdatedAt.After(a.PublishedAt.Add(-time.Second))
		}),
		"order=asc": func() []int64 {
			w := want(func(*news.Article) bool { return true })
			for i, j := 0, len(w)-1; i < j; i, j = i+1, j-1 {
				w[i], w[j] = w[j], w[i]
			}
			return w
		}(),
	}
	for q, w := range cases {
		if len(w) == 0 {
			t.Fatalf("%s: the case selects nothing", q)
		}
		if got := get(q); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s: %v, want %v", q, got, w)
		}
	}
	// orderby=title, ascending, without case.
	var posts []wpPost
	e.wpGet(t, "/wp-json/wp/v2/posts?per_page=100&orderby=title&order=asc", http.StatusOK, &posts)
	if !sort.SliceIsSorted(posts, func(i, j int) bool {
		return strings.ToLower(posts[i].Title.Rendered) < strings.ToLower(posts[j].Title.Rendered)
	}) || len(posts) != len(e.public) {
		t.Errorf("orderby=title: not in title order")
	}
	// search: a word of one headline, and a word only in a body.
	word := strings.Fields(a.Title)[len(strings.Fields(a.Title))-1]
	found := get("search=" + url.QueryEscape(strings.ToUpper(word)))
	if !containsInt(found, a.ID) {
		t.Errorf("search=%s: %v, want %d among them", word, found, a.ID)
	}
	for _, id := range found {
		x := byID(e.public, id)
		if !strings.Contains(strings.ToLower(x.Title+" "+x.Standfirst+" "+x.BodyHTML), strings.ToLower(word)) {
			t.Errorf("search=%s found %d, which does not contain it", word, id)
		}
	}
	full, _ := e.db.Article(context.Background(), b.ID)
	bodyWords := strings.Fields(strings.NewReplacer("<p>", " ", "</p>", " ", ",", " ", ".", " ").Replace(full.BodyHTML))
	var bodyWord string
	for _, w := range bodyWords {
		if len(w) > 7 && !strings.Contains(strings.ToLower(b.Title+b.Standfirst), strings.ToLower(w)) && !strings.ContainsAny(w, "<>&\"'’“”") {
			bodyWord = w
			break
		}
	}
	if bodyWord == "" || !containsInt(get("search="+url.QueryEscape(bodyWord)), b.ID) {
		t.Errorf("a search for %q, a word of story %d's body only, does not find it", bodyWord, b.ID)
	}
	if got := get("sticky=true"); len(got) != 0 {
		t.Errorf("sticky=true: %v; no story is sticky", got)
	}
	if got := get("sticky=false"); len(got) != len(e.public) {
		t.Errorf("sticky=false: %d posts", len(got))
	}
	if got := get("search=zzqxj-nothing"); len(got) != 0 {
		t.Errorf("a search for nothing found %v", got)
	}
}

func containsInt(v []int64, x int64) bool {
	for _, y := range v {
		if y == x {
			return true
		}
	}
	return false
}

func byID(arts []*news.Article, id int64) *news.Article {
	for _, a := range arts {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// TestWPRestRoute: /?rest_route=… answers as /wp-json/… does, headers included, and the
// front page is still the front page.
func TestWPRestRoute(t *testing.T) {
	e, _ := newWPEnv(t)
	for _, pair := range [][2]string{
		{"/wp-json/wp/v2/posts?per_page=3&page=2", "/?rest_route=/wp/v2/posts&per_page=3&page=2"},
		{"/wp-json/wp/v2/posts?per_page=3&page=2", "/?rest_route=%2Fwp%2Fv2%2Fposts%2F&page=2&per_page=3"},
		{"/wp-json/", "/?rest_route=/"},
		{"/wp-json/wp/v2", "/?rest_route=/wp/v2"},
		{"/wp-json/wp/v2/categories", "/?rest_route=/wp/v2/categories"},
		{fmt.Sprintf("/wp-json/wp/v2/posts/%d", e.public[2].ID), fmt.Sprintf("/?rest_route=/wp/v2/posts/%d", e.public[2].ID)},
		{"/wp-json/wp/v2/posts/999999", "/?rest_route=/wp/v2/posts/999999"},
	} {
		r1, b1 := e.do(t, "GET", pair[0], nil)
		r2, b2 := e.do(t, "GET", pair[1], nil)
		if r1.StatusCode != r2.StatusCode || string(b1) != string(b2) || !strings.HasPrefix(r1.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s (%d) and %s (%d) differ:\n%s\n%s", pair[0], r1.StatusCode, pair[1], r2.StatusCode, b1, b2)
		}
		for _, h := range []string{"X-WP-Total", "X-WP-TotalPages", "Link", "Content-Type"} {
			if r1.Header.Get(h) != r2.Header.Get(h) {
				t.Errorf("%s: %s %q and %q", pair[1], h, r1.Header.Get(h), r2.Header.Get(h))
			}
		}
	}
	res, body := e.do(t, "GET", "/", nil)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "<html") {
		t.Errorf("the front page: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res, _ = e.do(t, "GET", "/?utm_source=x", nil)
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("the front page with a query: %q", res.Header.Get("Content-Type"))
	}
}

// TestWPErrors: WordPress's codes, messages and statuses for what is not there.
func TestWPErrors(t *testing.T) {
	e, f := newWPEnv(t)
	ctx := context.Background()
	pending, err := e.db.Comments(ctx, news.CommentQuery{Status: news.CommentPending})
	if err != nil || len(pending) == 0 {
		t.Fatal("no pending comment", err)
	}
	for path, want := range map[string][2]string{
		"/wp-json/wp/v2/nothing":                                      {"404", "rest_no_route"},
		"/wp-json/wp/v3/posts":                                        {"404", "rest_no_route"},
		"/wp-json/wp/v2/posts/abc":                                    {"404", "rest_no_route"},
		"/wp-json/wp/v2/posts/999999":                                 {"404", "rest_post_invalid_id"},
		fmt.Sprintf("/wp-json/wp/v2/posts/%d", e.hidden[0].ID):        {"404", "rest_post_invalid_id"},
		fmt.Sprintf("/wp-json/wp/v2/posts/%d", e.hidden[1].ID):        {"404", "rest_post_invalid_id"},
		fmt.Sprintf("/wp-json/wp/v2/posts/%d", f.page.ID):             {"404", "rest_post_invalid_id"},
		fmt.Sprintf("/wp-json/wp/v2/pages/%d", f.draftPage.ID):        {"404", "rest_post_invalid_id"},
		fmt.Sprintf("/wp-json/wp/v2/pages/%d", e.public[0].ID):        {"404", "rest_post_invalid_id"},
		"/wp-json/wp/v2/categories/999999":                            {"404", "rest_term_invalid"},
		fmt.Sprintf("/wp-json/wp/v2/tags/%d", e.hidden[0].Tags[0].ID): {"404", "rest_term_invalid"},
		fmt.Sprintf("/wp-json/wp/v2/users/%d", e.hidden[0].Author.ID): {"404", "rest_user_invalid_id"},
		fmt.Sprintf("/wp-json/wp/v2/comments/%d", pending[0].ID):      {"404", "rest_comment_invalid_id"},
		fmt.Sprintf("/wp-json/wp/v2/media/%d", f.secretSnap.ID):       {"404", "rest_post_invalid_id"},
		"/wp-json/wp/v2/comments?status=hold":                         {"401", "rest_forbidden_param"},
		"/wp-json/wp/v2/users?roles=administrator":                    {"401", "rest_user_cannot_view"},
		"/wp-json/wp/v2/comments?page=9999":                           {"400", "rest_comment_invalid_page_number"},
		"/wp-json/wp/v2/posts?context=edit":                           {"401", "rest_forbidden_context"},
	} {
		var ed wpErrorDoc
		res, body := e.do(t, "GET", path, nil)
		if err := json.Unmarshal(body, &ed); err != nil {
			t.Fatalf("%s: %v: %s", path, err, body)
		}
		if strconv.Itoa(res.StatusCode) != want[0] || ed.Code != want[1] || strconv.Itoa(ed.Data.Status) != want[0] || ed.Message == "" {
			t.Errorf("%s: %d %+v, want %s %s", path, res.StatusCode, ed, want[0], want[1])
		}
	}
	// A write is no route of a read-only API.
	res, body := e.do(t, "POST", "/wp-json/wp/v2/posts", nil)
	if res.StatusCode != 404 || !strings.Contains(string(body), `"rest_no_route"`) {
		t.Errorf("POST: %d %s", res.StatusCode, body)
	}
	res, _ = e.do(t, "OPTIONS", "/wp-json/wp/v2/posts", map[string]string{"Origin": "https://app.example",
		"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-wp-nonce"})
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "X-WP-Nonce") || res.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("OPTIONS: %d %v", res.StatusCode, res.Header)
	}
}

// TestWPPrivacy: no draft, scheduled or trashed story or page, no tag, author or image
// only they have, no unapproved comment, no email or IP hash, in any answer or header
// of any list walked to its end, nor by ID, slug or include.
func TestWPPrivacy(t *testing.T) {
	e, f := newWPEnv(t)
	var all strings.Builder
	walk := func(route string) int {
		n := 0
		for page := 1; ; page++ {
			res, body := e.do(t, "GET", fmt.Sprintf("%s?per_page=100&page=%d", route, page), nil)
			if res.StatusCode != 200 {
				t.Fatalf("%s page %d: %d %s", route, page, res.StatusCode, body)
			}
			var items []json.RawMessage
			if err := json.Unmarshal(body, &items); err != nil {
				t.Fatal(err)
			}
			n += len(items)
			all.Write(body)
			for k, v := range res.Header {
				all.WriteString(k + ": " + strings.Join(v, ",") + "\n")
			}
			if tp, _ := strconv.Atoi(res.Header.Get("X-WP-TotalPages")); page >= tp {
				return n
			}
		}
	}
	for _, r := range []string{"posts", "pages", "categories", "tags", "users", "comments", "media"} {
		walk("/wp-json/wp/v2/" + r)
	}
	for _, a := range e.hidden {
		for _, q := range []string{fmt.Sprintf("include=%d", a.ID), "slug=" + a.Slug, "search=Secret"} {
			_, body := e.do(t, "GET", "/wp-json/wp/v2/posts?"+q, nil)
			all.Write(body)
		}
	}
	_, body := e.do(t, "GET", "/wp-json/wp/v2/pages?slug="+f.draftPage.Slug, nil)
	all.Write(body)
	_, body = e.do(t, "GET", "/wp-json/wp/v2/", nil)
	all.Write(body)
	text := all.String()
	for _, secret := range append(append([]string{"Secret", "secret-snap", "not for readers", "@", "Mozilla"}, e.emails...), e.ipHashes...) {
		if strings.Contains(text, secret) {
			i := strings.Index(text, secret)
			t.Errorf("%q is in an answer: …%s…", secret, text[max(0, i-200):min(len(text), i+100)])
		}
	}
	if !strings.Contains(text, "Posted Reader") || !strings.Contains(text, "harbour.jpg") || !strings.Contains(text, "About the Courier") {
		t.Error("the public comment, image or page is missing: the walk saw nothing")
	}
}

// TestWPPagesTermsUsersCommentsMedia: each collection lists what the site shows, with
// WordPress's fields, and its totals.
func TestWPPagesTermsUsersCommentsMedia(t *testing.T) {
	e, f := newWPEnv(t)
	ctx := context.Background()

	var pages []wpPost
	res := e.wpGet(t, "/wp-json/wp/v2/pages", http.StatusOK, &pages)
	if len(pages) != 1 || pages[0].ID != f.page.ID || pages[0].Type != "page" || pages[0].Link != baseURL+"/about-us/" ||
		pages[0].MenuOrder != 2 || pages[0].Parent != 0 || res.Header.Get("X-WP-Total") != "1" {
		t.Errorf("pages: %+v (X-WP-Total %s)", pages, res.Header.Get("X-WP-Total"))
	}
	var rawPage []map[string]json.RawMessage
	e.wpGet(t, "/wp-json/wp/v2/pages", http.StatusOK, &rawPage)
	for _, k := range []string{"parent", "menu_order"} {
		if _, ok := rawPage[0][k]; !ok {
			t.Errorf("a page has no %q", k)
		}
	}
	if _, ok := rawPage[0]["categories"]; ok {
		t.Error("a page has categories; WordPress's pages have none")
	}
	e.wpGet(t, "/wp-json/wp/v2/pages?parent=5", http.StatusOK, &pages)
	if len(pages) != 0 {
		t.Errorf("pages?parent=5: %d; no page has a parent", len(pages))
	}

	// Categories: the sections, each with its public stories' count.
	type term struct {
		ID       int64  `json:"id"`
		Count    int    `json:"count"`
		Name     string `json:"name"`
		Slug     string `json:"slug"`
		Link     string `json:"link"`
		Taxonomy string `json:"taxonomy"`
		Parent   *int64 `json:"parent"`
	}
	secs, err := e.db.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cats []term
	res = e.wpGet(t, "/wp-json/wp/v2/categories?per_page=100", http.StatusOK, &cats)
	if len(cats) != len(secs) || res.Header.Get("X-WP-Total") != strconv.Itoa(len(secs)) {
		t.Fatalf("%d categories, %d sections", len(cats), len(secs))
	}
	if !sort.SliceIsSorted(cats, func(i, j int) bool { return strings.ToLower(cats[i].Name) < strings.ToLower(cats[j].Name) }) {
		t.Error("categories are not by name")
	}
	for _, c := range cats {
		n := 0
		for _, a := range e.public {
			if a.Section != nil && a.Section.ID == c.ID {
				n++
			}
		}
		if c.Count != n || c.Taxonomy != "category" || c.Parent == nil || *c.Parent != 0 || c.Link != baseURL+"/section/"+c.Slug+"/" {
			t.Errorf("category %+v: want count %d", c, n)
		}
	}
	lead := e.public[0]
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/categories?post=%d", lead.ID), http.StatusOK, &cats)
	if len(cats) != 1 || cats[0].ID != lead.Section.ID {
		t.Errorf("categories?post=%d: %+v", lead.ID, cats)
	}
	var tags []term
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/tags?post=%d&orderby=id", lead.ID), http.StatusOK, &tags)
	if len(tags) != len(lead.Tags) || tags[0].Taxonomy != "post_tag" || tags[0].Parent != nil {
		t.Errorf("tags?post=%d: %+v, want %d", lead.ID, tags, len(lead.Tags))
	}
	var one term
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/tags/%d", lead.Tags[0].ID), http.StatusOK, &one)
	if one.Slug != lead.Tags[0].Slug || one.Count < 1 {
		t.Errorf("tags/%d: %+v", lead.Tags[0].ID, one)
	}

	// Users: the bylines of public content, public fields only.
	var rawUsers []map[string]json.RawMessage
	e.wpGet(t, "/wp-json/wp/v2/users?per_page=100", http.StatusOK, &rawUsers)
	authors := map[int64]bool{}
	for _, a := range append(append([]*news.Article{}, e.public...), f.page) {
		for _, au := range a.Byline() {
			authors[au.ID] = true
		}
	}
	if len(rawUsers) != len(authors) {
		t.Errorf("%d users, want the %d authors of public content", len(rawUsers), len(authors))
	}
	for _, u := range rawUsers {
		for k := range u {
			switch k {
			case "id", "name", "url", "description", "link", "slug", "avatar_urls", "meta", "_links":
			default:
				t.Errorf("a user has the field %q", k)
			}
		}
	}

	// Comments: the approved ones of an article, newest first by default, oldest
	// with order=asc, threaded by parent.
	approved, err := e.db.ApprovedComments(ctx, lead.ID)
	if err != nil {
		t.Fatal(err)
	}
	type comment struct {
		ID         int64  `json:"id"`
		Post       int64  `json:"post"`
		Parent     int64  `json:"parent"`
		Author     int64  `json:"author"`
		AuthorName string `json:"author_name"`
		Date       string `json:"date"`
		DateGMT    string `json:"date_gmt"`
		Content    struct {
			Rendered string `json:"rendered"`
		} `json:"content"`
		Link   string `json:"link"`
		Status string `json:"status"`
		Type   string `json:"type"`
	}
	var cs []comment
	res = e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&order=asc&per_page=100", lead.ID), http.StatusOK, &cs)
	if len(cs) != len(approved) || res.Header.Get("X-WP-Total") != strconv.Itoa(len(approved)) {
		t.Fatalf("%d comments, want the %d approved", len(cs), len(approved))
	}
	for i, c := range cs {
		if c.ID != approved[i].ID || c.Post != lead.ID || c.Parent != approved[i].ParentID || c.Status != "approved" || c.Type != "comment" ||
			!strings.HasPrefix(c.Link, baseURL+"/") || !strings.HasSuffix(c.Link, fmt.Sprintf("#comment-%d", c.ID)) || !wpDateForm.MatchString(c.Date) {
			t.Errorf("comment %d: %+v, want %+v", i, c, approved[i])
		}
	}
	var desc []comment
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", lead.ID), http.StatusOK, &desc)
	if len(desc) == 0 || desc[0].ID != cs[len(cs)-1].ID {
		t.Errorf("comments are not newest first by default")
	}
	var replies []comment
	for _, c := range approved {
		if c.ParentID != 0 {
			e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/comments?parent=%d", c.ParentID), http.StatusOK, &replies)
			if len(replies) == 0 || replies[0].Parent != c.ParentID {
				t.Errorf("comments?parent=%d: %+v", c.ParentID, replies)
			}
			break
		}
	}

	// Media: the image a public story shows, with its sizes; not the draft's.
	type media struct {
		ID           int64  `json:"id"`
		SourceURL    string `json:"source_url"`
		AltText      string `json:"alt_text"`
		MimeType     string `json:"mime_type"`
		MediaType    string `json:"media_type"`
		Post         *int64 `json:"post"`
		MediaDetails struct {
			Width  int `json:"width"`
			Height int `json:"height"`
			Sizes  map[string]struct {
				Width     int    `json:"width"`
				Height    int    `json:"height"`
				SourceURL string `json:"source_url"`
			} `json:"sizes"`
		} `json:"media_details"`
		Caption struct {
			Rendered string `json:"rendered"`
		} `json:"caption"`
	}
	var ms []media
	res = e.wpGet(t, "/wp-json/wp/v2/media", http.StatusOK, &ms)
	if len(ms) != 1 || res.Header.Get("X-WP-Total") != "1" {
		t.Fatalf("media: %+v", ms)
	}
	m := ms[0]
	if m.ID != f.harbour.ID || m.SourceURL != baseURL+"/media/harbour.jpg" || m.AltText != "The harbour at dawn" || m.MimeType != "image/jpeg" ||
		m.MediaType != "image" || m.Post == nil || *m.Post != lead.ID || m.MediaDetails.Width != 1600 || m.MediaDetails.Height != 900 ||
		!strings.Contains(m.Caption.Rendered, "The harbour") {
		t.Errorf("media: %+v", m)
	}
	if s := m.MediaDetails.Sizes["medium"]; s.Width != 480 || s.Height != 270 || s.SourceURL != baseURL+"/media/harbour-480.jpg" {
		t.Errorf("sizes: %+v", m.MediaDetails.Sizes)
	}
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/media?parent=%d", e.public[1].ID), http.StatusOK, &ms)
	if len(ms) != 0 {
		t.Errorf("media?parent= of a story without images: %+v", ms)
	}
}

// TestWPIndex: /wp-json/ names the site and lists the wp/v2 routes; /wp-json/wp/v2
// lists its routes.
func TestWPIndex(t *testing.T) {
	e, _ := newWPEnv(t)
	var idx struct {
		Name       string                     `json:"name"`
		URL        string                     `json:"url"`
		Namespaces []string                   `json:"namespaces"`
		Routes     map[string]json.RawMessage `json:"routes"`
		Timezone   string                     `json:"timezone_string"`
	}
	e.wpGet(t, "/wp-json/", http.StatusOK, &idx)
	if idx.Name != "The Harbourside Courier" || idx.URL != baseURL || fmt.Sprint(idx.Namespaces) != "[wp/v2]" || idx.Timezone != "America/New_York" {
		t.Errorf("index: %+v", idx)
	}
	var ns struct {
		Namespace string                     `json:"namespace"`
		Routes    map[string]json.RawMessage `json:"routes"`
	}
	e.wpGet(t, "/wp-json/wp/v2", http.StatusOK, &ns)
	for _, r := range []string{"posts", "pages", "categories", "tags", "users", "comments", "media"} {
		if idx.Routes["/wp/v2/"+r] == nil || ns.Routes["/wp/v2/"+r] == nil || ns.Routes["/wp/v2/"+r+`/(?P<id>[\d]+)`] == nil {
			t.Errorf("route /wp/v2/%s is not listed", r)
		}
	}
}

// TestWPCache: answers come from the page cache (a change behind the store's back does
// not show) and a write through the store drops them, the /?rest_route= one with them.
func TestWPCache(t *testing.T) {
	e, _ := newWPEnv(t)
	ctx := context.Background()
	lead := e.public[0]
	paths := []string{"/wp-json/wp/v2/posts", "/?rest_route=/wp/v2/posts", fmt.Sprintf("/wp-json/wp/v2/posts/%d", lead.ID)}
	title := func(path string) string {
		var p wpPost
		if strings.Contains(path, "/posts/") {
			e.wpGet(t, path, http.StatusOK, &p)
			return p.Title.Rendered
		}
		var ps []wpPost
		e.wpGet(t, path, http.StatusOK, &ps)
		return ps[0].Title.Rendered
	}
	for _, p := range paths {
		if title(p) != lead.Title {
			t.Fatalf("%s: %q", p, title(p))
		}
	}
	e.rawExec(t, `UPDATE articles SET title = 'Behind the back' WHERE id = ?`, lead.ID)
	for _, p := range paths {
		if got := title(p); got != lead.Title {
			t.Errorf("%s: %q: the answer was not cached", p, got)
		}
	}
	a, err := e.db.Article(ctx, lead.ID)
	if err != nil {
		t.Fatal(err)
	}
	a.Title, a.Version = "Harbour reopens after the storm", news.AnyVersion
	if err := e.db.UpdateArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := e.site.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if got := title(p); got != "Harbour reopens after the storm" {
			t.Errorf("%s after the edit: %q", p, got)
		}
	}
	// A conditional GET of the cached answer.
	res, _ := e.do(t, "GET", paths[0], nil)
	res2, _ := e.do(t, "GET", paths[0], map[string]string{"If-None-Match": res.Header.Get("ETag")})
	if res.Header.Get("ETag") == "" || res2.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: %d", res2.StatusCode)
	}
}

// TestWPSearchOtherLists: search, include, exclude, slug and orderby on terms, users,
// comments and media find what they name and nothing else.
func TestWPSearchOtherLists(t *testing.T) {
	e, f := newWPEnv(t)
	lead := e.public[0]
	type item = wpItem
	get := func(path string) []item {
		var out []item
		e.wpGet(t, path, http.StatusOK, &out)
		return out
	}
	tag := lead.Tags[0]
	word := strings.ToUpper(tag.Name[:min(4, len(tag.Name))])
	found := get("/wp-json/wp/v2/tags?per_page=100&search=" + url.QueryEscape(word))
	hit := false
	for _, it := range found {
		hit = hit || it.ID == tag.ID
		if !strings.Contains(strings.ToLower(it.Name+" "+it.Slug), strings.ToLower(word)) {
			t.Errorf("tags?search=%s found %+v", word, it)
		}
	}
	if !hit {
		t.Errorf("tags?search=%s: %+v, want tag %d among them", word, found, tag.ID)
	}
	if got := get("/wp-json/wp/v2/tags?slug=" + tag.Slug); len(got) != 1 || got[0].ID != tag.ID {
		t.Errorf("tags?slug=%s: %+v", tag.Slug, got)
	}
	au := lead.Author
	if got := get("/wp-json/wp/v2/users?search=" + url.QueryEscape(strings.Fields(au.Name)[1])); len(got) != 1 || got[0].ID != au.ID {
		t.Errorf("users?search=%s: %+v", au.Name, got)
	}
	if got := get(fmt.Sprintf("/wp-json/wp/v2/users?exclude=%d&per_page=100", au.ID)); len(got) == 0 || containsItem(got, au.ID) {
		t.Errorf("users?exclude=%d: %+v", au.ID, got)
	}
	users := get("/wp-json/wp/v2/users?orderby=slug&order=desc&per_page=100")
	if !sort.SliceIsSorted(users, func(i, j int) bool { return users[i].Slug > users[j].Slug }) {
		t.Errorf("users by slug, descending: %+v", users)
	}
	sec := lead.Section
	if got := get(fmt.Sprintf("/wp-json/wp/v2/categories?include=%d", sec.ID)); len(got) != 1 || got[0].Slug != sec.Slug {
		t.Errorf("categories?include=%d: %+v", sec.ID, got)
	}
	if got := get("/wp-json/wp/v2/categories?parent=3"); len(got) != 0 {
		t.Errorf("categories?parent=3: %+v; sections do not nest", got)
	}
	var cs []struct {
		ID         int64  `json:"id"`
		AuthorName string `json:"author_name"`
	}
	e.wpGet(t, "/wp-json/wp/v2/comments?search=Posted", http.StatusOK, &cs)
	if len(cs) != 1 || cs[0].AuthorName != "Posted Reader" {
		t.Errorf("comments?search=Posted: %+v", cs)
	}
	e.wpGet(t, "/wp-json/wp/v2/comments?search=readers", http.StatusOK, &cs)
	if len(cs) != 0 {
		t.Errorf("comments?search=readers found unapproved comments: %+v", cs)
	}
	var ms []item
	e.wpGet(t, "/wp-json/wp/v2/media?search=dawn", http.StatusOK, &ms)
	if len(ms) != 1 || ms[0].ID != f.harbour.ID {
		t.Errorf("media?search=dawn: %+v", ms)
	}
	e.wpGet(t, "/wp-json/wp/v2/media?search=snapshot", http.StatusOK, &ms)
	if len(ms) != 0 {
		t.Errorf("media?search=snapshot found the draft's image: %+v", ms)
	}
	e.wpGet(t, "/wp-json/wp/v2/media?media_type=video", http.StatusOK, &ms)
	if len(ms) != 0 {
		t.Errorf("media?media_type=video: %+v", ms)
	}
}

// wpItem is what every WordPress list's items have.
type wpItem struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

func containsItem(items []wpItem, id int64) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// TestWPDeepPagesAndSearchBound: on a site of more than news.WPSearchScan stories, the
// last page is the oldest stories, a page past it is refused, and a search looks
// through the newest news.WPSearchScan only (its documented bound): it finds a story
// among them, not one older.
func TestWPDeepPagesAndSearchBound(t *testing.T) {
	e, _ := newWPEnv(t)
	const bulk = news.WPSearchScan + 100
	old := now.AddDate(-1, 0, 0).Unix()
	// Written behind the store's back (no change logged): nothing is cached yet.
	e.rawExec(t, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO articles (slug, title, body_html, status, published_at, created_at)
		SELECT 'bulk-' || i, CASE WHEN i IN (1, ?) THEN 'Bulk needle story ' || i ELSE 'Bulk story ' || i END,
			'<p>filler</p>', 'published', ? - i * 60, ? - i * 60 FROM n`, bulk, bulk, old, old)
	total := len(e.public) + bulk
	pages := (total + 99) / 100
	var last []wpPost
	res := e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/posts?per_page=100&page=%d", pages), http.StatusOK, &last)
	if res.Header.Get("X-WP-Total") != strconv.Itoa(total) || len(last) != total-(pages-1)*100 ||
		last[len(last)-1].Slug != fmt.Sprintf("bulk-%d", bulk) || last[0].Slug != fmt.Sprintf("bulk-%d", (pages-1)*100-len(e.public)+1) {
		t.Fatalf("the last page: X-WP-Total %s, %d posts, first %q, last %q", res.Header.Get("X-WP-Total"), len(last), last[0].Slug, last[len(last)-1].Slug)
	}
	if link := res.Header.Get("Link"); strings.Contains(link, `rel="next"`) || !strings.Contains(link, `rel="prev"`) {
		t.Errorf("the last page's Link: %q", link)
	}
	var ed wpErrorDoc
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/posts?per_page=100&page=%d", pages+1), http.StatusBadRequest, &ed)
	if ed.Code != "rest_post_invalid_page_number" {
		t.Errorf("past the last page: %+v", ed)
	}
	var found []wpPost
	res = e.wpGet(t, "/wp-json/wp/v2/posts?search=needle", http.StatusOK, &found)
	if len(found) != 1 || found[0].Slug != "bulk-1" || res.Header.Get("X-WP-Total") != "1" {
		t.Errorf("search=needle: %v (X-WP-Total %s), want bulk-1 only: bulk-%d is past the newest %d", ids(found), res.Header.Get("X-WP-Total"), bulk, news.WPSearchScan)
	}
}

// TestWPIgnoresUnknownParameters: a parameter no route reads is ignored, as WordPress
// ignores it, and shares the cache entry of the address without it.
func TestWPIgnoresUnknownParameters(t *testing.T) {
	e, _ := newWPEnv(t)
	_, plain := e.do(t, "GET", "/wp-json/wp/v2/posts?per_page=2", nil)
	res, busted := e.do(t, "GET", "/wp-json/wp/v2/posts?per_page=2&_=1700000000&context_x=1&utm_source=x", nil)
	if res.StatusCode != 200 || string(plain) != string(busted) {
		t.Fatalf("unknown parameters changed the answer: %d", res.StatusCode)
	}
	if link := res.Header.Get("Link"); strings.Contains(link, "utm_source") || !strings.Contains(link, "per_page=2") {
		t.Errorf("Link %q", link)
	}
	n := e.site.CachedPages()
	for i := range 20 {
		e.do(t, "GET", fmt.Sprintf("/wp-json/wp/v2/posts?per_page=2&_=%d", i), nil)
	}
	if got := e.site.CachedPages(); got != n {
		t.Errorf("20 cache-busting requests added %d cache entries", got-n)
	}
}

// TestWPCommentsCacheFollowsNewComments: a post's comments, cached while it had none,
// show its first approved comment after the write.
func TestWPCommentsCacheFollowsNewComments(t *testing.T) {
	e, _ := newWPEnv(t)
	ctx := context.Background()
	var quiet *news.Article
	for _, a := range e.public {
		if cs, _ := e.db.ApprovedComments(ctx, a.ID); len(cs) == 0 {
			quiet = a
			break
		}
	}
	if quiet == nil {
		t.Fatal("every demo story has comments")
	}
	path := fmt.Sprintf("/wp-json/wp/v2/comments?post=%d", quiet.ID)
	var cs []wpItem
	e.wpGet(t, path, http.StatusOK, &cs)
	if len(cs) != 0 {
		t.Fatalf("%s: %+v", path, cs)
	}
	if err := e.db.CreateComment(ctx, &news.Comment{ArticleID: quiet.ID, Status: news.CommentApproved, AuthorName: "First Reader",
		AuthorEmail: "first@readers.example", Body: "First", BodyHTML: "<p>First</p>", CreatedAt: now.Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := e.site.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res := e.wpGet(t, path, http.StatusOK, &cs)
	if len(cs) != 1 || res.Header.Get("X-WP-Total") != "1" {
		t.Errorf("%s after the first comment: %+v", path, cs)
	}
}

// TestWPFields: _fields keeps the fields it names, a nested name the part of a field.
func TestWPFields(t *testing.T) {
	e, _ := newWPEnv(t)
	var items []map[string]json.RawMessage
	e.wpGet(t, "/wp-json/wp/v2/posts?per_page=2&_fields=id,title.rendered,link", http.StatusOK, &items)
	if len(items) != 2 {
		t.Fatalf("%d items", len(items))
	}
	for _, it := range items {
		if len(it) != 3 || it["id"] == nil || it["link"] == nil || string(it["title"]) == "" {
			t.Errorf("item %v", it)
		}
		var title map[string]string
		if err := json.Unmarshal(it["title"], &title); err != nil || len(title) != 1 || title["rendered"] == "" {
			t.Errorf("title %s", it["title"])
		}
	}
	var one map[string]json.RawMessage
	e.wpGet(t, fmt.Sprintf("/wp-json/wp/v2/posts/%d?_fields=slug", e.public[0].ID), http.StatusOK, &one)
	if len(one) != 1 || string(one["slug"]) != strconv.Quote(e.public[0].Slug) {
		t.Errorf("one post: %v", one)
	}
}
