// Package xmlstream reads an XML file that comes from outside (a WordPress export, a
// Disqus export: gigabytes written by anyone) as a stream of tokens whose cost is
// bounded. It is where the readers built on it (internal/wxr, internal/disqus) keep
// their defences against hostile input:
//
//   - Budgets: Decoder.Token is given a budget in bytes of input for the one token it
//     reads (plus Slack, the markup around a text: "<![CDATA[", "]]>"), and refuses it
//     with ErrTooLarge while it is read, not after: encoding/xml holds a whole token in
//     memory before returning it, so a 2 GiB CDATA section is stopped at its budget,
//     having read at most one 64 KiB buffer past it.
//   - Nesting: elements deeper than Options.Depth are refused (ErrHostile).
//   - Entities: the one directive allowed is a DOCTYPE that neither declares entities
//     (the "billion laughs" expansion) nor names an external identifier (SYSTEM or
//     PUBLIC: a DTD or entity fetched from a file or the network); others are refused
//     (ErrHostile). encoding/xml expands neither, but a file carrying them is an attack,
//     not an export; and in strict mode it knows only XML's five entities and character
//     references, so a reference to any other entity is an error anyway.
//   - Encoding: text must be valid UTF-8 in XML's range (encoding/xml checks it; the fast
//     path below leaves it whatever it does not accept), and a file declaring
//     another encoding is refused rather than misread (no CharsetReader).
//   - Truncation: a file that ends with elements open is ErrTruncated, naming the
//     innermost one and the line it opened at.
//
// Every error but io.EOF (the end of a complete file) is an *Error naming the 1-based
// line of the input and, where known, the column (in bytes, from 1). Errors are final:
// a Decoder that returned one must not be used again.
//
// A Token is a start tag, an end tag, text (character data and CDATA sections) or
// other markup (a comment, a processing instruction, a DOCTYPE), as xml.Decoder.Token
// would give it: names translated from their prefixes to their namespaces' URIs by the
// xmlns declarations in scope, an end tag checked against its start tag. The
// namespaces and the stack of open elements are kept here, once; a Token is a value,
// not an interface (xml.Decoder.Token boxes every element twice). The bytes of a text
// are the Decoder's and change with the next token: copy what is kept.
//
// Most of an export is text without references, CDATA sections and tags with ASCII
// names and plain attribute values: those are read straight from the Decoder's 64 KiB
// buffer (fast.go), at some three times encoding/xml's speed and without its
// allocations a token. Everything else (a reference, a carriage return, a forbidden
// character or invalid UTF-8, a comment, a processing instruction, a directive, a name
// with other characters, a token longer than the buffer or near its budget, the end of
// the input) is read by xml.Decoder.RawToken, which makes every error. The fast path
// accepts only a subset of what encoding/xml accepts and gives the same tokens,
// positions and errors for it (FuzzFastSameAsSlow, FuzzSameAsToken).
package xmlstream

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Slack is the markup a text token may carry beyond its budget: "<![CDATA[", "]]>" and
// the byte of the next tag encoding/xml reads to find the text's end.
const Slack = 64

// bufSize is what a Decoder reads from its input at a time, in bytes.
const bufSize = 64 << 10

// Errors an *Error may wrap, for errors.Is. The readers built on this package give
// them as their own (wxr.ErrHostile is ErrHostile).
var (
	ErrHostile   = errors.New("refused")
	ErrTruncated = errors.New("the file is truncated")
	ErrTooLarge  = errors.New("over the limit")
)

// Error is why a file cannot be read: where (1-based line of the input, and column in
// bytes from 1, 0 when unknown) and what. A reader wraps it in its own error type.
type Error struct {
	Line, Column int
	Err          error
}

func (e *Error) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Options shape a Decoder.
type Options struct {
	// Depth is the deepest element nesting allowed (the root is 1); a start tag deeper
	// is refused with ErrHostile. Zero or less: 32.
	Depth int
	// Format is what a file must be, for the message refusing a directive ("a WXR
	// file": "the directive <!ELEMENT…> is not part of a WXR file").
	Format string
	// Label names an element in messages and in Open.Label, from its namespace and
	// local name ("wp:comment" for WordPress's namespace). Nil: its local name.
	Label func(xml.Name) string
}

