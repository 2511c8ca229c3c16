package render

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"broadsheet/internal/news"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Every fragment this package returns (Markdown, SanitizeArticleHTML, Comment) goes
// through balance last, so that it is balanced and well nested: a page that puts it
// inside a <div> reads it as the same elements, and whatever follows it in the page is
// read as if the fragment were not there. Without it, a commenter's unclosed <s> struck
// through the rest of the page (Reply links, the form, the footer): browsers carry
// formatting left open into every later paragraph (WHATWG HTML §13.2.4.3, "reconstruct
// the active formatting elements").
//
// balance works in three steps, each linear in the HTML:
//
//  1. closeOpenElements reads the tags and writes every end tag the parser would imply,
//     so that no formatting element is ever left for the parser to carry on: an element
//     opened in a paragraph ends with it, an unclosed <a> ends where the next one
//     starts, misnested tags are closed in order, stray end tags are dropped. Without
//     this step, a few hundred formatting tags left open before thousands of paragraphs
//     would make the parser copy them into every paragraph (work and memory of their
//     product).
//  2. golang.org/x/net/html's fragment parser, in the context of a <div>, builds the
//     tree a browser builds (paragraphs closed by blocks, table parts, and so on).
//  3. cleanTree removes what no page may hold (the code points HTML forbids, raw or as
//     references; comments; a link inside a link; the empty elements left behind) and
//     writeTree writes the tree out as the sanitisers wrote it (<br>, not <br/>).

// maxHTMLDepth is how deep the elements of a fragment may sit inside one another. The
// parser of golang.org/x/net/html stops at 512 open elements, and adds up to two for a
// table (tbody, tr); Markdown nests at most MaxNesting blocks (two elements each for a
// list) and MaxInlineNesting inline elements.
const maxHTMLDepth = 160

// errTooDeep is balance's answer to HTML nested deeper than maxHTMLDepth, when it may
// not flatten it.
var errTooDeep = errors.New("render: HTML elements nested too deep")

// fragmentContext is where the pages put every fragment: article bodies in
// <div class="story-body">, comments in <div class="comment-content">.
var fragmentContext = &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}

type balanceOptions struct {
	rel     string  // when set, every <a> with an href gets rel with this value (comments: "nofollow ugc")
	flatten bool    // drop the tags nested deeper than maxHTMLDepth rather than fail
	embeds  *Embeds // the embeds an iframe may be (articles); nil: no iframe is kept
}

// balance returns s, HTML a policy has cleaned, as a balanced, well-nested fragment
// (see above). It fails with errTooDeep only when s nests elements deeper than
// maxHTMLDepth and opt.flatten is false.
func balance(s string, opt balanceOptions) (string, error) {
	out, fostered, err := balanceOnce(s, opt)
	// Content the parser moved out of a table ("foster parenting") can make a tree that
	// HTML does not read back as written (a heading moved into a heading); written and
	// balanced again, it comes to one that it does.
	for i := 0; fostered && err == nil && i < 3; i++ {
		var again string
		if again, fostered, err = balanceOnce(out, opt); again == out {
			break
		}
		out = again
	}
	return out, err
}

func balanceOnce(s string, opt balanceOptions) (out string, fostered bool, err error) {
	closed, deep, fostered := closeOpenElements(s, maxHTMLDepth)
	if deep && !opt.flatten {
		return "", false, errTooDeep
	}
	nodes, err := xhtml.ParseFragment(bytes.NewReader(closed), fragmentContext)
	if err != nil {
		// Only the parser's own depth limit, which closeOpenElements keeps it from
		// reaching; if it ever is, the text is kept and the markup is not.
		if !opt.flatten {
			return "", false, errTooDeep
		}
		return "<p>" + htmlEscaper.Replace(scrubText(PlainText(s))) + "</p>", false, nil
	}
	root := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	cleanTree(root, false, &opt)
	var b strings.Builder
	b.Grow(len(closed) + 64)
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		writeTree(&b, c)
	}
	return b.String(), fostered, nil
}

// openElement is an element closeOpenElements has seen start and not yet end.
type openElement struct {
	atom     atom.Atom
	flags    uint16 // elementFlags
	name     string
	implicit bool // a list closeOpenElements opened around an item outside one
}

