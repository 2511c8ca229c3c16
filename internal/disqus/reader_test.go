package disqus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

const head = `<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
`

// post is a <post> element of the thread "t1".
func post(id, parent, message string, deleted, spam bool) string {
	p := ""
	if parent != "" {
		p = `<parent dsq:id="` + parent + `"/>`
	}
	return fmt.Sprintf(`<post dsq:id="%s"><id/><message><![CDATA[%s]]></message><createdAt>2020-01-02T03:04:05Z</createdAt>
<isDeleted>%t</isDeleted><isSpam>%t</isSpam><author><email>a@example.invalid</email><name>A</name><isAnonymous>false</isAnonymous></author>
<ipAddress>192.0.2.1</ipAddress><thread dsq:id="t1"/>%s</post>
`, id, message, deleted, spam, p)
}

const thread = `<thread dsq:id="t1"><id>7 http://example.org/?p=7</id><forum>f</forum><link>http://example.org/a/</link><title>A &amp; B</title><createdAt>2020-01-01T00:00:00Z</createdAt><isClosed>false</isClosed><isDeleted>false</isDeleted></thread>
`

// The reader yields the file's threads and posts with every field Disqus writes.
func TestReaderReadsThreadsAndPosts(t *testing.T) {
	doc := head + `<category dsq:id="c1"><forum>f</forum><title>General</title><isDefault>true</isDefault></category>
` + thread + post("p1", "", "<p>Hi</p>", false, false) + post("p2", "p1", "<p>Re</p>", true, false) + "</disqus>\n"
	rd := NewReader(strings.NewReader(doc), Limits{})
	var got []Entry
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if len(got) != 4 {
		t.Fatalf("%d entries, want 4", len(got))
	}
	if c := got[0].(*Category); c.ID != "c1" || c.Title != "General" || !c.IsDefault || c.Line != 3 {
		t.Errorf("category %+v", c)
	}
	th := got[1].(*Thread)
	if th.ID != "t1" || th.Identifier != "7 http://example.org/?p=7" || th.Link != "http://example.org/a/" || th.Title != "A & B" || th.Line != 4 ||
		!th.CreatedAt.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("thread %+v", th)
	}
	p := got[3].(*Post)
	if p.ID != "p2" || p.Parent != "p1" || p.Thread != "t1" || p.Message != "<p>Re</p>" || !p.IsDeleted || p.IsSpam ||
		p.Author != (Author{Name: "A", Email: "a@example.invalid"}) || !p.CreatedAt.Equal(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("post %+v", p)
	}
}

// wantError checks that err is an *Error of kind at line, whose message names it.
func wantError(t *testing.T, err error, kind error, line int) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a *disqus.Error", err, err)
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("error %q is not %q", err, kind)
	}
	if e.Line != line || !strings.Contains(err.Error(), fmt.Sprintf("line %d", line)) {
		t.Errorf("error %q at line %d, want line %d", err, e.Line, line)
	}
}

// Hostile, truncated, oversized and foreign files end the read with an error naming
// the line, before anything of them is used.
func TestReaderRefusesBadFiles(t *testing.T) {
	ctx := context.Background()
	whole := head + thread + post("p1", "", "<p>Hi</p>", false, false) + "</disqus>\n"
	for _, c := range []struct {
		name string
		doc  string
		lim  Limits
		kind error
		line int
	}{
		{"billion laughs", "<?xml version=\"1.0\"?>\n<!DOCTYPE disqus [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]>\n<disqus xmlns=\"http://disqus.com\"/>", Limits{}, ErrHostile, 2},
		{"external DTD", "<?xml version=\"1.0\"?>\n<!DOCTYPE disqus SYSTEM \"file:///etc/passwd\">\n<disqus xmlns=\"http://disqus.com\"/>", Limits{}, ErrHostile, 2},
		{"undeclared entity", head + "<thread dsq:id=\"1\"><title>&xxe;</title></thread></disqus>", Limits{}, nil, 3},
		{"truncated in a message", whole[:strings.Index(whole, "Hi")], Limits{}, ErrTruncated, 4},
		{"truncated after a post", whole[:strings.Index(whole, "</disqus>")], Limits{}, ErrTruncated, 7},
		{"message over its limit", head + thread + post("p1", "", strings.Repeat("x", 2000), false, false) + "</disqus>", Limits{Message: 1000}, ErrTooLarge, 4},
		{"field over its limit", head + "<thread dsq:id=\"1\">\n<title>" + strings.Repeat("x", 2000) + "</title></thread></disqus>", Limits{Field: 1000}, ErrTooLarge, 4},
		{"nesting", head + "<thread dsq:id=\"1\">" + strings.Repeat("<a>", 40) + "\n" + strings.Repeat("</a>", 40) + "</thread></disqus>", Limits{}, ErrHostile, 3},
		{"too many fields", head + "<thread dsq:id=\"1\">\n" + strings.Repeat("<a>x</a>", 20) + strings.Repeat("<b>x</b>", 100) + "</thread></disqus>", Limits{}, ErrTooLarge, 4},
		{"too many entries", head + thread + post("p1", "", "x", false, false) + post("p2", "", "x", false, false) + "</disqus>", Limits{Entries: 2}, ErrTooLarge, 7},
		{"not an export", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>", Limits{}, ErrNotDisqus, 2},
		{"a post without thread", head + `<post dsq:id="9"><message>x</message><createdAt>2020-01-02T03:04:05Z</createdAt></post></disqus>`, Limits{}, ErrNotDisqus, 3},
		{"a bad date", head + thread + strings.Replace(post("p1", "", "x", false, false), "2020-01-02T03:04:05Z", "yesterday", 1) + "</disqus>", Limits{}, nil, 4},
		{"a repeated post", head + thread + post("p1", "", "x", false, false) + post("p1", "", "y", false, false) + "</disqus>", Limits{}, ErrNotDisqus, 7},
		{"invalid UTF-8", head + "<thread dsq:id=\"1\">\n<title>\xff</title></thread></disqus>", Limits{}, nil, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Check(ctx, strings.NewReader(c.doc), c.lim)
			wantError(t, err, c.kind, c.line)
		})
	}
	if _, err := Check(ctx, strings.NewReader(whole), Limits{}); err != nil {
		t.Fatalf("the whole file: %v", err)
	}
}