// Kind is what a Token is.
type Kind uint8

const (
	Other Kind = iota // a comment, a processing instruction, an allowed DOCTYPE
	Start             // a start tag (an empty element <a/> is a Start, then an End)
	End               // an end tag
	Text              // character data, a CDATA section or text with references
)

// Token is one token of the input.
type Token struct {
	Kind Kind
	Name xml.Name   // a Start's or an End's, its Space the namespace's URI
	Attr []xml.Attr // a Start's attributes, their Space translated as Name's
	// Text is a Text's bytes, entities and character references replaced; the
	// decoder's, valid until the next token.
	Text []byte
}

// Open is an element the Decoder is inside.
type Open struct {
	Label string // Options.Label of its name
	Line  int    // the line where its start tag ends
	raw   xml.Name
	binds int // namespace bindings its start tag made, undone at its end
}

// binding is a namespace prefix's URI before an element bound it again, restored at
// that element's end.
type binding struct {
	prefix, uri string
	had         bool
}

// Decoder reads XML tokens within budgets. It is not safe for concurrent use.
type Decoder struct {
	br     *budgetReader
	opt    Options
	what   fmt.Stringer // what the token being read is part of, for a budget error
	budget int          // its budget
	stack  []Open       // elements open, outermost first
	ns     map[string]string
	saved  []binding
	names  map[string]string // fast's names, interned

	// The position: the line, and the input's offset where it starts.
	line      int
	lineStart int64

	// xd reads what fast does not, from xdOff (at line xdLine, which starts at
	// xdLineStart), and is kept after a start tag (it may hold the end of <a/>).
	xd          *xml.Decoder
	xdOff       int64
	xdLine      int
	xdLineStart int64
	// end is the name of a <a/> fast read: its End comes next.
	endName xml.Name
	endDue  bool
	// paid is whether the last token was a text that read the '<' after it.
	paid bool

	slowOnly bool // tests: encoding/xml reads every token, to compare with fast
}

// New returns a Decoder of r, read through a 64 KiB buffer as tokens are asked for (a
// token that starts near the buffer's end may have it filled before it is read).
func New(r io.Reader, opt Options) *Decoder { return newDecoder(r, opt, bufSize) }

// newDecoder is New with a buffer of size bytes (tests use small ones, to put tokens
// across its end).
func newDecoder(r io.Reader, opt Options, size int) *Decoder {
	if opt.Depth <= 0 {
		opt.Depth = 32
	}
	if opt.Format == "" {
		opt.Format = "this file"
	}
	br := &budgetReader{r: r, buf: make([]byte, size)}
	return &Decoder{br: br, opt: opt, ns: map[string]string{}, names: map[string]string{}, line: 1}
}

