package xmlstream

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// label is a fixed what for the tokens a test reads.
type label string

func (l label) String() string { return string(l) }

// readAll reads doc to its end or its first error with budget and depth, and returns
// the tokens read and that error (nil at a complete file's end).
func readAll(r io.Reader, budget, depth int) ([]Token, error) {
	d := New(r, Options{Depth: depth, Format: "a test file"})
	var toks []Token
	for {
		t, err := d.Token(budget, label("the token"))
		if err == io.EOF {
			return toks, nil
		}
		if err != nil {
			return toks, err
		}
		t.Text = append([]byte(nil), t.Text...)
		toks = append(toks, t)
	}
}

// wantError checks that err is an *Error of kind (nil: any) at line, whose message
// says says.
func wantError(t *testing.T, err error, kind error, line int, says string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want an *xmlstream.Error", err, err)
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("error %q is not %q", err, kind)
	}
	if e.Line != line || !strings.Contains(err.Error(), fmt.Sprintf("line %d", line)) {
		t.Errorf("error %q at line %d, want line %d", err, e.Line, line)
	}
	if !strings.Contains(err.Error(), says) {
		t.Errorf("error %q does not say %q", err, says)
	}
}

// An entity declared in a DOCTYPE is refused where the DOCTYPE starts, even if nothing
// refers to it: a parser that expands entities would grow "billion laughs" from it.
func TestEntityDeclarationRefused(t *testing.T) {
	for name, doc := range map[string]string{
		"billion laughs": "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n <!ENTITY a \"aaaaaaaaaa\">\n <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n]>\n<r>&b;</r>",
		"never used":     "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!entity a \"x\">]>\n<r/>",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readAll(strings.NewReader(doc), 1<<10, 8)
			wantError(t, err, ErrHostile, 2, "declares entities")
		})
	}
}

// A DOCTYPE naming an external DTD or entity (a file or an address a parser would
// fetch) is refused; a DOCTYPE with neither is read; any other directive is refused.
func TestExternalEntityRefused(t *testing.T) {
	for name, doctype := range map[string]string{
		"system DTD":      `<!DOCTYPE r SYSTEM "http://evil.example/r.dtd">`,
		"public DTD":      `<!DOCTYPE r PUBLIC "-//E//DTD X//EN" 'file:///etc/passwd'>`,
		"external entity": `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>`,
	} {
		t.Run(name, func(t *testing.T) {
			doc := "<?xml version=\"1.0\"?>\n\n" + doctype + "\n<r/>"
			_, err := readAll(strings.NewReader(doc), 1<<10, 8)
			wantError(t, err, ErrHostile, 3, "")
		})
	}
	_, err := readAll(strings.NewReader("<?xml version=\"1.0\"?>\n<!ELEMENT r ANY>\n<r/>"), 1<<10, 8)
	wantError(t, err, ErrHostile, 2, "not part of a test file")
	if _, err := readAll(strings.NewReader("<?xml version=\"1.0\"?>\n<!DOCTYPE r>\n<r>&amp;&#65;</r>"), 1<<10, 8); err != nil {
		t.Errorf("a plain DOCTYPE: %v", err)
	}
	// With no declaration, an entity reference is an error of its own.
	_, err = readAll(strings.NewReader("<r>\n&xxe;</r>"), 1<<10, 8)
	wantError(t, err, nil, 2, "entity")
}

// endless is a reader of the same byte forever.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

// counted counts what was read from it.
type counted struct {
	r io.Reader
	n int64
}

