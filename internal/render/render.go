// Package render turns what people write into safe HTML: article Markdown through
// goldmark, comments from plain text with a few tags, every result through a bluemonday
// policy. It also holds the small text tools the pages need (typography, excerpts).
package render

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	goldhtml "github.com/yuin/goldmark/renderer/html"
	xhtml "golang.org/x/net/html"
)

var (
	markdown = goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// Raw HTML is let through goldmark so that imported and embedded markup
		// survives; the article policy below decides what of it is kept.
		goldmark.WithRendererOptions(goldhtml.WithUnsafe()),
	)
	articlePolicy = newArticlePolicy()
	commentPolicy = newCommentPolicy()
	stripPolicy   = bluemonday.StrictPolicy()
)

func newArticlePolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowElements("figure", "figcaption", "picture", "mark", "small", "time", "aside")
	p.AllowAttrs("datetime").OnElements("time")
	p.AllowAttrs("srcset", "sizes", "loading", "width", "height").OnElements("img")
	p.AllowAttrs("srcset", "sizes", "media", "type").OnElements("source")
	p.AllowElements("source")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\w-]{1,100}$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(footnote[\w-]*|language-[\w+-]+)$`)).OnElements("a", "div", "ol", "li", "sup", "section", "hr", "code")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-[a-z]+$`)).OnElements("a", "section", "div")
	p.RequireNoFollowOnFullyQualifiedLinks(false)
	p.RequireNoFollowOnLinks(false)
	return p
}

// commentTags are the tags a commenter may use, as WordPress allows by default.
var commentTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "blockquote": true, "br": true, "cite": true,
	"code": true, "del": true, "em": true, "i": true, "p": true, "q": true, "s": true,
	"strike": true, "strong": true,
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
	return p
}

// Markdown renders article Markdown to sanitised HTML with curly quotes, dashes and
// ellipses.
func Markdown(src string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return articlePolicy.Sanitize(buf.String()), nil
}

// SanitizeArticleHTML applies the article policy to HTML that did not come from our
// Markdown (imports from other systems).
func SanitizeArticleHTML(s string) string { return articlePolicy.Sanitize(s) }

// CommentError says why a comment's text was refused.
type CommentError struct{ Reason string }

func (e *CommentError) Error() string { return e.Reason }

// CheckCommentHTML refuses a comment that uses HTML a commenter may not use (a script,
// a frame, a form, …), naming the tag, so that the commenter learns why rather than
// seeing it silently removed.
func CheckCommentHTML(body string) error {
	z := xhtml.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return nil
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			if tag := string(name); !commentTags[tag] {
				return &CommentError{Reason: fmt.Sprintf("The <%s> tag is not allowed in comments. You may use: a, abbr, b, blockquote, cite, code, del, em, i, q, s, strong.", tag)}
			}
		}
	}
}

var bareURL = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"']+[^\s<>"'.,;:!?)\]]`)

// CountLinks counts the links in a comment: anchors and bare web addresses.
func CountLinks(body string) int {
	anchors := strings.Count(strings.ToLower(body), "<a ")
	bare := len(bareURL.FindAllStringIndex(stripTagsKeepText(body), -1))
	return anchors + bare
}

var (
	anchorOpen = regexp.MustCompile(`(?is)<a\s[^>]*>`)
	blankLine  = regexp.MustCompile(`\n\s*\n`)
)

// stripTagsKeepText empties anchors' opening tags so that an href is not counted twice.
func stripTagsKeepText(s string) string { return anchorOpen.ReplaceAllString(s, "<a>") }

// Comment renders a comment's text: paragraphs from blank lines, line breaks kept, bare
// web addresses made links, every link marked rel="nofollow ugc", then the comment policy.
func Comment(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	var out strings.Builder
	for _, para := range blankLine.Split(strings.TrimSpace(body), -1) {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		out.WriteString("<p>")
		out.WriteString(strings.ReplaceAll(autolink(para), "\n", "<br>\n"))
		out.WriteString("</p>\n")
	}
	return markLinks(commentPolicy.Sanitize(out.String()), "nofollow ugc")
}

