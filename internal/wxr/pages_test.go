package wxr

import (
	"strings"
	"testing"

	"broadsheet/internal/render"
)

// A post split into pages with <!--nextpage--> is shown by WordPress one page at a time,
// each page through the_content on its own (WP_Query::generate_postdata: the newlines
// around the marker go, then wpautop per page). The story shows every page: each must
// still be its own paragraphs, without a stray line break where the marker stood, and
// text on both sides of a marker inside a line must not run together.
func TestConvertNextpageKeepsPagesApart(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"marker on its own line", "Page one ends.\n<!--nextpage-->\nPage two starts.",
			"<p>Page one ends.</p>\n<p>Page two starts.</p>\n"},
		{"marker between paragraphs", "One.\n\n<!--nextpage-->\n\nTwo.", "<p>One.</p>\n<p>Two.</p>\n"},
		{"marker inside a line", "end of one<!--nextpage-->start of two", "<p>end of one</p>\n<p>start of two</p>\n"},
		{"marker first", "<!--nextpage-->Only page.\nSecond line.", "<p>Only page.<br />\nSecond line.</p>\n"},
		// Each page is a post of its own for has_blocks: a classic page after a block page
		// still gets its paragraphs.
		{"block page then classic page", "<!-- wp:paragraph -->\n<p>Block.</p>\n<!-- /wp:paragraph -->\n<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->\nClassic one.\n\nClassic two.",
			"<p>Block.</p>\n<p>Classic one.</p>\n<p>Classic two.</p>\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _ := Convert(c.in, ConvertOptions{})
			if got != c.want {
				t.Errorf("Convert(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
			h, _, err := render.ArticleHTML(got, render.Embeds{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(h, "<p><br") {
				t.Errorf("a paragraph starts with a line break: %q", h)
			}
		})
	}
}

// wpautop as PHP and PCRE read it: "$" also matches before a final newline (so "\n</p>"
// before the text's last newline loses its newline), PHP's trim() leaves a no-break
// space (a post of one is a paragraph), and a <script>, <style>, <svg> or <math> left
// open does not keep the newlines of a later, closed one from being kept. Each was found
// by comparing with WordPress's own wpautop on 20,000 generated inputs.
func TestWpautopEndsAsPCRE(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<table><em>\n<br />", "<table><em><br /></p>\n"},
		{"</audio></li>\n</p>", "<p></audio></li></p>\n"},
		{"\u00a0", "<p>\u00a0</p>\n"},
		{"\r\n\u00a0", "<p>\u00a0</p>\n"},
		{" \t\n", ""},
		// An element left open does not stop the search: PCRE tries the next opener.
		{"<style><math>\r\n<br/></math></tr><strong>", "<style><math>\n<br /></math></tr>\n<p><strong></p>\n"},
	} {
		if got := wpautop(c.in); got != c.want {
			t.Errorf("wpautop(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// WordPress's autoembed (WP_Embed::autoembed, on the_content before wpautop) embeds a
// provider's address alone on its LINE, not only alone in a paragraph: classic posts
// are full of "Watch:\nhttps://youtu.be/…" with a single newline. The story must show
// the player there, not the address as text; an address no provider embeds stays as
// WordPress left it, and one inside <pre> is not touched.
func TestConvertEmbedsAnAddressOnItsOwnLine(t *testing.T) {
	in := "Watch the meeting:\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\nThen read on.\n\n" +
		"Source:\nhttps://example.org/report.pdf\nEnd.\n\n<pre>log:\nhttps://vimeo.com/76979871\n</pre>"
	got, _ := Convert(in, ConvertOptions{})
	h, _, err := render.ArticleHTML(got, render.Embeds{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(h, "<iframe") != 1 || !strings.Contains(h, "youtube-nocookie.com/embed/dQw4w9WgXcQ") {
		t.Errorf("want one YouTube player:\n%s", h)
	}
	for _, want := range []string{"<p>Watch the meeting:</p>", "<p>Then read on.</p>", "Source:<br>\nhttps://example.org/report.pdf<br>\nEnd.", "<pre>log:\nhttps://vimeo.com/76979871\n</pre>"} {
		if !strings.Contains(h, want) {
			t.Errorf("want %q in\n%s", want, h)
		}
	}
}

// WordPress shows a post through wptexturize (the_content): its readers saw curly
// quotes, apostrophes, dashes and ellipses, never in code (pre, code, kbd, tt, style,
// script are left alone, as are tags and their attributes). The imported story shows
// the same text, as a Broadsheet story's Markdown gets the same typography.
func TestConvertGivesWordPressTypography(t *testing.T) {
	in := `"We've been coming here for 40 years," said Mary O'Brien -- she's 72...` + "\n\n" +
		`<a href="/x?a='1'" title="it's">It's 'quoted'</a> and <code>don't "touch"</code>` + "\n\n" +
		"<pre>x = 'a' -- \"b\"...</pre>\n\n" + `<em>"</em>Emphasised<em>"</em>`
	got, _ := Convert(in, ConvertOptions{})
	h, _, err := render.ArticleHTML(got, render.Embeds{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<p>“We’ve been coming here for 40 years,” said Mary O’Brien – she’s 72…</p>",
		`title="it&#39;s">It’s ‘quoted’</a> and <code>don&#39;t &#34;touch&#34;</code>`,
		"<pre>x = &#39;a&#39; -- &#34;b&#34;...</pre>",
		"<em>“</em>Emphasised<em>”</em>",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("want %q in\n%s", want, h)
		}
	}
}

// WordPress.com (and Jetpack on other sites) writes videos as its own shortcodes:
// [youtube=URL] (the legacy form, with &w= and &h=), [youtube URL], [vimeo ID],
// [vimeo URL]. Its readers saw the players; left as unknown shortcodes, the story
// showed the brackets.
func TestConvertJetpackVideoShortcodes(t *testing.T) {
	in := "Watch:\n\n[youtube=http://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;w=640&amp;h=385]\n\n" +
		"[vimeo 76979871]\n\n[youtube https://youtu.be/dQw4w9WgXcQ]\n\n[vimeo https://vimeo.com/76979871]"
	got, rep := Convert(in, ConvertOptions{})
	h, _, err := render.ArticleHTML(got, render.Embeds{})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(h, "<iframe"); n != 4 || strings.Contains(h, "[") {
		t.Errorf("%d players, want 4, no shortcode left:\n%s", n, h)
	}
	if rep.Shortcodes["youtube"] != 2 || rep.Shortcodes["vimeo"] != 2 || len(rep.Unknown) != 0 {
		t.Errorf("report %+v", rep)
	}
}
