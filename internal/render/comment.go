package render

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	xhtml "golang.org/x/net/html"
)

// commentTags are the tags a commenter may use, as WordPress allows by default
// (wp-includes/kses.php, $allowedtags).
var commentTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "blockquote": true, "br": true, "cite": true,
	"code": true, "del": true, "em": true, "i": true, "p": true, "q": true, "s": true,
	"strike": true, "strong": true,
}

// CommentError says why a comment's text was refused.
type CommentError struct{ Reason string }

func (e *CommentError) Error() string { return e.Reason }

// commentPiece is a run of a comment's text, or one tag of it.
type commentPiece struct {
	text string
	kind markupKind // notMarkup for text; startTag or endTag for a tag
	name string     // the tag's name, lower case
	raw  bool       // the content of a script, style, textarea…: left to the policy as it is
}

// splitComment cuts a comment into text and tags as the page will read them. A '<' is a
// tag when it begins a tag of an allowed element (commentTags) written as CommonMark
// writes raw HTML (wellFormedTag), or a tag of another element of HTML as a browser
// reads it, which CheckCommentHTML refuses and the policy removes. Any other '<' is
// text: "price<limit", "<limit>", "J<aime bien", "a<3", "x < y > z", "a<b && c>d",
// "<!-- -->". The reading costs at most 32 steps a byte.
func splitComment(body string) []commentPiece {
	z := newMarkupScanner(body, 32*len(body)+4096)
	var pieces []commentPiece
	last := 0
	for i := strings.IndexByte(body, '<'); i >= 0 && !z.exhausted(); {
		kind, name, end := z.scan(i)
		isTag := kind == startTag || kind == endTag
		if isTag && (commentTags[name] && wellFormedTag.MatchString(body[i:end]) || !commentTags[name] && isHTMLElement(name)) {
			if last < i {
				pieces = append(pieces, commentPiece{text: body[last:i]})
			}
			pieces = append(pieces, commentPiece{text: body[i:end], kind: kind, name: name})
			last = end
			if kind == startTag {
				if e, raw := rawTextEnd(body, end, name); raw {
					if end < e {
						pieces = append(pieces, commentPiece{text: body[end:e], raw: true})
					}
					last, end = e, e
				}
			}
		} else {
			end = i + 1
		}
		i = indexFrom(body, end, '<')
	}
	if last < len(body) {
		pieces = append(pieces, commentPiece{text: body[last:]})
	}
	return pieces
}

// CheckCommentHTML refuses a comment that uses a tag of an HTML element a commenter may
// not use (a script, a frame, a form, an image…), naming the tag, so that the commenter
// learns why rather than seeing it silently removed. A '<' that begins no tag of an HTML
// element is text and is never refused: Comment shows it as written.
func CheckCommentHTML(body string) error {
	for _, p := range splitComment(strings.ReplaceAll(body, "\r\n", "\n")) {
		if p.kind == startTag && !commentTags[p.name] {
			return &CommentError{Reason: fmt.Sprintf("The <%s> tag is not allowed in comments. You may use: a, abbr, b, blockquote, cite, code, del, em, i, q, s, strong.", p.name)}
		}
	}
	return nil
}

// wellFormedTag is a whole start or end tag as CommonMark defines raw HTML (spec
// 0.31, §6.6): attribute names of letters, digits and _.:-, values quoted or without
// quotes, '=', '<', '>' or '`'. Browsers read more as tags ("<b && c>" is a <b>), but a
// commenter who writes that means text.
var wellFormedTag = regexp.MustCompile(`^(?:<[A-Za-z][A-Za-z0-9-]*(?:[ \t\r\n]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t\r\n]*=[ \t\r\n]*(?:[^"'=<>` + "`" + `\x00-\x20]+|'[^']*'|"[^"]*"))?)*[ \t\r\n]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t\r\n]*>)$`)

var bareURL = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"']+[^\s<>"'.,;:!?)\]]`)