// closer is the state of closeOpenElements: what it has written, the elements open,
// and how many of them are paragraphs, links and tables, so that the searches for one
// that none is open skip the walk down the open elements.
type closer struct {
	out                []byte
	open               []openElement
	paras, links, tabs int
}

func (c *closer) push(a atom.Atom, name string) {
	c.open = append(c.open, openElement{atom: a, flags: elementFlags[a], name: name})
	c.count(a, 1)
}

func (c *closer) count(a atom.Atom, d int) {
	switch a {
	case atom.P:
		c.paras += d
	case atom.A:
		c.links += d
	case atom.Table:
		c.tabs += d
	}
}

// closeDown ends the open elements from the i-th on, the last opened first.
func (c *closer) closeDown(i int) {
	for k := len(c.open) - 1; k >= i; k-- {
		c.out = append(c.out, "</"...)
		c.out = append(c.out, c.open[k].name...)
		c.out = append(c.out, '>')
		c.count(c.open[k].atom, -1)
	}
	c.open = c.open[:i]
}

// closeOpenElements writes s again with the end tags that the HTML parser would imply
// (WHATWG HTML §13.2.6.4.7, "in body") written out, as the parser's stack of open
// elements would have them, and every element still open at the end closed:
//
//   - a start tag that closes a paragraph (<div>, <p>, <blockquote>, <ul>, <table>,
//     <hr>, …) first ends the paragraph and everything open inside it; <li>, <dd>, <dt>
//     end the open item, a heading the heading it would be nested in, a cell the open
//     cell, an <a> the <a> already open;
//   - an item outside a list (<li>, <dd>, <dt>) gets a list (<ul>, <dl>) around it,
//     which ends before anything but another item; a cell or row outside a table is
//     dropped, as the parser drops it;
//   - an end tag ends everything opened after its element; one that matches no open
//     element, or whose element the parser would not close (across a table, or a
//     </span> across a <div>), is dropped ("</br>" is written "<br>", as browsers read
//     it);
//   - start tags nested deeper than maxDepth are dropped, and deep reports it;
//   - fostered reports text or an element written in a table outside its cells, which
//     the parser moves before the table.
//
// Comments and doctypes are dropped. Its work is linear in s: each tag looks at most
// at maxDepth open elements.
func closeOpenElements(s string, maxDepth int) (out []byte, deep, fostered bool) {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	c := &closer{out: make([]byte, 0, len(s)+len(s)/32+64)}
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			c.closeDown(0)
			return c.out, deep, fostered
		case xhtml.TextToken:
			raw := z.Raw()
			if len(bytes.TrimLeft(raw, " \t\n\r\f")) > 0 {
				c.endImplicitList(0)
				fostered = fostered || c.tabs > 0 && inTableBody(c.open)
			}
			c.out = append(c.out, raw...)
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			raw := z.Raw()
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			f := elementFlags[a]
			if f&fFormatting != 0 && hasAttr {
				raw = numberAttrs(z, name)
			}
			if f&fTablePart != 0 && a != atom.Table && c.tabs == 0 {
				continue // the parser ignores a cell or a row outside a table
			}
			fostered = fostered || c.tabs > 0 && f&fTablePart == 0 && inTableBody(c.open)
			c.endImplicitList(a)
			c.implied(a, f)
			// An item outside a list gets one: alone it would be invalid, and in a page
			// the parser would end the nearest item outside the fragment (a comment's
			// <li>) to start it.
			if list := listFor(c.open, a); list != 0 && len(c.open) < maxDepth {
				c.out = append(c.out, '<')
				c.out = append(c.out, list.String()...)
				c.out = append(c.out, '>')
				c.push(list, list.String())
				c.open[len(c.open)-1].implicit = true
			}
			if f&fVoid != 0 {
				c.out = append(c.out, raw...)
				continue
			}
			if len(c.open) >= maxDepth {
				deep = true
				continue
			}
			c.out = append(c.out, raw...)
			c.push(a, string(name))
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if elementFlags[a]&fVoid != 0 {
				if a == atom.Br {
					c.out = append(c.out, "<br>"...)
				}
				continue
			}
			if i := c.closedBy(a, string(name)); i >= 0 {
				c.closeDown(i)
			}
		}
	}
}

