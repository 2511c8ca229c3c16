package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"broadsheet/internal/news"
)

// What the article policy removes is told to the writer: a pasted embed code, a script
// or a form that vanished without a word looks like a bug, and the writer cannot tell
// a typo from a rule. prepareArticle reads the HTML the policy is about to clean, with
// the tokenizer the policy itself uses (golang.org/x/net/html), makes embeds canonical
// (embed.go) and notes every element the policy will drop (policyElements, found by
// asking the policy itself) and every event handler, inline style and address of a
// forbidden scheme (javascript:, data:, vbscript:, …) on an element it keeps.

// MaxEmbeds is how many embeds one body may show: each is an iframe of some 450 bytes
// made from an address of 30, so that a body of a megabyte of addresses would
// otherwise be a page of fifteen, and a reader's browser would load every player.
// Further iframes are removed (and reported); further addresses stay links.
const MaxEmbeds = 100

var tooManyEmbeds = fmt.Sprintf("an article shows at most %d embeds", MaxEmbeds)

// maxWhat bounds a removal's What, in runes.
const maxWhat = 100

// MaxReported is how many kinds of removal a Report lists; the rest are counted in More.
const MaxReported = 20

// Removal is one kind of thing the sanitiser removed from a body, in words for its
// writer: What ("an embed from evil.example"), Why ("not an allowed embed provider
// (an administrator can allow its host in Settings, under Embeds)") and how many times.
type Removal struct {
	What, Why string
	Count     int
}

// String is the removal as one sentence: "Removed an embed from evil.example: not an
// allowed embed provider (an administrator can allow its host in Settings, under Embeds)."
func (r Removal) String() string {
	s := "Removed " + r.What
	if r.Count > 1 {
		s += fmt.Sprintf(" (%d times)", r.Count)
	}
	return s + ": " + r.Why + "."
}

// Report is what the sanitiser removed from a body: at most MaxReported kinds, in the
// order first met, and More, the number of removals of further kinds.
type Report struct {
	Removed []Removal
	More    int
}

// Empty reports whether nothing was removed.
func (r *Report) Empty() bool { return r == nil || len(r.Removed) == 0 && r.More == 0 }

// Lines are the report's sentences, the last saying how many more there were.
func (r *Report) Lines() []string {
	if r == nil {
		return nil
	}
	out := make([]string, 0, len(r.Removed)+1)
	for _, x := range r.Removed {
		out = append(out, x.String())
	}
	if r.More > 0 {
		out = append(out, fmt.Sprintf("And %d more removals of other kinds.", r.More))
	}
	return out
}

func (r *Report) add(what, why string) {
	if r == nil {
		return
	}
	// What may quote the writer's text (a host name that is none, an attribute's
	// name): cut, so that the report stays short enough for the address the editor's
	// message travels in after a save (proxies refuse addresses past 8 KB).
	if utf8.RuneCountInString(what) > maxWhat {
		what = string([]rune(what)[:maxWhat]) + "…"
	}
	for i := range r.Removed {
		if r.Removed[i].What == what && r.Removed[i].Why == why {
			r.Removed[i].Count++
			return
		}
	}
	if len(r.Removed) >= MaxReported {
		r.More++
		return
	}
	r.Removed = append(r.Removed, Removal{What: what, Why: why, Count: 1})
}

// policyElements are the elements the article policy keeps (with some attributes), found
// by sanitising each element of HTML once: the report then says exactly what the policy
// does, whatever bluemonday's defaults become.
var policyElements = func() map[atom.Atom]bool {
	m := map[atom.Atom]bool{}
	for a := range htmlElements {
		name := a.String()
		for _, attrs := range []string{"", ` href="https://example.com/" src="https://example.com/a.png" title="t"`} {
			if strings.Contains(articlePolicy.Sanitize("<"+name+attrs+">x</"+name+">"), "<"+name) {
				m[a] = true
				break
			}
		}
	}
	return m
}()