// CountLinks counts the links in a comment as Comment will show them: its anchors and
// the bare web addresses outside them (in code too, where they are not made links).
func CountLinks(body string) int {
	n, inAnchor := 0, 0
	for _, p := range splitComment(body) {
		switch {
		case p.kind == startTag && p.name == "a":
			n++
			inAnchor++
		case p.kind == endTag && p.name == "a" && inAnchor > 0:
			inAnchor--
		case p.kind == notMarkup && !p.raw && inAnchor == 0:
			n += len(bareURL.FindAllStringIndex(p.text, -1))
		}
	}
	return n
}

var blankLine = regexp.MustCompile(`\n\s*\n`)

// Comment renders a comment's text: paragraphs from blank lines, line breaks kept, bare
// web addresses made links, curly quotes and dashes, every link marked
// rel="nofollow ugc", then the comment policy. A '<' that begins no tag (see
// CheckCommentHTML) is shown as text. Text inside <code> is left as written: no
// typography and no links, as WordPress leaves it (wptexturize, make_clickable).
func Comment(body string) string {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	// Paragraphs of pieces, cut at the blank lines of the text (not inside tags).
	paras := [][]commentPiece{nil}
	for _, p := range splitComment(body) {
		if p.kind != notMarkup || p.raw {
			paras[len(paras)-1] = append(paras[len(paras)-1], p)
			continue
		}
		for i, part := range blankLine.Split(p.text, -1) {
			if i > 0 {
				paras = append(paras, nil)
			}
			paras[len(paras)-1] = append(paras[len(paras)-1], commentPiece{text: part})
		}
	}
	var out strings.Builder
	inAnchor, inCode := 0, 0
	for _, para := range paras {
		if len(para) > 0 && para[0].kind == notMarkup && !para[0].raw {
			para[0].text = strings.TrimLeftFunc(para[0].text, unicode.IsSpace)
		}
		if k := len(para) - 1; k >= 0 && para[k].kind == notMarkup && !para[k].raw {
			para[k].text = strings.TrimRightFunc(para[k].text, unicode.IsSpace)
		}
		empty := true
		for _, p := range para {
			empty = empty && p.text == ""
		}
		if empty {
			continue
		}
		out.WriteString("<p>")
		for _, p := range para {
			switch {
			case p.raw:
				out.WriteString(p.text)
			case p.kind != notMarkup:
				out.WriteString(p.text)
				delta := 1
				if p.kind == endTag {
					delta = -1
				}
				switch p.name {
				case "a":
					inAnchor = max(0, inAnchor+delta)
				case "code":
					inCode = max(0, inCode+delta)
				}
			default:
				var t string
				switch {
				case inCode > 0:
					t = escapeLT(p.text)
				case inAnchor > 0:
					t = escapeLT(smarten(p.text))
				default:
					t = linkBareURLs(p.text)
				}
				out.WriteString(strings.ReplaceAll(t, "\n", "<br>\n"))
			}
		}
		out.WriteString("</p>\n")
	}
	return markLinks(commentPolicy.Sanitize(out.String()), "nofollow ugc")
}

// linkBareURLs makes links of the web addresses in comment text and gives the rest of
// it the typography of article text, its '<' written as text. The addresses hold no
// '<', '>' or quote (bareURL).
func linkBareURLs(text string) string {
	var out strings.Builder
	last := 0
	for _, m := range bareURL.FindAllStringIndex(text, -1) {
		out.WriteString(escapeLT(smarten(text[last:m[0]])))
		u := text[m[0]:m[1]]
		out.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	out.WriteString(escapeLT(smarten(text[last:])))
	return out.String()
}

// escapeLT writes the '<' of comment text as text. The rest is left as typed: entities
// a commenter writes ("&eacute;") are read as entities, as WordPress reads them.
func escapeLT(s string) string { return strings.ReplaceAll(s, "<", "&lt;") }

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
