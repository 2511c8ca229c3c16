package render

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"testing"
)

func articleMarkdown(t *testing.T, md string, hosts ...string) (string, *Report) {
	t.Helper()
	out, rep, err := ArticleMarkdown(context.Background(), md, Embeds{Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	return out, rep
}

// Every form of a provider's address, pasted alone on a line or as its embed code,
// becomes the same canonical embed, start time and unlisted key kept.
func TestEmbedFormsAreCanonical(t *testing.T) {
	yt := `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`
	ytStart := `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90"`
	vimeo := `<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e&amp;dnt=1"`
	for _, c := range []struct{ in, want string }{
		{`<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="YouTube video player" frameborder="0" allowfullscreen></iframe>`, yt},
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ", yt},
		{"<https://youtu.be/dQw4w9WgXcQ>", yt},
		{"https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", yt},
		{`<iframe src="//www.youtube.com/embed/dQw4w9WgXcQ"></iframe>`, yt},
		{"https://youtu.be/dQw4w9WgXcQ?t=90", ytStart},
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s", ytStart},
		{`<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?start=90&autoplay=1"></iframe>`, ytStart},
		{"https://www.youtube.com/shorts/dQw4w9WgXcQ", `<figure class="embed embed-youtube embed-9x16"><iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`},
		{"https://vimeo.com/76979871/8272103f6e", vimeo},
		{`<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0" width="640" height="360" frameborder="0"></iframe>`, vimeo},
		{"https://vimeo.com/channels/staffpicks/76979871", `<iframe src="https://player.vimeo.com/video/76979871?dnt=1"`},
		{"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC", `<iframe src="https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC"`},
		{`<iframe src="https://datawrapper.dwcdn.net/AbC12/3/" title="Rents by district"></iframe>`, `<iframe src="https://datawrapper.dwcdn.net/AbC12/3/" title="Rents by district"`},
		{`<iframe src="https://www.openstreetmap.org/export/embed.html?bbox=-0.1,51.5,-0.09,51.51&amp;layer=mapnik&amp;marker=51.505,-0.095"></iframe>`,
			`<iframe src="https://www.openstreetmap.org/export/embed.html?bbox=-0.1,51.5,-0.09,51.51&amp;layer=mapnik&amp;marker=51.505,-0.095"`},
	} {
		out, rep := articleMarkdown(t, c.in)
		if !strings.Contains(out, c.want) || !strings.Contains(out, ` loading="lazy" sandbox="`+embedSandbox+`" referrerpolicy="strict-origin-when-cross-origin"`) || !rep.Empty() {
			t.Errorf("%s\n got %s\nwant it to hold %s (report %q)", c.in, out, c.want, rep.Lines())
		}
	}
	// A provider's address in a sentence, or as a link with words, stays a link.
	for _, in := range []string{"See https://youtu.be/dQw4w9WgXcQ today.", "[the video](https://youtu.be/dQw4w9WgXcQ)"} {
		if out, _ := articleMarkdown(t, in); strings.Contains(out, "<iframe") {
			t.Errorf("%q became an embed: %s", in, out)
		}
	}
}

// Hostile or off-list iframes never pass, whatever their address or attributes, and
// each is named in the report.
func TestHostileEmbedsNeverPass(t *testing.T) {
	for _, c := range []struct{ in, said string }{
		{`<iframe src="https://evil.example/x"></iframe>`, "an embed from evil.example: not an allowed embed provider (an administrator can allow its host in Settings, under Embeds)"},
		{`<iframe src="https://youtube.com.evil.example/embed/dQw4w9WgXcQ"></iframe>`, "an embed from youtube.com.evil.example"},
		{`<iframe src="https://www.youtube-nocookie.com@evil.example/embed/dQw4w9WgXcQ"></iframe>`, "an embed from evil.example"},
		{`<iframe src="https://evil.example/#www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>`, "an embed from evil.example"},
		{`<iframe src="javascript:alert(1)"></iframe>`, "an embed with a javascript: address"},
		{`<iframe src=" JaVaScRiPt:alert(1)"></iframe>`, "an embed with a javascript: address"},
		{`<iframe src="data:text/html,<script>alert(1)</script>"></iframe>`, "an embed with a data: address"},
		{`<iframe srcdoc="<script>alert(1)</script>"></iframe>`, "an embed with inline content (srcdoc)"},
		{`<iframe src="/local/page"></iframe>`, "an embed with a relative address"},
		{`<iframe src="http://maps.example.org/x"></iframe>`, "an embed from maps.example.org: its address is not https"},
		{`<iframe src="https://www.youtube.com/feed/trending"></iframe>`, "an embed from www.youtube.com: not an address of one YouTube item"},
		{`<IFRAME SRC="https://evil.example/x">fallback</IFRAME>`, "an embed from evil.example"},
		{`<object data="https://evil.example/x.swf"><embed src="https://evil.example/x.swf"></object>`, "a plug-in (<object>)"},
		{`<embed src="https://evil.example/x.swf">`, "a plug-in (<embed>)"},
		{`<form action="https://evil.example/"><input name="card"><button>Pay</button></form>`, "a form or a form field (<form>)"},
		{`<svg><script>alert(1)</script></svg>`, "a drawing (<svg>)"},
		{`<img src="x.png" onerror="alert(1)" alt="">`, "an event handler (onerror) on <img>"},
		{`<a href="javascript:alert(1)">x</a>`, "a javascript: address on <a>"},
		{`<p style="position:fixed">x</p>`, "inline styles (style) on <p>"},
		{`<style>body{display:none}</style>`, "a style sheet (<style>)"},
		{`<video controls src="javascript:alert(1)"></video>`, "a javascript: address on <video>"},
		{`<audio controls><source src="data:audio/mpeg;base64,AAAA"></audio>`, "a data: address on <source>"},
		{"<iframe src=\"https://evil.example/x\">\n\nThe writer's next paragraph.", "an embed from evil.example"},
	} {
		out, rep := articleMarkdown(t, c.in, "maps.example.org")
		for _, bad := range []string{"evil", "javascript", "alert", "srcdoc", "data:", "<script", "<object", "<embed", "<form", "style=", "onerror"} {
			if strings.Contains(strings.ToLower(out), bad) {
				t.Errorf("%s\n passed %q: %s", c.in, bad, out)
			}
		}
		if strings.Contains(c.in, "<iframe") && strings.Contains(out, "<iframe") {
			t.Errorf("%s\n kept an iframe: %s", c.in, out)
		}
		if lines := strings.Join(rep.Lines(), "\n"); !strings.Contains(lines, "Removed "+c.said) {
			t.Errorf("%s\n report %q\nwant %q", c.in, lines, c.said)
		}
		if strings.Contains(c.in, "next paragraph") && !strings.Contains(out, "The writer’s next paragraph.") {
			t.Errorf("%s\n lost the text after an unclosed iframe: %s", c.in, out)
		}
	}
	// The same through the import of HTML.
	if out, rep, _ := ArticleHTML(`<p>x</p><iframe src="https://evil.example/x"></iframe>`, Embeds{}); strings.Contains(out, "iframe") || rep.Empty() {
		t.Errorf("ArticleHTML kept an off-list iframe or said nothing: %s %q", out, rep.Lines())
	}
}

// The report is bounded: the first MaxReported kinds, then how many more.
func TestRemovalReportIsBounded(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "<iframe src=\"https://evil%d.example/\"></iframe>\n\n<iframe src=\"https://evil%d.example/\"></iframe>\n\n", i, i)
	}
	_, rep := articleMarkdown(t, b.String())
	lines := rep.Lines()
	if len(lines) != MaxReported+1 || !strings.Contains(lines[0], "evil0.example") || !strings.Contains(lines[0], "(2 times)") ||
		lines[MaxReported] != "And 60 more removals of other kinds." {
		t.Errorf("report of 100 removals of 50 kinds: %d lines, %q … %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

// Feeds get a link where the page has an embed.
func TestEmbedLinks(t *testing.T) {
	out, _ := articleMarkdown(t, "Before.\n\nhttps://youtu.be/dQw4w9WgXcQ?t=90\n\nhttps://vimeo.com/76979871\n\nAfter.")
	got := EmbedLinks(out)
	want := "<p>Before.</p>\n" +
		`<p class="embed-link"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=90s">Watch on YouTube</a></p>` + "\n" +
		`<p class="embed-link"><a href="https://vimeo.com/76979871">Watch on Vimeo</a></p>` + "\n<p>After.</p>\n"
	if got != want {
		t.Errorf("EmbedLinks:\n got %q\nwant %q", got, want)
	}
	if s := "<p>No embed.</p>"; EmbedLinks(s) != s {
		t.Error("EmbedLinks changed HTML without an embed")
	}
}

// frame-src names exactly the providers' hosts and the site's, with no wildcard.
func TestFrameSrc(t *testing.T) {
	got := FrameSrc(Embeds{Hosts: []string{"maps.example.org"}})
	want := "frame-src https://www.youtube-nocookie.com https://player.vimeo.com https://open.spotify.com https://datawrapper.dwcdn.net https://www.openstreetmap.org https://maps.example.org"
	if got != want {
		t.Errorf("FrameSrc = %q, want %q", got, want)
	}
}

// The players need their own origin (YouTube's and Vimeo's scripts use their storage):
// the sandbox keeps allow-same-origin. That is safe only because no embed is ever of
// the site's own origin: its host is refused even when the setting lists it, with a
// message, and frame-src never names it.
func TestEmbedSandboxAndTheSitesOwnHost(t *testing.T) {
	out, _ := articleMarkdown(t, "https://youtu.be/dQw4w9WgXcQ")
	if !strings.Contains(out, `sandbox="allow-scripts allow-same-origin `) {
		t.Errorf("the embed's sandbox lacks allow-same-origin: %s", out)
	}
	self := Embeds{Hosts: []string{"maps.example.org", "news.example.org"}, Self: "news.example.org"}
	out, rep, err := ArticleMarkdown(context.Background(), `<iframe src="https://news.example.org/admin/"></iframe>`+"\n\n"+
		`<iframe src="https://NEWS.example.org./x"></iframe>`, self)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "<iframe") {
		t.Errorf("an embed of the site's own host was kept: %s", out)
	}
	if lines := strings.Join(rep.Lines(), "\n"); !strings.Contains(lines, "Removed an embed from news.example.org (2 times): that is this site's own address") {
		t.Errorf("report %q", lines)
	}
	if got := FrameSrc(self); strings.Contains(got, "news.example.org") || !strings.Contains(got, "https://maps.example.org") {
		t.Errorf("FrameSrc = %q", got)
	}
}

// An article shows at most MaxEmbeds embeds: ten thousand addresses on lines of their
// own (some 300 KB) made a page of 4 MB with ten thousand players. Past the limit an
// address stays a link and an iframe is removed, and the writer is told.
func TestEmbedsPerBodyAreBounded(t *testing.T) {
	out, _ := articleMarkdown(t, strings.Repeat("https://youtu.be/dQw4w9WgXcQ\n\n", 10000))
	if n := strings.Count(out, "<iframe"); n != MaxEmbeds {
		t.Errorf("%d iframes from 10,000 addresses, want %d", n, MaxEmbeds)
	}
	if n := strings.Count(out, `<a href="https://youtu.be/dQw4w9WgXcQ">`); n != 10000-MaxEmbeds {
		t.Errorf("%d addresses past the limit kept as links, want %d", n, 10000-MaxEmbeds)
	}
	out, rep := articleMarkdown(t, strings.Repeat("https://vimeo.com/76979871\n\n", MaxEmbeds)+
		strings.Repeat(`<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>`+"\n\n", 3))
	if n := strings.Count(out, "<iframe"); n != MaxEmbeds || strings.Contains(out, "youtube") {
		t.Errorf("%d iframes, or the iframes past the limit kept", n)
	}
	if lines := strings.Join(rep.Lines(), "\n"); !strings.Contains(lines, "Removed an embed from YouTube (3 times): an article shows at most 100 embeds.") {
		t.Errorf("report %q", lines)
	}
}

// Iframes that are never closed cost in proportion to their number: each one's
// content is the rest of the body, which used to be read again for every one of them
// (10,000 took half a minute, holding a render slot). Measured in bytes allocated,
// which grow with the square of the count when the rest is read again each time.
func TestUnclosedIframesCostLinearly(t *testing.T) {
	alloc := func(n int) uint64 {
		in := strings.Repeat(`<iframe src="https://evil.example/">`, n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		out, rep, _ := ArticleHTML(in, Embeds{})
		runtime.ReadMemStats(&after)
		if out != "" || !strings.Contains(strings.Join(rep.Lines(), ""), fmt.Sprintf("(%d times)", n)) {
			t.Fatalf("%d unclosed iframes: %q %q", n, out, rep.Lines())
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := alloc(1000), alloc(8000)
	if large > 16*small { // linear: about 8 times; read again for each, 64 times
		t.Errorf("8,000 unclosed iframes allocate %d bytes, 1,000 allocate %d: %.0f times as much", large, small, float64(large)/float64(small))
	}
}

// The report stays short whatever the writer pasted: it travels in the address the
// editor is sent to after a save, which proxies refuse past 8 KB. Twenty iframes whose
// hosts are 1,900 characters of no valid name made a report of 40 KB.
func TestRemovalReportStaysShort(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "<iframe src=\"https://%d%s/\"></iframe>\n\n<p %s%d=x>p</p>\n\n", i, strings.Repeat("a!", 950), "on"+strings.Repeat("x", 1000), i)
	}
	_, rep := articleMarkdown(t, b.String())
	lines := strings.Join(rep.Lines(), " ")
	if n := len(url.QueryEscape(lines)); n > 6000 {
		t.Errorf("the report is %d bytes in an address: %.300q", n, lines)
	}
	if !strings.Contains(lines, `Removed an embed from "0a!a!`) || !strings.Contains(lines, "…") {
		t.Errorf("the report does not name the first host: %.300q", lines)
	}
}

// Lazy-loading plugins (WordPress's a3 Lazy Load, lazysizes) write an embed's address
// in data-src with src="about:blank" or empty: imported posts kept no video, and the
// writer read of "an about: address" they never typed.
func TestLazyLoadedIframesKeepTheirEmbed(t *testing.T) {
	for _, in := range []string{
		`<iframe src="about:blank" data-src="https://www.youtube.com/embed/dQw4w9WgXcQ" class="lazy"></iframe>`,
		`<iframe src="" data-lazy-src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>`,
		`<iframe data-src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>`,
	} {
		out, rep, _ := ArticleHTML(in, Embeds{})
		if !strings.Contains(out, `<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"`) || !rep.Empty() {
			t.Errorf("%s\n gave %s %q", in, out, rep.Lines())
		}
	}
}
