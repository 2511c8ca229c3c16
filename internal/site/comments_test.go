package site_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/site"
)

const readerIP = "203.0.113.77"

func TestCommentModerationFlow(t *testing.T) {
	e := newEnv(t, 3, nil)
	a := e.arts[0] // story 1: one comment
	reader := e.url(a)
	before := e.get(reader) // cached now

	// A first comment from an email waits for approval.
	form := e.commentForm(a, "Zoë Müller", "zoe@readers.example", "I was there -- and it's true.")
	p := e.post("/comments/", form, "X-Forwarded-For", readerIP)
	if p.status != 303 {
		t.Fatalf("post: status %d\n%s", p.status, p.body)
	}
	loc := p.header.Get("Location")
	if !strings.Contains(loc, "unapproved=") || !strings.Contains(loc, "moderation-hash=") || !strings.Contains(loc, "#comment-") {
		t.Fatalf("redirect to %q: want the comment's place with the author's moderation link", loc)
	}
	mine := e.get(loc)
	mustContain(t, "the author's view", mine.body, "Your comment is awaiting moderation", "I was there – and it’s true.", "Zoë Müller")
	if cc := mine.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("the author's own view is cacheable: %q", cc)
	}
	other := e.get(reader)
	mustNotContain(t, "another reader's view", other.body, "I was there", "awaiting moderation")
	if withoutToken(other.body) != withoutToken(before.body) {
		t.Errorf("a pending comment changed the public page:\n%s\n----\n%s", before.body[len(before.body)-3000:], other.body[len(other.body)-3000:])
	}
	// A forged moderation hash shows nothing.
	forged := strings.Replace(loc, "moderation-hash=", "moderation-hash=x", 1)
	mustNotContain(t, "forged link", e.get(forged).body, "I was there")

	// The moderator approves; every reader sees it at once.
	pending, _ := e.db.Comments(context.Background(), news.CommentQuery{Status: news.CommentPending})
	if len(pending) != 1 {
		t.Fatalf("%d pending comments, want 1", len(pending))
	}
	if pending[0].IPHash == "" || strings.Contains(pending[0].IPHash, readerIP) {
		t.Errorf("IP hash %q", pending[0].IPHash)
	}
	if err := e.db.SetCommentStatus(context.Background(), pending[0].ID, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "after approval", e.get(reader).body, "I was there – and it’s true.", "2 comments on")

	// The next comment from the same (now approved) email appears at once, and so does a reply.
	form = e.commentForm(a, "Zoë Müller", "ZOE@readers.example", "A second thought.")
	form.Set("parent", fmt.Sprint(pending[0].ID))
	p = e.post("/comments/", form, "X-Forwarded-For", readerIP)
	if p.status != 303 || strings.Contains(p.header.Get("Location"), "unapproved") {
		t.Fatalf("second comment: %d to %q; want it approved", p.status, p.header.Get("Location"))
	}
	page := e.get(reader).body
	mustContain(t, "after the second comment", page, "A second thought.", "3 comments on")
	if !strings.Contains(page[strings.Index(page, "I was there"):], `<ol class="children">`) {
		t.Errorf("the reply is not nested under the comment it answers")
	}
}

