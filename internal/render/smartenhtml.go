package render

import (
	"regexp"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
)

// noSmarten are the elements whose text keeps its characters as typed: WordPress's
// wptexturize leaves pre, code, kbd, style, script and tt alone (its
// no_texturize_tags); textarea holds what a form sends.
var noSmarten = map[string]bool{"pre": true, "code": true, "kbd": true, "style": true, "script": true, "tt": true, "textarea": true}

// smartenBreaks are the elements at whose edges a quote opens or closes a text of its
// own: a quote after a paragraph's start opens, one before its end closes.
var smartenBreaks = map[string]bool{"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true,
	"blockquote": true, "figure": true, "figcaption": true, "table": true, "tr": true, "td": true, "th": true, "caption": true, "hr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true, "article": true, "aside": true, "header": true,
	"footer": true, "nav": true, "details": true, "summary": true, "address": true, "img": true, "iframe": true, "video": true, "audio": true}

// SmartenHTML gives the text of an HTML fragment the typography Smarten gives plain
// text (curly quotes and apostrophes, dashes, ellipses), as WordPress's wptexturize
// did when it showed a post: tags, attributes, comments and the text inside pre,
// code, kbd, tt, style, script and textarea are left as they are. A quote takes its
// side from the text around it across inline tags ("<em>\"</em>Hi" opens), not across
// block edges. The fragment is copied token by token otherwise unchanged; the cost is
// linear in its length.
//
// For HTML written with straight typography (an imported WordPress post); Markdown and
// comments have theirs already.
func SmartenHTML(s string) string {
	if !strings.ContainsAny(s, "'\"-.") {
		return s
	}
	type token struct {
		raw  string
		text bool // text to smarten
		stop bool // a block edge or an element left alone: context ends here
	}
	var toks []token
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := map[string]int{}
	skipping := 0
	for {
		tt := z.Next()
		raw := string(z.Raw())
		if tt == xhtml.ErrorToken {
			// The end, or the end inside a tag or comment: what is left is kept.
			toks = append(toks, token{raw: raw, stop: true})
			break
		}
		switch tt {
		case xhtml.TextToken:
			toks = append(toks, token{raw: raw, text: skipping == 0})
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			n := string(name)
			stop := smartenBreaks[n]
			if noSmarten[n] {
				stop = true
				switch {
				case tt == xhtml.StartTagToken:
					skip[n]++
					skipping++
				case tt == xhtml.EndTagToken && skip[n] > 0:
					skip[n]--
					skipping--
				}
			}
			toks = append(toks, token{raw: raw, stop: stop})
		default: // comments, doctypes
			toks = append(toks, token{raw: raw})
		}
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	prev := ' '
	for i, t := range toks {
		switch {
		case t.stop:
			prev = ' '
			b.WriteString(t.raw)
		case !t.text:
			b.WriteString(t.raw)
		default:
			next := ' '
			for _, u := range toks[i+1:] {
				if u.stop {
					break
				}
				if u.text && u.raw != "" {
					next, _ = utf8.DecodeRuneInString(u.raw)
					break
				}
			}
			out := smartenText(prev, t.raw, next)
			b.WriteString(out)
			if out != "" {
				prev, _ = utf8.DecodeLastRuneInString(out)
			}
		}
	}
	return b.String()
}

// reTextAddress is a web address written in text.
var reTextAddress = regexp.MustCompile(`(?i)https?://[^\s<>"']+`)

// smartenText is smartenAround with the web addresses in s left as they are: WordPress
// made a provider's address a player before wptexturize ran, and here a bare address
// becomes a player or a link after (a YouTube ID may hold "--").
func smartenText(prev rune, s string, next rune) string {
	locs := reTextAddress.FindAllStringIndex(s, -1)
	if locs == nil {
		return smartenAround(prev, s, next)
	}
	var b strings.Builder
	i := 0
	for _, l := range locs {
		after, _ := utf8.DecodeRuneInString(s[l[0]:])
		b.WriteString(smartenAround(prev, s[i:l[0]], after))
		b.WriteString(s[l[0]:l[1]])
		prev, _ = utf8.DecodeLastRuneInString(s[l[0]:l[1]])
		i = l[1]
	}
	b.WriteString(smartenAround(prev, s[i:], next))
	return b.String()
}
