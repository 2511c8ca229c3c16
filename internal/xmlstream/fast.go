package xmlstream

import (
	"encoding/xml"
	"unicode/utf8"
)

// The fast path: most of an export is text without references, CDATA sections, and
// tags with ASCII names and plain attribute values. fast reads such a token straight
// from the Decoder's buffer, a byte a comparison, where encoding/xml costs two calls
// through interfaces and a copy a byte, and a lookup in Unicode's tables a name's
// character. Anything else (a reference, a carriage return, a character XML forbids
// or invalid UTF-8, a comment, a processing instruction, a directive, a name with other
// characters, a token longer than the buffer or its budget, the end of the input) is
// left where it starts, for encoding/xml to read as before: the fast path accepts a
// subset of what encoding/xml accepts and gives the same tokens for it
// (FuzzSameAsToken), and every error is encoding/xml's.

// fastToken is what fast read: a Token, or for a self-closing tag its Start with its
// End to come.
type fastToken struct {
	tok       Token
	empty     bool // a Start of <a/>: its End comes next
	lookahead bool // a text, whose end ('<') its budget paid for
}

// fast reads the next token if it is of the fast path's subset, lies whole in the
// buffer (which it may fill) and takes at most max bytes; ok is false, nothing
// consumed, otherwise.
func (d *Decoder) fast(max int) (ft fastToken, ok bool) {
	c := d.br
	for try := 0; try < 2; try++ {
		n, more := d.scan(c.buf[c.i:c.end], &ft)
		if n > 0 {
			cost := n
			ft.lookahead = ft.tok.Kind == Text && c.buf[c.i] != '<' // not a CDATA section
			if ft.lookahead {
				cost++ // encoding/xml reads the '<' that ends a text
			}
			if cost > max {
				return fastToken{}, false // encoding/xml reads up to the budget and refuses it
			}
			d.advance(c.buf[c.i : c.i+n])
			c.i += n
			return ft, true
		}
		if !more || try > 0 || !c.compact() {
			return fastToken{}, false
		}
	}
	return fastToken{}, false
}

// advance moves the Decoder's position past b.
func (d *Decoder) advance(b []byte) {
	for k, x := range b {
		if x == '\n' {
			d.line++
			d.lineStart = d.br.off() + int64(k) + 1
		}
	}
}

// scan reads one token of the subset from the start of s into ft, and returns how many
// bytes of s it takes; 0 when s does not start with one, more when s ends before the
// token does (a text ends at a '<', which must be in s).
func (d *Decoder) scan(s []byte, ft *fastToken) (n int, more bool) {
	if len(s) == 0 {
		return 0, true
	}
	if s[0] != '<' {
		k, ok, more := text(s)
		if !ok {
			return 0, more
		}
		ft.tok = Token{Kind: Text, Text: s[:k]}
		ft.empty = false
		return k, false
	}
	if len(s) < 2 {
		return 0, true
	}
	switch s[1] {
	case '/':
		name, k, ok, more := d.name(s, 2)
		if !ok {
			return 0, more
		}
		k = space(s, k)
		if k >= len(s) {
			return 0, true
		}
		if s[k] != '>' {
			return 0, false
		}
		ft.tok = Token{Kind: End, Name: name}
		ft.empty = false
		return k + 1, false
	case '!':
		const open = "<![CDATA["
		if len(s) < len(open) {
			return 0, true
		}
		if string(s[:len(open)]) != open {
			return 0, false
		}
		k, ok, more := cdata(s[len(open):])
		if !ok {
			return 0, more
		}
		ft.tok = Token{Kind: Text, Text: s[len(open) : len(open)+k]}
		ft.empty = false
		return len(open) + k + len("]]>"), false
	}
	return d.startTag(s, ft)
}

// startTag reads <name attr="value"…> or <name …/>.
func (d *Decoder) startTag(s []byte, ft *fastToken) (n int, more bool) {
	name, k, ok, more := d.name(s, 1)
	if !ok {
		return 0, more
	}
	attr := []xml.Attr{} // as encoding/xml: never nil
	for {
		k = space(s, k)
		if k >= len(s) {
			return 0, true
		}
		switch s[k] {
		case '>':
			ft.tok = Token{Kind: Start, Name: name, Attr: attr}
			ft.empty = false
			return k + 1, false
		case '/':
			if k+1 >= len(s) {
				return 0, true
			}
			if s[k+1] != '>' {
				return 0, false
			}
			ft.tok = Token{Kind: Start, Name: name, Attr: attr}
			ft.empty = true
			return k + 2, false
		}
		var a xml.Attr
		if a.Name, k, ok, more = d.name(s, k); !ok {
			return 0, more
		}
		k = space(s, k)
		if k >= len(s) {
			return 0, true
		}
		if s[k] != '=' {
			return 0, false
		}
		k = space(s, k+1)
		if k >= len(s) {
			return 0, true
		}
		q := s[k]
		if q != '"' && q != '\'' {
			return 0, false
		}
		v, ok, more := value(s[k+1:], q)
		if !ok {
			return 0, more
		}
		a.Value = string(s[k+1 : k+1+v])
		attr = append(attr, a)
		k += 1 + v + 1
	}
}

