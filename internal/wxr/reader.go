// Package wxr reads WordPress eXtended RSS (WXR 1.0, 1.1 and 1.2, as WordPress and
// WordPress.com export a site) as a stream, and turns WordPress's stored post content
// (Gutenberg block comments, wpautop paragraphs, shortcodes) into plain HTML.
//
// A Reader yields the file's entries one at a time (the site, authors, terms, then each
// item with its metadata and comments), decoding it token by token with
// internal/xmlstream (a tokenizer within budgets, encoding/xml behind it): memory is bounded by Limits, never
// by the file. A file that is hostile (an entity
// declaration, an external entity, a field over its budget, nesting too deep, invalid
// UTF-8) or truncated ends the read with an *Error naming its line: entries already
// yielded must then be thrown away, so an importer reads the file twice (Check, then
// the entries) and writes all or nothing. Beyond the limits, a Reader keeps the post IDs
// it has seen (some 50 bytes an item), to skip a repeated one as WordPress does.
//
// Content may be up to Limits.LongField (8 MiB) here; render refuses HTML over
// render.MaxMarkdownBytes (1 MiB), so an importer reports a longer post rather than
// storing it empty.
package wxr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"

	"encoding/xml"

	"broadsheet/internal/xmlstream"
)

// Limits bound what one file may cost. Zero fields take the defaults.
type Limits struct {
	// LongField is the longest text of a <content:encoded>, <excerpt:encoded>,
	// <wp:meta_value>, <wp:comment_content> or <description>, in bytes. Default 8 MiB.
	LongField int
	// Field is the longest text of any other element, and the longest tag (with its
	// attributes), comment or directive, in bytes. Default 64 KiB.
	Field int
	// Item is the most text one item may hold with its metadata and comments (each
	// comment also counts commentCost bytes for its own shape), in bytes. Default 64 MiB.
	Item int
	// Depth is the deepest element nesting (a WXR file needs 5). Default 32.
	Depth int
	// Entries is the most authors, terms and items a file may hold. Default 10,000,000.
	Entries int
}

// Default limits (Limits' zero fields).
const (
	DefaultLongField = 8 << 20
	DefaultField     = 64 << 10
	DefaultItem      = 64 << 20
	DefaultDepth     = 32
	DefaultEntries   = 10_000_000
)

// commentCost is what a comment counts against Limits.Item beyond its text: the memory
// of its struct and strings' headers, so that a million empty comments cannot pass.
const commentCost = 256

func (l Limits) withDefaults() Limits {
	if l.LongField <= 0 {
		l.LongField = DefaultLongField
	}
	if l.Field <= 0 {
		l.Field = DefaultField
	}
	if l.Item <= 0 {
		l.Item = DefaultItem
	}
	if l.Depth <= 0 {
		l.Depth = DefaultDepth
	}
	if l.Entries <= 0 {
		l.Entries = DefaultEntries
	}
	return l
}

// Error is why a file cannot be read: where (1-based line and column of the input; the
// column counts bytes) and what.
type Error struct {
	Line, Column int
	Err          error
}

func (e *Error) Error() string { return "wxr: " + lineMsg(e.Line, e.Column, e.Err.Error()) }
func (e *Error) Unwrap() error { return e.Err }

// fromStream is err as this package's *Error when it is xmlstream's (io.EOF and others
// as they are).
func fromStream(err error) error {
	if e, ok := err.(*xmlstream.Error); ok {
		return &Error{Line: e.Line, Column: e.Column, Err: e.Err}
	}
	return err
}

func lineMsg(line, col int, msg string) string {
	if col > 0 {
		return fmt.Sprintf("line %d, column %d: %s", line, col, msg)
	}
	return fmt.Sprintf("line %d: %s", line, msg)
}

// Errors an *Error may wrap, for errors.Is. ErrHostile, ErrTruncated and ErrTooLarge
// are xmlstream's, whose defences find most of them.
var (
	ErrNotWXR    = errors.New("not a WordPress export")
	ErrHostile   = xmlstream.ErrHostile
	ErrTruncated = xmlstream.ErrTruncated
	ErrTooLarge  = xmlstream.ErrTooLarge
)