// autolink wraps bare web addresses outside anchors in links and smartens the text.
func autolink(s string) string {
	var out strings.Builder
	inAnchor := 0
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return out.String()
		}
		raw := string(z.Raw())
		switch tt {
		case xhtml.StartTagToken:
			if name, _ := z.TagName(); string(name) == "a" {
				inAnchor++
			}
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && inAnchor > 0 {
				inAnchor--
			}
		case xhtml.TextToken:
			if inAnchor == 0 {
				raw = linkBareURLs(raw)
			} else {
				raw = smarten(raw)
			}
		}
		out.WriteString(raw)
	}
}

// linkBareURLs makes links of the web addresses in text and gives the rest of it the
// typography of article text.
func linkBareURLs(text string) string {
	var out strings.Builder
	last := 0
	for _, m := range bareURL.FindAllStringIndex(text, -1) {
		out.WriteString(smarten(text[last:m[0]]))
		u := text[m[0]:m[1]]
		out.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	out.WriteString(smarten(text[last:]))
	return out.String()
}

// markLinks sets rel on every anchor of sanitised HTML.
func markLinks(s, rel string) string {
	if !strings.Contains(s, "<a ") {
		return s
	}
	var out strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return out.String()
		}
		if tt == xhtml.StartTagToken {
			if tok := z.Token(); tok.Data == "a" {
				attrs := tok.Attr[:0]
				for _, a := range tok.Attr {
					if a.Key != "rel" {
						attrs = append(attrs, a)
					}
				}
				tok.Attr = append(attrs, xhtml.Attribute{Key: "rel", Val: rel})
				out.WriteString(tok.String())
				continue
			}
		}
		out.Write(z.Raw())
	}
}

// PlainText returns the text of an HTML fragment, tags removed and entities decoded,
// with white space folded.
func PlainText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(stripPolicy.Sanitize(s))), " ")
}

// Excerpt cuts text to at most max characters at a word boundary and adds an ellipsis
// when it cut anything.
func Excerpt(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	runes := []rune(text)
	cut := max
	for cut > 0 && !unicode.IsSpace(runes[cut]) {
		cut--
	}
	if cut == 0 { // one long word: cut inside it
		cut = max
	}
	return strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '?' && r != '!' && r != '’' && r != '”'
	}) + "…"
}

// smartenCache keeps the results for short strings (titles, names), which recur on
// every page; it stops growing at smartenCacheMax entries.
var (
	smartenCache     sync.Map
	smartenCacheSize atomic.Int64
)

const smartenCacheMax = 50000

// Smarten gives plain text (headlines, standfirsts) the typography of the body: curly
// quotes and apostrophes, en and em dashes, and ellipses.
func Smarten(s string) string {
	if len(s) >= 200 {
		return smarten(s)
	}
	if v, ok := smartenCache.Load(s); ok {
		return v.(string)
	}
	out := smarten(s)
	if smartenCacheSize.Load() < smartenCacheMax {
		if _, loaded := smartenCache.LoadOrStore(s, out); !loaded {
			smartenCacheSize.Add(1)
		}
	}
	return out
}

func smarten(s string) string {
	if !strings.ContainsAny(s, "'\"-.") {
		return s
	}
	s = strings.ReplaceAll(s, "...", "…")
	s = strings.ReplaceAll(s, "---", "—")
	s = strings.ReplaceAll(s, " -- ", " – ")
	s = strings.ReplaceAll(s, "--", "–")
	s = strings.ReplaceAll(s, " - ", " – ")
	runes := []rune(s)
	var b strings.Builder
	for i, r := range runes {
		var prev, next rune = ' ', ' '
		if i > 0 {
			prev = runes[i-1]
		}
		if i+1 < len(runes) {
			next = runes[i+1]
		}
		opening := unicode.IsSpace(prev) || strings.ContainsRune("([{“‘—–-/", prev)
		switch r {
		case '"':
			if opening && !unicode.IsSpace(next) {
				b.WriteRune('“')
			} else {
				b.WriteRune('”')
			}
		case '\'':
			switch {
			case unicode.IsLetter(prev) || unicode.IsDigit(prev):
				b.WriteRune('’') // apostrophe: don't, Reuters'
			case opening && unicode.IsDigit(next):
				b.WriteRune('’') // '90s
			case opening && !unicode.IsSpace(next):
				b.WriteRune('‘')
			default:
				b.WriteRune('’')
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