// silentElements are dropped without a word: the frame of a whole document pasted in,
// whose content the policy keeps.
var silentElements = atomSet("html head body")

// skipReports are elements whose content is never shown and whose inner tags are not
// reported one by one.
var skipReports = atomSet("object applet svg math frameset select")

// elementWords names a removed element and why, by kind.
func elementWords(a atom.Atom, name string) (what, why string) {
	switch a {
	case atom.Script, atom.Noscript:
		return "a script (<" + name + ">)", "scripts cannot run in an article"
	case atom.Style, atom.Link:
		return "a style sheet (<" + name + ">)", "an article's look comes from the site's stylesheet"
	case atom.Object, atom.Embed, atom.Applet, atom.Param:
		return "a plug-in (<" + name + ">)", "plug-ins are not shown; paste the address or embed code of an allowed embed provider instead"
	case atom.Frame, atom.Frameset, atom.Noframes:
		return "a frame (<" + name + ">)", "frames are not shown; paste the address or embed code of an allowed embed provider instead"
	case atom.Form, atom.Input, atom.Button, atom.Select, atom.Textarea, atom.Option, atom.Optgroup, atom.Fieldset,
		atom.Label, atom.Output, atom.Datalist, atom.Legend, atom.Keygen, atom.Isindex:
		return "a form or a form field (<" + name + ">)", "articles cannot hold forms"
	case atom.Track, atom.Canvas:
		return "a player's part (<" + name + ">)", "only a player's files are shown (<audio> and <video> with src or <source>)"
	case atom.Svg, atom.Math:
		return "a drawing (<" + name + ">)", "inline drawings are not shown; upload the picture to the media library as an image"
	case atom.Meta, atom.Base, atom.Title, atom.Template, atom.Slot, atom.Dialog:
		return "a <" + name + "> element", "page-level markup has no place in an article"
	}
	if skipContent[a] {
		return "a <" + name + "> element and its content", "that element is not allowed in an article"
	}
	return "the tags of a <" + name + "> element", "that element is not allowed in an article; its text was kept"
}

// skipContent are the elements whose content the policy drops with them (bluemonday's
// default list).
var skipContent = atomSet("frame frameset iframe noembed noframes noscript object script style title")

// addressAttrs are the attributes that hold an address.
var addressAttrs = map[string]bool{"href": true, "src": true, "cite": true, "action": true, "formaction": true, "poster": true,
	"background": true, "longdesc": true, "data": true, "xlink:href": true, "ping": true}

// checkAttrs reports the attributes of a kept element that the policy drops for what
// they could do: event handlers, inline style, and addresses of a scheme other than
// http, https and mailto.
func checkAttrs(rep *Report, name string, attrs []xhtml.Attribute) {
	for _, at := range attrs {
		k := at.Key
		switch {
		case strings.HasPrefix(k, "on"):
			rep.add("an event handler ("+k+") on <"+name+">", "scripts cannot run in an article")
		case k == "style":
			rep.add("inline styles (style) on <"+name+">", "an article's look comes from the site's stylesheet")
		case k == "srcdoc":
			rep.add("inline content (srcdoc) on <"+name+">", "only embeds from allowed providers are shown")
		case addressAttrs[k]:
			if scheme := addressScheme(at.Val); scheme != "" && scheme != "http" && scheme != "https" && scheme != "mailto" {
				rep.add("a "+scheme+": address on <"+name+">", "only web, mail and relative addresses are kept")
			}
		}
	}
}

// addressScheme is news.AddressScheme: the scheme of an address as a browser reads it,
// in lower case; "" for a relative address.
func addressScheme(v string) string { return news.AddressScheme(v) }

// token is one token of the tokenizer. raw is the tokenizer's own buffer, valid until
// the next read, unless the token was kept (pushed back), when it is a copy.
type token struct {
	tt    xhtml.TokenType
	raw   []byte
	name  string
	a     atom.Atom
	attrs []xhtml.Attribute
}