func (c *counted) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// A token over its budget is refused while it is read: a CDATA section without end ends
// the reading at its budget, having read at most one buffer past it, with the message
// naming what it was part of.
func TestOverlongTokenRefused(t *testing.T) {
	const budget = 100 << 10
	prefix := "<r>\n<long><![CDATA["
	// 64 times the budget stands for endless, so that a Decoder without its budget
	// fails this test rather than running out of memory.
	src := &counted{r: io.MultiReader(strings.NewReader(prefix), io.LimitReader(endless('a'), 64*budget))}
	d := New(src, Options{Depth: 8})
	var err error
	for err == nil {
		_, err = d.Token(budget, label("the text of <long>"))
	}
	wantError(t, err, ErrTooLarge, 2, "the text of <long> is longer than 100 KiB")
	if max := int64(len(prefix) + budget + Slack + bufSize); src.n > max {
		t.Errorf("read %d bytes of an endless token, want at most %d", src.n, max)
	}

	// A text of its budget reads; one byte more (beyond Slack) does not. Tags count
	// against their own budget: an attribute of the text's length is refused as well.
	text := strings.Repeat("x", 1000)
	if _, err := readAll(strings.NewReader("<r>"+text+"</r>"), 1000, 8); err != nil {
		t.Errorf("a text of its budget: %v", err)
	}
	_, err = readAll(strings.NewReader("<r>"+text+strings.Repeat("y", Slack+1)+"</r>"), 1000, 8)
	wantError(t, err, ErrTooLarge, 1, "the token is longer than 1000 bytes")
	_, err = readAll(strings.NewReader("<r>\n<a b=\""+strings.Repeat("x", 1100)+"\"/></r>"), 1000, 8)
	wantError(t, err, ErrTooLarge, 2, "longer than")
}

// Elements nested past Options.Depth are refused at the start tag that goes too deep.
func TestDeepNestingRefused(t *testing.T) {
	doc := "<a>\n<b>\n<c>\n<d>\n<e>\n</e></d></c></b></a>"
	if _, err := readAll(strings.NewReader(doc), 1<<10, 5); err != nil {
		t.Errorf("5 levels with a depth of 5: %v", err)
	}
	toks, err := readAll(strings.NewReader(doc), 1<<10, 4)
	wantError(t, err, ErrHostile, 5, "nested more than 4 deep")
	if len(toks) != 8 { // four start tags and the line breaks after them
		t.Errorf("%d tokens before the error, want 8", len(toks))
	}
	// Deep nesting costs no more than the depth: a million open elements are refused
	// at the 33rd.
	_, err = readAll(strings.NewReader(strings.Repeat("<a>", 1_000_000)), 1<<10, 32)
	wantError(t, err, ErrHostile, 1, "nested more than 32 deep")
}

// A file cut anywhere after its root's start tag is ErrTruncated at its last line,
// naming the innermost element open and where it opened.
func TestTruncatedRefused(t *testing.T) {
	doc := "<?xml version=\"1.0\"?>\n<r>\n <item>\n  <t><![CDATA[some\ntext]]></t>\n  <u a=\"1\">x &amp; y</u>\n </item>\n</r>\n"
	root := strings.Index(doc, "<r>") + len("<r>")
	for n := root; n <= strings.LastIndex(doc, "</r>")+len("</r"); n++ {
		cut := doc[:n]
		_, err := readAll(strings.NewReader(cut), 1<<10, 8)
		wantError(t, err, ErrTruncated, strings.Count(cut, "\n")+1, "")
	}
	_, err := readAll(strings.NewReader(doc[:strings.Index(doc, "<u")]), 1<<10, 8)
	wantError(t, err, ErrTruncated, 6, "it ends inside <item>, opened at line 3")
	if _, err := readAll(strings.NewReader(doc), 1<<10, 8); err != nil {
		t.Errorf("the whole file: %v", err)
	}
}

// Text must be UTF-8, and a file declaring another encoding is refused rather than
// misread.
func TestInvalidUTF8Refused(t *testing.T) {
	_, err := readAll(strings.NewReader("<r>\n<t>caf\xe9</t></r>"), 1<<10, 8)
	wantError(t, err, nil, 2, "UTF-8")
	_, err = readAll(strings.NewReader("<r>\n<t><![CDATA[\xff]]></t></r>"), 1<<10, 8)
	wantError(t, err, nil, 2, "UTF-8")
	_, err = readAll(strings.NewReader("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r>caf\xe9</r>"), 1<<10, 8)
	wantError(t, err, nil, 1, "ISO-8859-1")
}

