package render

import (
	"strings"

	"golang.org/x/net/html/atom"
)

// This file reads '<' the way a browser does, so that the code which decides whether a
// '<' is markup or text (comments, raw HTML in Markdown) agrees with the sanitiser that
// reads the result afterwards (bluemonday, through golang.org/x/net/html's tokenizer).

// markupKind is what a '<' starts, as golang.org/x/net/html's tokenizer reads it.
type markupKind uint8

const (
	// notMarkup: the '<' is text, or the input ends before the markup does (the
	// tokenizer then drops everything from the '<' on, which is the text loss we avoid).
	notMarkup markupKind = iota
	startTag
	endTag
	// otherMarkup is a comment, a declaration (<!DOCTYPE …>), a processing instruction
	// (<?…>) or a bogus comment (</3 …>): never shown, always removed by the sanitiser.
	otherMarkup
)

// markupScanner reads the '<' of one string; its steps bound the work of all its reads.
type markupScanner struct {
	s     string
	steps int // left; below zero the scanner has stopped
	// The answers of the searches that many '<' may ask again: the first '>' at or after
	// gtFrom is at gtAt, and the first end of a comment ("-->", "--!>") at or after ceFrom
	// is at ceAt and ends at ceEnd (-1 for none). A later search from at most the found position has
	// the same answer, so each search goes over each byte once.
	gtFrom, gtAt        int
	ceFrom, ceAt, ceEnd int
}

func newMarkupScanner(s string, steps int) *markupScanner {
	return &markupScanner{s: s, steps: steps, gtFrom: -1, ceFrom: -1}
}

// exhausted reports whether the scanner has used up its steps.
func (z *markupScanner) exhausted() bool { return z.steps < 0 }

// scan reads the markup that begins at s[i] == '<' exactly as the tokenizer of
// golang.org/x/net/html does (Tokenizer.Next, readTag, readTagAttrKey, readTagAttrVal,
// which follow WHATWG HTML §13.2.5) and returns its kind, its name in ASCII lower case
// (tags only) and the index just past its '>'. Each byte looked at costs a step; once
// they have run out every '<' is reported as text, so that a caller's work is bounded
// whatever the input.
func (z *markupScanner) scan(i int) (kind markupKind, name string, end int) {
	s, n := z.s, len(z.s)
	if i+1 >= n || z.exhausted() {
		return notMarkup, "", i + 1
	}
	c := s[i+1]
	switch {
	case isASCIILetter(c):
		if name, end, ok := z.tag(i + 1); ok {
			return startTag, name, end
		}
	case c == '/' && i+2 < n:
		switch c2 := s[i+2]; {
		case c2 == '>':
			return otherMarkup, "", i + 3 // "</>" makes no token at all
		case isASCIILetter(c2):
			if name, end, ok := z.tag(i + 2); ok {
				return endTag, name, end
			}
		default:
			if end, ok := z.pastGT(i + 2); ok {
				return otherMarkup, "", end
			}
		}
	case c == '!' || c == '?':
		// Without its end, the tokenizer would make a comment of all the rest of the
		// input; read as text, nothing after it is lost.
		end, ok := 0, false
		if c == '!' && strings.HasPrefix(s[i:], "<!--") {
			end, ok = z.pastCommentEnd(i + 4)
		} else {
			end, ok = z.pastGT(i + 2)
		}
		if ok {
			return otherMarkup, "", end
		}
	}
	return notMarkup, "", i + 1
}