// endImplicitList ends a list opened around an item outside one, when what comes next
// (a start tag of a, or text for 0) is no item of it.
func (c *closer) endImplicitList(a atom.Atom) {
	if n := len(c.open) - 1; n >= 0 && c.open[n].implicit {
		if list := c.open[n].atom; !(list == atom.Ul && a == atom.Li || list == atom.Dl && (a == atom.Dd || a == atom.Dt)) {
			c.closeDown(n)
		}
	}
}

// implied ends the elements a start tag of a (with flags f) ends.
func (c *closer) implied(a atom.Atom, f uint16) {
	open := c.open
	switch {
	case a == atom.Li:
		if i := openItem(open, atom.Li, 0); i >= 0 {
			c.closeDown(i)
		}
	case a == atom.Dd || a == atom.Dt:
		if i := openItem(open, atom.Dd, atom.Dt); i >= 0 {
			c.closeDown(i)
		}
	case a == atom.A:
		if c.links > 0 {
			if i := inScope(open, atom.A, 0); i >= 0 {
				c.closeDown(i)
			}
		}
	case a == atom.Td || a == atom.Th:
		if i := inTable(open, atom.Td, atom.Th); i >= 0 {
			c.closeDown(i)
		}
	case a == atom.Tr:
		if i := inTable(open, atom.Tr, atom.Td, atom.Th); i >= 0 {
			c.closeDown(i)
		}
	case a == atom.Tbody || a == atom.Thead || a == atom.Tfoot || a == atom.Caption || a == atom.Colgroup:
		if i := inTable(open, atom.Table); i >= 0 {
			c.closeDown(i + 1)
		}
	case a == atom.Table && c.tabs > 0:
		// A table started in a table, not in one of its cells, ends that one.
		if i := inTable(open, atom.Table, atom.Td, atom.Th, atom.Caption); i >= 0 && open[i].atom == atom.Table {
			c.closeDown(i)
		}
	}
	if f&fClosesP != 0 && c.paras > 0 {
		if i := inScope(c.open, atom.P, fButton); i >= 0 {
			c.closeDown(i)
		}
	}
	if f&fHeading != 0 && len(c.open) > 0 && c.open[len(c.open)-1].flags&fHeading != 0 {
		c.closeDown(len(c.open) - 1)
	}
}

// inTableBody reports whether the innermost open element is a table or a part of one
// that holds no content of its own (not a cell, nor a caption).
func inTableBody(open []openElement) bool {
	if len(open) == 0 {
		return false
	}
	e := open[len(open)-1].atom
	return tableParts[e] && e != atom.Td && e != atom.Th && e != atom.Caption
}

// listFor returns the list element (ul or dl) that an item a (li, or dd and dt) needs
// around it, when no list of its kind is open where it starts, or 0.
func listFor(open []openElement, a atom.Atom) atom.Atom {
	var list atom.Atom
	switch a {
	case atom.Li:
		list = atom.Ul
	case atom.Dd, atom.Dt:
		list = atom.Dl
	default:
		return 0
	}
	for i := len(open) - 1; i >= 0; i-- {
		switch e := open[i]; {
		case list == atom.Ul && e.flags&fList != 0, list == atom.Dl && e.atom == atom.Dl:
			return 0
		case e.flags&fSpecial != 0 && e.atom != atom.Address && e.atom != atom.Div && e.atom != atom.P:
			return list
		}
	}
	return list
}

// closedBy returns the index of the open element an end tag of a ends, as the parser
// finds it, or -1 when the parser ignores the tag.
func (c *closer) closedBy(a atom.Atom, name string) int {
	open, f := c.open, elementFlags[a]
	switch {
	case a == atom.P:
		if c.paras == 0 {
			return -1
		}
		return inScope(open, atom.P, fButton)
	case a == atom.Li:
		return inScope(open, atom.Li, fList)
	case f&fHeading != 0:
		for i := len(open) - 1; i >= 0; i-- {
			if open[i].flags&fHeading != 0 {
				return i
			}
			if open[i].flags&fBoundary != 0 {
				return -1
			}
		}
		return -1
	case f&fTablePart != 0:
		if c.tabs == 0 {
			return -1
		}
		return inTable(open, a)
	case f&(fFormatting|fScoped) != 0:
		return inScope(open, a, 0)
	}
	// Any other end tag (span, sub, abbr, …) ends its element unless a special element
	// (a block, a cell) is open inside it.
	for i := len(open) - 1; i >= 0; i-- {
		if open[i].atom == a && open[i].name == name {
			return i
		}
		if open[i].flags&fSpecial != 0 {
			return -1
		}
	}
	return -1
}

