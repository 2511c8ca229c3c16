// Package disqus reads a Disqus comments export (the XML file Disqus mails from its
// admin's Export page: a <disqus xmlns="http://disqus.com"> root holding <category>,
// <thread dsq:id> and <post dsq:id> elements) as a stream, and imports its comments
// into the site's articles (Import).
//
// The format, as Disqus writes it and the importers of other comment systems read it
// (Remark42, Isso, Commento): a thread has its page's <link>, <title>, the <id> the
// embedding page gave it (the WordPress plug-in's is "POSTID http://site/?p=POSTID"),
// <createdAt>, <isClosed>, <isDeleted>; a post has its <message> (HTML, usually in
// CDATA), <createdAt> (ISO 8601, UTC), <isDeleted>, <isSpam>, an <author> (<name>,
// <email>, <username>, <isAnonymous>), an <ipAddress>, and names its thread and the
// post it answers by their dsq:id attributes (<thread dsq:id="…"/>, <parent dsq:id="…"/>).
//
// A Reader decodes the file token by token with internal/xmlstream (a tokenizer within
// budgets, encoding/xml behind it): memory is bounded by Limits, never by the file. A file that is hostile (an entity declaration, an external
// DTD, a field over its budget, nesting too deep, invalid UTF-8) or truncated ends the
// read with an *Error naming its line; entries already yielded must then be thrown
// away, so Import reads the file twice (Check, then the posts) and writes all or nothing.
package disqus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"broadsheet/internal/xmlstream"
)

// The export's namespaces: its elements' and that of its dsq:id attributes.
const (
	nsDisqus   = "http://disqus.com"
	nsInternal = "http://disqus.com/disqus-internals"
)

// Limits bound what one file may cost. Zero fields take the defaults.
type Limits struct {
	// Message is the longest <message> (a post's HTML), in bytes. Default 1 MiB: Disqus
	// itself refuses comments past some 25,000 characters.
	Message int
	// Field is the longest text of any other element, and the longest tag, comment or
	// directive, in bytes. Default 64 KiB.
	Field int
	// Depth is the deepest element nesting (an export needs 3). Default 16.
	Depth int
	// Entries is the most categories, threads and posts a file may hold. Default
	// 10,000,000.
	Entries int
}

// Default limits (Limits' zero fields).
const (
	DefaultMessage = 1 << 20
	DefaultField   = 64 << 10
	DefaultDepth   = 16
	DefaultEntries = 10_000_000
)

// maxFields is how many fields (elements with text) one entry may hold: Disqus writes
// about a dozen, so that a post of a million tiny elements is refused, not kept.
const maxFields = 64

func (l Limits) withDefaults() Limits {
	if l.Message <= 0 {
		l.Message = DefaultMessage
	}
	if l.Field <= 0 {
		l.Field = DefaultField
	}
	if l.Depth <= 0 {
		l.Depth = DefaultDepth
	}
	if l.Entries <= 0 {
		l.Entries = DefaultEntries
	}
	return l
}

// Error is why a file cannot be read: where (1-based line and column; the column counts
// bytes, 0 when unknown) and what.
type Error struct {
	Line, Column int
	Err          error
}