// Reader reads a WXR file as a stream of entries. It is not safe for concurrent use.
type Reader struct {
	x    *xmlstream.Decoder
	lim  Limits
	what part // what the next token is part of, for a budget error
	keys map[xml.Name]string

	state    int // stateStart, stateChannel, stateDone
	site     Site
	siteSent bool
	pending  Entry
	entries  int
	postIDs  map[int64]int // post ID → line of its item
	itemUsed int           // bytes of Limits.Item the current item has used
	skipped  []Skip        // the first maxSkips items skipped
	skips    int           // how many items were skipped
	err      error         // sticky
}

const (
	stateStart = iota
	stateChannel
	stateDone
)

// NewReader returns a Reader of the WXR file r with the limits lim (zero fields take
// the defaults). It reads r through a 64 KiB buffer as Next asks.
func NewReader(r io.Reader, lim Limits) *Reader {
	rd := &Reader{lim: lim.withDefaults(), postIDs: map[int64]int{}, keys: map[xml.Name]string{}}
	rd.x = xmlstream.New(r, xmlstream.Options{Depth: rd.lim.Depth, Format: "a WXR file", Label: rd.prefixed})
	return rd
}

// Skip is an item the Reader read but did not yield, and why.
type Skip struct {
	Line   int   // line of the <item> start tag
	PostID int64 // its <wp:post_id>
	Reason string
}

func (s Skip) String() string { return lineMsg(s.Line, 0, s.Reason) }

// maxSkips is how many skipped items a Reader describes (it counts them all).
const maxSkips = 1000

func (r *Reader) skip1(s Skip) {
	r.skips++
	if len(r.skipped) < maxSkips {
		r.skipped = append(r.skipped, s)
	}
}

// Skipped returns how many items were read but not yielded, and the first 1,000 of
// them with the reason: today, an item whose post ID an earlier item had (WordPress's
// importer skips it too).
func (r *Reader) Skipped() (int, []Skip) { return r.skips, r.skipped }

// Site returns what the channel said of the site so far; after Next returned io.EOF,
// all of it.
func (r *Reader) Site() Site { return r.site }

// All returns the entries of Next as a sequence, ending with (nil, err) after an error
// (io.EOF is not yielded).
func (r *Reader) All() iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for {
			e, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(e, err) || err != nil {
				return
			}
		}
	}
}

// Next returns the next entry: first *Site (the channel's fields read before the first
// other entry; Reader.Site has any the channel gives later), then *Author, *Category,
// *Tag, *Term and *Item in file order. At the end of a complete, well-formed file it
// returns (nil, io.EOF); otherwise an *Error naming the line, and the same error on
// every later call. Each entry is the caller's; the Reader keeps none.
func (r *Reader) Next() (Entry, error) {
	if r.err != nil {
		return nil, r.err
	}
	e, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return e, nil
}

func (r *Reader) next() (Entry, error) {
	if r.pending != nil {
		e := r.pending
		r.pending = nil
		return e, nil
	}
	if r.state == stateStart {
		if err := r.start(); err != nil {
			return nil, err
		}
	}
	if r.state == stateDone {
		if !r.siteSent {
			r.siteSent = true
			site := r.site
			return &site, nil
		}
		return nil, io.EOF
	}
	for {
		t, err := r.token(r.lim.Field, part{what: "markup between the channel's elements"})
		if err != nil {
			return nil, err
		}
		var e Entry
		switch t.Kind {
		case xmlstream.Start:
			e, err = r.channelChild(t)
			if err != nil {
				return nil, err
			}
		case xmlstream.End: // </channel>
			if err := r.finish(); err != nil {
				return nil, err
			}
			r.state = stateDone
			return r.next()
		}
		if e == nil {
			continue
		}
		r.entries++
		if r.entries > r.lim.Entries {
			return nil, &Error{Line: entryLine(e), Err: fmt.Errorf("the file holds more than %d authors, terms and items: %w", r.lim.Entries, ErrTooLarge)}
		}
		if !r.siteSent {
			r.siteSent = true
			r.pending = e
			site := r.site
			return &site, nil
		}
		return e, nil
	}
}