// inScope returns the index of the innermost open element a that is "in scope": no
// table, cell, caption or other scope boundary, nor an element with a flag of stop,
// open inside it; or -1.
func inScope(open []openElement, a atom.Atom, stop uint16) int {
	stop |= fBoundary
	for i := len(open) - 1; i >= 0; i-- {
		if open[i].atom == a {
			return i
		}
		if open[i].flags&stop != 0 {
			return -1
		}
	}
	return -1
}

// inTable returns the index of the innermost open element among as that sits inside
// the innermost open table (or is it), or -1.
func inTable(open []openElement, as ...atom.Atom) int {
	for i := len(open) - 1; i >= 0; i-- {
		e := open[i].atom
		for _, x := range as {
			if e == x {
				return i
			}
		}
		if e == atom.Table {
			return -1
		}
	}
	return -1
}

// openItem returns the index of the list item (a, or b when not 0) that a new item
// ends: the parser looks down the open elements and stops at a special element other
// than address, div and p.
func openItem(open []openElement, a, b atom.Atom) int {
	for i := len(open) - 1; i >= 0; i-- {
		e := open[i]
		if e.atom == a || b != 0 && e.atom == b {
			return i
		}
		if e.flags&fSpecial != 0 && e.atom != atom.Address && e.atom != atom.Div && e.atom != atom.P {
			return -1
		}
	}
	return -1
}

func atomSet(names string) map[atom.Atom]bool {
	m := map[atom.Atom]bool{}
	for _, n := range strings.Fields(names) {
		a := atom.Lookup([]byte(n))
		if a == 0 {
			panic("render: " + n + " is not in golang.org/x/net/html/atom")
		}
		m[a] = true
	}
	return m
}

// The element sets of the HTML parser (WHATWG HTML §13.2.4.2 and §13.2.6.4.7).
var (
	// formatting elements are those the parser reopens in later paragraphs.
	formatting = atomSet("a b big code em font i nobr s small strike strong tt u")
	// scopeBoundary ends the search for an element "in scope".
	scopeBoundary = atomSet("applet caption html table td th marquee object template select")
	// closesParagraph are the start tags that first close an open <p>.
	closesParagraph = atomSet(`address article aside blockquote center details dialog dir div dl fieldset
		figcaption figure footer header hgroup main menu nav ol p search section summary ul
		h1 h2 h3 h4 h5 h6 pre listing form li dd dt plaintext table hr xmp`)
	// scoped are the elements whose end tag closes them when they are in scope, through
	// any element open inside them.
	scoped = atomSet(`address article aside blockquote button center details dialog dir div dl
		fieldset figcaption figure footer header hgroup listing main menu nav ol pre search
		section summary ul dd dt form applet marquee object`)
	tableParts = atomSet("table tbody thead tfoot tr td th caption colgroup")
	special    = atomSet(`address applet area article aside base basefont bgsound blockquote body br
		button caption center col colgroup dd details dir div dl dt embed fieldset figcaption
		figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe
		img input keygen li link listing main marquee menu meta nav noembed noframes noscript
		object ol p param plaintext pre script search section select source style summary
		table tbody td template textarea tfoot th thead title tr track ul wbr xmp`)
	voidElements = atomSet("area base br col embed hr img input keygen link meta param source track wbr")
	// emptyless are the elements that mean nothing without content: an empty one is
	// what a paragraph closed by a block, or formatting closed at once, leaves.
	// (<code> is left: an empty code block is <pre><code></code></pre>.)
	emptyless = atomSet("p b big em font i nobr s small strike strong tt u")
)