// name reads an ASCII XML name at s[k:] as encoding/xml's nsname splits it ("p:local",
// or a local name alone), and returns the index after it. Names are interned: an
// export uses some sixty, millions of times.
func (d *Decoder) name(s []byte, k int) (n xml.Name, end int, ok, more bool) {
	start := k
	if k >= len(s) {
		return n, 0, false, true
	}
	if c := s[k]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':') {
		return n, 0, false, false
	}
	colon := -1
	if s[k] == ':' {
		colon = k
	}
	for k++; ; k++ {
		if k >= len(s) {
			return n, 0, false, true
		}
		c := s[k]
		if c >= utf8.RuneSelf {
			return n, 0, false, false
		}
		if !isNameByte(c) {
			break
		}
		if c == ':' {
			if colon >= 0 {
				return n, 0, false, false // two colons: encoding/xml refuses it
			}
			colon = k
		}
	}
	b := s[start:k]
	if colon < 0 || colon == start || colon == k-1 { // "a", ":a", "a:": a local name

		return xml.Name{Local: d.intern(b)}, k, true, false
	}
	return xml.Name{Space: d.intern(s[start:colon]), Local: d.intern(s[colon+1 : k])}, k, true, false
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// intern is b as a string, made once a name while there are fewer than maxNames of at
// most maxName bytes.
func (d *Decoder) intern(b []byte) string {
	if s, ok := d.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.names) < maxNames && len(b) <= maxName {
		d.names[s] = s
	}
	return s
}

// maxNames and maxName bound the names a Decoder keeps to 256 KiB: a hostile file may
// use millions, each as long as a tag's budget.
const (
	maxNames = 4096
	maxName  = 64
)

// space is the index after the XML white space at s[k:].
func space(s []byte, k int) int {
	for k < len(s) {
		switch s[k] {
		case ' ', '\n', '\t':
			k++
		default:
			return k
		}
	}
	return k
}

// text is the length of the text at the start of s, up to its '<', when it holds no
// reference, carriage return, "]]>" or character encoding/xml would refuse; more when
// s ends first.
func text(s []byte) (n int, ok, more bool) {
	for k := 0; k < len(s); {
		c := s[k]
		switch {
		case c == '<':
			return k, true, false
		case c == '&' || c == '\r':
			return 0, false, false
		case c == '>':
			if k >= 2 && s[k-1] == ']' && s[k-2] == ']' {
				return 0, false, false
			}
		case c < 0x20:
			if c != '\t' && c != '\n' {
				return 0, false, false
			}
		case c >= utf8.RuneSelf:
			w := char(s[k:])
			if w <= 0 {
				return 0, false, w < 0
			}
			k += w
			continue
		}
		k++
	}
	return 0, false, true
}

// cdata is the length of a CDATA section's text at the start of s, up to its "]]>",
// when it holds no carriage return or character encoding/xml would refuse; more when s
// ends first.
func cdata(s []byte) (n int, ok, more bool) {
	for k := 0; k < len(s); {
		c := s[k]
		switch {
		case c == ']':
			if k+2 < len(s) && s[k+1] == ']' && s[k+2] == '>' {
				return k, true, false
			}
		case c == '\r':
			return 0, false, false
		case c < 0x20:
			if c != '\t' && c != '\n' {
				return 0, false, false
			}
		case c >= utf8.RuneSelf:
			w := char(s[k:])
			if w <= 0 {
				return 0, false, w < 0
			}
			k += w
			continue
		}
		k++
	}
	return 0, false, true
}

// value is the length of an attribute's value at the start of s, up to its quote q,
// when it holds no reference, '<', carriage return or character encoding/xml would
// refuse; more when s ends first.
func value(s []byte, q byte) (n int, ok, more bool) {
	for k := 0; k < len(s); {
		c := s[k]
		switch {
		case c == q:
			return k, true, false
		case c == '&' || c == '<' || c == '\r':
			return 0, false, false
		case c < 0x20:
			if c != '\t' && c != '\n' {
				return 0, false, false
			}
		case c >= utf8.RuneSelf:
			w := char(s[k:])
			if w <= 0 {
				return 0, false, w < 0
			}
			k += w
			continue
		}
		k++
	}
	return 0, false, true
}

// char is the width of the character of two bytes or more at the start of s when it is
// valid UTF-8 in XML's range; 0 when it is not, -1 when s may end inside it.
func char(s []byte) int {
	if !utf8.FullRune(s) {
		return -1
	}
	r, w := utf8.DecodeRune(s)
	if r == utf8.RuneError && w == 1 {
		return 0
	}
	if r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
		return w
	}
	return 0
}