// entryLine is the line where e starts.
func entryLine(e Entry) int {
	switch e := e.(type) {
	case *Author:
		return e.Line
	case *Category:
		return e.Line
	case *Tag:
		return e.Line
	case *Term:
		return e.Line
	case *Item:
		return e.Line
	}
	return 0
}

// start reads up to the <channel> start tag, checking that the root is a WXR <rss>.
func (r *Reader) start() error {
	for {
		t, err := r.token(r.lim.Field, part{what: "the file's prologue"})
		if err == io.EOF {
			return r.errorf(ErrNotWXR, "the file holds no <rss> element")
		}
		if err != nil {
			return err
		}
		switch t.Kind {
		case xmlstream.Text:
			// A byte order mark, or blank lines a plug-in printed before the export
			// (a known WordPress fault), are not content.
			if len(bytes.TrimSpace(bytes.TrimPrefix(t.Text, []byte("\ufeff")))) > 0 {
				return r.errorf(ErrNotWXR, "text before the <rss> element")
			}
		case xmlstream.Start:
			if r.x.Depth() == 1 {
				if t.Name.Local != "rss" || t.Name.Space != "" {
					return r.errorf(ErrNotWXR, "the root element is <%s>, not <rss>", t.Name.Local)
				}
				if err := r.checkNamespaces(t); err != nil {
					return err
				}
				continue
			}
			if t.Name.Local != "channel" || t.Name.Space != "" {
				return r.errorf(ErrNotWXR, "<%s> where <channel> was expected", t.Name.Local)
			}
			r.state = stateChannel
			return nil
		case xmlstream.End:
			return r.errorf(ErrNotWXR, "<rss> holds no <channel>")
		}
	}
}