// Flags of an element, from the sets above, kept with each open element so that the
// walks down the open elements look up nothing.
const (
	fFormatting uint16 = 1 << iota
	fBoundary
	fClosesP
	fScoped
	fTablePart
	fSpecial
	fVoid
	fHeading
	fList   // ul, ol, menu: they end the scope of a list item
	fButton // button: it ends the scope of a paragraph
)

var elementFlags = func() map[atom.Atom]uint16 {
	m := map[atom.Atom]uint16{}
	for _, set := range []struct {
		elements map[atom.Atom]bool
		flag     uint16
	}{
		{formatting, fFormatting}, {scopeBoundary, fBoundary}, {closesParagraph, fClosesP},
		{scoped, fScoped}, {tableParts, fTablePart}, {special, fSpecial}, {voidElements, fVoid},
		{atomSet("h1 h2 h3 h4 h5 h6"), fHeading}, {atomSet("ul ol menu"), fList}, {atomSet("button"), fButton},
	} {
		for a := range set.elements {
			m[a] |= set.flag
		}
	}
	return m
}()

// numberAttrs writes the start tag z has just read, its name and attributes, with each
// attribute's name behind its number ("0000href"). The parser of golang.org/x/net/html
// sorts the attributes of formatting elements by name (for its Noah's Ark clause);
// numbered, they stay in the order written, and cleanAttrs takes the numbers off.
func numberAttrs(z *xhtml.Tokenizer, name []byte) []byte {
	b := make([]byte, 0, 64)
	b = append(b, '<')
	b = append(b, name...)
	for i, more := 0, true; more && i < 10000; i++ {
		var key, val []byte
		key, val, more = z.TagAttr()
		b = append(b, ' ', byte('0'+i/1000), byte('0'+i/100%10), byte('0'+i/10%10), byte('0'+i%10))
		b = append(b, key...)
		b = append(b, '=', '"')
		b = append(b, htmlEscaper.Replace(string(val))...)
		b = append(b, '"')
	}
	return append(b, '>')
}

// cleanTree removes, below n: comments and doctypes; the code points no page may hold
// from text (see scrubText) and attribute values (written U+FFFD, so that no value a
// policy judged becomes another one: "jav\u0085ascript:" must not become
// "javascript:"); URLs the policies cannot judge (dropInvalidURL); a link inside a link
// (kept as its content); elements of foreign content (the policies allow none); and the
// empty elements of emptyless. When rel is set, every <a> with an href gets it.
//
// It also removes what a removal left empty of content that matters (visible text, a
// picture or a kept embed: hasContent), whatever the policy or this walk removed from
// inside it (an iframe, a script, an object, an svg): a link, whose name is its content
// (an empty one fails WCAG 2.4.4 and axe's link-name rule), is replaced by what it
// still shows (a space, when it held white space between words); a figure or a caption is removed; an
// embed's figure (class "embed …") without its iframe loses the embed's classes,
// which draw a player's box. It reports whether n holds content that matters.
func cleanTree(n *xhtml.Node, inLink bool, opt *balanceOptions) (content bool) {
	rel := opt.rel
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case xhtml.TextNode:
			if c.Data = scrubText(c.Data); c.Data == "" {
				n.RemoveChild(c)
			} else if !content && news.Visible(c.Data) {
				content = true
			}
		case xhtml.ElementNode:
			if c.Namespace != "" {
				n.RemoveChild(c)
				break
			}
			if c.DataAtom == atom.Iframe {
				if !checkEmbed(c, opt.embeds) {
					n.RemoveChild(c)
				} else {
					content = true
				}
				break
			}
			cleanAttrs(c, rel)
			isLink := c.DataAtom == atom.A
			kids := cleanTree(c, inLink || isLink, opt)
			inner := kids || embeddedContent[c.DataAtom]
			switch {
			case c.DataAtom == atom.Source && !sourceFits(n, c):
				n.RemoveChild(c)
				inner = false
			case (c.DataAtom == atom.Audio || c.DataAtom == atom.Video) && !playable(c):
				// A player with no file it may play (a javascript: or http: src
				// removed), or without controls (a decoration that played by itself,
				// as WordPress's cover block's background, now that nothing starts it)
				// is its fallback: the link to the file, when it has one.
				for g := c.FirstChild; g != nil; g = c.FirstChild {
					c.RemoveChild(g)
					n.InsertBefore(g, c)
				}
				n.RemoveChild(c)
				inner = kids
			case isLink && !inner:
				// Nothing in it shows: a space between words stays (one), the rest
				// goes (moved up, its empty elements could nest as the parser would
				// not read them: a heading in a heading).
				if hasText(c) {
					n.InsertBefore(&xhtml.Node{Type: xhtml.TextNode, Data: " "}, c)
				}
				n.RemoveChild(c)
			case isLink && inLink:
				for g := c.FirstChild; g != nil; g = c.FirstChild {
					c.RemoveChild(g)
					n.InsertBefore(g, c)
				}
				n.RemoveChild(c)
			case c.FirstChild == nil && emptyless[c.DataAtom]:
				n.RemoveChild(c)
			case c.DataAtom == atom.Figure || c.DataAtom == atom.Figcaption:
				if c.DataAtom == atom.Figure && !hasChild(c, atom.Iframe) {
					dropEmbedClass(c)
				}
				if !inner {
					n.RemoveChild(c)
				}
			}
			content = content || inner
		default:
			n.RemoveChild(c)
		}
		c = next
	}
	return content
}

