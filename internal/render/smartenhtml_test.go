package render

import "testing"

// SmartenHTML changes the typography of text only: tags, attributes, comments, code
// and a tag the fragment ends inside stay byte for byte.
func TestSmartenHTML(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`"Hi," she said -- it's 9...`, `“Hi,” she said – it’s 9…`},
		{`<a href="/x?a='1'" title="it's">It's</a>`, `<a href="/x?a='1'" title="it's">It’s</a>`},
		{`<code>don't "x"</code> <kbd>'a'</kbd> <tt>"b"</tt>`, `<code>don't "x"</code> <kbd>'a'</kbd> <tt>"b"</tt>`},
		{"<pre>'a' -- \"b\"...</pre>'c'", "<pre>'a' -- \"b\"...</pre>‘c’"},
		{`<script>var a = "it's";</script><style>q:before{content:"'"}</style>`, `<script>var a = "it's";</script><style>q:before{content:"'"}</style>`},
		{`<!-- don't "touch" -->"yes"`, `<!-- don't "touch" -->“yes”`},
		{`<em>"</em>Quoted<em>"</em>`, `<em>“</em>Quoted<em>”</em>`},
		{`<p>Ends "</p><p>"Starts</p>`, `<p>Ends ”</p><p>“Starts</p>`},
		{`"unfinished <x y='`, `“unfinished <x y='`},
		// An address in the text is one: WordPress made its players before wptexturize,
		// and a bare address here becomes one after (a YouTube ID may hold "--").
		{`<p>https://www.youtube.com/watch?v=ab--cd_efgh</p>`, `<p>https://www.youtube.com/watch?v=ab--cd_efgh</p>`},
		{`See "http://x.example/a--b...c" -- ok`, `See “http://x.example/a--b...c” – ok`},
	} {
		if got := SmartenHTML(c.in); got != c.want {
			t.Errorf("SmartenHTML(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