// finish reads from after </channel> to the end of the input: </rss>, then nothing but
// space, comments and processing instructions. encoding/xml reports a file that ends
// with elements open ("unexpected EOF"), which token turns into ErrTruncated.
func (r *Reader) finish() error {
	for {
		t, err := r.token(r.lim.Field, part{what: "markup after the channel"})
		if err == io.EOF {
			if r.x.Depth() > 0 {
				return r.truncated()
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch t.Kind {
		case xmlstream.Start:
			return r.errorf(ErrNotWXR, "<%s> after the channel", t.Name.Local)
		case xmlstream.Text:
			if len(bytes.TrimSpace(t.Text)) > 0 {
				return r.errorf(ErrNotWXR, "text after the channel")
			}
		}
	}
}

var (
	reWPSpace      = regexp.MustCompile(`^https?://wordpress\.org/export/(\d+\.\d+)/$`)
	reExcerptSpace = regexp.MustCompile(`^https?://wordpress\.org/export/1\.[0-2]/excerpt/$`)
)

const (
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
)

// checkNamespaces finds the WXR namespace among the root's declarations: a file without
// one is not a WordPress export, and one of a version after 1.2 is refused as
// WordPress's importer refuses it.
func (r *Reader) checkNamespaces(root xmlstream.Token) error {
	for _, a := range root.Attr {
		if a.Name.Space != "xmlns" {
			continue
		}
		m := reWPSpace.FindStringSubmatch(a.Value)
		if m == nil {
			continue
		}
		switch m[1] {
		case "1.0", "1.1", "1.2":
			r.site.Namespace = a.Value
			return nil
		}
		return r.errorf(ErrNotWXR, "WXR version %s is not supported (1.0, 1.1 and 1.2 are)", m[1])
	}
	return r.errorf(ErrNotWXR, "the <rss> element declares no WordPress export namespace (http://wordpress.org/export/1.2/)")
}

// key names an element by the prefix WordPress writes for its namespace: "wp:post_id",
// "content:encoded", "dc:creator", or the bare local name for RSS's own elements. An
// element of another namespace gives "?", which the reader skips.
func key(n xml.Name) string {
	switch {
	case n.Space == "":
		return n.Local
	case reWPSpace.MatchString(n.Space):
		return "wp:" + n.Local
	case n.Space == nsContent:
		return "content:" + n.Local
	case n.Space == nsDC:
		return "dc:" + n.Local
	case reExcerptSpace.MatchString(n.Space):
		return "excerpt:" + n.Local
	}
	return "?"
}

// token returns the next token, which may be at most budget bytes of input (plus the
// markup around a text), through xmlstream (which keeps the stack of open elements and
// refuses hostile input). what names what the token is part of, for the error when it
// is longer.
func (r *Reader) token(budget int, what part) (xmlstream.Token, error) {
	r.what = what
	t, err := r.x.Token(budget, &r.what)
	return t, fromStream(err)
}

// prefixed is an element's name as a message shows it: key's form, or the local name.
func (r *Reader) prefixed(n xml.Name) string {
	if k := r.key(n); k != "?" {
		return k
	}
	return n.Local
}

// key is the package function key, remembered for the names a file uses (a WXR file
// uses some sixty): the namespace's regular expression and the concatenation are done
// once a name, not once an element.
func (r *Reader) key(n xml.Name) string {
	if k, ok := r.keys[n]; ok {
		return k
	}
	k := key(n)
	if len(r.keys) < 4096 && len(n.Space)+len(n.Local) <= 256 { // at most 1 MiB of names
		r.keys[n] = k
	}
	return k
}

// part is what a token is part of, for the message of a budget error; formatted only
// then.
type part struct {
	what, name string // "the text of", "title"; a name "" makes what the whole phrase
	line       int
}

func (p part) String() string {
	if p.name == "" {
		return p.what
	}
	return fmt.Sprintf("%s <%s> (line %d)", p.what, p.name, p.line)
}

// truncated is the error of a file that ends with elements open.
func (r *Reader) truncated() error { return fromStream(r.x.Truncated()) }

// errorf is an *Error at the decoder's position, wrapping kind.
func (r *Reader) errorf(kind error, format string, args ...any) error {
	return fromStream(r.x.Errorf(kind, format, args...))
}

// fieldError is an *Error about the field opened at line.
func (r *Reader) fieldError(line int, format string, args ...any) error {
	return &Error{Line: line, Err: fmt.Errorf(format, args...)}
}

func size(n int) string { return xmlstream.Size(n) }

func clip(s string, n int) string { return xmlstream.Clip(s, n) }

// long reports whether an element's text may be as long as Limits.LongField.
func long(k string) bool {
	switch k {
	case "content:encoded", "excerpt:encoded", "wp:meta_value", "wp:comment_content", "description":
		return true
	}
	return false
}

// text reads the text of the element just started (k names it), up to its end tag,
// and counts it against the item's budget when inItem. Text is all a WXR field holds:
// an element inside one is an error.
func (r *Reader) text(k string, inItem bool) (string, error) {
	limit := r.lim.Field
	if long(k) {
		limit = r.lim.LongField
	}
	what := part{what: "the text of", name: k, line: r.line()}
	// A strings.Builder copies each token's bytes once (they are the decoder's and
	// change with the next token) and hands the string over without another copy.
	var b strings.Builder
	for {
		t, err := r.token(limit-b.Len(), what)
		if err != nil {
			if err == io.EOF {
				return "", r.truncated()
			}
			return "", err
		}
		switch t.Kind {
		case xmlstream.Text:
			b.Write(t.Text)
			if b.Len() > limit {
				return "", r.errorf(ErrTooLarge, "%s is longer than %s", what, size(limit))
			}
		case xmlstream.Start:
			return "", r.errorf(ErrNotWXR, "<%s> inside <%s>: a WXR field holds text only", r.prefixed(t.Name), k)
		case xmlstream.End:
			if inItem {
				if err := r.charge(b.Len()); err != nil {
					return "", err
				}
			}
			return b.String(), nil
		}
	}
}

// charge counts n bytes against the current item's budget.
func (r *Reader) charge(n int) error {
	r.itemUsed += n
	if r.itemUsed > r.lim.Item {
		stack := r.x.Stack()
		o := stack[0]
		for _, s := range stack {
			if s.Label == "item" {
				o = s
			}
		}
		return r.errorf(ErrTooLarge, "the item at line %d holds more than %s of text with its comments", o.Line, size(r.lim.Item))
	}
	return nil
}

// skip reads past the element just started, whatever it holds.
func (r *Reader) skip() error {
	o := r.x.Top()
	r.what = part{what: "a part of", name: o.Label, line: o.Line}
	return fromStream(r.x.Skip(r.lim.Field, &r.what))
}

// children calls each for every child element of the element just started, until its
// end tag; each must read its element whole (text or skip).
func (r *Reader) children(each func(k string, t xmlstream.Token) error) error {
	depth := r.x.Depth()
	o := r.x.Top()
	what := part{what: "markup inside", name: o.Label, line: o.Line}
	for {
		t, err := r.token(r.lim.Field, what)
		if err != nil {
			if err == io.EOF {
				return r.truncated()
			}
			return err
		}
		switch t.Kind {
		case xmlstream.Start:
			if err := each(r.key(t.Name), t); err != nil {
				return err
			}
		case xmlstream.End:
			if r.x.Depth() < depth {
				return nil
			}
		}
	}
}

func (r *Reader) line() int { return r.x.Top().Line }

// channelChild reads one child of <channel>: a site field (nil entry), an author, a
// term or an item.
func (r *Reader) channelChild(t xmlstream.Token) (Entry, error) {
	k := r.key(t.Name)
	line := r.line()
	var dst *string
	switch k {
	case "wp:author":
		return r.author(line)
	case "wp:category":
		return r.category(line)
	case "wp:tag":
		return r.tag(line)
	case "wp:term":
		return r.term(line)
	case "item":
		return r.item(line)
	case "title":
		dst = &r.site.Title
	case "link":
		dst = &r.site.Link
	case "description":
		dst = &r.site.Description
	case "language":
		dst = &r.site.Language
	case "generator":
		dst = &r.site.Generator
	case "wp:base_site_url":
		dst = &r.site.BaseSiteURL
	case "wp:base_blog_url":
		dst = &r.site.BaseBlogURL
	case "wp:wxr_version":
		v, err := r.text(k, false)
		if err != nil {
			return nil, err
		}
		v = strings.TrimSpace(v)
		if v != "1.0" && v != "1.1" && v != "1.2" {
			return nil, r.fieldError(line, "WXR version %q is not supported (1.0, 1.1 and 1.2 are): %w", clip(v, 20), ErrNotWXR)
		}
		r.site.WXRVersion = v
		return nil, nil
	case "pubDate":
		v, err := r.text(k, false)
		if err != nil {
			return nil, err
		}
		r.site.PubDate, _ = parsePubDate(v) // informative only: a bad one is left zero
		return nil, nil
	default:
		return nil, r.skip()
	}
	v, err := r.text(k, false)
	if err != nil {
		return nil, err
	}
	*dst = strings.TrimSpace(v)
	return nil, nil
}

// fields reads the children of the element just started: text fields into strs (by
// key), int64 fields into ints; others are skipped.
func (r *Reader) fields(strs map[string]*string, ints map[string]*int64) error {
	return r.children(func(k string, _ xmlstream.Token) error {
		if p := strs[k]; p != nil {
			v, err := r.text(k, false)
			*p = v
			return err
		}
		if p := ints[k]; p != nil {
			line := r.line()
			v, err := r.text(k, false)
			if err != nil {
				return err
			}
			*p, err = parseInt(v)
			if err != nil {
				return r.fieldError(line, "<%s>: %v", k, err)
			}
			return nil
		}
		return r.skip()
	})
}

func (r *Reader) author(line int) (Entry, error) {
	a := &Author{Line: line}
	err := r.fields(map[string]*string{
		"wp:author_login": &a.Login, "wp:author_email": &a.Email, "wp:author_display_name": &a.DisplayName,
		"wp:author_first_name": &a.FirstName, "wp:author_last_name": &a.LastName, "wp:author_description": &a.Description,
	}, map[string]*int64{"wp:author_id": &a.ID})
	return a, err
}

func (r *Reader) category(line int) (Entry, error) {
	c := &Category{Line: line}
	err := r.fields(map[string]*string{
		"wp:category_nicename": &c.Nicename, "wp:category_parent": &c.Parent, "wp:cat_name": &c.Name,
		"wp:category_description": &c.Description,
	}, map[string]*int64{"wp:term_id": &c.TermID})
	return c, err
}

func (r *Reader) tag(line int) (Entry, error) {
	t := &Tag{Line: line}
	err := r.fields(map[string]*string{
		"wp:tag_slug": &t.Slug, "wp:tag_name": &t.Name, "wp:tag_description": &t.Description,
	}, map[string]*int64{"wp:term_id": &t.TermID})
	return t, err
}

func (r *Reader) term(line int) (Entry, error) {
	t := &Term{Line: line}
	err := r.fields(map[string]*string{
		"wp:term_taxonomy": &t.Taxonomy, "wp:term_slug": &t.Slug, "wp:term_parent": &t.Parent,
		"wp:term_name": &t.Name, "wp:term_description": &t.Description,
	}, map[string]*int64{"wp:term_id": &t.TermID})
	return t, err
}

// item reads an <item> whole: its fields, terms, metadata and comments.
func (r *Reader) item(line int) (Entry, error) {
	it := &Item{Line: line}
	r.itemUsed = 0
	var postID, sticky string
	var commentIDs map[int64]int // comment ID → line; made at the first comment
	postIDLine := 0
	err := r.children(func(k string, t xmlstream.Token) error {
		fline := r.line()
		// A switch, not maps of fields made for each item: items are the second most
		// numerous elements of a large export.
		p, num, date := it.field(k, &postID, &sticky)
		if p != nil {
			if k == "wp:post_id" {
				postIDLine = fline
			}
			v, err := r.text(k, true)
			*p = v
			return err
		}
		switch k {
		case "category":
			v, err := r.text(k, true)
			if err != nil {
				return err
			}
			term := ItemTerm{Name: v}
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "domain":
					term.Domain = a.Value
				case "nicename", "nice_name":
					term.Nicename = a.Value
				}
			}
			it.Terms = append(it.Terms, term)
			return nil
		case "wp:postmeta":
			m, err := r.meta(true)
			it.Meta = append(it.Meta, m)
			return err
		case "wp:comment":
			c, err := r.comment()
			if err != nil {
				return err
			}
			if first := commentIDs[c.ID]; first != 0 {
				it.Warnings = append(it.Warnings, Warning{Line: c.Line, Msg: fmt.Sprintf("comment %d was already read at line %d; skipped", c.ID, first)})
				return nil
			}
			if commentIDs == nil {
				commentIDs = map[int64]int{}
			}
			commentIDs[c.ID] = c.Line
			it.Comments = append(it.Comments, c)
			return nil
		case "pubDate":
			v, err := r.text(k, true)
			if err != nil {
				return err
			}
			if it.PubDate, err = parsePubDate(v); err != nil {
				it.Warnings = append(it.Warnings, Warning{Line: fline, Msg: fmt.Sprintf("<pubDate> %q is not an RFC 1123 date; left out", clip(v, 40))})
			}
			return nil
		}
		if num != nil {
			v, err := r.text(k, true)
			if err != nil {
				return err
			}
			if *num, err = parseInt(v); err != nil {
				return r.fieldError(fline, "<%s>: %v", k, err)
			}
			return nil
		}
		if date != nil {
			v, err := r.text(k, true)
			if err != nil {
				return err
			}
			if *date, err = parseWallClock(v); err != nil {
				return r.fieldError(fline, "<%s>: %v", k, err)
			}
			return nil
		}
		return r.skip()
	})
	if err != nil {
		return nil, err
	}
	if postIDLine == 0 {
		return nil, r.fieldError(line, "the item has no <wp:post_id>")
	}
	if it.PostID, err = parseInt(postID); err != nil || it.PostID <= 0 {
		return nil, r.fieldError(postIDLine, "<wp:post_id> %q is not a positive number", clip(postID, 20))
	}
	if first, dup := r.postIDs[it.PostID]; dup {
		// WordPress's importer skips an item whose post ID it has already imported
		// (WP_Import::process_posts, processed_posts); the theme unit test export
		// holds such twins.
		r.skip1(Skip{Line: line, PostID: it.PostID, Reason: fmt.Sprintf("post ID %d was already given to the item at line %d", it.PostID, first)})
		return nil, nil
	}
	r.postIDs[it.PostID] = line
	switch strings.TrimSpace(sticky) {
	case "", "0":
	case "1":
		it.Sticky = true
	default:
		return nil, r.fieldError(line, "<wp:is_sticky> %q is neither 0 nor 1", clip(sticky, 20))
	}
	it.Type, it.Status = strings.TrimSpace(it.Type), strings.TrimSpace(it.Status)
	it.readMeta()
	return it, nil
}