// sourceFits reports whether the <source> s may stay in parent: in a <picture> (its
// srcset), or in a player with its src; elsewhere it is markup that shows nothing.
func sourceFits(parent, s *xhtml.Node) bool {
	switch parent.DataAtom {
	case atom.Picture:
		return true
	case atom.Audio, atom.Video:
		return hasAttr(s.Attr, "src")
	}
	return false
}

// playable reports whether a player has its controls and a file: its src, or a
// <source> with one.
func playable(player *xhtml.Node) bool {
	if !hasAttr(player.Attr, "controls") {
		return false
	}
	if hasAttr(player.Attr, "src") {
		return true
	}
	for c := player.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xhtml.ElementNode && c.DataAtom == atom.Source && hasAttr(c.Attr, "src") {
			return true
		}
	}
	return false
}

// embeddedContent are the elements that are content by themselves, without text.
var embeddedContent = atomSet("img picture video audio iframe")

// hasText reports whether n holds any text (white space, here).
func hasText(n *xhtml.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xhtml.TextNode || hasText(c) {
			return true
		}
	}
	return false
}

// hasChild reports whether n has a child element a.
func hasChild(n *xhtml.Node, a atom.Atom) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xhtml.ElementNode && c.DataAtom == a {
			return true
		}
	}
	return false
}

// dropEmbedClass removes an embed's class from a figure that lost its iframe.
func dropEmbedClass(n *xhtml.Node) {
	for i, a := range n.Attr {
		if a.Key == "class" && (a.Val == "embed" || strings.HasPrefix(a.Val, "embed ")) {
			n.Attr = append(n.Attr[:i], n.Attr[i+1:]...)
			return
		}
	}
}

// cleanAttrs scrubs an element's attribute values, drops the URLs the policy could not
// judge, and sets rel on links when asked.
func cleanAttrs(e *xhtml.Node, rel string) {
	attrs := e.Attr[:0]
	for _, a := range e.Attr {
		if a.Key != "" && '0' <= a.Key[0] && a.Key[0] <= '9' && len(a.Key) > 4 {
			a.Key = a.Key[4:] // numbered by numberAttrs (no policy allows a name with a digit first)
		}
		a.Val = scrubAttr(a.Val)
		if (a.Key == "rel" && rel != "" && e.DataAtom == atom.A) || !keepURL(a.Key, a.Val) || hasAttr(attrs, a.Key) {
			continue
		}
		attrs = append(attrs, a)
	}
	// A link without an address is no link, and may not have rel.
	if rel != "" && e.DataAtom == atom.A && hasAttr(attrs, "href") {
		attrs = append(attrs, xhtml.Attribute{Key: "rel", Val: rel})
	}
	e.Attr = attrs
}