func TestReplyFormNamesTheParent(t *testing.T) {
	e := newEnv(t, 3, nil)
	a := e.arts[1] // story 2: two comments
	cs, _ := e.db.ApprovedComments(context.Background(), a.ID)
	p := e.get(fmt.Sprintf("%s?replytocom=%d", e.url(a), cs[0].ID))
	mustContain(t, "reply form", p.body, "Reply to Reader 1", "Cancel reply", fmt.Sprintf(`name="parent" value="%d"`, cs[0].ID))
	mustContain(t, "plain page after a reply form", e.get(e.url(a)).body, "Leave a Reply", `name="parent" value="0"`)
	// A reply to what is no approved comment of this article is the article's own form.
	other, _ := e.db.ApprovedComments(context.Background(), e.arts[2].ID)
	for _, bad := range []string{"999999", fmt.Sprint(other[0].ID)} {
		if p := e.get(e.url(a) + "?replytocom=" + bad); p.status != 302 || p.header.Get("Location") != e.url(a)[len(e.http.URL):]+"#respond" {
			t.Errorf("replytocom=%s: %d to %q", bad, p.status, p.header.Get("Location"))
		}
	}
	for _, bad := range []string{"abc", fmt.Sprint(cs[0].ID) + "x", "-1"} {
		if p := e.get(e.url(a) + "?replytocom=" + bad); p.status != 200 || !strings.Contains(p.body, `name="parent" value="0"`) {
			t.Errorf("replytocom=%s: %d, want the article's own form", bad, p.status)
		}
	}
}

// Every kind of bad input gets a clear answer, keeps what the reader typed where it
// can, and stores nothing.
func TestBadCommentInputIsRefusedAndNothingStored(t *testing.T) {
	e := newEnv(t, 2, func(c *site.Config) { c.CommentMaxTime = time.Hour })
	a := e.arts[1]
	good := func() url.Values { return e.commentForm(a, "Tom", "tom@readers.example", "A fair point.") }
	cases := []struct {
		name   string
		form   func() url.Values
		status int
		want   string
	}{
		{"missing name", func() url.Values { f := good(); f.Del("author"); return f }, 422, "Please enter your name."},
		{"missing email", func() url.Values { f := good(); f.Set("email", ""); return f }, 422, "Please enter your email address."},
		{"bad email", func() url.Values { f := good(); f.Set("email", "tom at home"); return f }, 422, "Please enter a valid email address"},
		{"missing comment", func() url.Values { f := good(); f.Set("comment", "  "); return f }, 422, "Please type your comment."},
		{"bad website", func() url.Values { f := good(); f.Set("url", "javascript:alert(1)"); return f }, 422, "A web address must begin with http:// or https://"},
		// Full-width ＜ ＞ map to < >, which no host name may hold (IDNA).
		{"website with an invalid host", func() url.Values { f := good(); f.Set("url", "https://＜script＞alert(1)＜/script＞"); return f }, 422, "web address"},
		{"too long", func() url.Values { f := good(); f.Set("comment", strings.Repeat("a", 70000)); return f }, 422, "Your comment is too long"},
		{"1 MB comment", func() url.Values { f := good(); f.Set("comment", strings.Repeat("spam ", 200000)); return f }, 413, "Your comment is too long"},
		{"invalid UTF-8", func() url.Values { f := good(); f.Set("comment", "caf\xe9 \xff\xfe"); return f }, 422, "not valid text (UTF-8)"},
		{"control characters", func() url.Values { f := good(); f.Set("author", "To\x00m"); return f }, 422, "control characters"},
		{"script tag", func() url.Values { f := good(); f.Set("comment", `Nice <script>alert("x")</script>`); return f }, 422, "The &lt;script&gt; tag is not allowed"},
		{"iframe", func() url.Values {
			f := good()
			f.Set("comment", `<iframe src="https://evil.example"></iframe>`)
			return f
		}, 422, "The &lt;iframe&gt; tag is not allowed"},
		{"honeypot filled", func() url.Values { f := good(); f.Set("subject", "cheap pills"); return f }, 422, "Leave this field empty"},
		{"forged token", func() url.Values { f := good(); f.Set("token", "1.1700000000.AAAAAAAAAAAAAAAAAAAAAA"); return f }, 422, "This form is not valid any more"},
		// The right article and a time that passes every age check, with a signature
		// that is not the site's: only the signature can refuse it.
		{"current token, forged signature", func() url.Values {
			f := good()
			parts := strings.Split(f.Get("token"), ".")
			f.Set("token", parts[0]+"."+parts[1]+"."+strings.Repeat("A", len(parts[2])))
			return f
		}, 422, "This form is not valid any more"},
		{"token of another article", func() url.Values {
			f := good()
			f.Set("token", tokenRe.FindStringSubmatch(e.get(e.url(e.arts[0])).body)[1])
			e.clock.Add(10 * time.Second)
			return f
		}, 422, "This form is not valid any more"},
		{"expired token", func() url.Values { f := good(); e.clock.Add(2 * time.Hour); return f }, 422, "This form is not valid any more"},
		{"too quick", func() url.Values { f := good(); e.clock.Add(-9 * time.Second); return f }, 422, "That was quick!"},
		{"no article", func() url.Values { f := good(); f.Set("article", "9999"); return f }, 404, "<title>Error: Comment not posted"},
		{"article not a number", func() url.Values { f := good(); f.Set("article", "x"); return f }, 400, "did not say which article"},
	}
	before := e.countComments()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.form()
			p := e.post("/comments/", f, "X-Forwarded-For", readerIP)
			if p.status != tc.status {
				t.Errorf("status %d, want %d", p.status, tc.status)
			}
			mustContain(t, "answer", p.body, tc.want)
			if tc.status == 422 {
				// What the reader typed comes back in the form (valid text only).
				if name := f.Get("author"); name != "" && !strings.ContainsRune(name, 0) {
					mustContain(t, "form", p.body, `value="`+name+`"`)
				}
				mustContain(t, "form", p.body, `role="alert"`)
				if f.Get("subject") == "" {
					mustContain(t, "form", p.body, `aria-invalid="true"`)
				}
				if strings.Contains(p.body, "<script>alert") || strings.Contains(p.body, "\xff") {
					t.Errorf("the refused input is echoed unescaped or as invalid text")
				}
			}
			if n := e.countComments(); n != before {
				t.Errorf("%d comments stored, want %d", n, before)
			}
		})
	}
}