// field is where the item's field k goes: text (str), a number (num) or a MySQL
// DATETIME (date); all nil for the elements item reads otherwise or skips. postID and
// sticky receive those fields' text, read after the item.
func (it *Item) field(k string, postID, sticky *string) (str *string, num *int64, date *time.Time) {
	switch k {
	case "title":
		str = &it.Title
	case "link":
		str = &it.Link
	case "guid":
		str = &it.GUID
	case "dc:creator":
		str = &it.Creator
	case "content:encoded":
		str = &it.Content
	case "excerpt:encoded":
		str = &it.Excerpt
	case "wp:comment_status":
		str = &it.CommentStatus
	case "wp:ping_status":
		str = &it.PingStatus
	case "wp:post_name":
		str = &it.Name
	case "wp:status":
		str = &it.Status
	case "wp:post_type":
		str = &it.Type
	case "wp:post_password":
		str = &it.Password
	case "wp:attachment_url":
		str = &it.AttachmentURL
	case "wp:post_id":
		str = postID
	case "wp:is_sticky":
		str = sticky
	case "wp:post_parent":
		num = &it.PostParent
	case "wp:menu_order":
		num = &it.MenuOrder
	case "wp:post_date":
		date = &it.Date
	case "wp:post_modified":
		date = &it.Modified
	case "wp:post_date_gmt":
		date = &it.DateGMT
	case "wp:post_modified_gmt":
		date = &it.ModifiedGMT
	}
	return str, num, date
}

