package render

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"broadsheet/internal/news"

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
	name string // the tag's name, lower case
	// notMarkup for text; startTag or endTag for a tag; otherMarkup for an HTML
	// comment, a declaration or a processing instruction, shown as written.
	kind markupKind
	raw  bool // the content of a script, style, textarea…: left to the policy as it is
}

// splitComment cuts a comment into text and tags as the page will read them. A '<' is a
// tag when it begins a tag of an allowed element (commentTags) written as CommonMark
// writes raw HTML (wellFormedTag), or a tag of another element of HTML as a browser
// reads it, which CheckCommentHTML refuses and the policy removes. Markup that is no
// tag ("<!-- x -->", "<?php … ?>") is a piece of its own, which Comment shows as written.
// Any other '<' is text: "price<limit", "<limit>", "J<aime bien", "a<3", "x < y > z",
// "a<b && c>d". The reading costs at most 32 steps a byte.
func splitComment(body string) []commentPiece {
	z := newMarkupScanner(body, 32*len(body)+4096)
	// Each '<' makes at most a text and a tag, but for the content of a script or a
	// style: made once, the slice costs its length, where growing by appends cost five
	// times it (Go grows a large slice by a quarter).
	pieces := make([]commentPiece, 0, 2*strings.Count(body, "<")+1)
	last := 0
	for i := strings.IndexByte(body, '<'); i >= 0 && !z.exhausted(); {
		kind, name, end := z.scan(i)
		isTag := kind == startTag || kind == endTag
		switch {
		case isTag && (commentTags[name] && wellFormedTag.MatchString(body[i:end]) || !commentTags[name] && isHTMLElement(name)):
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
		case kind == otherMarkup:
			if last < i {
				pieces = append(pieces, commentPiece{text: body[last:i]})
			}
			pieces = append(pieces, commentPiece{text: body[i:end], kind: otherMarkup})
			last = end
		default:
			end = i + 1
		}
		i = indexFrom(body, end, '<')
	}
	if last < len(body) {
		pieces = append(pieces, commentPiece{text: body[last:]})
	}
	return pieces
}

// CheckCommentHTML refuses, with a *CommentError that says why in the commenter's
// words, a comment that:
//   - uses a tag of an HTML element a commenter may not use (a script, a frame, a form,
//     an image…), naming the tag, so that the commenter learns why rather than seeing it
//     silently removed. A '<' that begins no tag of an HTML element is text and is never
//     refused: Comment shows it as written;
//   - holds a character reference to a code point HTML forbids ("&#29;", "&#x0B;",
//     "&#129;": controls but tab, line feed and carriage return, and noncharacters; see
//     news.ForbiddenRune), as raw control characters are refused;
//   - nests quotations, or tags inside a paragraph, more than 32 deep.
func CheckCommentHTML(body string) error {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	pieces := splitComment(body)
	for _, p := range pieces {
		if p.kind == startTag && !commentTags[p.name] {
			return &CommentError{Reason: fmt.Sprintf("The <%s> tag is not allowed in comments. You may use: a, abbr, b, blockquote, cite, code, del, em, i, q, s, strong.", p.name)}
		}
	}
	if ref, r, ok := forbiddenReference(body); ok {
		kind := "an invisible control character"
		if r >= 0xfdd0 {
			kind = "a code point that is no character (a noncharacter)"
		}
		return &CommentError{Reason: fmt.Sprintf("Your comment holds %s, which stands for %U, %s that no page can show. Please remove it and send your comment again.", ref, r, kind)}
	}
	if buildComment(pieces).tooDeep {
		return &CommentError{Reason: fmt.Sprintf("Your comment puts quotations or tags more than %d deep inside one another. Please simplify it and send it again.", maxCommentNesting)}
	}
	return nil
}

// forbiddenReference finds the first numeric character reference in s that a browser
// reads as a code point HTML forbids (news.ForbiddenRune), decoded as HTML decodes it
// (with or without its ';', "&#128;" to "€" as Windows-1252 has it; golang.org/x/net/html
// follows WHATWG HTML §13.2.5.80). Named references never stand for one.
func forbiddenReference(s string) (ref string, r rune, ok bool) {
	for i := strings.Index(s, "&#"); i >= 0; {
		j := i + 2
		if j < len(s) && (s[j] == 'x' || s[j] == 'X') {
			j++
			for j < len(s) && isHex(s[j]) {
				j++
			}
		} else {
			for j < len(s) && '0' <= s[j] && s[j] <= '9' {
				j++
			}
		}
		if j < len(s) && s[j] == ';' {
			j++
		}
		for _, d := range xhtml.UnescapeString(s[i:j]) {
			if news.ForbiddenRune(d) {
				return s[i:j], d, true
			}
		}
		k := strings.Index(s[j:], "&#")
		if k < 0 {
			break
		}
		i = j + k
	}
	return "", 0, false
}