// hasAttr reports whether attrs has an attribute named key: HTML keeps the first of two
// of one name, and a page with both is invalid.
func hasAttr(attrs []xhtml.Attribute, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

// keepURL drops the URLs bluemonday does not judge: a srcset with any candidate that is
// not an http, https or relative URL with a valid host, and protocol-relative URLs
// ("//host/…") whose host is not valid.
func keepURL(key, val string) bool {
	switch key {
	case "href", "src", "cite":
		return !strings.HasPrefix(val, "//") || validResourceURL(val)
	case "srcset":
		return validSrcset(val)
	}
	return true
}

// scrubText removes from text the code points HTML forbids in documents
// (news.ForbiddenRune: controls but tab, line feed and carriage return; noncharacters),
// which may come as character references ("&#29;" is U+001D). A C1 control is read as
// Windows-1252 reads its byte, as HTML reads a reference to one ("&#150;" is "–",
// WHATWG HTML §13.2.5.80) and as goldmark, following CommonMark, does not; the five
// Windows-1252 leaves undefined are removed. A carriage return becomes a line feed, as
// HTML reads a raw one: written again, it would be "&#13;", itself an error. A byte that
// is no UTF-8 becomes U+FFFD, as a browser shows it.
func scrubText(s string) string {
	if !hasScrub(s) {
		return s
	}
	return strings.Map(func(r rune) rune { return scrubRune(r, -1) }, s)
}

// scrubAttr is scrubText for attribute values, writing U+FFFD for a forbidden code
// point rather than joining what was on its two sides (a policy judged the value as it
// was: "jav\u0001ascript:" must not become "javascript:"). No replacement is ASCII.
func scrubAttr(s string) string {
	if !hasScrub(s) {
		return s
	}
	return strings.Map(func(r rune) rune { return scrubRune(r, '\uFFFD') }, s)
}

// scrubRune is what scrubText and scrubAttr make of r; none is -1 or U+FFFD, for a code
// point that has no replacement.
func scrubRune(r, none rune) rune {
	switch {
	case r == '\r':
		return '\n'
	case 0x80 <= r && r <= 0x9f:
		if w := windows1252[r-0x80]; w != 0 {
			return w
		}
		return none
	case news.ForbiddenRune(r):
		return none
	}
	return r
}

func needsScrub(r rune) bool { return r == '\r' || news.ForbiddenRune(r) }

// hasScrub reports whether s holds a code point scrubRune changes, or a byte that is no
// UTF-8, looking at ASCII a byte at a time.
func hasScrub(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if needsScrub(r) || r == utf8.RuneError && n == 1 {
			return true // (strings.Map writes a byte that is no UTF-8 as U+FFFD)
		}
		i += n
	}
	return false
}

// windows1252 are the characters of the bytes 0x80 to 0x9F in Windows-1252 (0 for the
// five it leaves undefined), which HTML reads for a reference to a C1 control.
var windows1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// htmlEscaper escapes text and attribute values as html.EscapeString and bluemonday do.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;")

// writeTree writes n and what it holds as HTML: every element closed by its end tag but
// the void ones, which are written <br> (as the sanitisers write them); attribute
// values in double quotes. The tree is at most maxHTMLDepth (or the parser's 512) deep.
func writeTree(b *strings.Builder, n *xhtml.Node) {
	switch n.Type {
	case xhtml.TextNode:
		htmlEscaper.WriteString(b, n.Data)
	case xhtml.ElementNode:
		b.WriteByte('<')
		b.WriteString(n.Data)
		for _, a := range n.Attr {
			b.WriteByte(' ')
			b.WriteString(a.Key)
			b.WriteString(`="`)
			htmlEscaper.WriteString(b, a.Val)
			b.WriteByte('"')
		}
		b.WriteByte('>')
		if voidElements[n.DataAtom] {
			return
		}
		// The parser drops a line feed just after <pre>, <listing> and <textarea>: one
		// that belongs to the text must be written twice.
		if c := n.FirstChild; c != nil && c.Type == xhtml.TextNode && strings.HasPrefix(c.Data, "\n") &&
			(n.DataAtom == atom.Pre || n.DataAtom == atom.Listing || n.DataAtom == atom.Textarea) {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			writeTree(b, c)
		}
		b.WriteString("</")
		b.WriteString(n.Data)
		b.WriteByte('>')
	}
}
