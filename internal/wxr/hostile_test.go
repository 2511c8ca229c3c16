package wxr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readErr reads the whole document and returns the error that ended it.
func readErr(doc io.Reader, lim Limits) error {
	_, err := Check(context.Background(), doc, lim, nil)
	return err
}

// lineOf is the 1-based line of the first occurrence of marker in doc.
func lineOf(t *testing.T, doc, marker string) int {
	t.Helper()
	i := strings.Index(doc, marker)
	if i < 0 {
		t.Fatalf("no %q in the document", marker)
	}
	return strings.Count(doc[:i], "\n") + 1
}

// wantError checks that err is an *Error of kind (nil: any) at line, whose message
// names the line.
func wantError(t *testing.T, err error, kind error, line int, says string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want a *wxr.Error", err, err)
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Errorf("error %q is not %q", err, kind)
	}
	if e.Line != line {
		t.Errorf("error %q at line %d, want line %d", err, e.Line, line)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("line %d", line)) {
		t.Errorf("error %q does not name line %d", err, line)
	}
	if says != "" && !strings.Contains(err.Error(), says) {
		t.Errorf("error %q does not say %q", err, says)
	}
}

// head is the start of a WXR file up to inside the channel; an item follows.
const head = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>T</title>
`

func TestBillionLaughsRefused(t *testing.T) {
	doc := `<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol3;</title></channel></rss>`
	wantError(t, readErr(strings.NewReader(doc), Limits{}), ErrHostile, 2, "entit")
}

func TestExternalEntitiesRefused(t *testing.T) {
	for name, doctype := range map[string]string{
		"external DTD":    `<!DOCTYPE rss SYSTEM "http://evil.example/wxr.dtd">`,
		"public DTD":      `<!DOCTYPE rss PUBLIC "-//E//DTD X//EN" "file:///etc/passwd">`,
		"external entity": `<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`,
		"parameter":       `<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]>`,
	} {
		t.Run(name, func(t *testing.T) {
			doc := "<?xml version=\"1.0\"?>\n\n" + doctype + "\n" + strings.TrimPrefix(head, `<?xml version="1.0" encoding="UTF-8"?>`+"\n") + "</channel></rss>"
			wantError(t, readErr(strings.NewReader(doc), Limits{}), ErrHostile, 3, "")
		})
	}
	// Without a declaration, an entity reference is an error of its own (encoding/xml
	// knows XML's five and no other).
	doc := head + "<item>\n<title>&xxe;</title>\n</item></channel></rss>"
	wantError(t, readErr(strings.NewReader(doc), Limits{}), nil, lineOf(t, doc, "&xxe;"), "entity")
	// A DOCTYPE without a subset or external identifier is harmless and read.
	doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE rss>\n" + strings.TrimPrefix(head, `<?xml version="1.0" encoding="UTF-8"?>`+"\n") + "</channel></rss>"
	if err := readErr(strings.NewReader(doc), Limits{}); err != nil {
		t.Errorf("a plain DOCTYPE: %v", err)
	}
}

// source counts what the reader took from it: a refused token must stop the reading,
// not be read (and buffered) to its end first.
type source struct {
	r    io.Reader
	read int64
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.read += int64(n)
	return n, err
}

// endless is a reader of the same byte forever.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

func TestHugeCDATAStopsReading(t *testing.T) {
	prefix := head + "<item>\n<wp:post_id>1</wp:post_id>\n<content:encoded><![CDATA["
	src := &source{r: io.MultiReader(strings.NewReader(prefix), endless('a'))}
	err := readErr(src, Limits{})
	line := strings.Count(prefix, "\n") + 1
	wantError(t, err, ErrTooLarge, line, fmt.Sprintf("<content:encoded> (line %d) is longer than 8 MiB", line))
	// What was read past the limit is at most the reader's 64 KiB buffer.
	if max := int64(len(prefix) + DefaultLongField + 64<<10 + 4096); src.read > max {
		t.Errorf("read %d bytes of an endless field, want at most %d", src.read, max)
	}
}

func TestLongFieldRefused(t *testing.T) {
	doc := head + "<item>\n<wp:post_id>1</wp:post_id>\n<title><![CDATA[" + strings.Repeat("x", DefaultField+1) + "]]></title>\n</item></channel></rss>"
	line := lineOf(t, doc, "<title><![CDATA[")
	wantError(t, readErr(strings.NewReader(doc), Limits{}), ErrTooLarge, line, "<title>")
	// The same length in the content is fine.
	doc = strings.Replace(doc, "<title><![CDATA[", "<content:encoded><![CDATA[", 1)
	doc = strings.Replace(doc, "]]></title>", "]]></content:encoded>", 1)
	if err := readErr(strings.NewReader(doc), Limits{}); err != nil {
		t.Errorf("a 64 KiB content: %v", err)
	}
	// A field made of many small pieces is counted whole.
	doc = head + "<item>\n<wp:post_id>1</wp:post_id>\n<title>" + strings.Repeat("<![CDATA[xxxxxxxx]]>", DefaultField/8+1) + "</title>\n</item></channel></rss>"
	var e *Error
	if err := readErr(strings.NewReader(doc), Limits{}); !errors.As(err, &e) || !errors.Is(err, ErrTooLarge) {
		t.Errorf("a title in pieces: %v", err)
	}
}

func TestDeepNestingRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "<item>\n")
	for i := range 100 {
		fmt.Fprintf(&b, "<x%d>\n", i)
	}
	doc := b.String()
	// rss, channel and item are three levels: the 30th <x> is the 33rd.
	wantError(t, readErr(strings.NewReader(doc), Limits{}), ErrHostile, lineOf(t, doc, "<x29>"), "nested more than 32")
}

func TestTruncatedFilesRefused(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testdataDir(t), "themeunittestdata.wordpress.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []string{sampleWXR, string(raw)} {
		rootEnd := strings.Index(doc, "<channel>")
		var cuts []int
		for i := 1; i < 40; i++ {
			cuts = append(cuts, len(doc)*i/40)
		}
		// Inside a CDATA section, a tag, an end tag, between items, after </channel>,
		// and one byte short of the end.
		for _, m := range []string{"<![CDATA[<!-- wp:", "<wp:post_i", "</wp:comment_con", "</item>\n", "</channel>", "</rss>"} {
			if i := strings.Index(doc, m); i >= 0 {
				cuts = append(cuts, i+len(m)/2, i+len(m))
			}
		}
		cuts = append(cuts, len(strings.TrimRight(doc, "\n"))-1)
		for _, n := range cuts {
			if n >= len(strings.TrimRight(doc, "\n")) {
				continue // the whole document
			}
			cut := doc[:n]
			err := readErr(strings.NewReader(cut), Limits{})
			if err == nil {
				t.Errorf("cut at byte %d of %d: no error", n, len(doc))
				continue
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("cut at byte %d: %v (%T)", n, err, err)
				continue
			}
			if n > rootEnd && !errors.Is(err, ErrTruncated) {
				t.Errorf("cut at byte %d: %v, want ErrTruncated", n, err)
			}
			if last := strings.Count(cut, "\n") + 1; e.Line != last {
				t.Errorf("cut at byte %d: %v, want the last line %d", n, err, last)
			}
		}
	}
	// An empty file is not a WXR file.
	wantError(t, readErr(strings.NewReader(""), Limits{}), ErrNotWXR, 1, "no <rss>")
}

func TestInvalidUTF8Refused(t *testing.T) {
	doc := head + "<item>\n<wp:post_id>1</wp:post_id>\n<title><![CDATA[caf\xe9]]></title>\n</item></channel></rss>"
	wantError(t, readErr(strings.NewReader(doc), Limits{}), nil, lineOf(t, doc, "caf"), "UTF-8")
	// Another encoding declared is refused rather than misread.
	doc = strings.Replace(head, "UTF-8", "ISO-8859-1", 1) + "</channel></rss>"
	wantError(t, readErr(strings.NewReader(doc), Limits{}), nil, 1, "ISO-8859-1")
}

func TestEntryAndItemLimits(t *testing.T) {
	// The sample holds 1 author, 2 categories, 1 tag and 3 items.
	err := readErr(strings.NewReader(sampleWXR), Limits{Entries: 6})
	wantError(t, err, ErrTooLarge, lineOf(t, sampleWXR, "<title><![CDATA[Unfinished")-1, "more than 6")
	if err := readErr(strings.NewReader(sampleWXR), Limits{Entries: 7}); err != nil {
		t.Errorf("7 entries with a limit of 7: %v", err)
	}

	var b strings.Builder
	b.WriteString(head + "<item>\n<wp:post_id>1</wp:post_id>\n")
	for i := range 10_000 {
		fmt.Fprintf(&b, "<wp:comment><wp:comment_id>%d</wp:comment_id></wp:comment>\n", i+1)
	}
	b.WriteString("</item></channel></rss>")
	doc := b.String()
	// Empty comments count their own shape: ten thousand of them are 2.5 MB.
	err = readErr(strings.NewReader(doc), Limits{Item: 1 << 20})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("the item at line %d", lineOf(t, doc, "<item>"))) {
		t.Errorf("10,000 comments in a 1 MiB item: %v", err)
	}
	if err := readErr(strings.NewReader(doc), Limits{}); err != nil {
		t.Errorf("10,000 comments: %v", err)
	}
}

func TestMalformedFilesNamed(t *testing.T) {
	item := func(body string) string {
		return head + "<item>\n<wp:post_id>1</wp:post_id>\n" + body + "\n</item>\n</channel>\n</rss>\n"
	}
	for _, c := range []struct {
		name, doc, at, says string
		kind                error
	}{
		{"atom feed", `<?xml version="1.0"?>` + "\n" + `<feed xmlns="http://www.w3.org/2005/Atom"></feed>`, "<feed", "<feed>", ErrNotWXR},
		{"plain RSS", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">\n<channel></channel></rss>", "<rss", "namespace", ErrNotWXR},
		{"markup in a field", item("<title>a <b>bold</b> title</title>"), "<b>", "<b> inside <title>", ErrNotWXR},
		{"bad post ID", head + "<item>\n<title>x</title>\n<wp:post_id>abc</wp:post_id>\n</item></channel></rss>", "<wp:post_id>", "<wp:post_id>", nil},
		{"no post ID", head + "<item>\n<title>x</title>\n</item></channel></rss>", "<item>", "no <wp:post_id>", nil},
		{"bad date", item("<wp:post_date>yesterday</wp:post_date>"), "<wp:post_date>", "yesterday", nil},
		{"bad status", item("<wp:comment><wp:comment_id>1</wp:comment_id>\n<wp:comment_approved>maybe</wp:comment_approved></wp:comment>"), "<wp:comment>", "maybe", nil},
		{"bad sticky", item("<wp:is_sticky>yes</wp:is_sticky>"), "<item>", "is_sticky", nil},
		{"second root", head + "</channel></rss>\n<rss>", "<rss>", "after the channel", ErrNotWXR},
		{"mismatched tag", item("<title>x</wp:title>"), "</wp:title>", "", nil},
		{"WXR 2.0", head + "<wp:wxr_version>2.0</wp:wxr_version></channel></rss>", "<wp:wxr_version>", "2.0", ErrNotWXR},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, readErr(strings.NewReader(c.doc), Limits{}), c.kind, lineOf(t, c.doc, c.at), c.says)
		})
	}
}

// Reading never yields a partial success: whatever the cut, the last thing a Reader
// returns is an error, after the entries it read.
func TestNoPartialSuccess(t *testing.T) {
	cut := sampleWXR[:strings.Index(sampleWXR, "<title><![CDATA[Unfinished")]
	r := NewReader(bytes.NewReader([]byte(cut)), Limits{})
	items := 0
	var last error
	for e, err := range r.All() {
		if _, ok := e.(*Item); ok {
			items++
		}
		last = err
	}
	if items != 2 || !errors.Is(last, ErrTruncated) {
		t.Fatalf("%d items then %v", items, last)
	}
	if _, err := r.Next(); !errors.Is(err, ErrTruncated) {
		t.Errorf("Next after the error: %v", err)
	}
}

// chain is a WXR file of n categories, each the child of the one before, with
// nicenames of size bytes.
func chain(n, size int) string {
	var b strings.Builder
	b.WriteString(head)
	for i := range n {
		name := fmt.Sprintf("c%0*d", size-1, i)
		parent := ""
		if i > 0 {
			parent = fmt.Sprintf("c%0*d", size-1, i-1)
		}
		fmt.Fprintf(&b, "<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s</wp:category_nicename><wp:category_parent>%s</wp:category_parent><wp:cat_name>C</wp:cat_name></wp:category>\n", i+1, name, parent)
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// A category's address, /category/grandparent/parent/child/, holds its ancestors'
// nicenames: a chain of 30,000 nested categories (5 MB) made the import keep and store
// some 3 GB of addresses. Check refuses the first category whose address is over
// MaxCategoryPath, naming its line; a chain up to the bound reads.
func TestDeepCategoryChainRefused(t *testing.T) {
	const size = 100
	fits := MaxCategoryPath / (size + 1)
	if _, err := Check(context.Background(), strings.NewReader(chain(fits, size)), Limits{}, nil); err != nil {
		t.Fatalf("%d nested categories: %v", fits, err)
	}
	doc := chain(fits+1, size)
	last := fmt.Sprintf("<wp:category_nicename>c%0*d<", size-1, fits)
	wantError(t, readErr(strings.NewReader(doc), Limits{}), ErrTooLarge, lineOf(t, doc, last), "address")

	// A category named again under its own descendant makes a loop of names whose
	// address grows with each repetition: the same bound holds.
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>a</wp:category_nicename><wp:cat_name>A</wp:cat_name></wp:category>\n")
	for i := range MaxCategoryPath {
		child, parent := "b", "a"
		if i%2 == 1 {
			child, parent = "a", "b"
		}
		fmt.Fprintf(&b, "<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename>%s</wp:category_nicename><wp:category_parent>%s</wp:category_parent><wp:cat_name>X</wp:cat_name></wp:category>\n", i+2, child, parent)
	}
	b.WriteString("</channel></rss>\n")
	err := readErr(strings.NewReader(b.String()), Limits{})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("a loop of category names: %v, want it refused as over the limit", err)
	}
}