// Token returns the next token, which may take at most budget bytes of input (plus
// Slack); what names what it is part of, for the error when it is longer ("the text of
// <title> (line 5)": "… is longer than 64 KiB"), and is formatted only then. At the end
// of the input with no element open it returns (nil, io.EOF); any other error is an
// *Error: ErrTooLarge past the budget, ErrHostile for nesting past Options.Depth or a
// directive other than a plain DOCTYPE, ErrTruncated for an input that ends inside an
// element or a token, or encoding/xml's syntax error (an undeclared entity, invalid
// UTF-8, a mismatched end tag…) at its line.
func (d *Decoder) Token(budget int, what fmt.Stringer) (Token, error) {
	d.what, d.budget = what, budget
	max := budget + Slack
	if d.paid {
		// The '<' this token starts with ended the text before, whose budget paid
		// for it, as encoding/xml reads it.
		max++
		d.paid = false
	}
	if d.endDue {
		d.endDue = false
		return d.end(xml.EndElement{Name: d.endName})
	}
	if d.xd == nil && !d.slowOnly {
		if ft, ok := d.fast(max); ok {
			d.paid = ft.lookahead
			switch ft.tok.Kind {
			case Start:
				if ft.empty {
					d.endName, d.endDue = ft.tok.Name, true
				}
				return d.start(xml.StartElement{Name: ft.tok.Name, Attr: ft.tok.Attr})
			case End:
				return d.end(xml.EndElement{Name: ft.tok.Name})
			}
			return ft.tok, nil
		}
	}
	if d.xd == nil {
		// A fresh decoder from here: RawToken keeps no state from one token to the
		// next but the end of <a/> (hence xd is kept after a start tag) and the byte
		// after a text (given back below).
		d.xd = xml.NewDecoder(d.br)
		// Strict (the default): only XML's five entities and character references
		// are known, so an entity a DOCTYPE declares is an error even if
		// checkDirective missed it; no CharsetReader: a file in another encoding
		// than UTF-8 is refused by the decoder rather than misread.
		d.xd.Strict = true
		d.xdOff, d.xdLine, d.xdLineStart = d.br.off(), d.line, d.lineStart
	}
	line0, col0 := d.Pos() // where this token starts
	d.br.setBudget(max)
	t, err := d.xd.RawToken()
	held := d.sync()
	switch t.(type) {
	case xml.StartElement:
		// xd is kept: it may hold the end of <a/>.
	case xml.CharData:
		// A text that did not end at a '<' ended at the input's end or its budget:
		// xd is kept to say so at the next token, as it would have.
		if held > 0 {
			d.xd = nil
			d.paid = true
		}
	default:
		d.xd = nil
	}
	if t == nil {
		if err == io.EOF {
			if len(d.stack) > 0 {
				return Token{}, d.Truncated()
			}
			return Token{}, io.EOF
		}
		return Token{}, d.decodeError(err)
	}
	switch t := t.(type) {
	case xml.CharData:
		return Token{Kind: Text, Text: t}, nil
	case xml.StartElement:
		return d.start(t)
	case xml.EndElement:
		return d.end(t)
	case xml.Directive:
		if err := d.checkDirective(t); err != nil {
			return Token{}, &Error{Line: line0, Column: col0, Err: err}
		}
	}
	return Token{Kind: Other}, nil
}

// sync takes the position from xd, and gives back the byte it read after a text (held:
// 1, or 0).
func (d *Decoder) sync() (held int64) {
	xo := d.xd.InputOffset()
	if held = d.br.off() - (d.xdOff + xo); held > 0 {
		d.br.i -= int(held) // still in the buffer: the last byte read
	}
	xl, xc := d.xd.InputPos()
	if xl > 1 {
		d.line = d.xdLine + xl - 1
		d.lineStart = d.xdOff + xo - int64(xc-1)
	}
	return held
}

// start binds the prefixes t declares, translates its names and opens it, as
// xml.Decoder.Token does.
func (d *Decoder) start(t xml.StartElement) (Token, error) {
	raw := t.Name
	binds := 0
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			d.bind(a.Name.Local, a.Value)
			binds++
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			d.bind("", a.Value) // the default namespace, of names without a prefix
			binds++
		}
	}
	d.translate(&t.Name, true)
	for i := range t.Attr {
		d.translate(&t.Attr[i].Name, false)
	}
	line := d.line
	label := t.Name.Local
	if d.opt.Label != nil {
		label = d.opt.Label(t.Name)
	}
	d.stack = append(d.stack, Open{Label: label, Line: line, raw: raw, binds: binds})
	if len(d.stack) > d.opt.Depth {
		return Token{}, d.Errorf(ErrHostile, "elements nested more than %d deep", d.opt.Depth)
	}
	return Token{Kind: Start, Name: t.Name, Attr: t.Attr}, nil
}

// end checks t against the element open, closes it and undoes its bindings, with
// xml.Decoder.Token's messages.
func (d *Decoder) end(t xml.EndElement) (Token, error) {
	if len(d.stack) == 0 {
		return Token{}, d.syntaxError("unexpected end element </" + t.Name.Local + ">")
	}
	o := d.stack[len(d.stack)-1]
	switch {
	case o.raw.Local != t.Name.Local:
		return Token{}, d.syntaxError("element <" + o.raw.Local + "> closed by </" + t.Name.Local + ">")
	case o.raw.Space != t.Name.Space:
		space := t.Name.Space
		if space == "" {
			space = `""`
		}
		return Token{}, d.syntaxError("element <" + o.raw.Local + "> in space " + o.raw.Space + " closed by </" + t.Name.Local + "> in space " + space)
	}
	d.translate(&t.Name, true)
	d.stack = d.stack[:len(d.stack)-1]
	for range o.binds {
		b := d.saved[len(d.saved)-1]
		d.saved = d.saved[:len(d.saved)-1]
		if b.had {
			d.ns[b.prefix] = b.uri
		} else {
			delete(d.ns, b.prefix)
		}
	}
	return Token{Kind: End, Name: t.Name}, nil
}