func TestCommentRateLimitPerAddress(t *testing.T) {
	e := newEnv(t, 2, func(c *site.Config) { c.CommentBurst, c.CommentEvery = 2, time.Minute })
	a := e.arts[1]
	for i := 1; i <= 3; i++ {
		p := e.post("/comments/", e.commentForm(a, "Tom", "tom@readers.example", fmt.Sprintf("Comment %d", i)), "X-Forwarded-For", readerIP)
		switch {
		case i <= 2 && p.status != 303:
			t.Fatalf("comment %d: status %d", i, p.status)
		case i == 3 && (p.status != 429 || p.header.Get("Retry-After") == ""):
			t.Fatalf("comment 3: status %d, Retry-After %q; want 429", p.status, p.header.Get("Retry-After"))
		case i == 3:
			mustContain(t, "rate-limited answer", p.body, "You are posting comments too quickly", "Comment 3")
		}
	}
	// Another address is not held back.
	if p := e.post("/comments/", e.commentForm(a, "Ann", "ann@readers.example", "Hello"), "X-Forwarded-For", "198.51.100.1"); p.status != 303 {
		t.Errorf("another address: status %d", p.status)
	}
}

func TestTooManyLinksWaitForModeration(t *testing.T) {
	e := newEnv(t, 2, nil)
	a := e.arts[1] // story 2's commenters are approved
	text := "See https://a.example and https://b.example and https://c.example"
	p := e.post("/comments/", e.commentForm(a, "Reader 1", "reader1@private.example", text), "X-Forwarded-For", readerIP)
	if p.status != 303 || !strings.Contains(p.header.Get("Location"), "unapproved=") {
		t.Fatalf("three links from an approved commenter: %d to %q; want moderation", p.status, p.header.Get("Location"))
	}
	mine := e.get(p.header.Get("Location")).body
	mustContain(t, "the author's view", mine, `<a href="https://a.example" rel="nofollow ugc">`)
}