// wellFormedTag is a whole start or end tag as CommonMark defines raw HTML (spec
// 0.31, §6.6): attribute names of letters, digits and _.:-, values quoted or without
// quotes, '=', '<', '>' or '`'. Browsers read more as tags ("<b && c>" is a <b>), but a
// commenter who writes that means text.
var wellFormedTag = regexp.MustCompile(`^(?:<[A-Za-z][A-Za-z0-9-]*(?:[ \t\r\n]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t\r\n]*=[ \t\r\n]*(?:[^"'=<>` + "`" + `\x00-\x20]+|'[^']*'|"[^"]*"))?)*[ \t\r\n]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t\r\n]*>)$`)

// bareURLs returns where the bare web addresses of comment text are, as GitHub's
// autolinker finds them (GitHub Flavored Markdown, "Autolinks (extension)"): from
// "http://" or "https://" to white space, '<', '>' or a quote, without the punctuation
// that ends a sentence (? ! . , : ; * _ ~), nor a closing parenthesis or bracket that
// closes none opened in the address: "https://example.com/a_(b)" is whole, the ')' of
// "(see https://example.com/a)" is not part of it.
func bareURLs(text string) [][2]int {
	var found [][2]int
	for _, m := range bareURLStart.FindAllStringIndex(text, -1) {
		s, e := m[0], m[1]
		u := text[s:e]
		parens := strings.Count(u, "(") - strings.Count(u, ")")
		brackets := strings.Count(u, "[") - strings.Count(u, "]")
		for e > s {
			switch c := text[e-1]; {
			case strings.IndexByte("?!.,:;*_~", c) >= 0:
			case c == ')' && parens < 0:
				parens++
			case c == ']' && brackets < 0:
				brackets++
			default:
				goto cut
			}
			e--
		}
	cut:
		// Nothing is left past "://" only when the address was all punctuation.
		if e > s+strings.Index(u, "://")+3 {
			found = append(found, [2]int{s, e})
		}
	}
	return found
}

var bareURLStart = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"']+`)

// CountLinks counts the links in a comment as Comment will show them: its anchors and
// the bare web addresses outside them (in code too, where they are not made links).
func CountLinks(body string) int {
	b := buildComment(splitComment(strings.ReplaceAll(body, "\r\n", "\n")))
	return b.anchors + b.addresses
}

// Comment renders a comment's text as WordPress shows one (wpautop, wptexturize,
// make_clickable): paragraphs from blank lines, line breaks kept, bare web addresses
// made links, curly quotes and dashes, every link marked rel="nofollow ugc", then the
// comment policy. A '<' that begins no tag (see CheckCommentHTML) is shown as text, and
// an HTML comment ("<!-- x -->") as written. Text inside <code> is left as written: no
// typography and no links, and a blank line in it does not end it.
//
// The HTML is balanced and well nested (see balance), so that nothing a commenter
// writes reaches past the comment: a quotation (<blockquote>) is never put inside a
// paragraph and has paragraphs of its own; <p> ends the paragraph before it; a tag left
// open ends with its paragraph, quotation or comment; a link started inside a link ends
// the first; a code point HTML forbids, written as a character reference, is removed.
func Comment(body string) string {
	b := buildComment(splitComment(strings.ReplaceAll(body, "\r\n", "\n")))
	out, _ := balance(commentPolicy.Sanitize(b.out.String()), balanceOptions{rel: "nofollow ugc", flatten: true})
	return out
}

// maxCommentNesting is how deep quotations may sit in one another, and tags inside one
// paragraph; deeper ones are dropped (CheckCommentHTML refuses them).
const maxCommentNesting = 32

// commentBlock are the tags of commentTags that are no part of a paragraph's text.
var commentBlock = map[string]bool{"blockquote": true, "p": true, "br": true}

