// Package render turns what people write into safe HTML: article Markdown through
// goldmark (markdown.go, with bounded cost), comments from plain text with a few tags
// (comment.go), every result through a bluemonday policy whose links must have a valid
// host (weburl.go), and then through balance (balance.go), which makes it a balanced,
// well-nested fragment free of the code points HTML forbids, that nothing after it in a
// page can be affected by. It also holds the small text tools the pages need (text.go:
// typography, plain text and excerpts).
package render

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

var (
	articlePolicy = newArticlePolicy()
	commentPolicy = newCommentPolicy()
	stripPolicy   = bluemonday.StrictPolicy()
)

func newArticlePolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowElements("figure", "figcaption", "picture", "mark", "small", "time", "aside", "kbd", "samp")
	p.AllowAttrs("datetime").OnElements("time")
	p.AllowAttrs("srcset", "sizes", "loading", "width", "height").OnElements("img")
	p.AllowAttrs("srcset", "sizes", "media", "type").OnElements("source")
	p.AllowElements("source")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\w-]{1,100}$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(footnote[\w-]*|language-[\w+-]+)$`)).OnElements("a", "div", "ol", "li", "sup", "section", "hr", "code")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-[a-z]+$`)).OnElements("a", "section", "div")
	// Embeds (embed.go): prepareArticle has rebuilt every iframe before the policy reads
	// it, and balance checks each again against the embeds allowed; the policy keeps
	// only the attributes an embed is written with.
	p.AllowElements("iframe")
	p.AllowAttrs("src").Matching(regexp.MustCompile(`^https://[a-z0-9.-]+/`)).OnElements("iframe")
	p.AllowAttrs("title").OnElements("iframe")
	p.AllowAttrs("width", "height").Matching(regexp.MustCompile(`^[0-9]{1,4}$`)).OnElements("iframe")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("iframe")
	p.AllowAttrs("sandbox").Matching(regexp.MustCompile(`^` + embedSandbox + `$`)).OnElements("iframe")
	p.AllowAttrs("referrerpolicy").Matching(regexp.MustCompile(`^` + embedReferrerPolicy + `$`)).OnElements("iframe")
	p.AllowAttrs("allow").Matching(regexp.MustCompile(`^` + embedAllow + `$`)).OnElements("iframe")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^embed embed-[a-z]+ embed-[a-z0-9-]+$`)).OnElements("figure")
	p.RequireNoFollowOnFullyQualifiedLinks(false)
	p.RequireNoFollowOnLinks(false)
	requireValidHosts(p)
	return p
}

func newCommentPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	for t := range commentTags {
		p.AllowElements(t)
	}
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("abbr", "a")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	requireValidHosts(p)
	return p
}

// SanitizeArticleHTML applies the article policy to HTML that did not come from our
// Markdown (imports from other systems). Unlike Markdown, it leaves tags of no HTML
// element to the policy, which removes them and keeps their text, as a browser shows
// such HTML. The result is balanced and well nested (see balance): elements left open
// are closed where a browser would end them, and elements nested deeper than 160 levels
// lose their tags (not their text).
func SanitizeArticleHTML(s string) string {
	out, _ := ArticleHTML(s, Embeds{})
	return out
}

// ArticleHTML is SanitizeArticleHTML with the site's embed hosts (e) besides the
// built-in providers, and a report of what the policy removed, for the writer (the
// admin shows it; an import may log it). Embeds are made canonical (see embed.go): an
// iframe of an allowed provider or host, or such a provider's address alone in a
// paragraph.
func ArticleHTML(s string, e Embeds) (string, *Report) {
	rep := &Report{}
	out, _ := sanitizeArticle(s, true, e, rep)
	return out, rep
}

// sanitizeArticle makes the embeds of s canonical and notes in rep what the policy is
// about to remove (prepareArticle), applies the article policy, then balances the
// result, dropping the URLs the policy cannot judge (keepURL) and every iframe that is
// not an embed e allows. It fails with errTooDeep for HTML nested deeper than
// maxHTMLDepth, unless flatten.
func sanitizeArticle(s string, flatten bool, e Embeds, rep *Report) (string, error) {
	return balance(articlePolicy.Sanitize(prepareArticle(s, e, rep)), balanceOptions{flatten: flatten, embeds: &e})
}