// Malformed markup is refused at the line where it is, with encoding/xml's words.
func TestErrorLines(t *testing.T) {
	for _, c := range []struct{ doc, says string }{
		{"<r>\n<a>\n</b>\n</r>", "element <a> closed by </b>"},
		{"<r xmlns:p=\"u\">\n<p:a>\n</a>\n</r>", "element <a> in space p closed by </a> in space \"\""},
		{"<r/>\n\n</x>", "unexpected end element </x>"},
		{"<r>\n\n<a b=c/></r>", "unquoted or missing attribute value"},
		{"<r>\n\n]]></r>", "unescaped ]]> not in CDATA section"},
	} {
		_, err := readAll(strings.NewReader(c.doc), 1<<10, 8)
		wantError(t, err, nil, 3, c.says)
	}
}

// Names are translated as xml.Decoder.Token translates them: both WordPress export
// namespaces (http and https), a prefix bound again inside an element and restored at
// its end, the default namespace, attributes, "xml:", and an undeclared prefix left as
// it is.
func TestNamespaces(t *testing.T) {
	doc := `<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
		`<wp:a dc:x="1" y="2" xml:lang="en"/>` +
		`<b xmlns:wp="https://wordpress.org/export/1.1/"><wp:c/></b>` +
		`<wp:d/><e xmlns="urn:default"><f/></e><g/><q:h/></rss>`
	toks, err := readAll(strings.NewReader(doc), 1<<10, 8)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		if tk.Kind != Start {
			continue
		}
		s := tk.Name.Space + " " + tk.Name.Local
		for _, a := range tk.Attr {
			s += fmt.Sprintf(" [%s %s=%s]", a.Name.Space, a.Name.Local, a.Value)
		}
		got = append(got, s)
	}
	want := []string{
		" rss [xmlns wp=http://wordpress.org/export/1.2/] [xmlns dc=http://purl.org/dc/elements/1.1/]",
		"http://wordpress.org/export/1.2/ a [http://purl.org/dc/elements/1.1/ x=1] [ y=2] [http://www.w3.org/XML/1998/namespace lang=en]",
		" b [xmlns wp=https://wordpress.org/export/1.1/]",
		"https://wordpress.org/export/1.1/ c",
		"http://wordpress.org/export/1.2/ d",
		"urn:default e [ xmlns=urn:default]",
		"urn:default f",
		" g",
		"q h",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("start tags\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// sameAsToken checks that a Decoder with generous budgets yields what
// xml.Decoder.Token yields for doc, and fails where it fails, at the same line; only
// the directives this package refuses may end it sooner.
func sameAsToken(t *testing.T, doc []byte) {
	t.Helper()
	std := xml.NewDecoder(strings.NewReader(string(doc)))
	d := New(strings.NewReader(string(doc)), Options{Depth: 1 << 20})
	for i := 0; ; i++ {
		want, werr := std.Token()
		got, err := d.Token(1<<30, label("the token"))
		if errors.Is(err, ErrHostile) {
			if _, ok := want.(xml.Directive); !ok {
				t.Fatalf("token %d: %v; encoding/xml: %#v, %v", i, err, want, werr)
			}
			return
		}
		if werr != nil || err != nil {
			if werr == nil || err == nil {
				t.Fatalf("token %d: %v; encoding/xml: %v", i, err, werr)
			}
			if err == io.EOF || werr == io.EOF {
				if err != werr {
					t.Fatalf("token %d: %v; encoding/xml: %v", i, err, werr)
				}
				return
			}
			var se *xml.SyntaxError
			var e *Error
			if errors.As(werr, &se) && errors.As(err, &e) && se.Line != e.Line {
				t.Fatalf("token %d: %v; encoding/xml: %v", i, err, werr)
			}
			return
		}
		var same bool
		switch w := want.(type) {
		case xml.StartElement:
			same = got.Kind == Start && got.Name == w.Name && fmt.Sprint(got.Attr) == fmt.Sprint(w.Attr)
		case xml.EndElement:
			same = got.Kind == End && got.Name == w.Name
		case xml.CharData:
			same = got.Kind == Text && string(got.Text) == string(w)
		default:
			same = got.Kind == Other
		}
		if !same {
			t.Fatalf("token %d: %+v; encoding/xml: %#v", i, got, want)
		}
	}
}

func TestSameAsToken(t *testing.T) {
	for _, doc := range fuzzSeeds {
		sameAsToken(t, []byte(doc))
	}
}

var fuzzSeeds = []string{
	"<?xml version=\"1.0\"?>\n<!DOCTYPE r>\n<r a='1'><!-- c --><?pi x?><![CDATA[<x>]]>&lt;&#x41;</r>",
	`<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:post_id>1</wp:post_id><b xmlns:wp="x"><wp:c/></b></channel></rss>`,
	`<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"><post dsq:id="1"><thread dsq:id="t"/></post></disqus>`,
	"<r>\n<a>\n</b>\n</r>",
	"<p:r xmlns:p=\"u\"></r>",
	"<r>\r\ntext\rmore</r>",
	"<r/><r/>",
	"<r>caf\xe9</r>",
	"<r",
	"",
}