// commentBuilder writes a comment's pieces as paragraphs: each paragraph is a <p> of
// the top level or of a quotation, and every element a commenter opens inside one is
// closed, in order, before it ends.
type commentBuilder struct {
	out     strings.Builder
	quotes  int            // quotations open
	inP     bool           // a paragraph is open
	inline  []commentPiece // the elements open in the paragraph, outermost first
	space   []byte         // white space after the paragraph's text so far: written if more follows
	prev    rune           // the character before the next text, for typography (' ' at a paragraph's start)
	tooDeep bool           // a tag was dropped for maxCommentNesting

	anchors, addresses int // for CountLinks
}

// buildComment writes the pieces of a comment (CRLF already made LF).
func buildComment(pieces []commentPiece) *commentBuilder {
	b := &commentBuilder{prev: ' '}
	// The character after each piece, across the inline tags that follow it, so that a
	// quote before a tag turns the right way: "\"<b>hi</b>\"" is “hi”.
	next := make([]rune, len(pieces))
	r := ' '
	for i := len(pieces) - 1; i >= 0; i-- {
		next[i] = r
		switch p := pieces[i]; {
		case p.kind == notMarkup && !p.raw && p.text != "" || p.kind == otherMarkup:
			r, _ = utf8.DecodeRuneInString(p.text)
		case (p.kind == startTag || p.kind == endTag) && !commentBlock[p.name]:
		default:
			r = ' '
		}
	}
	for i, p := range pieces {
		if p.name == "strike" && p.kind != notMarkup {
			// WordPress allows <strike>, which HTML no longer has: <s> shows the same.
			p.name, p.text = "s", "<s>"
			if p.kind == endTag {
				p.text = "</s>"
			}
		}
		switch {
		case p.raw, p.kind != notMarkup && p.kind != otherMarkup && !commentTags[p.name]:
			// Not shown: the policy removes these tags (and a script's or style's content).
			b.out.WriteString(p.text)
		case p.kind == otherMarkup:
			b.verbatim(p.text)
		case p.kind == notMarkup:
			b.text(p.text, next[i])
		case p.kind == startTag || p.name == "br":
			b.start(p)
		default:
			b.end(p)
		}
	}
	b.closeP()
	for ; b.quotes > 0; b.quotes-- {
		b.out.WriteString("</blockquote>\n")
	}
	return b
}

func (b *commentBuilder) openP() {
	b.out.WriteString("<p>")
	b.inP, b.prev, b.space = true, ' ', b.space[:0]
}

// closeP ends the open paragraph, and every element open in it; white space at its end
// is dropped.
func (b *commentBuilder) closeP() {
	if !b.inP {
		return
	}
	b.closeInline(0)
	b.out.WriteString("</p>\n")
	b.inP, b.prev, b.space = false, ' ', b.space[:0]
}

// closeInline ends the open elements of the paragraph from the i-th on.
func (b *commentBuilder) closeInline(i int) {
	for k := len(b.inline) - 1; k >= i; k-- {
		b.out.WriteString("</" + b.inline[k].name + ">")
	}
	b.inline = b.inline[:i]
}

func (b *commentBuilder) open(name string) int {
	for i := len(b.inline) - 1; i >= 0; i-- {
		if b.inline[i].name == name {
			return i
		}
	}
	return -1
}

// flushSpace writes the white space held back, now that something follows it.
func (b *commentBuilder) flushSpace() {
	if len(b.space) > 0 {
		b.out.WriteString(strings.ReplaceAll(string(b.space), "\n", "<br>\n"))
		b.space = b.space[:0]
	}
}

func (b *commentBuilder) start(p commentPiece) {
	switch p.name {
	case "blockquote":
		b.closeP()
		if b.quotes >= maxCommentNesting {
			b.tooDeep = true
			return
		}
		b.quotes++
		b.out.WriteString(p.text)
	case "p":
		b.closeP()
		b.openP()
	case "br": // and "</br>", which browsers read as <br>
		if !b.inP {
			b.openP()
		}
		b.flushSpace()
		b.out.WriteString("<br>")
		b.prev = ' '
	default:
		if !b.inP {
			b.openP()
		}
		if p.name == "a" {
			// A link inside a link ends the first, as browsers read it.
			if i := b.open("a"); i >= 0 {
				b.flushSpace()
				b.closeInline(i)
			}
		}
		if len(b.inline) >= maxCommentNesting {
			b.tooDeep = true
			return
		}
		b.flushSpace()
		b.out.WriteString(p.text)
		b.inline = append(b.inline, p)
		if p.name == "a" {
			b.anchors++
		}
	}
}