func (e *Error) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("disqus: line %d, column %d: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("disqus: line %d: %v", e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// fromStream is err as this package's *Error when it is xmlstream's (io.EOF and others
// as they are).
func fromStream(err error) error {
	if e, ok := err.(*xmlstream.Error); ok {
		return &Error{Line: e.Line, Column: e.Column, Err: e.Err}
	}
	return err
}

// Errors an *Error may wrap, for errors.Is. ErrHostile, ErrTruncated and ErrTooLarge
// are xmlstream's, whose defences find most of them.
var (
	ErrNotDisqus = errors.New("not a Disqus export")
	ErrHostile   = xmlstream.ErrHostile
	ErrTruncated = xmlstream.ErrTruncated
	ErrTooLarge  = xmlstream.ErrTooLarge
)

// Entry is what Next yields: *Category, *Thread or *Post.
type Entry interface{ entry() }

// Category is a Disqus category (a forum's grouping of threads).
type Category struct {
	ID        string // dsq:id
	Forum     string
	Title     string
	IsDefault bool
	Line      int
}

// Thread is a page that had comments.
type Thread struct {
	ID         string // dsq:id
	Identifier string // <id>: what the embedding page called it ("" when none)
	Forum      string
	Link       string // the page's address when the thread was made
	Title      string
	CreatedAt  time.Time
	IsClosed   bool
	IsDeleted  bool
	Line       int
}

// Author is a post's commenter.
type Author struct {
	Name        string
	Email       string // never shown; "" when Disqus gave none
	Username    string
	IsAnonymous bool // a guest, with no Disqus account
}

// Post is one comment.
type Post struct {
	ID        string // dsq:id
	Message   string // HTML
	CreatedAt time.Time
	IsDeleted bool
	IsSpam    bool
	Author    Author
	Thread    string // the thread's dsq:id
	Parent    string // the dsq:id of the post it answers; "" at the top
	Line      int
}

func (*Category) entry() {}
func (*Thread) entry()   {}
func (*Post) entry()     {}

// part is what a token is part of, for the message of a budget error; formatted only
// then (a message a token cost a fifth of the reading).
type part struct {
	what  string   // the whole phrase when entry is ""
	entry string   // "post"
	line  int      // the entry's line
	path  []string // the field's elements below the entry
}

func (p part) String() string {
	if p.entry == "" {
		return p.what
	}
	return fmt.Sprintf("<%s> of the <%s> at line %d", strings.Join(p.path, "/"), p.entry, p.line)
}

// Reader reads a Disqus export as a stream of entries. It is not safe for concurrent use.
type Reader struct {
	x       *xmlstream.Decoder
	lim     Limits
	what    part // what the next token is part of, for a budget error
	started bool
	done    bool
	entries int
	err     error // sticky
}

// NewReader returns a Reader of the export r with the limits lim (zero fields take the
// defaults).
func NewReader(r io.Reader, lim Limits) *Reader {
	lim = lim.withDefaults()
	return &Reader{x: xmlstream.New(r, xmlstream.Options{Depth: lim.Depth, Format: "a Disqus export"}), lim: lim}
}

// Next returns the next entry in file order. At the end of a complete, well-formed
// export it returns (nil, io.EOF); otherwise an *Error naming the line, and the same
// error on every later call.
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
	if !r.started {
		if err := r.start(); err != nil {
			return nil, err
		}
		r.started = true
	}
	if r.done {
		return nil, io.EOF
	}
	for {
		t, err := r.token(r.lim.Field, part{what: "markup between the export's entries"})
		if err != nil {
			return nil, err
		}
		switch t.Kind {
		case xmlstream.Text:
			if len(bytes.TrimSpace(t.Text)) > 0 {
				return nil, r.errorf(ErrNotDisqus, "text between the export's entries")
			}
		case xmlstream.End: // </disqus>
			if err := r.finish(); err != nil {
				return nil, err
			}
			r.done = true
			return nil, io.EOF
		case xmlstream.Start:
			line := r.line()
			var e Entry
			switch {
			case t.Name.Space != nsDisqus:
				err = r.skip()
			case t.Name.Local == "category":
				e, err = r.category(t, line)
			case t.Name.Local == "thread":
				e, err = r.thread(t, line)
			case t.Name.Local == "post":
				e, err = r.post(t, line)
			default:
				err = r.skip()
			}
			if err != nil {
				return nil, err
			}
			if e == nil {
				continue
			}
			r.entries++
			if r.entries > r.lim.Entries {
				return nil, &Error{Line: line, Err: fmt.Errorf("the file holds more than %d categories, threads and posts: %w", r.lim.Entries, ErrTooLarge)}
			}
			return e, nil
		}
	}
}

// start reads up to the root's start tag, which must be Disqus's <disqus>.
func (r *Reader) start() error {
	for {
		t, err := r.token(r.lim.Field, part{what: "the file's prologue"})
		if err == io.EOF {
			return r.errorf(ErrNotDisqus, "the file holds no <disqus> element")
		}
		if err != nil {
			return err
		}
		switch t.Kind {
		case xmlstream.Text:
			if len(bytes.TrimSpace(bytes.TrimPrefix(t.Text, []byte("\ufeff")))) > 0 {
				return r.errorf(ErrNotDisqus, "text before the <disqus> element")
			}
		case xmlstream.Start:
			if t.Name.Local != "disqus" || t.Name.Space != nsDisqus {
				return r.errorf(ErrNotDisqus, "the root element is <%s> (namespace %q), not <disqus xmlns=%q>", t.Name.Local, clip(t.Name.Space, 60), nsDisqus)
			}
			return nil
		}
	}
}

// finish reads from after </disqus> to the end: nothing but space, comments and
// processing instructions.
func (r *Reader) finish() error {
	for {
		t, err := r.token(r.lim.Field, part{what: "markup after the export"})
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t.Kind {
		case xmlstream.Start:
			return r.errorf(ErrNotDisqus, "<%s> after the <disqus> element", t.Name.Local)
		case xmlstream.Text:
			if len(bytes.TrimSpace(t.Text)) > 0 {
				return r.errorf(ErrNotDisqus, "text after the <disqus> element")
			}
		}
	}
}

// token returns the next token, of at most budget bytes of input, through xmlstream
// (which keeps the stack of open elements and refuses hostile input: entities, an
// external DTD, nesting, a token over its budget).
func (r *Reader) token(budget int, what part) (xmlstream.Token, error) {
	r.what = what
	t, err := r.x.Token(budget, &r.what)
	return t, fromStream(err)
}

func (r *Reader) truncated() error { return fromStream(r.x.Truncated()) }

func (r *Reader) errorf(kind error, format string, args ...any) error {
	return fromStream(r.x.Errorf(kind, format, args...))
}

func (r *Reader) line() int { return r.x.Top().Line }

// skipped is the path a budget error names for an element skipped.
var skipped = []string{"…"}

// skip reads past the element just started, whatever it holds.
func (r *Reader) skip() error {
	o := r.x.Top()
	r.what = part{entry: o.Label, line: o.Line, path: skipped}
	return fromStream(r.x.Skip(r.lim.Field, &r.what))
}