func TestCommentsCloseAfterConfiguredDays(t *testing.T) {
	e := newEnv(t, 3, nil)
	if err := e.db.SetSettings(context.Background(), map[string]string{"comments_close_days": "2"}); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	old, recent := e.arts[0], e.arts[2]
	e.clock.t = recent.PublishedAt.Add(24 * time.Hour) // story 3 is a day old, story 1 three days old
	mustContain(t, "old article", e.get(e.url(old)).body, "Comments are closed.")
	mustNotContain(t, "old article", e.get(e.url(old)).body, `<form action="/comments/#respond"`)
	form := e.commentForm(recent, "Tom", "tom@readers.example", "Still open?")
	if p := e.post("/comments/", form, "X-Forwarded-For", readerIP); p.status != 303 {
		t.Errorf("recent article: status %d", p.status)
	}
	form.Set("article", fmt.Sprint(old.ID))
	before := e.countComments()
	p := e.post("/comments/", form, "X-Forwarded-For", readerIP)
	if p.status != 403 || e.countComments() != before {
		t.Errorf("post to a closed article: status %d, comments %d→%d", p.status, before, e.countComments())
	}
	mustContain(t, "closed answer", p.body, "Comments are closed on this article", "Still open?")
}

// A commenter's email and address appear in no page, feed, header or log line.
func TestCommenterEmailAndIPAppearNowhere(t *testing.T) {
	e := newEnv(t, 4, nil)
	const email = "very.private.person@secret-mail.example"
	a := e.arts[3]
	p := e.post("/comments/", e.commentForm(a, "Private Person", email, "Hello there"), "X-Forwarded-For", readerIP)
	if p.status != 303 {
		t.Fatal(p.status)
	}
	own := e.get(p.header.Get("Location"))
	cs, _ := e.db.Comments(context.Background(), news.CommentQuery{Status: news.CommentPending})
	e.db.SetCommentStatus(context.Background(), cs[0].ID, news.CommentApproved)
	e.srv.Sync(context.Background())
	// A refused post echoes the form, but not into any page others see.
	e.post("/comments/", url.Values{"article": {fmt.Sprint(a.ID)}, "email": {email}}, "X-Forwarded-For", readerIP)

	paths := []string{"/", "/feed.xml", "/atom.xml", "/feed.json", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt",
		"/section/world/", "/tag/diplomacy/", "/author/anna-petrova/", "/section/world/feed.xml", "/tag/diplomacy/atom.xml"}
	for _, art := range e.arts {
		paths = append(paths, strings.TrimPrefix(e.url(art), e.http.URL))
	}
	seen := []page{own}
	for _, path := range paths {
		seen = append(seen, e.get(path), e.get(path, "Accept-Encoding", "identity"))
	}
	mustContain(t, "article page", e.get(e.url(a)).body, "Private Person", "Hello there")
	for i, p := range seen {
		for _, secret := range []string{email, readerIP, "reader1@private.example", "staff@example.org"} {
			if strings.Contains(p.body, secret) {
				t.Errorf("response %d contains %q", i, secret)
			}
			for h, vs := range p.header {
				if strings.Contains(strings.Join(vs, " "), secret) {
					t.Errorf("header %s contains %q", h, secret)
				}
			}
		}
	}
	log := e.log.String()
	mustContain(t, "log", log, "comment received")
	mustNotContain(t, "log", log, email, readerIP)
}

func TestCommentsClosedSiteWideAndLogo(t *testing.T) {
	e := newEnv(t, 2, nil)
	if err := news.CheckSettings(map[string]string{}, map[string]string{"logo": "javascript:alert(1)"}); err == nil {
		t.Error("a javascript: logo was accepted")
	}
	if err := e.db.SetSettings(context.Background(), map[string]string{"comments_closed": "yes", "logo": "/media/logo.png"}); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	a := e.arts[1]
	page := e.get(e.url(a)).body
	mustContain(t, "article", page, "Comments are closed.", `<img class="logo" src="/media/logo.png" alt=""`)
	mustNotContain(t, "article", page, `<form action="/comments/#respond"`)
	form := url.Values{"article": {fmt.Sprint(a.ID)}, "author": {"Tom"}, "email": {"tom@example.net"}, "comment": {"Hello"}}
	if p := e.post("/comments/", form); p.status != 403 {
		t.Errorf("a comment while comments are closed: %d", p.status)
	}
}