// text is a text token's text, unescaped.
func (t token) text() string { return xhtml.UnescapeString(string(t.raw)) }

// tokenStream reads tokens from a tokenizer, with tokens pushed back read first.
type tokenStream struct {
	z    *xhtml.Tokenizer
	back []token
	// noIframeEnd: the input left holds no iframe end tag (an unclosed iframe before
	// read its content to the end without meeting one), so every iframe from here on
	// is unclosed too (see iframeEmbed).
	noIframeEnd bool
	// embeds counts the embeds made so far (MaxEmbeds).
	embeds int
}

func (ts *tokenStream) next() token {
	if n := len(ts.back); n > 0 {
		t := ts.back[0]
		ts.back = ts.back[1:]
		return t
	}
	tt := ts.z.Next()
	t := token{tt: tt}
	if tt == xhtml.ErrorToken {
		return t
	}
	t.raw = ts.z.Raw()
	switch tt {
	case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
		name, more := ts.z.TagName()
		if t.a = atom.Lookup(name); t.a != 0 {
			t.name = t.a.String()
		} else {
			t.name = string(name)
		}
		for more {
			var k, v []byte
			k, v, more = ts.z.TagAttr()
			t.attrs = append(t.attrs, xhtml.Attribute{Key: string(k), Val: string(v)})
		}
	}
	return t
}

// keep returns t with its own copy of raw, to be read after the tokenizer moves on.
func (t token) keep() token {
	t.raw = bytes.Clone(t.raw)
	return t
}

func (ts *tokenStream) pushBack(t ...token) { ts.back = append(t, ts.back...) }