// record is an entry's fields: the text of each child element ("link") and
// grandchild ("author/name"), and each one's dsq:id ("thread@id"), by name.
type record map[string]string

// fields reads the entry just started into a record. Deeper elements are skipped;
// text directly in the entry or beside a grandchild is ignored (white space in an
// export).
func (r *Reader) fields(entry xmlstream.Token) (record, error) {
	rec := record{}
	if id := dsqID(entry); id != "" {
		rec["@id"] = id
	}
	depth := r.x.Depth()
	n := 0                       // fields read
	path := make([]string, 0, 2) // element names below the entry
	var text strings.Builder
	for {
		budget := r.lim.Field
		if len(path) == 1 && path[0] == "message" {
			budget = r.lim.Message
		}
		t, err := r.token(budget-text.Len(), part{entry: entry.Name.Local, line: r.x.Stack()[depth-1].Line, path: path})
		if err != nil {
			if err == io.EOF {
				return nil, r.truncated()
			}
			return nil, err
		}
		switch t.Kind {
		case xmlstream.Start:
			if len(path) == 2 {
				if err := r.skip(); err != nil {
					return nil, err
				}
				continue
			}
			path = append(path, t.Name.Local)
			text.Reset()
			if id := dsqID(t); id != "" {
				rec[strings.Join(path, "/")+"@id"] = id
			}
			if n++; n > maxFields {
				return nil, r.errorf(ErrTooLarge, "the <%s> at line %d holds more than %d fields", entry.Name.Local, r.x.Stack()[depth-1].Line, maxFields)
			}
		case xmlstream.Text:
			if len(path) > 0 {
				text.Write(t.Text)
			}
		case xmlstream.End:
			if r.x.Depth() < depth {
				return rec, nil
			}
			if t.Name.Space == nsDisqus || t.Name.Space == "" {
				k := strings.Join(path, "/")
				if s := text.String(); strings.TrimSpace(s) != "" || rec[k] == "" {
					rec[k] = s
				}
			}
			path = path[:len(path)-1]
			text.Reset()
		}
	}
}

// dsqID is an element's dsq:id attribute.
func dsqID(t xmlstream.Token) string {
	for _, a := range t.Attr {
		if a.Name.Local == "id" && a.Name.Space == nsInternal {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

func (r *Reader) category(t xmlstream.Token, line int) (Entry, error) {
	rec, err := r.fields(t)
	if err != nil {
		return nil, err
	}
	return &Category{ID: rec["@id"], Forum: trim(rec["forum"]), Title: trim(rec["title"]), IsDefault: truth(rec["isDefault"]), Line: line}, nil
}

func (r *Reader) thread(t xmlstream.Token, line int) (Entry, error) {
	rec, err := r.fields(t)
	if err != nil {
		return nil, err
	}
	th := &Thread{ID: rec["@id"], Identifier: trim(rec["id"]), Forum: trim(rec["forum"]), Link: trim(rec["link"]),
		Title: trim(rec["title"]), IsClosed: truth(rec["isClosed"]), IsDeleted: truth(rec["isDeleted"]), Line: line}
	if th.ID == "" {
		return nil, &Error{Line: line, Err: fmt.Errorf("a <thread> without its dsq:id: %w", ErrNotDisqus)}
	}
	th.CreatedAt, _ = parseTime(rec["createdAt"]) // informative only
	return th, nil
}

func (r *Reader) post(t xmlstream.Token, line int) (Entry, error) {
	rec, err := r.fields(t)
	if err != nil {
		return nil, err
	}
	p := &Post{ID: rec["@id"], Message: rec["message"], IsDeleted: truth(rec["isDeleted"]), IsSpam: truth(rec["isSpam"]),
		Author: Author{Name: trim(rec["author/name"]), Email: trim(rec["author/email"]), Username: trim(rec["author/username"]),
			IsAnonymous: truth(rec["author/isAnonymous"])},
		Thread: rec["thread@id"], Parent: rec["parent@id"], Line: line}
	switch {
	case p.ID == "":
		return nil, &Error{Line: line, Err: fmt.Errorf("a <post> without its dsq:id: %w", ErrNotDisqus)}
	case p.Thread == "":
		return nil, &Error{Line: line, Err: fmt.Errorf("post %s names no thread (<thread dsq:id=\"…\"/>): %w", clip(p.ID, 40), ErrNotDisqus)}
	}
	if p.CreatedAt, err = parseTime(rec["createdAt"]); err != nil {
		return nil, &Error{Line: line, Err: fmt.Errorf("post %s: <createdAt>: %w", clip(p.ID, 40), err)}
	}
	return p, nil
}

func trim(s string) string { return strings.TrimSpace(s) }

// truth reads Disqus's booleans ("true", "false").
func truth(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "true") }

// parseTime reads Disqus's times: ISO 8601 in UTC ("2012-05-01T10:20:30Z"), with or
// without the zone.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time (2012-05-01T10:20:30Z)", clip(s, 40))
}

func clip(s string, n int) string { return xmlstream.Clip(s, n) }