// meta reads a <wp:postmeta> or <wp:commentmeta>.
func (r *Reader) meta(inItem bool) (Meta, error) {
	var m Meta
	err := r.children(func(k string, _ xmlstream.Token) error {
		switch k {
		case "wp:meta_key":
			v, err := r.text(k, inItem)
			m.Key = v
			return err
		case "wp:meta_value":
			v, err := r.text(k, inItem)
			m.Value = v
			return err
		}
		return r.skip()
	})
	return m, err
}

// comment reads a <wp:comment>.
func (r *Reader) comment() (*Comment, error) {
	c := &Comment{Line: r.line()}
	if err := r.charge(commentCost); err != nil {
		return nil, err
	}
	var id, approved string
	idLine := 0
	// A switch, not maps of fields as for authors: comments are the most numerous
	// elements of a large export, and this runs for each of their fields.
	err := r.children(func(k string, _ xmlstream.Token) error {
		fline := r.line()
		var dst *string
		var num *int64
		var date *time.Time
		switch k {
		case "wp:comment_id":
			dst, idLine = &id, fline
		case "wp:comment_author":
			dst = &c.Author
		case "wp:comment_author_email":
			dst = &c.AuthorEmail
		case "wp:comment_author_url":
			dst = &c.AuthorURL
		case "wp:comment_author_IP":
			dst = &c.AuthorIP
		case "wp:comment_content":
			dst = &c.Content
		case "wp:comment_approved":
			dst = &approved
		case "wp:comment_type":
			dst = &c.Type
		case "wp:comment_parent":
			num = &c.Parent
		case "wp:comment_user_id":
			num = &c.UserID
		case "wp:comment_date":
			date = &c.Date
		case "wp:comment_date_gmt":
			date = &c.DateGMT
		case "wp:commentmeta":
			m, err := r.meta(true)
			c.Meta = append(c.Meta, m)
			return err
		default:
			return r.skip()
		}
		v, err := r.text(k, true)
		if err != nil {
			return err
		}
		switch {
		case dst != nil:
			*dst = v
		case num != nil:
			if *num, err = parseInt(v); err != nil {
				return r.fieldError(fline, "<%s>: %v", k, err)
			}
		case date != nil:
			if *date, err = parseWallClock(v); err != nil {
				return r.fieldError(fline, "<%s>: %v", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if idLine == 0 {
		return nil, r.fieldError(c.Line, "the comment has no <wp:comment_id>")
	}
	if c.ID, err = parseInt(id); err != nil || c.ID <= 0 {
		return nil, r.fieldError(idLine, "<wp:comment_id> %q is not a positive number", clip(id, 20))
	}
	c.Approved = strings.TrimSpace(approved)
	switch c.Approved {
	case "1", "approve":
		c.Status = CommentApproved
	case "0", "hold", "":
		c.Status = CommentPending
	case "spam":
		c.Status = CommentSpam
	case "trash", "post-trashed":
		c.Status = CommentTrash
	default:
		return nil, r.fieldError(c.Line, "<wp:comment_approved> %q is none of 1, 0, spam, trash", clip(c.Approved, 20))
	}
	c.Type = strings.TrimSpace(c.Type)
	return c, nil
}

// readMeta fills the fields WordPress keeps in post metadata.
func (it *Item) readMeta() {
	isAttachment := it.Type == "attachment"
	if isAttachment {
		it.Attachment = &Attachment{}
	}
	for _, m := range it.Meta {
		switch m.Key {
		case "_thumbnail_id":
			v := strings.TrimSpace(m.Value)
			if v == "" {
				continue
			}
			id, err := parseInt(v)
			if err != nil || id < 0 {
				it.Warnings = append(it.Warnings, Warning{Line: it.Line, Msg: fmt.Sprintf("_thumbnail_id %q is not a post ID; no featured image", clip(v, 20))})
				continue
			}
			it.ThumbnailID = id
		case "_wp_attached_file":
			if isAttachment {
				it.Attachment.File = m.Value
			}
		case "_wp_attachment_image_alt":
			if isAttachment {
				it.Attachment.Alt = m.Value
			}
		case "_wp_attachment_metadata":
			if !isAttachment {
				continue
			}
			md, err := ParseAttachmentMetadata(m.Value)
			if err != nil {
				it.Warnings = append(it.Warnings, Warning{Line: it.Line, Msg: "_wp_attachment_metadata: " + err.Error() + "; left out"})
				continue
			}
			if md != nil {
				it.Attachment.Metadata = md
			}
		}
	}
}

// parseInt reads a WXR number: decimal digits, maybe signed, space around ignored; ""
// is 0 (WordPress writes empty elements for absent numbers).
func parseInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", clip(s, 20))
	}
	return n, nil
}

// parseWallClock reads WordPress's MySQL DATETIME, "2006-01-02 15:04:05", as that wall
// clock in UTC. "", and "0000-00-00 00:00:00" (MySQL's zero date, which WordPress
// writes for a draft's post_date_gmt), are the zero time.
func parseWallClock(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date of the form 2006-01-02 15:04:05", clip(s, 30))
	}
	return t, nil
}

// parsePubDate reads an RSS date (RFC 1123 with a numeric zone; WordPress writes
// "+0000"). WordPress writes "Mon, 30 Nov -0001 00:00:00 +0000" (PHP's rendering of
// MySQL's zero date) or nothing for drafts: the zero time, no error.
func parsePubDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.Contains(s, " -0001 ") {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 1123 date", clip(s, 40))
}
