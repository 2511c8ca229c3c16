// Package render turns what people write into safe HTML: article Markdown through
// goldmark (markdown.go, with bounded cost), comments from plain text with a few tags
// (comment.go), every result through a bluemonday policy whose links must have a valid
// host (weburl.go), and then through balance (balance.go), which makes it a balanced,
// well-nested fragment free of the code points HTML forbids, that nothing after it in a
// page can be affected by. It also holds the small text tools the pages need (text.go:
// typography, plain text and excerpts).
package render

import (
	"context"
	"fmt"
	"regexp"
	"time"

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
	// Players (an imported WordPress post's [audio] and [video], wxr.Convert): the
	// browser's own controls, never started by the page (no autoplay, loop or muted
	// trick), files only from https or the site itself, which the pages' CSP names in
	// media-src (internal/site). A player left with no file it may play (an http: or
	// javascript: one removed) is replaced by its fallback, the link to the file
	// (cleanTree, balance.go).
	p.AllowElements("audio", "video")
	p.AllowAttrs("controls").Matching(regexp.MustCompile(`^(|controls)$`)).OnElements("audio", "video")
	p.AllowAttrs("preload").Matching(regexp.MustCompile(`^(none|metadata|auto)$`)).OnElements("audio", "video")
	p.AllowAttrs("src").Matching(mediaURL).OnElements("audio", "video", "source")
	p.AllowAttrs("poster").Matching(mediaURL).OnElements("video")
	p.AllowAttrs("width", "height").Matching(regexp.MustCompile(`^[0-9]{1,4}$`)).OnElements("video")
	p.RequireNoFollowOnFullyQualifiedLinks(false)
	p.RequireNoFollowOnLinks(false)
	requireValidHosts(p)
	return p
}

// mediaURL is a player's file or poster: https, or a path of the site's own.
var mediaURL = regexp.MustCompile(`^(?:https://[^/\s]|/[^/\\\s])`)

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
// lose their tags (not their text). HTML that ArticleHTML refuses (longer than
// MaxMarkdownBytes) gives "".
func SanitizeArticleHTML(s string) string {
	out, _, _ := ArticleHTML(s, Embeds{})
	return out
}

// ArticleHTML is ArticleHTMLContext without a context: it always waits for its turn.
func ArticleHTML(s string, e Embeds) (string, *Report, error) {
	return ArticleHTMLContext(context.Background(), s, e)
}

// ArticleHTMLContext is SanitizeArticleHTML with the site's embed hosts (e) besides
// the built-in providers, and a report of what the policy removed, for the writer (the
// admin shows it; an import may log it). Embeds are made canonical (see embed.go): an
// iframe of an allowed provider or host, or such a provider's address alone in a
// paragraph.
//
// Its cost is bounded as a Markdown render's is: HTML longer than MaxMarkdownBytes is
// refused before any work (a *TooComplexError with LimitSize), it takes one of the
// process's render turns (waiting ends with ctx), and it stops between its steps
// (reading the embeds, the policy, balancing) when ctx ends (an error wrapping ctx's
// cause) or MaxRenderTime has passed (LimitTime).
func ArticleHTMLContext(ctx context.Context, s string, e Embeds) (string, *Report, error) {
	if len(s) > MaxMarkdownBytes {
		return "", nil, &TooComplexError{Limit: LimitSize, Size: len(s)}
	}
	select {
	case renderSlots <- struct{}{}:
	case <-ctx.Done():
		return "", nil, fmt.Errorf("sanitise article HTML: waiting for a turn: %w", context.Cause(ctx))
	}
	defer func() { <-renderSlots }()
	rep := &Report{}
	out, err := sanitizeArticle(stepBudget{ctx, time.Now().Add(MaxRenderTime), len(s)}, s, true, e, rep)
	if err != nil {
		return "", nil, err
	}
	return out, rep, nil
}

// stepBudget is what the steps after Markdown (prepareArticle, the policy, balance)
// may still spend: each is linear in its input, but a megabyte of tags takes a while,
// and none can be stopped midway, so the budget is checked between them.
type stepBudget struct {
	ctx      context.Context
	deadline time.Time
	size     int // the body's length, for the error
}

// check reports an ended ctx (wrapping its cause) or a passed deadline
// (*TooComplexError with LimitTime).
func (b stepBudget) check() error {
	if err := b.ctx.Err(); err != nil {
		return fmt.Errorf("render article: %w", context.Cause(b.ctx))
	}
	if time.Now().After(b.deadline) {
		return &TooComplexError{Limit: LimitTime, Size: b.size}
	}
	return nil
}

// sanitizeArticle makes the embeds of s canonical and notes in rep what the policy is
// about to remove (prepareArticle), applies the article policy, then balances the
// result, dropping the URLs the policy cannot judge (keepURL) and every iframe that is
// not an embed e allows. Before each step it checks b. It fails with errTooDeep for HTML
// nested deeper than maxHTMLDepth, unless flatten.
func sanitizeArticle(b stepBudget, s string, flatten bool, e Embeds, rep *Report) (string, error) {
	if err := b.check(); err != nil {
		return "", err
	}
	prepared := prepareArticle(s, e, rep)
	if err := b.check(); err != nil {
		return "", err
	}
	clean := articlePolicy.Sanitize(prepared)
	if err := b.check(); err != nil {
		return "", err
	}
	return balance(clean, balanceOptions{flatten: flatten, embeds: &e})
}
