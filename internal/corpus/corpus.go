// Package corpus reads the shared news corpus format (JSON Lines written by
// shared/corpus/gen.py: one article a line, with its author, section, tags and threaded
// comments) into import items for a news.Store.
package corpus

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Source is the news.Article Source of corpus imports.
const Source = "corpus"

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
}

// LineError names the line of the file a bad record is on.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// MaxLine is the longest line (one article with its comments) Read accepts.
const MaxLine = 16 << 20

// Read parses the whole corpus, or returns the first bad record's LineError: nothing is
// to be imported from a file with a bad line. progress, if not nil, is called after
// each line with the count of bytes read so far.
func Read(r io.Reader, progress func(bytesRead int64)) ([]news.ImportItem, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	var items []news.ImportItem
	seen := map[string]int{}
	var read int64
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		read += int64(len(raw)) + 1
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		it, err := parse(raw)
		if err != nil {
			return nil, &LineError{Line: line, Err: err}
		}
		if first, dup := seen[it.Article.SourceID]; dup {
			return nil, &LineError{Line: line, Err: fmt.Errorf("id %s is already used on line %d", it.Article.SourceID, first)}
		}
		seen[it.Article.SourceID] = line
		items = append(items, it)
		if progress != nil {
			progress(read)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &LineError{Line: line + 1, Err: fmt.Errorf("line longer than %d bytes", MaxLine)}
		}
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	if len(items) == 0 {
		return nil, errors.New("the file holds no articles")
	}
	return items, nil
}

func parse(raw []byte) (news.ImportItem, error) {
	if !utf8.Valid(raw) {
		return news.ImportItem{}, errors.New("not valid UTF-8")
	}
	var rec record
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&rec); err != nil {
		return news.ImportItem{}, fmt.Errorf("not a JSON record: %v", err)
	}
	if dec.More() {
		return news.ImportItem{}, errors.New("more than one JSON value on the line")
	}
	switch {
	case rec.ID == nil || *rec.ID <= 0:
		return news.ImportItem{}, errors.New(`"id" is missing or not a positive number`)
	case strings.TrimSpace(rec.Title) == "":
		return news.ImportItem{}, errors.New(`"title" is missing`)
	case rec.BodyMD == "" && rec.BodyHTML == "":
		return news.ImportItem{}, errors.New(`"body_md" is missing`)
	}
	published, err := time.Parse(time.RFC3339, rec.PublishedAt)
	if err != nil {
		return news.ImportItem{}, fmt.Errorf(`"published_at" %q is not an RFC 3339 time`, rec.PublishedAt)
	}
	slug := news.Slugify(rec.Slug)
	if strings.TrimSpace(rec.Slug) == "" {
		slug = news.Slugify(rec.Title)
	}
	var body string
	if rec.BodyMD != "" {
		if body, err = render.Markdown(rec.BodyMD); err != nil {
			return news.ImportItem{}, err
		}
	} else {
		body = render.SanitizeArticleHTML(rec.BodyHTML)
	}
	a := &news.Article{
		Slug: slug, Title: strings.TrimSpace(rec.Title), Standfirst: strings.TrimSpace(rec.Lede),
		BodyMarkdown: rec.BodyMD, BodyHTML: body,
		Status: news.StatusPublished, PublishedAt: published.UTC(), CreatedAt: published.UTC(),
		Source: Source, SourceID: strconv.FormatInt(*rec.ID, 10),
	}
	if name := strings.TrimSpace(rec.Author.Name); name != "" {
		a.Author = &news.Author{Name: name, Email: rec.Author.Email}
	}
	if name := strings.TrimSpace(rec.Section); name != "" {
		a.Section = &news.Section{Name: name}
	}
	for _, t := range rec.Tags {
		if t = strings.TrimSpace(t); t != "" {
			a.Tags = append(a.Tags, &news.Tag{Name: t})
		}
	}
	it := news.ImportItem{Article: a}
	ids := map[int64]bool{}
	for i, rc := range rec.Comments {
		if rc.ID == nil {
			return news.ImportItem{}, fmt.Errorf("comment %d has no \"id\"", i+1)
		}
		if ids[*rc.ID] {
			return news.ImportItem{}, fmt.Errorf("comment id %d is used twice", *rc.ID)
		}
		if strings.TrimSpace(rc.Body) == "" {
			return news.ImportItem{}, fmt.Errorf("comment %d has no \"body\"", *rc.ID)
		}
		created, err := time.Parse(time.RFC3339, rc.CreatedAt)
		if err != nil {
			return news.ImportItem{}, fmt.Errorf("comment %d: \"created_at\" %q is not an RFC 3339 time", *rc.ID, rc.CreatedAt)
		}
		c := &news.Comment{
			Status: news.CommentApproved, AuthorName: strings.TrimSpace(rc.Author), AuthorEmail: rc.Email,
			Body: rc.Body, BodyHTML: render.Comment(rc.Body), CreatedAt: created.UTC(),
			Source: Source, SourceID: strconv.FormatInt(*rc.ID, 10),
		}
		if c.AuthorName == "" {
			c.AuthorName = "Anonymous"
		}
		if rc.Parent != nil {
			if !ids[*rc.Parent] {
				return news.ImportItem{}, fmt.Errorf("comment %d replies to %d, which does not come before it", *rc.ID, *rc.Parent)
			}
			c.ParentSourceID = strconv.FormatInt(*rc.Parent, 10)
		}
		ids[*rc.ID] = true
		it.Comments = append(it.Comments, c)
	}
	return it, nil
}