func tokenAttr(attrs []xhtml.Attribute, key string) (string, bool) {
	for _, a := range attrs {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// prepareArticle returns s, HTML about to be cleaned by the article policy, with every
// iframe made a canonical embed or removed, every paragraph that is only an embeddable
// address (a URL on a line of its own) made its embed, and what the policy will
// remove noted in rep (nil: not noted).
func prepareArticle(s string, e Embeds, rep *Report) string {
	if !strings.Contains(s, "<") && !strings.Contains(s, "://") {
		return s
	}
	// Most bodies have no embed: the result is then s itself, and nothing is copied
	// until the first replacement (tokens' raw texts are s, in order).
	var b *strings.Builder
	written := 0 // bytes of s passed unchanged while b is nil
	emit := func(raw []byte) {
		if b == nil {
			written += len(raw)
		} else {
			b.Write(raw)
		}
	}
	replace := func(with string) {
		if b == nil {
			b = &strings.Builder{}
			b.Grow(len(s) + len(with))
			b.WriteString(s[:written])
		}
		b.WriteString(with)
	}
	ts := &tokenStream{z: xhtml.NewTokenizer(strings.NewReader(s))}
	skip, skipAtom := 0, atom.Atom(0) // inside an element whose inner tags are not reported
	for {
		t := ts.next()
		switch t.tt {
		case xhtml.ErrorToken:
			if b == nil {
				return s
			}
			return b.String()
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if t.a == atom.Figure && t.tt == xhtml.StartTagToken && embedFigureClass.MatchString(attrOf(t.attrs, "class")) {
				// Our own canonical markup read again (a body re-rendered from its
				// stored HTML, or pasted from a page): the figure is the embed's own,
				// made anew around the iframe, not wrapped in a second one.
				t = t.keep()
				if out, rest, ok := figureEmbed(ts, e, rep); ok {
					replace(out)
					if rest != "" {
						ts = &tokenStream{z: xhtml.NewTokenizer(strings.NewReader(rest))}
					}
					continue
				}
			}
			if t.a == atom.Iframe {
				out, rest := iframeEmbed(ts, t, e, rep)
				replace(out)
				if rest != "" {
					// An iframe never closed makes the rest of the text its content;
					// a browser hides it, but it is the writer's text: read it as HTML.
					// It holds no iframe end tag, so the iframes in it are not read to
					// the end again (which made 10,000 unclosed iframes take minutes).
					ts = &tokenStream{z: xhtml.NewTokenizer(strings.NewReader(rest)), noIframeEnd: true, embeds: ts.embeds}
				}
				continue
			}
			if (t.a == atom.P || t.a == atom.Div) && t.tt == xhtml.StartTagToken && skip == 0 {
				if out, ok := bareEmbed(ts, t, e); ok {
					replace(out)
					continue
				}
			}
			if skip > 0 {
				if t.a == skipAtom && t.tt == xhtml.StartTagToken {
					skip++
				}
			} else if !policyElements[t.a] && isHTMLElement(t.name) {
				if !silentElements[t.a] {
					rep.add(elementWords(t.a, t.name))
				}
				if skipReports[t.a] && t.tt == xhtml.StartTagToken {
					skip, skipAtom = 1, t.a
				}
			} else if policyElements[t.a] {
				checkAttrs(rep, t.name, t.attrs)
			}
		case xhtml.EndTagToken:
			if skip > 0 && t.a == skipAtom {
				skip--
			}
		}
		emit(t.raw)
	}
}

// iframeEmbed reads an iframe (its start tag t, its content and end tag from ts) and
// returns its canonical embed, or nothing when it is not allowed (noted in rep). rest
// is the iframe's content when it has no end tag: the rest of the input.
func iframeEmbed(ts *tokenStream, t token, e Embeds, rep *Report) (out, rest string) {
	if t.tt == xhtml.StartTagToken && ts.noIframeEnd && len(ts.back) == 0 {
		// Unclosed, like the one before it: what follows is read as HTML at once, as
		// the rest after that one was (t was the tokenizer's last token).
		ts.z.NextIsNotRawText()
	} else if t.tt == xhtml.StartTagToken {
		var content strings.Builder
		for {
			c := ts.next()
			if c.tt == xhtml.ErrorToken {
				rest = content.String()
				break
			}
			if c.tt == xhtml.EndTagToken && c.a == atom.Iframe {
				break
			}
			content.Write(c.raw)
		}
	}
	src, hasSrc := tokenAttr(t.attrs, "src")
	if s := strings.TrimSpace(src); s == "" || strings.EqualFold(s, "about:blank") {
		// Lazy-loading plugins keep the address in data-src (WordPress's a3 Lazy Load,
		// lazysizes), with src empty or about:blank until the reader scrolls.
		for _, k := range []string{"data-src", "data-lazy-src"} {
			if v, ok := tokenAttr(t.attrs, k); ok && strings.TrimSpace(v) != "" {
				src, hasSrc = v, true
				break
			}
		}
	}
	if _, ok := tokenAttr(t.attrs, "srcdoc"); ok && !hasSrc {
		rep.add("an embed with inline content (srcdoc)", "only embeds from allowed providers are kept")
		return "", rest
	}
	emb, refused := parseEmbed(src, e, true)
	if refused != nil {
		rep.add(refused.what, refused.why)
		return "", rest
	}
	if ts.embeds >= MaxEmbeds {
		rep.add("an embed from "+emb.name, tooManyEmbeds)
		return "", rest
	}
	ts.embeds++
	w, _ := tokenAttr(t.attrs, "width")
	h, _ := tokenAttr(t.attrs, "height")
	title, _ := tokenAttr(t.attrs, "title")
	return emb.html(title, ratioOf(w, h)), rest
}

// embedFigureClass is the class of the figure around a canonical embed (embed.html).
var embedFigureClass = regexp.MustCompile(`^embed embed-[a-z]+ embed-[a-z0-9-]+$`)

func attrOf(attrs []xhtml.Attribute, key string) string {
	v, _ := tokenAttr(attrs, key)
	return v
}

// figureEmbed reads ahead from the start tag of an embed's figure (kept by the caller):
// when an iframe comes first in it (after white space), it returns the iframe's
// canonical embed (or nothing, when it is not allowed) in place of the figure, its end
// tag consumed when it follows (when more follows, the figure is left open for it);
// rest is as iframeEmbed's. Otherwise it puts back what
// it read and returns false.
func figureEmbed(ts *tokenStream, e Embeds, rep *Report) (out, rest string, ok bool) {
	var read []token
	x := ts.next()
	if x.tt == xhtml.TextToken && len(bytes.TrimSpace(x.raw)) == 0 {
		read = append(read, x.keep())
		x = ts.next()
	}
	if x.tt != xhtml.StartTagToken || x.a != atom.Iframe {
		ts.pushBack(append(read, x)...)
		return "", "", false
	}
	out, rest = iframeEmbed(ts, x, e, rep)
	if rest != "" {
		return out, rest, true
	}
	y := ts.next()
	if y.tt == xhtml.TextToken && len(bytes.TrimSpace(y.raw)) == 0 {
		y = ts.next()
	}
	if y.tt != xhtml.EndTagToken || y.a != atom.Figure {
		// A figure with more in it (a caption): the embed's figure stays open for it,
		// and the pasted figure's end tag closes it; an embed refused leaves a plain
		// figure around the rest, so that a caption never stands outside one.
		ts.pushBack(y)
		if o, cut := strings.CutSuffix(out, "</figure>"); cut {
			return o, "", true
		}
		return "<figure>", "", true
	}
	return out, "", true
}

// bareEmbed reads ahead from a <p> or <div> start tag t: when the element holds only
// an embeddable address — as text, or as a link whose text is its address, with white
// space around — it returns the embed that replaces the element. Otherwise it puts
// back what it read and returns false.
func bareEmbed(ts *tokenStream, t token, e Embeds) (string, bool) {
	var read []token
	take := func() token {
		// Only the last token read is still in the tokenizer's buffer: the one before
		// it is copied as the tokenizer moves on.
		if n := len(read); n > 0 {
			read[n-1] = read[n-1].keep()
		}
		x := ts.next()
		read = append(read, x)
		return x
	}
	fail := func() (string, bool) {
		ts.pushBack(read...)
		return "", false
	}
	x := take()
	if x.tt == xhtml.TextToken && len(bytes.TrimSpace(x.raw)) == 0 {
		x = take()
	}
	var address string
	switch {
	case x.tt == xhtml.TextToken:
		if !hasPrefixFold(bytes.TrimSpace(x.raw), "http") {
			return fail()
		}
		address = strings.TrimSpace(x.text())
		if strings.ContainsAny(address, " \t\n\r\f") {
			return fail()
		}
	case x.tt == xhtml.StartTagToken && x.a == atom.A:
		href, _ := tokenAttr(x.attrs, "href")
		text := take()
		if text.tt != xhtml.TextToken || !hasPrefixFold(bytes.TrimSpace(text.raw), "http") {
			return fail()
		}
		if end := take(); end.tt != xhtml.EndTagToken || end.a != atom.A {
			return fail()
		}
		address = strings.TrimSpace(text.text())
		if !sameAddress(href, address) {
			return fail()
		}
	default:
		return fail()
	}
	x = take()
	if x.tt == xhtml.TextToken && len(bytes.TrimSpace(x.raw)) == 0 {
		x = take()
	}
	if x.tt != xhtml.EndTagToken || x.a != t.a {
		return fail()
	}
	emb, refused := parseEmbed(address, e, false)
	if refused != nil || !strings.HasPrefix(strings.ToLower(address), "http") || ts.embeds >= MaxEmbeds {
		return fail() // past MaxEmbeds, the address stays a link
	}
	ts.embeds++
	return emb.html("", ""), true
}

// sameAddress reports whether a link's href is the address its text shows (goldmark
// writes a bare address's href percent-encoded).
func sameAddress(href, text string) bool {
	if href == text {
		return true
	}
	return encodeURLPart(text, true) == encodeURLPart(href, true)
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}
