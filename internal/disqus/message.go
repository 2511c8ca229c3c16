package disqus

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"broadsheet/internal/render"

	xhtml "golang.org/x/net/html"
)

// inlineTags are the tags of a Disqus message kept in the comment's text: those of
// render's comment policy (WordPress's allowed comment tags) that Disqus's editor
// writes. <u> and <span class="spoiler"> have no place there; their text stays.
var inlineTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "s": true, "strike": true, "del": true,
	"code": true, "q": true, "cite": true,
}

// dropped are the elements whose content is no part of the comment's text.
var dropped = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true, "noscript": true,
	"template": true, "textarea": true, "title": true, "svg": true, "math": true, "select": true,
}

// blocks are the elements that end a paragraph.
var blocks = map[string]bool{
	"p": true, "div": true, "ul": true, "ol": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "h5": true, "h6": true, "table": true, "tr": true, "hr": true, "pre": true,
}

// MessageText turns a Disqus message (HTML: <p>, <br>, <a>, <b>, <i>, <u>, <s>,
// <code>, <pre>, <blockquote>, <span class="spoiler">…) into the text form a comment is
// stored in, which render.Comment shows as WordPress does: paragraphs separated by a
// blank line, <br> a line break, the inline tags a commenter may type kept (a link
// with its address only, unwrapped from Disqus's disq.us redirector), every other tag
// dropped with its text kept, a script's or style's text dropped, and text escaped so
// that "&lt;b&gt;" stays text. White space is HTML's: runs are one space, but in <pre>.
func MessageText(message string) string {
	m := &messageWriter{}
	z := xhtml.NewTokenizer(strings.NewReader(message))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		tok := z.Token()
		name := tok.Data
		switch tt {
		case xhtml.TextToken:
			if m.skip == 0 {
				m.text(tok.Data)
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if dropped[name] {
				if tt == xhtml.StartTagToken {
					m.skip++
				}
				continue
			}
			if m.skip > 0 {
				continue
			}
			m.start(tok, tt == xhtml.SelfClosingTagToken)
		case xhtml.EndTagToken:
			if dropped[name] {
				if m.skip > 0 {
					m.skip--
				}
				continue
			}
			if m.skip == 0 {
				m.end(name)
			}
		}
	}
	m.closeAll()
	return strings.TrimSpace(string(m.out))
}

type messageWriter struct {
	out  []byte
	brk  int      // line breaks owed before the next text: 1 a line, 2 a paragraph
	pre  int      // <pre> open
	skip int      // dropped elements open
	open []string // kept tags open, outermost first ("" for an <a> not kept)
	// opened counts open's entries by name ("" under "a"): an end tag with none open
	// is ignored without a walk down open, so that each walk ends closing what it
	// passed and the walks cost no more than the tags opened.
	opened map[string]int
	quote  int // <blockquote> open
}

func (m *messageWriter) owe(n int) {
	// Nothing is owed at the start, nor right after a quotation opens.
	if len(m.out) > 0 && !bytes.HasSuffix(m.out, []byte("<blockquote>")) {
		m.brk = max(m.brk, n)
	}
}

// flush writes the breaks owed.
func (m *messageWriter) flush() {
	if m.brk == 0 {
		return
	}
	m.out = bytes.TrimRight(m.out, " \t") // a slice of it: no copy
	m.out = append(m.out, strings.Repeat("\n", m.brk)...)
	m.brk = 0
}

func (m *messageWriter) text(s string) {
	if m.pre == 0 {
		s = htmlSpace.ReplaceAllString(s, " ")
		if s == " " {
			// Space only: kept between words, not at a line's start.
			if n := len(m.out); n > 0 && m.brk == 0 && m.out[n-1] != '\n' && m.out[n-1] != ' ' {
				m.out = append(m.out, ' ')
			}
			return
		}
	}
	if s == "" {
		return
	}
	m.flush()
	if n := len(m.out); m.pre == 0 && (n == 0 || m.out[n-1] == '\n' || m.out[n-1] == ' ') {
		s = strings.TrimLeft(s, " ")
	}
	m.out = append(m.out, textEscaper.Replace(s)...)
}