func (d *Decoder) bind(prefix, uri string) {
	old, had := d.ns[prefix]
	d.saved = append(d.saved, binding{prefix: prefix, uri: old, had: had})
	d.ns[prefix] = uri
}

// translate turns a name's prefix into its namespace's URI, as xml.Decoder.Token does:
// "xmlns" stays, "xml" is XML's own namespace, an attribute without a prefix has no
// namespace, an element without one has the default namespace, and an undeclared
// prefix is left as it is.
func (d *Decoder) translate(n *xml.Name, element bool) {
	switch {
	case n.Space == "xmlns":
		return
	case n.Space == "" && !element:
		return
	case n.Space == "xml":
		n.Space = "http://www.w3.org/XML/1998/namespace"
	case n.Space == "" && n.Local == "xmlns":
		return
	}
	if v, ok := d.ns[n.Space]; ok {
		n.Space = v
	}
}

var (
	reDoctype  = regexp.MustCompile(`(?i)^DOCTYPE\s`)
	reEntity   = regexp.MustCompile(`(?i)<!ENTITY`)
	reExternal = regexp.MustCompile(`(?i)\s(SYSTEM|PUBLIC)(\s|["'])`)
)

// checkDirective refuses what an export never holds and an XML parser that expands
// entities would act on: entity declarations (the "billion laughs" expansion) and
// external identifiers (a DTD or entity fetched from a file or the network).
func (d *Decoder) checkDirective(t xml.Directive) error {
	var why string
	switch {
	case !reDoctype.Match(t):
		why = fmt.Sprintf("the directive <!%s> is not part of %s", Clip(string(t), 20), d.opt.Format)
	case reEntity.Match(t):
		why = "the DOCTYPE declares entities (an entity expansion attack)"
	case reExternal.Match(t):
		why = "the DOCTYPE names an external DTD (SYSTEM or PUBLIC)"
	default:
		return nil
	}
	return fmt.Errorf("%s: %w", why, ErrHostile)
}

// decodeError turns an error of encoding/xml (or of the budgetReader under it) into an
// *Error with the line.
func (d *Decoder) decodeError(err error) error {
	if errors.Is(err, errBudget) {
		return d.Errorf(ErrTooLarge, "%s is longer than %s", d.what, Size(d.budget))
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if strings.HasPrefix(se.Msg, "unexpected EOF") {
			return d.Truncated()
		}
		seLine := se.Line + d.xdLine - 1 // xd counts its lines from 1
		line, col := d.Pos()
		if seLine != line {
			col = 0
		}
		return &Error{Line: seLine, Column: col, Err: errors.New(se.Msg)}
	}
	line, col := d.Pos()
	return &Error{Line: line, Column: col, Err: fmt.Errorf("reading the file: %w", err)}
}

func (d *Decoder) syntaxError(msg string) error {
	line, col := d.Pos()
	return &Error{Line: line, Column: col, Err: errors.New(msg)}
}

// Truncated is the error of an input that ends where it may not: with elements open
// (naming the innermost and its line) or inside a token; at the decoder's position.
func (d *Decoder) Truncated() *Error {
	line, col := d.Pos()
	if len(d.stack) == 0 {
		return &Error{Line: line, Column: col, Err: ErrTruncated}
	}
	o := d.stack[len(d.stack)-1]
	return &Error{Line: line, Column: col, Err: fmt.Errorf("%w: it ends inside <%s>, opened at line %d", ErrTruncated, o.Label, o.Line)}
}

// Errorf is an *Error at the decoder's position (the end of the last token read)
// wrapping kind: "<message>: <kind>".
func (d *Decoder) Errorf(kind error, format string, args ...any) *Error {
	line, col := d.Pos()
	return &Error{Line: line, Column: col, Err: fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), kind)}
}