// WordPress's rule trusts a commenter whose name and email both have an approved
// comment; an email alone, or a newsroom account's email, earns nothing, and the answer
// is the same for every comment that waits.
func TestModerationTrustsNameAndEmailTogether(t *testing.T) {
	e := newEnv(t, 2, nil) // story 1 has "Reader 1" <reader1@private.example>, approved
	ctx := context.Background()
	ed := &news.User{Email: "ed@newsroom.example", Name: "Ed Itor", Role: news.RoleEditor, PasswordHash: "$argon2id$x"}
	if err := e.db.CreateUser(ctx, ed); err != nil {
		t.Fatal(err)
	}
	staff := &news.Comment{ArticleID: e.arts[0].ID, Status: news.CommentApproved, AuthorName: "Ed Itor", AuthorEmail: "ed@newsroom.example",
		Body: "Thanks, we have corrected it.", BodyHTML: "<p>Thanks, we have corrected it.</p>", UserID: ed.ID}
	if err := e.db.CreateComment(ctx, staff); err != nil {
		t.Fatal(err)
	}
	approved := &news.Comment{ArticleID: e.arts[0].ID, Status: news.CommentApproved, AuthorName: "Zoé", AuthorEmail: "zoe@readers.example",
		Body: "Earlier.", BodyHTML: "<p>Earlier.</p>"}
	if err := e.db.CreateComment(ctx, approved); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		name, email string
		waits       bool
	}{
		{"Reader 1", "reader1@private.example", false},
		{"reader 1", "READER1@private.example", false},
		{"Reader One", "reader1@private.example", true}, // the email alone
		{"Eddie (Editor)", "ed@newsroom.example", true}, // a staff address
		{"Ed Itor", "ed@newsroom.example", true},
		{"Zoe\u0301", "zoe@readers.example", false}, // the same name, typed with a combining accent
	} {
		form := e.commentForm(e.arts[1], tc.name, tc.email, fmt.Sprintf("Comment number %d.", i))
		p := e.post("/comments/", form, "X-Forwarded-For", readerIP)
		if p.status != 303 {
			t.Fatalf("%s: status %d", tc.name, p.status)
		}
		if waits := strings.Contains(p.header.Get("Location"), "unapproved="); waits != tc.waits {
			t.Errorf("%q <%s>: waits for moderation %v, want %v", tc.name, tc.email, waits, tc.waits)
		}
	}
}

// Names are shown as typed but cannot turn the page around, and a name nobody can see is
// no name.
func TestCommenterNamesAreIsolated(t *testing.T) {
	e := newEnv(t, 2, func(c *site.Config) {})
	if err := e.db.SetSettings(context.Background(), map[string]string{"comment_moderation": "none"}); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	a := e.arts[1]
	form := e.commentForm(a, "\u202eevil\u202c Tom", "tom@readers.example", "Hello.")
	if p := e.post("/comments/", form, "X-Forwarded-For", readerIP); p.status != 303 {
		t.Fatalf("post: %d %s", p.status, p.body)
	}
	page := e.get(e.url(a)).body
	mustContain(t, "the thread", page, "<bdi>\u202eevil\u202c Tom</bdi>", `aria-label="Reply to evil Tom"`)
	for _, invisible := range []string{"\u200b\u200b", "\u3164", "\u202e\u202c"} {
		form := e.commentForm(a, invisible, "ghost@readers.example", "Boo.")
		p := e.post("/comments/", form, "X-Forwarded-For", readerIP)
		if p.status != 422 || !strings.Contains(p.body, "Please enter your name in letters others can see.") || !strings.Contains(p.body, "Boo.") {
			t.Errorf("name %+q: %d", invisible, p.status)
		}
	}
}