// htmlSpace is a run of HTML's white space.
var htmlSpace = regexp.MustCompile(`[ \t\n\r\f]+`)

// textEscaper keeps text text: "&lt;b&gt;" in a message stays "<b>" shown, not a tag.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func (m *messageWriter) start(tok xhtml.Token, selfClosing bool) {
	name := tok.Data
	switch {
	case name == "br":
		m.owe(1)
		if m.brk == 0 && len(m.out) > 0 {
			m.brk = 1
		}
	case name == "blockquote":
		m.owe(2)
		m.flush()
		m.out = append(m.out, "<blockquote>"...)
		m.push("blockquote")
		m.quote++
	case blocks[name]:
		m.owe(2)
		if name == "pre" && !selfClosing {
			m.pre++
		}
	case name == "li":
		m.owe(1)
	case name == "a" && !selfClosing:
		href := ""
		for _, a := range tok.Attr {
			if a.Key == "href" {
				href = unwrapLink(a.Val)
			}
		}
		if u, err := render.NormalizeWebURL(href); err == nil && href != "" {
			m.flush()
			m.out = append(m.out, `<a href="`...)
			m.out = append(m.out, xhtml.EscapeString(u)...)
			m.out = append(m.out, `">`...)
			m.push("a")
		} else {
			m.push("")
		}
	case inlineTags[name] && !selfClosing:
		m.flush()
		m.out = append(m.out, '<')
		m.out = append(m.out, name...)
		m.out = append(m.out, '>')
		m.push(name)
	}
}

func (m *messageWriter) end(name string) {
	switch {
	case name == "blockquote" || name == "a" || inlineTags[name]:
		// The innermost open one of that name is closed, and the kept tags inside it
		// with it, so that the text stays well nested.
		for i := len(m.open) - 1; i >= 0 && m.opened[name] > 0; i-- {
			if m.open[i] == name || name == "a" && m.open[i] == "" {
				for j := len(m.open) - 1; j >= i; j-- {
					m.closeTag(m.open[j])
					m.opened[openName(m.open[j])]--
				}
				m.open = m.open[:i]
				break
			}
		}
		if name == "blockquote" {
			m.owe(2)
		}
	case blocks[name]:
		if name == "pre" && m.pre > 0 {
			m.pre--
		}
		m.owe(2)
	case name == "li":
		m.owe(1)
	}
}

// push records a kept tag opened ("" for an <a> not kept).
func (m *messageWriter) push(name string) {
	if m.opened == nil {
		m.opened = map[string]int{}
	}
	m.open = append(m.open, name)
	m.opened[openName(name)]++
}

// openName is the end tag's name that closes an entry of open.
func openName(name string) string {
	if name == "" {
		return "a"
	}
	return name
}

func (m *messageWriter) closeTag(name string) {
	if name == "" {
		return
	}
	if name == "blockquote" {
		m.brk = 0
		m.out = bytes.TrimRight(m.out, " \t\n")
		m.quote--
	}
	m.out = append(m.out, "</"...)
	m.out = append(m.out, name...)
	m.out = append(m.out, '>')
}

func (m *messageWriter) closeAll() {
	for j := len(m.open) - 1; j >= 0; j-- {
		m.closeTag(m.open[j])
	}
	m.open, m.opened = nil, nil
}

// disqusTail is what Disqus's redirector adds to the address it wraps: ":" and a
// signature.
var disqusTail = regexp.MustCompile(`:[A-Za-z0-9_-]{16,}$`)

// unwrapLink returns the address a Disqus link leads to: Disqus rewrites a
// commenter's links as https://disq.us/url?url=ADDRESS%3ASIGNATURE&cuid=N; any other
// link is returned as it is.
func unwrapLink(href string) string {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil || !strings.EqualFold(u.Hostname(), "disq.us") || u.Path != "/url" {
		return href
	}
	target := u.Query().Get("url")
	if target == "" {
		return href
	}
	return disqusTail.ReplaceAllString(target, "")
}