// tag reads a tag from its name's first letter at s[j] to its '>'; ok is false when the
// input (or the steps) ends first.
func (z *markupScanner) tag(j int) (name string, end int, ok bool) {
	s, n := z.s, len(z.s)
	start := j
	// Tag name: up to white space, '/' or '>'.
	for j < n && !isHTMLSpace(s[j]) && s[j] != '/' && s[j] != '>' {
		j++
	}
	if z.steps -= j - start; z.exhausted() || j >= n {
		return "", 0, false
	}
	name = asciiLower(s[start:j])
	for {
		if j = z.skipSpace(j); j >= n || z.exhausted() {
			return "", 0, false
		}
		if s[j] == '>' {
			return name, j + 1, true
		}
		// Attribute name: an '=' is part of it only as its first byte.
		k := j
		for j < n {
			c := s[j]
			if c == '=' && j == k {
				j++
				continue
			}
			if c == '=' || isHTMLSpace(c) || c == '/' || c == '>' {
				break
			}
			j++
		}
		if z.steps -= j - k + 1; j >= n {
			return "", 0, false
		}
		// Attribute value, if any.
		if j = z.skipSpace(j); j >= n {
			return "", 0, false
		}
		switch s[j] {
		case '/':
			j++
			continue
		case '=':
			j++
		default:
			continue
		}
		if j = z.skipSpace(j); j >= n {
			return "", 0, false
		}
		switch q := s[j]; q {
		case '>':
			// "<a b=>": the value is empty and the tag ends here.
		case '"', '\'':
			e := strings.IndexByte(s[j+1:], q)
			if e < 0 {
				z.steps -= n - j
				return "", 0, false
			}
			z.steps -= e + 1
			j += e + 2
		default:
			v := j
			for j < n && !isHTMLSpace(s[j]) && s[j] != '>' {
				j++
			}
			if z.steps -= j - v; j >= n {
				return "", 0, false
			}
		}
	}
}

// pastCommentEnd returns the index just past the comment whose text starts at s[j]
// (after "<!--"), by the tokenizer's rules: "<!-->" and "<!--->" are empty comments, and a
// comment ends at "-->" or "--!>". ok is false when it has no end.
func (z *markupScanner) pastCommentEnd(j int) (end int, ok bool) {
	switch rest := z.s[j:]; {
	case strings.HasPrefix(rest, ">"):
		return j + 1, true
	case strings.HasPrefix(rest, "->"):
		return j + 2, true
	}
	if z.ceFrom < 0 || j < z.ceFrom || z.ceAt >= 0 && j > z.ceAt {
		z.ceFrom, z.ceAt, z.ceEnd = j, -1, -1
		for k := j; k < len(z.s); k++ {
			if k = indexFrom(z.s, k, '-'); k < 0 {
				break
			}
			if strings.HasPrefix(z.s[k:], "-->") {
				z.ceAt, z.ceEnd = k, k+3
				break
			}
			if strings.HasPrefix(z.s[k:], "--!>") {
				z.ceAt, z.ceEnd = k, k+4
				break
			}
		}
		if z.ceEnd < 0 {
			z.steps -= len(z.s) - j
		} else {
			z.steps -= z.ceEnd - j
		}
	}
	return z.ceEnd, z.ceEnd >= 0 && !z.exhausted()
}

// pastGT returns the index just past the first '>' at or after s[j].
func (z *markupScanner) pastGT(j int) (int, bool) {
	if z.gtFrom < 0 || j < z.gtFrom || z.gtAt >= 0 && j > z.gtAt {
		z.gtFrom, z.gtAt = j, indexFrom(z.s, j, '>')
		if z.gtAt < 0 {
			z.steps -= len(z.s) - j
		} else {
			z.steps -= z.gtAt - j
		}
	}
	return z.gtAt + 1, z.gtAt >= 0 && !z.exhausted()
}

// indexFrom is the index of the first c at or after s[j], or -1.
func indexFrom(s string, j int, c byte) int {
	if k := strings.IndexByte(s[j:], c); k >= 0 {
		return j + k
	}
	return -1
}

func (z *markupScanner) skipSpace(j int) int {
	k := j
	for j < len(z.s) && isHTMLSpace(z.s[j]) {
		j++
	}
	z.steps -= j - k
	return j
}

