package wxr

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// Hostile text in every field makes a well-formed file that our reader gives back
// as it was, less the characters XML cannot hold: a "]]>" that would end a CDATA
// section, control characters, text that looks like WXR's own end tags, emoji,
// right-to-left text, invalid UTF-8.
func TestWriterHostileTextStaysWellFormed(t *testing.T) {
	hostile := "a ]]> b ]]]]> c <![CDATA[ d </wp:comment_content></item></channel> \x00\x01\x08\x0b\x1f e \ufffe\uffff 🎉 مرحبا بالعالم \u202e rtl & < > \" ' \xff\xfe end"
	want := "a ]]> b ]]]]> c <![CDATA[ d </wp:comment_content></item></channel>  e  🎉 مرحبا بالعالم \u202e rtl & < > \" '  end"
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Site{Title: hostile, Link: "https://news.example", Description: hostile, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 5, 1, 12, 30, 0, 0, time.UTC)
	w.Author(&Author{ID: 1, Login: "ed", Email: "ed@example.org", DisplayName: hostile, Description: hostile})
	w.Category(&Category{TermID: 2, Nicename: "news", Name: hostile, Description: hostile})
	w.Tag(&Tag{TermID: 3, Slug: "t", Name: hostile})
	w.Item(&Item{Title: hostile, Link: "https://news.example/?p=4", GUID: "https://news.example/?p=4&x=\"1\"", PubDate: when,
		Creator: "ed", Content: hostile, Excerpt: hostile, PostID: 4, Date: when, DateGMT: when, Name: "story", Status: "publish",
		Type: "post", Terms: []ItemTerm{{Domain: "category", Nicename: "news", Name: hostile}},
		Meta:     []Meta{{Key: "note", Value: hostile}},
		Comments: []*Comment{{ID: 5, Author: hostile, AuthorEmail: "r@example.net", Content: hostile, Status: CommentApproved, Date: when, DateGMT: when}}})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Well-formed, as any XML parser reads it.
	d := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, buf.String())
		}
	}
	// And read back whole.
	r := NewReader(bytes.NewReader(buf.Bytes()), Limits{})
	var it *Item
	var site *Site
	var cat *Category
	var au *Author
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := e.(type) {
		case *Item:
			it = e
		case *Site:
			site = e
		case *Category:
			cat = e
		case *Author:
			au = e
		}
	}
	if it == nil || site == nil || cat == nil || au == nil {
		t.Fatalf("entries missing: item %v site %v category %v author %v", it, site, cat, au)
	}
	for what, got := range map[string]string{"site title": site.Title, "tagline": site.Description, "author": au.DisplayName,
		"category": cat.Name, "title": it.Title, "content": it.Content, "excerpt": it.Excerpt, "term": it.Terms[0].Name,
		"meta": it.Meta[0].Value, "comment": it.Comments[0].Content, "commenter": it.Comments[0].Author} {
		if got != want {
			t.Errorf("%s came back as %q, want %q", what, got, want)
		}
	}
	if it.GUID != "https://news.example/?p=4&x=\"1\"" || !it.DateGMT.Equal(when) || it.Comments[0].Status != CommentApproved {
		t.Errorf("item: guid %q, date %v, comment status %v", it.GUID, it.DateGMT, it.Comments[0].Status)
	}
	c, err := Check(context.Background(), bytes.NewReader(buf.Bytes()), Limits{}, nil)
	if err != nil || c.Authors != 1 || c.Categories != 1 || c.Tags != 1 || c.Items[TypeStatus{"post", "publish"}] != 1 || c.Comments[CommentApproved] != 1 {
		t.Errorf("Check: %+v %v", c, err)
	}
	if strings.Contains(buf.String(), "\x00") || strings.Contains(buf.String(), "\xff") {
		t.Error("the file holds a character XML cannot")
	}
}

func TestPHPSerializeAsWordPressReadsIt(t *testing.T) {
	s := PHPSerialize([]string{"width", "height", "file"}, map[string]any{"width": 1200, "height": 800, "file": "2026/05/é.jpg"})
	md, err := ParseAttachmentMetadata(s)
	if err != nil || md.Width != 1200 || md.Height != 800 || md.File != "2026/05/é.jpg" {
		t.Fatalf("%s → %+v %v", s, md, err)
	}
}

// WordPress's fallback parser (WXR_Parser_Regex) reads a <wp:author> only from one
// line: an author whose bio or name holds a line break must still be written on one
// line (the break as a character reference), or that importer loses the author and
// every post's byline with it. XML parsers, ours too, still read the break.
func TestWriterAuthorStaysOnOneLine(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, &Site{Title: "T", Link: "https://news.example", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	bio := "Covers the courts.\nFormerly at the Herald.\r\nLives in Leeds."
	w.Author(&Author{ID: 1, Login: "ed", Email: "ed@example.org", DisplayName: "Ed\nItor", FirstName: "Ed\r", LastName: "It\nor", Description: bio})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.Contains(l, "<wp:author>") {
			line = l
		}
	}
	if !strings.Contains(line, "</wp:author>") {
		t.Fatalf("the <wp:author> does not end on the line it starts:\n%s", buf.String())
	}
	r := NewReader(bytes.NewReader(buf.Bytes()), Limits{})
	for {
		e, err := r.Next()
		if err == io.EOF {
			t.Fatal("no author read back")
		}
		if err != nil {
			t.Fatal(err)
		}
		if au, ok := e.(*Author); ok {
			if au.Description != bio || au.DisplayName != "Ed\nItor" {
				t.Errorf("read back bio %q, name %q", au.Description, au.DisplayName)
			}
			return
		}
	}
}