// Pos is the decoder's position: the 1-based line and column (in bytes) of the end of
// the last token read.
func (d *Decoder) Pos() (line, column int) {
	return d.line, int(d.br.off()-d.lineStart) + 1
}

// Stack is the elements open, outermost first. It is the Decoder's: read it, do not
// keep it past the next token.
func (d *Decoder) Stack() []Open { return d.stack }

// Depth is how many elements are open.
func (d *Decoder) Depth() int { return len(d.stack) }

// Top is the innermost element open; the zero Open when none is.
func (d *Decoder) Top() Open {
	if len(d.stack) == 0 {
		return Open{}
	}
	return d.stack[len(d.stack)-1]
}

// Skip reads past the element just started, whatever it holds, each token within
// budget (what names it for the budget's error, as in Token).
func (d *Decoder) Skip(budget int, what fmt.Stringer) error {
	depth := len(d.stack)
	for len(d.stack) >= depth {
		if _, err := d.Token(budget, what); err != nil {
			if err == io.EOF {
				return d.Truncated()
			}
			return err
		}
	}
	return nil
}

// Size is n bytes as a message gives a limit: "8 MiB", "64 KiB", "1000 bytes".
func Size(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Clip is s cut to at most n bytes (at a character's start) and "…", for a message
// quoting the input.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// errBudget is what budgetReader returns when a token runs past its budget.
var errBudget = errors.New("token over its budget")

// budgetReader hands encoding/xml the input byte by byte (the decoder reads through
// io.ByteReader when it can; its own buffer, not a bufio.Reader under it, saves a
// second call a byte) and refuses to give a token more than its budget: the decoder
// keeps a whole token in memory before returning it, so a 2 GiB CDATA section must be
// stopped while it is read, not after.
type budgetReader struct {
	r      io.Reader
	buf    []byte
	i, end int // buf[i:end] is read from r and not yet given
	// stop is where ReadByte's one comparison a byte stops giving buf[i]: end, or
	// sooner where the budget ends.
	stop  int
	base  int64 // the input's offset of buf[0]
	limit int64 // the input's offset where the current token's budget ends
	max   int   // the current token's budget
	err   error
}

// off is the input's offset of the next byte to give.
func (c *budgetReader) off() int64 { return c.base + int64(c.i) }

// compact moves what is not yet given to the start of the buffer and fills the rest,
// so that a token that started near the buffer's end lies whole in it (fast); whether
// anything was read.
func (c *budgetReader) compact() bool {
	if c.err != nil {
		return false
	}
	if c.i > 0 {
		copy(c.buf, c.buf[c.i:c.end])
		c.base += int64(c.i)
		c.end -= c.i
		c.i = 0
	}
	n0 := c.end
	for c.end < len(c.buf) && c.err == nil {
		n, err := c.r.Read(c.buf[c.end:])
		c.end += n
		c.err = err
	}
	c.setStop()
	return c.end > n0
}

// setBudget gives the token about to be read max bytes.
func (c *budgetReader) setBudget(max int) {
	c.max = max
	c.limit = c.base + int64(c.i) + int64(max)
	c.setStop()
}

func (c *budgetReader) setStop() {
	c.stop = c.end
	if l := c.limit - c.base; l < int64(c.stop) {
		c.stop = int(max(l, 0))
	}
}

// more makes buf[i] available within the budget, or says why not (errBudget, or the
// input's error).
func (c *budgetReader) more() error {
	if c.base+int64(c.i) >= c.limit {
		return errBudget
	}
	for c.i >= c.end {
		if c.err != nil {
			return c.err
		}
		c.base += int64(c.end)
		c.i = 0
		c.end, c.err = c.r.Read(c.buf)
	}
	c.setStop()
	return nil
}

func (c *budgetReader) ReadByte() (byte, error) {
	if c.i >= c.stop {
		if err := c.more(); err != nil {
			return 0, err
		}
	}
	b := c.buf[c.i]
	c.i++
	return b, nil
}

func (c *budgetReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if c.i >= c.stop {
		if err := c.more(); err != nil {
			return 0, err
		}
	}
	k := copy(p, c.buf[c.i:c.stop])
	c.i += k
	return k, nil
}