// isHTMLSpace is white space as the tokenizer counts it.
func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// asciiLower lower-cases ASCII letters only, as the tokenizer does with tag names.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// rawTextEnd returns, for a start tag whose content the tokenizer reads as raw text
// (script, style, textarea, …), the index where that content ends: the "</name" that
// closes it, or the end of the input. ok is false for other tags.
func rawTextEnd(s string, from int, name string) (end int, ok bool) {
	switch name {
	case "iframe", "noembed", "noframes", "noscript", "script", "style", "textarea", "title", "xmp":
	case "plaintext":
		return len(s), true
	default:
		return 0, false
	}
	for k := from; k < len(s); {
		d := strings.Index(s[k:], "</")
		if d < 0 {
			break
		}
		k += d
		e := k + 2 + len(name)
		if e <= len(s) && strings.EqualFold(s[k+2:e], name) && (e == len(s) || isHTMLSpace(s[e]) || s[e] == '/' || s[e] == '>') {
			return k, true
		}
		k += 2
	}
	return len(s), true
}

// escapeUnknownTags returns HTML in which every '<' that does not begin markup a browser
// would act on is written as "&lt;", so that it shows as the text it is rather than
// being swallowed: a '<' followed by no tag ("a < b", "a<3"), a tag that never ends
// ("J<aime bien …" with no '>'), and a tag whose name is no HTML element
// ("price<limit>", "<custom-thing>"). Tags of real elements, comments and declarations
// are left for the sanitiser, which keeps or removes them by its policy; tags and
// attrs count them and their attributes (an upper bound), whose number makes the
// sanitiser's work. The reading costs at most steps; ok is false when they ran out (the
// result is then not usable).
func escapeUnknownTags(s string, steps int) (out string, tags, attrs int, ok bool) {
	i := strings.IndexByte(s, '<')
	if i < 0 {
		return s, 0, 0, true
	}
	z := newMarkupScanner(s, steps)
	var b strings.Builder // only once a '<' is escaped
	last := 0
	for i >= 0 && !z.exhausted() {
		kind, name, end := z.scan(i)
		if kind == otherMarkup || (kind == startTag || kind == endTag) && isHTMLElement(name) {
			tags++
			if kind == startTag {
				attrs += strings.Count(s[i:end], "=")
				if e, raw := rawTextEnd(s, end, name); raw {
					z.steps -= e - end
					end = e
				}
			}
		} else {
			if b.Len() == 0 {
				b.Grow(len(s) + 64)
			}
			b.WriteString(s[last:i])
			b.WriteString("&lt;")
			last, end = i+1, i+1
		}
		i = indexFrom(s, end, '<')
	}
	if last == 0 {
		return s, tags, attrs, !z.exhausted()
	}
	b.WriteString(s[last:])
	return b.String(), tags, attrs, !z.exhausted()
}

// isHTMLElement reports whether name (lower case) is an element of HTML: those of the
// WHATWG HTML Living Standard's index of elements, its obsolete and non-conforming ones
// (§16) but multicol and nextid, which browsers do not know either, and svg and math, which start SVG and MathML content. A tag of any other name
// is no element a browser knows. The names are looked up in golang.org/x/net/html/atom,
// the tokenizer's own table, which also holds attribute names ("href", "max"): the list
// says which of its atoms are elements.
func isHTMLElement(name string) bool {
	a := atom.Lookup([]byte(name))
	return a != 0 && htmlElements[a]
}

var htmlElements = func() map[atom.Atom]bool {
	m := map[atom.Atom]bool{}
	for _, e := range strings.Fields(`
		a abbr address area article aside audio b base bdi bdo blockquote body br button
		canvas caption cite code col colgroup data datalist dd del details dfn dialog div dl
		dt em embed fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header
		hgroup hr html i iframe img input ins kbd label legend li link main map mark math menu
		meta meter nav noscript object ol optgroup option output p param picture pre progress
		q rp rt ruby s samp script search section select slot small source span strong style
		sub summary sup svg table tbody td template textarea tfoot th thead time title tr
		track u ul var video wbr
		acronym applet basefont bgsound big blink center dir font frame frameset image isindex
		keygen listing marquee menuitem nobr noembed noframes plaintext rb rtc
		spacer strike tt xmp`) {
		a := atom.Lookup([]byte(e))
		if a == 0 {
			panic("render: " + e + " is not in golang.org/x/net/html/atom")
		}
		m[a] = true
	}
	return m
}()
