package site_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/site"
)

// longThread is an article with many comments: threads top-level comments, one a
// minute ("Thread N says …", N from 1), and, posted after all of them, a reply to
// thread 50 (the last on page 1), a reply to that reply, and a reply to thread 51.
type longThread struct {
	*env
	a    *news.Article
	ids  map[string]int64 // comment ID by its text's first words ("Thread 7", "Reply to 50")
	path string           // the article's address, from the root
}

func newLongThread(t *testing.T, threads int, tweak func(*site.Config)) *longThread {
	t.Helper()
	e := newEnv(t, 0, tweak)
	ctx := context.Background()
	a := &news.Article{Slug: "the-long-debate", Title: "The long debate", Standfirst: "Everyone has a view.",
		BodyMarkdown: "Text.", BodyHTML: "<p>Text.</p>", Status: news.StatusPublished, PublishedAt: start,
		Author: &news.Author{Name: "Anna Petrova", Email: "staff@example.org"}, Source: "test", SourceID: "long"}
	it := news.ImportItem{Article: a}
	add := func(id, parent, text string, at time.Time) {
		c := &news.Comment{Status: news.CommentApproved, AuthorName: "Reader " + id, AuthorEmail: "r" + id + "@private.example",
			Body: text + " says something worth reading about the debate.", CreatedAt: at, Source: "test", SourceID: id, ParentSourceID: parent}
		c.BodyHTML = render.Comment(c.Body)
		it.Comments = append(it.Comments, c)
	}
	for i := 1; i <= threads; i++ {
		add(fmt.Sprint(i), "", fmt.Sprintf("Thread %d", i), start.Add(time.Duration(i)*time.Minute))
	}
	late := start.Add(time.Duration(threads+10) * time.Minute)
	add("r50", "50", "Reply to 50", late)
	add("r50b", "r50", "Reply to reply to 50", late.Add(time.Minute))
	add("r51", "51", "Reply to 51", late.Add(2*time.Minute))
	if _, err := e.db.Import(ctx, []news.ImportItem{it}); err != nil {
		t.Fatal(err)
	}
	all, err := e.db.ApprovedComments(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	lt := &longThread{env: e, a: a, ids: map[string]int64{}, path: fmt.Sprintf("/%s/%s/", start.Format("2006/01/02"), a.Slug)}
	for _, c := range all {
		lt.ids[strings.TrimSuffix(c.Body, " says something worth reading about the debate.")] = c.ID
	}
	return lt
}

func (lt *longThread) anchor(key string) string {
	return fmt.Sprintf(`id="comment-%d"`, lt.ids[key])
}

var canonicalRe = regexp.MustCompile(`<link rel="canonical" href="([^"]+)">`)

func canonical(body string) string {
	if m := canonicalRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// 600 comments make 12 pages of 50 threads: each page at its own address with its own
// canonical link and title, a navigation between them, replies with their thread, the
// form linked from the top, and the article's address as page 1.
func TestLongThreadIsPaged(t *testing.T) {
	lt := newLongThread(t, 600, nil)
	base := lt.http.URL + lt.path
	first := lt.get(lt.path)
	if first.status != 200 {
		t.Fatalf("article: %d", first.status)
	}
	mustContain(t, "page 1", first.body, lt.anchor("Thread 1"), lt.anchor("Thread 50"), lt.anchor("Reply to 50"), lt.anchor("Reply to reply to 50"),
		"603 comments on", `<nav class="comment-navigation" aria-label="Comments pages">`, `href="`+lt.path+`comment-page-2/#comments" rel="next"`,
		`href="`+lt.path+`comment-page-12/#comments"`, `<span aria-current="page"><span class="visually-hidden">Comments page </span>1</span>`)
	mustNotContain(t, "page 1", first.body, lt.anchor("Thread 51"), lt.anchor("Reply to 51"), `rel="prev"`+">← Older")
	if c := canonical(first.body); c != base {
		t.Errorf("page 1's canonical %q, want the article's address %q", c, base)
	}
	// The form is linked from the top of the thread, before the first comment.
	skip, list := strings.Index(first.body, `<a href="#respond">Leave a reply</a>`), strings.Index(first.body, `<ol class="comment-list">`)
	if skip < 0 || skip > list || !strings.Contains(first.body, `<div id="respond"`) {
		t.Errorf("no link to the form (#respond) at the top of the thread")
	}

	titles := map[string]bool{}
	for n := 1; n <= 12; n++ {
		path := lt.path
		if n > 1 {
			path += fmt.Sprintf("comment-page-%d/", n)
		}
		p := lt.get(path)
		if p.status != 200 {
			t.Fatalf("comment page %d: %d", n, p.status)
		}
		if c := canonical(p.body); c != lt.http.URL+path {
			t.Errorf("page %d's canonical %q, want itself", n, c)
		}
		title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(p.body)[1]
		if titles[title] {
			t.Errorf("page %d repeats the title %q", n, title)
		}
		titles[title] = true
		// Its 50 threads and no other.
		for _, k := range []int{50*(n-1) + 1, 50 * n} {
			mustContain(t, fmt.Sprintf("page %d", n), p.body, lt.anchor(fmt.Sprintf("Thread %d", k)))
		}
		for _, k := range []int{50 * (n - 1), 50*n + 1} {
			if k >= 1 && k <= 600 {
				mustNotContain(t, fmt.Sprintf("page %d", n), p.body, lt.anchor(fmt.Sprintf("Thread %d", k)))
			}
		}
		if got := strings.Count(p.body, `<li id="comment-`); got > 53 {
			t.Errorf("page %d holds %d comments", n, got)
		}
		if len(p.body) > len(first.body)+len(first.body)/4 {
			t.Errorf("page %d is %d bytes, page 1 %d", n, len(p.body), len(first.body))
		}
		if n > 1 {
			mustContain(t, fmt.Sprintf("page %d", n), p.body, fmt.Sprintf(`href="%s#comments" rel="prev"`, news.CommentPagePath(lt.path, n-1)))
		}
		if n < 12 {
			mustContain(t, fmt.Sprintf("page %d", n), p.body, fmt.Sprintf(`href="%scomment-page-%d/#comments" rel="next"`, lt.path, n+1))
		} else {
			mustNotContain(t, "the last page", p.body, `rel="next"`)
		}
	}
	// The replies to thread 51, posted after every thread, are on page 2 with it.
	mustContain(t, "page 2", lt.get(lt.path+"comment-page-2/").body, lt.anchor("Reply to 51"))
	mustNotContain(t, "page 12", lt.get(lt.path+"comment-page-12/").body, lt.anchor("Reply to 50"), lt.anchor("Reply to 51"))

	// One address a page; no page past the last.
	if p := lt.get(lt.path + "comment-page-1/"); p.status != 301 || p.header.Get("Location") != lt.path {
		t.Errorf("comment-page-1: %d to %q, want 301 to %s", p.status, p.header.Get("Location"), lt.path)
	}
	if p := lt.get(lt.path + "comment-page-3"); p.status != 301 || p.header.Get("Location") != lt.path+"comment-page-3/" {
		t.Errorf("comment-page-3 without its slash: %d to %q", p.status, p.header.Get("Location"))
	}
	for _, bad := range []string{"comment-page-13/", "comment-page-0/", "comment-page-02/", "comment-page-99999999999999999999/",
		"comment-page-9223372036854775807/", "comment-page-/", "comment-page--1/", "page-2/", "feed/", "comment-page-2x"} {
		if p := lt.get(lt.path + bad); p.status != 404 {
			t.Errorf("%s: %d, want 404", bad, p.status)
		}
	}
	// The wrong date in an address goes to the right page at the right date.
	if p := lt.get("/2020/01/01/the-long-debate/comment-page-4/"); p.status != 301 || p.header.Get("Location") != lt.path+"comment-page-4/" {
		t.Errorf("a wrong date: %d to %q", p.status, p.header.Get("Location"))
	}
}

// Every link to a comment lands on the page that shows it: replies (?replytocom=) keep
// the reader on their page, the form posts from there, and the answer to a post sends
// the reader to their comment's page, pending or approved.
func TestCommentLinksLandOnTheirPage(t *testing.T) {
	lt := newLongThread(t, 600, nil)
	page3 := lt.path + "comment-page-3/"
	p := lt.get(page3)
	reply := fmt.Sprintf(`href="%s?replytocom=%d#respond"`, page3, lt.ids["Thread 120"])
	mustContain(t, "page 3", p.body, reply, `name="cpage" value="3"`, `<form action="/comments/#respond"`)

	// The reply form is on page 3, named and cancellable there.
	r := lt.get(fmt.Sprintf("%s?replytocom=%d", page3, lt.ids["Thread 120"]))
	if r.status != 200 {
		t.Fatalf("reply form: %d", r.status)
	}
	mustContain(t, "reply form on page 3", r.body, "Reply to <bdi>Reader 120</bdi>", `href="`+page3+`#respond">Cancel reply`,
		fmt.Sprintf(`name="parent" value="%d"`, lt.ids["Thread 120"]), `name="cpage" value="3"`, lt.anchor("Thread 120"))
	// A reply link made for another page goes to the comment's own.
	if r := lt.get(fmt.Sprintf("%s?replytocom=%d", lt.path, lt.ids["Thread 120"])); r.status != 302 ||
		r.header.Get("Location") != fmt.Sprintf("%s?replytocom=%d#respond", page3, lt.ids["Thread 120"]) {
		t.Errorf("replytocom on the wrong page: %d to %q", r.status, r.header.Get("Location"))
	}

	// A new reader's reply waits for moderation; they are sent to it on page 3.
	m := tokenRe.FindStringSubmatch(r.body)
	lt.clock.Add(10 * time.Second)
	form := url.Values{"article": {fmt.Sprint(lt.a.ID)}, "parent": {fmt.Sprint(lt.ids["Thread 120"])}, "cpage": {"3"}, "token": {m[1]},
		"author": {"Nadia"}, "email": {"nadia@readers.example"}, "comment": {"I disagree with 120."}}
	post := lt.post("/comments/", form, "X-Forwarded-For", readerIP)
	loc := post.header.Get("Location")
	if post.status != 303 || !strings.HasPrefix(loc, page3+"?unapproved=") || !strings.Contains(loc, "#comment-") {
		t.Fatalf("a pending reply on page 3: %d to %q", post.status, loc)
	}
	mine := lt.get(loc)
	mustContain(t, "the author's view of page 3", mine.body, "I disagree with 120.", "awaiting moderation")

	// Approved: the reply is on page 3 for everyone, and the admin's link finds it there.
	pending, _ := lt.db.Comments(context.Background(), news.CommentQuery{Status: news.CommentPending})
	if err := lt.db.SetCommentStatus(context.Background(), pending[0].ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	if err := lt.srv.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "page 3 after approval", lt.get(page3).body, "I disagree with 120.")
	if got, want := lt.srv.CommentPath(context.Background(), pending[0]), fmt.Sprintf("%s#comment-%d", page3, pending[0].ID); got != want {
		t.Errorf("the comment's path %q, want %q", got, want)
	}
	if got, want := lt.srv.CommentPath(context.Background(), &news.Comment{ID: lt.ids["Reply to reply to 50"], ArticleID: lt.a.ID}),
		fmt.Sprintf("%s#comment-%d", lt.path, lt.ids["Reply to reply to 50"]); got != want {
		t.Errorf("a late reply's path %q, want %q (page 1, with its thread)", got, want)
	}
}

// A new thread past the last page makes a new page; the approval drops every cached
// page of the article, so the old last page links to it and page 1's navigation names it.
func TestApprovalRefreshesEveryCommentPage(t *testing.T) {
	lt := newLongThread(t, 600, nil)
	last, first := lt.get(lt.path+"comment-page-12/"), lt.get(lt.path) // cached now
	mustNotContain(t, "page 12", last.body, `rel="next"`)
	if lt.get(lt.path+"comment-page-13/").status != 404 {
		t.Fatalf("page 13 before the comment")
	}
	form := lt.commentForm(lt.a, "Omar", "omar@readers.example", "A thread of my own.")
	post := lt.post("/comments/", form, "X-Forwarded-For", readerIP)
	loc := post.header.Get("Location")
	if post.status != 303 || !strings.HasPrefix(loc, lt.path+"comment-page-13/?unapproved=") {
		t.Fatalf("a new thread: %d to %q, want its own page 13", post.status, loc)
	}
	mustContain(t, "the author's page 13", lt.get(loc).body, "A thread of my own.", "awaiting moderation")
	if p := lt.get(lt.path + "comment-page-13/"); p.status != 404 {
		t.Errorf("page 13 is public before approval: %d", p.status)
	}
	pending, _ := lt.db.Comments(context.Background(), news.CommentQuery{Status: news.CommentPending})
	if err := lt.db.SetCommentStatus(context.Background(), pending[0].ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	if err := lt.srv.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "page 12 after approval", lt.get(lt.path+"comment-page-12/").body, `href="`+lt.path+`comment-page-13/#comments" rel="next"`, "604 comments on")
	mustContain(t, "page 1 after approval", lt.get(lt.path).body, `href="`+lt.path+`comment-page-13/#comments"`, "604 comments on")
	if first.body == lt.get(lt.path).body {
		t.Errorf("page 1 unchanged")
	}
	p := lt.get(lt.path + "comment-page-13/")
	if p.status != 200 {
		t.Fatalf("page 13 after approval: %d", p.status)
	}
	mustContain(t, "page 13", p.body, "A thread of my own.")

	// Trashing it takes the page away again, from the cache too.
	if err := lt.db.SetCommentStatus(context.Background(), pending[0].ID, news.CommentTrash); err != nil {
		t.Fatal(err)
	}
	if err := lt.srv.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := lt.get(lt.path + "comment-page-13/"); p.status != 404 {
		t.Errorf("page 13 after the trash: %d", p.status)
	}
	mustNotContain(t, "page 12 after the trash", lt.get(lt.path+"comment-page-12/").body, `rel="next"`)
}

// The setting turns paging off (0) or changes the page size, for every page at once.
func TestCommentsPerPageSetting(t *testing.T) {
	lt := newLongThread(t, 120, nil)
	set := func(v string) {
		if err := lt.db.SetSettings(context.Background(), map[string]string{news.SettingCommentsPerPage: v}); err != nil {
			t.Fatal(err)
		}
		if err := lt.srv.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if p := lt.get(lt.path + "comment-page-3/"); p.status != 200 {
		t.Fatalf("page 3 of 120 threads at 50: %d", p.status)
	}
	set("0")
	all := lt.get(lt.path)
	mustContain(t, "paging off", all.body, lt.anchor("Thread 1"), lt.anchor("Thread 120"), lt.anchor("Reply to 51"))
	mustNotContain(t, "paging off", all.body, `class="comment-navigation"`)
	if p := lt.get(lt.path + "comment-page-2/"); p.status != 404 {
		t.Errorf("a comment page with paging off: %d", p.status)
	}
	set("10")
	if p := lt.get(lt.path + "comment-page-12/"); p.status != 200 || !strings.Contains(p.body, lt.anchor("Thread 120")) {
		t.Errorf("page 12 of 120 threads at 10: %d", p.status)
	}
	if err := news.CheckSettings(map[string]string{}, map[string]string{news.SettingCommentsPerPage: "-1"}); err == nil {
		t.Errorf("a negative page size accepted")
	}
}

// Every refused comment is answered at the form: the article again, on the page the
// reader posted from, the form with their words and the messages, a title that begins
// "Error: ", and a form whose address lands on it (#respond).
func TestRefusedCommentAnswersAtTheForm(t *testing.T) {
	lt := newLongThread(t, 600, func(c *site.Config) { c.CommentBurst, c.CommentEvery = 1, time.Hour })
	page3 := lt.path + "comment-page-3/"
	fill := func(text string) url.Values {
		p := lt.get(page3)
		m := tokenRe.FindStringSubmatch(p.body)
		lt.clock.Add(10 * time.Second)
		return url.Values{"article": {fmt.Sprint(lt.a.ID)}, "parent": {"0"}, "cpage": {"3"}, "token": {m[1]},
			"author": {"Nadia"}, "email": {"nadia@readers.example"}, "comment": {text}}
	}
	check := func(name string, p page, status int, message, kept string) {
		t.Helper()
		if p.status != status {
			t.Errorf("%s: status %d, want %d", name, p.status, status)
		}
		if !strings.Contains(p.body, "<title>Error: The long debate – comments page 3 of 12 – ") {
			t.Errorf("%s: the title does not begin with Error: and name the page: %s", name, regexp.MustCompile(`<title>[^<]*</title>`).FindString(p.body))
		}
		mustContain(t, name, p.body, message, kept, lt.anchor("Thread 101"), `id="respond"`)
		if !strings.Contains(p.body, `<form action="/comments/#respond"`) && !strings.Contains(p.body, "Comments are closed") {
			t.Errorf("%s: the form does not post to #respond", name)
		}
	}
	// Validation.
	f := fill("My first words.")
	f.Set("email", "not an email")
	check("validation", lt.post("/comments/", f, "X-Forwarded-For", "198.51.100.1"), 422, "Please enter a valid email address", "My first words.")
	// A bad token.
	f = fill("My second words.")
	f.Set("token", "1.2.3")
	check("bad token", lt.post("/comments/", f, "X-Forwarded-For", "198.51.100.2"), 422, "This form is not valid any more", "My second words.")
	// Too soon.
	f = fill("My hasty words.")
	lt.clock.Add(-9 * time.Second)
	check("too soon", lt.post("/comments/", f, "X-Forwarded-For", "198.51.100.3"), 422, "That was quick!", "My hasty words.")
	lt.clock.Add(9 * time.Second)
	// The rate limit (one comment an hour from an address).
	if p := lt.post("/comments/", fill("Taken."), "X-Forwarded-For", "198.51.100.4"); p.status != 303 {
		t.Fatalf("first comment: %d", p.status)
	}
	check("rate limit", lt.post("/comments/", fill("My third words."), "X-Forwarded-For", "198.51.100.4"), 429, "You are posting comments too quickly", "My third words.")
	// A reply refused is answered on its thread's page, with the reply form.
	f = fill("My reply.")
	f.Set("parent", fmt.Sprint(lt.ids["Thread 120"]))
	f.Set("cpage", "1")
	f.Set("token", "bad")
	p := lt.post("/comments/", f, "X-Forwarded-For", "198.51.100.5")
	check("refused reply", p, 422, "This form is not valid any more", "My reply.")
	mustContain(t, "refused reply", p.body, "Reply to <bdi>Reader 120</bdi>", fmt.Sprintf(`name="parent" value="%d"`, lt.ids["Thread 120"]))
	// A page number past the last (a page gone since) is answered on the last page.
	f = fill("Late words.")
	f.Set("cpage", "99999999999999999")
	f.Set("email", "")
	if p := lt.post("/comments/", f, "X-Forwarded-For", "198.51.100.6"); p.status != 422 || !strings.Contains(p.body, "Late words.") ||
		!strings.Contains(p.body, "<title>Error: The long debate – comments page 12 of 12") {
		t.Errorf("a refusal from a page past the last: %d", p.status)
	}
	// Comments closed since the page was loaded.
	f = fill("My closing words.")
	if err := lt.db.SetSettings(context.Background(), map[string]string{news.SettingCommentsClosed: "yes"}); err != nil {
		t.Fatal(err)
	}
	if err := lt.srv.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("closed", lt.post("/comments/", f, "X-Forwarded-For", "198.51.100.7"), 403, "Comments are closed", "My closing words.")
	// A body too large to read is an error page whose title says so.
	f.Set("comment", strings.Repeat("spam ", 200000))
	if p := lt.post("/comments/", f, "X-Forwarded-For", "198.51.100.8"); p.status != 413 || !strings.Contains(p.body, "<title>Error: ") {
		t.Errorf("a 1 MB post: %d, title %s", p.status, regexp.MustCompile(`<title>[^<]*</title>`).FindString(p.body))
	}
}
