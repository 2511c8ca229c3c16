// Package corpus reads the shared news corpus format (JSON Lines written by
// shared/corpus/gen.py: one article a line, with its author, section, tags and threaded
// comments) into import items for a news.Store.
//
// A corpus is read twice, as a stream, so that memory does not grow with the file:
// Check reads every line and reports the first bad one, writing nothing; Items reads
// it again and yields the articles in file order, their Markdown rendered by a few
// worker goroutines ahead of the consumer (the store's single writer).
package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Source is the news.Article Source of corpus imports.
const Source = "corpus"

// MaxLine is the longest line (one article with its comments) accepted, in bytes.
const MaxLine = 16 << 20

// MaxComments is the most comments one article may carry. A line within MaxLine could
// otherwise hold hundreds of thousands of tiny comments, each a struct in memory and
// an insert in one step of the writer.
const MaxComments = 20000

type record struct {
	ID       *int64 `json:"id"`
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Lede     string `json:"lede"`
	BodyMD   string `json:"body_md"`
	BodyHTML string `json:"body_html"`
	Author   struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"author"`
	Section     string   `json:"section"`
	Tags        []string `json:"tags"`
	PublishedAt string   `json:"published_at"`
	Comments    []struct {
		ID        *int64 `json:"id"`
		Parent    *int64 `json:"parent"`
		Author    string `json:"author"`
		Email     string `json:"email"`
		Body      string `json:"body"`
		CreatedAt string `json:"created_at"`
	} `json:"comments"`

	published time.Time   // PublishedAt, parsed by check
	created   []time.Time // each comment's CreatedAt, parsed by check
}

// LineError names the line of the file a bad record is on (counted from 1, blank
// lines included).
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// decode parses and checks one line: JSON shape, required fields, text, times and
// comment threading. It renders nothing.
//
// The JSON is read by github.com/go-json-experiment/json, the Go team's v2 of
// encoding/json (encoding/json/v2 behind GOEXPERIMENT=jsonv2 in the standard library):
// it decodes this format two to four times as fast as encoding/json (measured on the
// shared corpus), and the file is decoded twice. It also refuses invalid UTF-8 and an
// object naming a field twice.
func decode(raw []byte) (*record, error) {
	var rec record
	if err := json.Unmarshal(raw, &rec, json.MatchCaseInsensitiveNames(true)); err != nil {
		if !utf8.Valid(raw) {
			return nil, errors.New("not valid UTF-8")
		}
		return nil, fmt.Errorf("not a JSON record: %v", err)
	}
	if err := rec.check(mayHoldForbidden(raw)); err != nil {
		return nil, err
	}
	return &rec, nil
}

// mayHoldForbidden reports whether a line of valid JSON might decode to a string with
// a code point news.CheckText refuses: an escape (\uXXXX, \b, \f), DEL, a C1 control
// (C2 80–C2 9F) or the start of a noncharacter's encoding (EF B7 for U+FDD0–U+FDEF;
// BF BE and BF BF end those of U+FFFE, U+FFFF and their kin in every plane). Raw C0
// controls are not valid JSON. False is certain, so the fields of most lines need no
// rune-by-rune check; true only means "look".
func mayHoldForbidden(raw []byte) bool {
	for rest := raw; ; {
		i := bytes.IndexByte(rest, '\\')
		if i < 0 || i+1 >= len(rest) {
			break
		}
		if c := rest[i+1]; c == 'u' || c == 'b' || c == 'f' {
			return true
		}
		rest = rest[i+2:] // past the escape, so that "\\u" is not taken for "\u"
	}
	if bytes.IndexByte(raw, 0x7f) >= 0 || bytes.Contains(raw, []byte{0xef, 0xb7}) ||
		bytes.Contains(raw, []byte{0xbf, 0xbe}) || bytes.Contains(raw, []byte{0xbf, 0xbf}) {
		return true
	}
	for rest := raw; ; {
		i := bytes.IndexByte(rest, 0xc2)
		if i < 0 || i+1 >= len(rest) {
			return false
		}
		if rest[i+1] <= 0x9f {
			return true
		}
		rest = rest[i+1:]
	}
}

// check refuses what the store would refuse, so that the first pass names the line.
// With texts false, the line is known to hold no forbidden code point.
func (rec *record) check(texts bool) error {
	switch {
	case rec.ID == nil || *rec.ID <= 0:
		return errors.New(`"id" is missing or not a positive number`)
	case !news.Visible(rec.Title):
		return errors.New(`"title" is missing`)
	case rec.BodyMD == "" && rec.BodyHTML == "":
		return errors.New(`"body_md" is missing`)
	case len(rec.BodyMD) > render.MaxMarkdownBytes:
		return fmt.Errorf(`"body_md" has %d bytes; at most %d are rendered`, len(rec.BodyMD), render.MaxMarkdownBytes)
	case rec.BodyMD == "" && len(rec.BodyHTML) > render.MaxMarkdownBytes:
		// render.ArticleHTML's bound: refused here, so that the check names the line
		// and nothing is written.
		return fmt.Errorf(`"body_html" has %d bytes; at most %d are rendered`, len(rec.BodyHTML), render.MaxMarkdownBytes)
	case len(rec.Comments) > MaxComments:
		return fmt.Errorf("%d comments on one article; at most %d are accepted", len(rec.Comments), MaxComments)
	}
	for _, t := range [][2]string{{"title", rec.Title}, {"lede", rec.Lede}, {"body_md", rec.BodyMD}, {"body_html", rec.BodyHTML},
		{"author's name", rec.Author.Name}, {"author's email", rec.Author.Email}, {"section", rec.Section}} {
		if !texts {
			break
		}
		if err := news.CheckText(strconv.Quote(t[0]), t[1]); err != nil {
			return err
		}
	}
	var err error
	if rec.published, err = time.Parse(time.RFC3339, rec.PublishedAt); err != nil {
		return fmt.Errorf(`"published_at" %q is not an RFC 3339 time`, rec.PublishedAt)
	}
	for _, t := range rec.Tags {
		if texts {
			if err := news.CheckText("the tag "+strconv.Quote(t), t); err != nil {
				return err
			}
		}
		if strings.ContainsAny(strings.TrimSpace(t), "\t\n\r") {
			return fmt.Errorf("the tag %q has a line break", t)
		}
	}
	ids := make(map[int64]bool, len(rec.Comments))
	rec.created = make([]time.Time, len(rec.Comments))
	for i, rc := range rec.Comments {
		if rc.ID == nil {
			return fmt.Errorf("comment %d has no \"id\"", i+1)
		}
		if ids[*rc.ID] {
			return fmt.Errorf("comment id %d is used twice", *rc.ID)
		}
		if !news.Visible(rc.Body) {
			return fmt.Errorf("comment %d has no \"body\"", *rc.ID)
		}
		for _, t := range [][2]string{{"body", rc.Body}, {"author", rc.Author}, {"email", rc.Email}} {
			if !texts {
				break
			}
			if err := news.CheckText(fmt.Sprintf("comment %d's %q", *rc.ID, t[0]), t[1]); err != nil {
				return err
			}
		}
		if rec.created[i], err = time.Parse(time.RFC3339, rc.CreatedAt); err != nil {
			return fmt.Errorf("comment %d: \"created_at\" %q is not an RFC 3339 time", *rc.ID, rc.CreatedAt)
		}
		if rc.Parent != nil && !ids[*rc.Parent] {
			return fmt.Errorf("comment %d replies to %d, which does not come before it", *rc.ID, *rc.Parent)
		}
		ids[*rc.ID] = true
	}
	return nil
}

// skipped is what the store holds of an article already: its comments by corpus ID.
type skipped struct{ comments map[string]bool }

// item renders a checked record into an import item. Text is stored as the newsroom's
// is: in NFC, one-line texts with their white space collapsed (news.CleanLine). When
// the store holds the article already (skip), its body and its stored comments, which
// the import skips, are not rendered.
func (rec *record) item(ctx context.Context, skip *skipped, embeds render.Embeds) (*news.ImportItem, error) {
	title := line(rec.Title)
	slug := news.Slugify(rec.Slug)
	if strings.TrimSpace(rec.Slug) == "" {
		slug = news.Slugify(title)
	}
	var body string
	md := news.NFC(rec.BodyMD)
	switch {
	case skip != nil:
	case md != "":
		var err error
		if body, _, err = render.ArticleMarkdown(ctx, md, embeds); err != nil {
			return nil, fmt.Errorf(`"body_md": %w`, err)
		}
	default:
		var err error
		if body, _, err = render.ArticleHTMLContext(ctx, news.NFC(rec.BodyHTML), embeds); err != nil {
			return nil, fmt.Errorf(`"body_html": %w`, err)
		}
	}
	body = clean(body)
	published := rec.published.UTC()
	a := &news.Article{
		Slug: slug, Title: title, Standfirst: line(rec.Lede),
		BodyMarkdown: md, BodyHTML: body,
		Status: news.StatusPublished, PublishedAt: published, CreatedAt: published,
		Source: Source, SourceID: strconv.FormatInt(*rec.ID, 10),
	}
	if name := line(rec.Author.Name); news.Visible(name) {
		a.Author = &news.Author{Name: name, Email: line(rec.Author.Email)}
	}
	if name := line(rec.Section); news.Visible(name) {
		a.Section = &news.Section{Name: name}
	}
	for _, t := range rec.Tags {
		if t = line(t); news.Visible(t) {
			a.Tags = append(a.Tags, &news.Tag{Name: t})
		}
	}
	it := &news.ImportItem{Article: a, Comments: make([]*news.Comment, 0, len(rec.Comments))}
	for i, rc := range rec.Comments {
		c := &news.Comment{
			Status: news.CommentApproved, AuthorName: line(rc.Author), AuthorEmail: line(rc.Email),
			Body: news.NFC(rc.Body), CreatedAt: rec.created[i].UTC(),
			Source: Source, SourceID: strconv.FormatInt(*rc.ID, 10),
		}
		if skip == nil || !skip.comments[c.SourceID] {
			c.BodyHTML = clean(render.Comment(c.Body))
		}
		if !news.Visible(c.AuthorName) {
			c.AuthorName = "Anonymous"
		}
		if rc.Parent != nil {
			c.ParentSourceID = strconv.FormatInt(*rc.Parent, 10)
		}
		it.Comments = append(it.Comments, c)
	}
	return it, nil
}

// clean drops from rendered HTML the code points no page may hold, which an entity in
// the source (&#1;) can bring in.
func clean(html string) string {
	if strings.ContainsFunc(html, news.ForbiddenRune) {
		html, _ = news.CleanText(html)
	}
	return html
}

// line is a one-line text as stored: NFC, white space collapsed, ends trimmed. check
// has refused the characters CleanLine would remove.
func line(s string) string {
	s, _ = news.CleanLine(s)
	return s
}