func (b *commentBuilder) end(p commentPiece) {
	switch p.name {
	case "blockquote":
		if b.quotes > 0 {
			b.closeP()
			b.out.WriteString("</blockquote>\n")
			b.quotes--
		}
	case "p":
		b.closeP()
	default:
		// An end tag closes its element and every element opened inside it; one that
		// closes nothing open is dropped.
		if i := b.open(p.name); i >= 0 {
			b.flushSpace()
			b.closeInline(i)
		}
	}
}

// text writes comment text: paragraphs cut at its blank lines (not inside code), white
// space at a paragraph's ends dropped.
func (b *commentBuilder) text(s string, next rune) {
	for s != "" {
		if !b.inP {
			if s = strings.TrimLeftFunc(s, unicode.IsSpace); s == "" {
				return
			}
			b.openP()
		}
		if b.open("code") >= 0 {
			b.write(s, next)
			return
		}
		start, end, ok := blankLine(s)
		if !ok {
			b.write(s, next)
			return
		}
		b.write(s[:start], '\n')
		b.closeP()
		s = s[end:]
	}
}

// blankLine finds the first blank line of s as the regular expression \n\s*\n finds it
// (\s being [\t\n\f\r ]): from a line feed over white space to the last line feed of
// that white space; ok false when s has none. It reads s up to the blank line once: the
// regular expression's backtracker cleared a bitmap of the whole rest of the comment for
// each paragraph, work that grew with the square of a comment of many short paragraphs.
func blankLine(s string) (start, end int, ok bool) {
	for i := strings.IndexByte(s, '\n'); i >= 0; {
		j, last := i+1, -1
		for ; j < len(s) && isREspace(s[j]); j++ {
			if s[j] == '\n' {
				last = j
			}
		}
		if last >= 0 {
			return i, last + 1, true
		}
		k := strings.IndexByte(s[j:], '\n')
		if k < 0 {
			break
		}
		i = j + k
	}
	return 0, 0, false
}

// isREspace is \s of Go's regular expressions (Perl's): [\t\n\f\r ].
func isREspace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// write writes text of the open paragraph, holding back its trailing white space:
// inside code as written; inside a link with typography; elsewhere with typography and
// its bare web addresses made links. Line breaks become <br>.
func (b *commentBuilder) write(s string, next rune) {
	body := strings.TrimRightFunc(s, unicode.IsSpace)
	trail := s[len(body):]
	if body != "" {
		if trail != "" {
			next, _ = utf8.DecodeRuneInString(trail)
		}
		var t string
		switch {
		case b.open("code") >= 0:
			b.addresses += len(bareURLs(body))
			t = escapeLT(body)
		case b.open("a") >= 0:
			t = escapeLT(smartenAround(b.prev, body, next))
		default:
			t = b.linkBareURLs(body, next)
		}
		b.flushSpace()
		b.out.WriteString(strings.ReplaceAll(t, "\n", "<br>\n"))
		b.prev, _ = utf8.DecodeLastRuneInString(body)
	}
	b.space = append(b.space, trail...)
}

// verbatim writes markup that is no tag ("<!-- x -->") as the text it was typed as.
func (b *commentBuilder) verbatim(s string) {
	if !b.inP {
		b.openP()
	}
	b.flushSpace()
	if b.open("a") < 0 {
		b.addresses += len(bareURLs(s))
	}
	b.out.WriteString(strings.ReplaceAll(escapeLT(s), "\n", "<br>\n"))
	b.prev, _ = utf8.DecodeLastRuneInString(s)
}

// linkBareURLs makes links of the web addresses in comment text and gives the rest of
// it the typography of article text, its '<' written as text. The addresses hold no
// '<', '>' or quote (bareURLs).
func (b *commentBuilder) linkBareURLs(text string, next rune) string {
	var out strings.Builder
	last, prev := 0, b.prev
	for _, m := range bareURLs(text) {
		out.WriteString(escapeLT(smartenAround(prev, text[last:m[0]], 'h')))
		u := text[m[0]:m[1]]
		out.WriteString(`<a href="` + u + `">` + u + `</a>`)
		b.addresses++
		last = m[1]
		prev, _ = utf8.DecodeLastRuneInString(u)
	}
	out.WriteString(escapeLT(smartenAround(prev, text[last:], next)))
	return out.String()
}

// escapeLT writes the '<' of comment text as text. The rest is left as typed: entities
// a commenter writes ("&eacute;") are read as entities, as WordPress reads them.
func escapeLT(s string) string { return strings.ReplaceAll(s, "<", "&lt;") }