// Nothing can be posted to an article readers cannot see, and the answer shows nothing
// of it: a draft, a scheduled article, and one marked published but dated in the future.
func TestHiddenArticlesTakeNoComments(t *testing.T) {
	e := newEnv(t, 3, nil)
	ctx := context.Background()
	form := e.commentForm(e.arts[2], "Tom", "tom@readers.example", "Sneaky.")
	for _, tc := range []struct {
		name  string
		tweak func(a *news.Article)
	}{
		{"draft", func(a *news.Article) { a.Status = news.StatusDraft }},
		{"scheduled", func(a *news.Article) { a.Status = news.StatusScheduled; a.PublishedAt = e.clock.Now().Add(time.Hour) }},
		{"published in the future", func(a *news.Article) { a.PublishedAt = e.clock.Now().Add(time.Hour) }},
	} {
		a, err := e.db.Article(ctx, e.arts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		a.Title = "Secret " + tc.name
		tc.tweak(a)
		if err := e.db.UpdateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		e.srv.Sync(ctx)
		before := e.countComments()
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("article", fmt.Sprint(a.ID))
		p := e.post("/comments/", f, "X-Forwarded-For", readerIP)
		if p.status != 404 || strings.Contains(p.body, "Secret") || e.countComments() != before {
			t.Errorf("a comment to a %s article: %d, stored %v", tc.name, p.status, e.countComments() != before)
		}
		// Refused as any comment is (its title says so), in the words a missing
		// article gets: nothing tells a draft from no article.
		f.Set("article", "9999")
		if missing := e.post("/comments/", f, "X-Forwarded-For", readerIP); !strings.Contains(p.body, "<title>Error: ") || p.body != missing.body {
			t.Errorf("a comment to a %s article: the answer's title does not begin with Error:, or differs from a missing article's", tc.name)
		}
		for _, path := range []string{fmt.Sprintf("/%s/%s/", a.PublishedAt.Format("2006/01/02"), a.Slug), fmt.Sprintf("/share/x/%d", a.ID),
			fmt.Sprintf("/share/mastodon/%d", a.ID)} {
			if p := e.get(path); p.status != 404 || strings.Contains(p.body, "Secret") {
				t.Errorf("%s article at %s: %d", tc.name, path, p.status)
			}
		}
		// Put it back for the next case.
		a.Status, a.PublishedAt = news.StatusPublished, e.clock.Now().Add(-48*time.Hour)
		if err := e.db.UpdateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
}

// The comment limit is counted in the store: ten posts at once from one address, spread
// over two servers of one site, get exactly the burst through.
func TestCommentLimitHoldsAcrossServersAndAtOnce(t *testing.T) {
	e := newEnv(t, 2, func(c *site.Config) { c.CommentBurst, c.CommentEvery = 3, time.Hour })
	other, err := site.New(context.Background(), e.db, site.Config{BaseURL: e.http.URL, PageCache: true, Now: e.clock.Now,
		TrustProxy: true, CommentBurst: 3, CommentEvery: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	second := httptest.NewServer(other)
	defer second.Close()
	a := e.arts[1]
	forms := make([]url.Values, 10)
	for i := range forms {
		forms[i] = e.commentForm(a, "Tom", "tom@readers.example", fmt.Sprintf("Comment %d", i))
	}
	var wg sync.WaitGroup
	codes := make([]int, len(forms))
	for i, f := range forms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := e.http.URL
			if i%2 == 1 {
				base = second.URL
			}
			req, _ := http.NewRequest("POST", base+"/comments/", strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", readerIP)
			resp, err := client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	accepted := 0
	for _, c := range codes {
		if c == 303 {
			accepted++
		} else if c != 429 {
			t.Errorf("status %d", c)
		}
	}
	if accepted != 3 {
		t.Errorf("%d of 10 posts from one address accepted by two servers; the burst is 3 (%v)", accepted, codes)
	}
}

// A form posts one comment; a refused post keeps the reader's own load time; refused
// posts count against the address's rate, so nobody can make the server work through
// comments it will refuse.
func TestCommentFormsAreSpentAndRefusalsCount(t *testing.T) {
	e := newEnv(t, 2, func(c *site.Config) { c.CommentBurst, c.CommentEvery = 4, time.Hour })
	a := e.arts[1]
	form := e.commentForm(a, "Tom", "tom@readers.example", "First.")
	if p := e.post("/comments/", form, "X-Forwarded-For", readerIP); p.status != 303 {
		t.Fatalf("first post: %d", p.status)
	}
	form.Set("comment", "Second, from the same form.")
	p := e.post("/comments/", form, "X-Forwarded-For", readerIP)
	if p.status != 409 || !strings.Contains(p.body, "This form has posted a comment already") || !strings.Contains(p.body, "Second, from the same form.") {
		t.Errorf("the same form again: %d", p.status)
	}
	// A typo refused, then corrected at once from the answer: no "That was quick".
	form = e.commentForm(a, "", "ann@readers.example", "Forgot my name.")
	p = e.post("/comments/", form, "X-Forwarded-For", readerIP)
	m := tokenRe.FindStringSubmatch(p.body)
	if p.status != 422 || m == nil || m[1] != form.Get("token") {
		t.Fatalf("refused post: %d; the answer's token is not the reader's own", p.status)
	}
	form.Set("author", "Ann")
	if p := e.post("/comments/", form, "X-Forwarded-For", readerIP); p.status != 303 {
		t.Errorf("corrected at once: %d", p.status)
	}
	// Four posts, taken or refused, spent the burst of 4: a fifth is held back.
	form = e.commentForm(a, "", "x@readers.example", "<b>"+strings.Repeat("x", 60000)+"</b>")
	if p := e.post("/comments/", form, "X-Forwarded-For", readerIP); p.status != 429 {
		t.Errorf("a refused post past the burst: %d, want 429", p.status)
	}
}

// A page whose comments close by the clock is not served from the cache past the
// closing time.
func TestCachedFormGoesWhenCommentsClose(t *testing.T) {
	e := newEnv(t, 2, nil)
	if err := e.db.SetSettings(context.Background(), map[string]string{"comments_close_days": "10"}); err != nil {
		t.Fatal(err)
	}
	e.srv.Sync(context.Background())
	a := e.arts[1]
	e.clock.t = a.PublishedAt.AddDate(0, 0, 10).Add(-25 * time.Second)
	mustContain(t, "before the closing", e.get(e.url(a)).body, `<form action="/comments/#respond"`)
	e.clock.Add(30 * time.Second)
	mustNotContain(t, "after the closing", e.get(e.url(a)).body, `<form action="/comments/#respond"`)
}

// The same comment sent again from a second form (a second tab, the back button and a
// resend) is posted once: the reader is told so at the form, their words kept, as
// WordPress's "Duplicate comment detected".
func TestDuplicateCommentIsPostedOnce(t *testing.T) {
	e := newEnv(t, 2, nil)
	a := e.arts[1]
	before := e.countComments()
	if p := e.post("/comments/", e.commentForm(a, "Tom", "tom@readers.example", "The tram was late again."), "X-Forwarded-For", readerIP); p.status != 303 {
		t.Fatalf("first post: %d", p.status)
	}
	p := e.post("/comments/", e.commentForm(a, "Tom", "tom@readers.example", "The tram was late again."), "X-Forwarded-For", readerIP)
	if p.status != 409 {
		t.Errorf("the same comment from a second form: %d, want 409", p.status)
	}
	mustContain(t, "the answer", p.body, "<title>Error: ", "Duplicate comment detected", "The tram was late again.")
	if got := e.countComments() - before; got != 1 {
		t.Errorf("%d comments stored, want 1", got)
	}
}