// FuzzSameAsToken: whatever the bytes, a Decoder gives xml.Decoder.Token's tokens and
// errors (at the same lines), and never panics.
func FuzzSameAsToken(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(sameAsToken)
}

// fastSameAsSlow checks that a Decoder reading what it can on its fast path, through a
// buffer of size bytes (so that tokens lie across its end), gives the same tokens and
// the same error (its words, line and column) as one that leaves every token to
// encoding/xml, each token within budget.
func fastSameAsSlow(t *testing.T, doc []byte, budget, size int) {
	t.Helper()
	opt := Options{Depth: 16, Format: "a test file"}
	fast := newDecoder(strings.NewReader(string(doc)), opt, size)
	slow := New(strings.NewReader(string(doc)), opt)
	slow.slowOnly = true
	for i := 0; ; i++ {
		want, werr := slow.Token(budget, label("the token"))
		got, err := fast.Token(budget, label("the token"))
		if werr != nil || err != nil {
			if fmt.Sprint(err) != fmt.Sprint(werr) {
				t.Fatalf("token %d: %v; slow: %v", i, err, werr)
			}
			return
		}
		if got.Kind != want.Kind || got.Name != want.Name || fmt.Sprint(got.Attr) != fmt.Sprint(want.Attr) || string(got.Text) != string(want.Text) {
			t.Fatalf("token %d: %+v; slow: %+v", i, got, want)
		}
		if gl, gc := fast.Pos(); true {
			if wl, wc := slow.Pos(); gl != wl || gc != wc {
				t.Fatalf("token %d: at %d:%d; slow at %d:%d", i, gl, gc, wl, wc)
			}
		}
	}
}

func TestFastSameAsSlow(t *testing.T) {
	for _, doc := range fuzzSeeds {
		for _, size := range []int{1, 7, 64, bufSize} {
			for _, budget := range []int{1, 10, 1 << 20} {
				fastSameAsSlow(t, []byte(doc), budget, size)
			}
		}
	}
}

// FuzzFastSameAsSlow: whatever the bytes, the buffer's size and the budget, the fast
// path gives what encoding/xml gives.
func FuzzFastSameAsSlow(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), uint16(i*37), uint8(i*11))
	}
	f.Fuzz(func(t *testing.T, doc []byte, budget uint16, size uint8) {
		fastSameAsSlow(t, doc, int(budget)%512, 1+int(size))
	})
}