// A deleted post stays as a placeholder only when a reply that is shown hangs from it,
// directly or under other deleted posts; replies keep their parents whatever the order
// of the file; a parent that is missing, of another thread or in a loop is dropped.
func TestCheckPlaceholdersAndParents(t *testing.T) {
	doc := head + thread + `<thread dsq:id="t2"><link>http://example.org/b/</link></thread>
` + post("c", "b", "reply under two deleted", false, false) + // before its parents
		post("a", "", "deleted, with a shown reply under b", true, false) +
		post("b", "a", "deleted, reply c", true, false) +
		post("d", "", "deleted, no reply", true, false) +
		post("e", "", "deleted, only a spam reply", true, false) +
		post("f", "e", "spam", false, true) +
		post("g", "nowhere", "orphan", false, false) +
		post("h", "i", "loop", false, false) + post("i", "h", "loop", false, false) +
		strings.Replace(post("j", "c", "other thread", false, false), `"t1"`, `"t2"`, 1) + "</disqus>\n"
	idx, err := Check(context.Background(), strings.NewReader(doc), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"a": true, "b": true, "c": false, "d": false, "e": false, "f": false} {
		if got := idx.Placeholder(id); got != want {
			t.Errorf("Placeholder(%s) = %t, want %t", id, got, want)
		}
	}
	for id, want := range map[string]string{"c": "b", "b": "a", "g": "", "j": ""} {
		if got := idx.parent(id); got != want {
			t.Errorf("Parent(%s) = %q, want %q", id, got, want)
		}
	}
	if idx.parent("h") != "" && idx.parent("i") != "" {
		t.Errorf("the loop h ↔ i was not cut: %q, %q", idx.parent("h"), idx.parent("i"))
	}
	if idx.PostsOf("t1") != 9 || idx.Posts[StateDeleted] != 4 || idx.Posts[StateSpam] != 1 {
		t.Errorf("counts: %d posts in t1, %v", idx.PostsOf("t1"), idx.Posts)
	}
}

// A message's HTML becomes the comment text the site stores and render.Comment shows:
// paragraphs, breaks, the tags a commenter may use, links unwrapped from disq.us; no
// script, no attribute but a link's address, and text that looked like a tag stays text.
func TestMessageText(t *testing.T) {
	for in, want := range map[string]string{
		"<p>One</p><p>Two</p>":                         "One\n\nTwo",
		"<p>Line<br>next</p>\n<p>  spaced   out </p>":  "Line\nnext\n\nspaced out",
		`<p>a <b>b</b> <i>c</i> <u>d</u> <s>e</s></p>`: "a <b>b</b> <i>c</i> d <s>e</s>",
		`<p><a href="https://example.com/x" rel="nofollow noopener" target="_blank" title="t" onclick="x()">x</a></p>`: `<a href="https://example.com/x">x</a>`,
		`<a href="javascript:alert(1)">click</a>`: "click",
		`<a href="https://disq.us/url?url=https%3A%2F%2Fexample.com%2Fa%3Fb%3Dc%3AAbCdEfGhIjKlMnOpQrStUv&amp;cuid=1">l</a>`: `<a href="https://example.com/a?b=c">l</a>`,
		`<p>x<script>alert(1)</script><style>p{}</style>y</p>`:                                                              "xy",
		`<p>&lt;b&gt;not bold&lt;/b&gt; &amp; fish</p>`:                                                                     "&lt;b&gt;not bold&lt;/b&gt; &amp; fish",
		`<blockquote><p>quoted</p></blockquote><p>answer</p>`:                                                               "<blockquote>quoted</blockquote>\n\nanswer",
		"<pre><code>if a &lt; b {\n  x()\n}</code></pre>":                                                                   "<code>if a &lt; b {\n  x()\n}</code>",
		`<p><img src="https://example.com/i.png" alt="pic"><span class="spoiler">secret</span></p>`:                         "secret",
		`<p><b>unclosed <i>both</p><p>next</p>`:                                                                             "<b>unclosed <i>both\n\nnext</i></b>",
	} {
		if got := MessageText(in); got != want {
			t.Errorf("MessageText(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}
