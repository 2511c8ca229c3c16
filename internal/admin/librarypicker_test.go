package admin_test

// The body's library picker offers every kind of item: a file becomes a link, sound
// and video a player (render.Version 5), a reference (an imported attachment kept at
// its address) the same from its address; the featured image's picker lists images
// only and says why.

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

type pickerItem struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	URL       string `json:"url"`
	Label     string `json:"label"`
	Reference bool   `json:"reference"`
	Insert    string `json:"insert"`
}

func TestLibraryPickerOffersFilesToTheBody(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	ctx := t.Context()
	photo := &news.Media{Name: "quay.png", ContentType: "image/png", Width: 10, Height: 10, Bytes: 100, Alt: "The quay"}
	if err := e.db.CreateMedia(ctx, photo); err != nil {
		t.Fatal(err)
	}
	// Files and references come into the library from a WordPress import.
	w, err := e.db.BeginWXR(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]*news.Media{
		"pdf":     {Name: "budget-2026.pdf", ContentType: "application/pdf", Bytes: 5000, Title: "Council budget 2026"},
		"audio":   {Name: "interview.mp3", ContentType: "audio/mpeg", Bytes: 9000, Title: "Interview with the mayor"},
		"video":   {Name: "placeholder-video", URL: "https://old.example/wp-content/uploads/flood.mp4", ContentType: "video/mp4", Title: "The flood"},
		"httpmp3": {Name: "placeholder-audio", URL: "http://old.example/wp-content/uploads/old%20jingle.mp3", ContentType: "audio/mpeg"},
		"doc":     {Name: "placeholder-doc", URL: "https://old.example/wp-content/uploads/minutes.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Title: "Minutes"},
	}
	for id, m := range items {
		if err := w.Media(ctx, m, "wxr-test", id); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx, true); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("contributor@newsroom.example")
	list := func(path string) []pickerItem {
		r := b.get(path)
		var page struct{ Items []pickerItem }
		if r.status != 200 || json.Unmarshal([]byte(r.body), &page) != nil {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		return page.Items
	}

	// The featured image's picker: images only.
	if got := list("/admin/media/library.json"); len(got) != 1 || got[0].ID != photo.ID {
		t.Errorf("the featured picker lists %+v, want the one image", got)
	}
	// The body's: everything, each with what it becomes in the story.
	byID := map[int64]pickerItem{}
	for _, it := range list("/admin/media/library.json?all=1") {
		byID[it.ID] = it
	}
	if len(byID) != 6 {
		t.Fatalf("the body's picker lists %d items, want 6: %+v", len(byID), byID)
	}
	shown := func(what string) string {
		it, ok := byID[items[what].ID]
		if !ok {
			t.Fatalf("%s is not offered to the body", what)
		}
		html, err := render.Markdown(it.Insert)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return html
	}
	for what, want := range map[string][]string{
		"pdf":     {`<a href="/media/budget-2026.pdf">Council budget 2026</a>`},
		"audio":   {`<audio controls="" src="/media/interview.mp3">`, `<a href="/media/interview.mp3">Interview with the mayor</a>`},
		"video":   {`<video controls="" src="https://old.example/wp-content/uploads/flood.mp4">`},
		"httpmp3": {`<a href="http://old.example/wp-content/uploads/old%20jingle.mp3">old jingle.mp3</a>`},
		"doc":     {`<a href="https://old.example/wp-content/uploads/minutes.docx">Minutes</a>`},
	} {
		html := shown(what)
		for _, w := range want {
			if !strings.Contains(html, w) {
				t.Errorf("%s in the body renders as %s, want %s", what, html, w)
			}
		}
	}
	if html := shown("httpmp3"); strings.Contains(html, "<audio") {
		t.Errorf("a reference at an http: address became a player (blocked as mixed content): %s", html)
	}
	if r := b.get("/admin/media/library.json?all=yes"); r.status != 400 {
		t.Errorf("an unknown list: %d", r.status)
	}

	// The editor says why the featured image's list holds images only.
	e.addUser(news.RoleEditor)
	ed := e.browser()
	ed.login("editor@newsroom.example")
	_, page := ed.openEditor(e.article.ID)
	if !strings.Contains(pageText(page), "only images can be featured") || !strings.Contains(page, `id="md-library-note"`) {
		t.Errorf("the editor does not say why files are absent from the featured image's list")
	}
}

// TestLibraryPickerOddAddressesAndTitles: an imported attachment's address and title
// are WordPress's, any text: spaces, quotes, a backslash, line breaks. Whatever they
// hold, what the picker inserts renders as the player or the link it announces, its
// whole label inside it, and nothing of it spills into the story as Markdown.
func TestLibraryPickerOddAddressesAndTitles(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	ctx := t.Context()
	w, err := e.db.BeginWXR(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]*news.Media{
		"spaced":    {Name: "p-1", URL: "https://old.example/up/ferry song \"live\".mp3", ContentType: "audio/mpeg", Title: "Ferry song"},
		"backslash": {Name: "p-2", URL: `https://old.example/up/minutes\`, ContentType: "application/pdf", Title: "Minutes"},
		"newlines":  {Name: "p-3", URL: "https://old.example/up/a\n\nb.pdf", ContentType: "application/pdf", Title: "Budget"},
		"title":     {Name: "p-4", URL: "https://old.example/up/flood.mp4", ContentType: "video/mp4", Title: "The flood\n\n*at night*"},
		"crtitle":   {Name: "p-5", URL: "https://old.example/up/rates.pdf", ContentType: "application/pdf", Title: "Rates\r\r# 2026"},
	}
	for id, m := range items {
		if err := w.Media(ctx, m, "wxr-test", id); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx, true); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("contributor@newsroom.example")
	r := b.get("/admin/media/library.json?all=1")
	var page struct{ Items []pickerItem }
	if r.status != 200 || json.Unmarshal([]byte(r.body), &page) != nil {
		t.Fatalf("library: %d %s", r.status, r.body)
	}
	byID := map[int64]pickerItem{}
	for _, it := range page.Items {
		byID[it.ID] = it
	}
	for what, want := range map[string][]string{
		"spaced":    {`<audio controls="" src="https://old.example/up/ferry%20song%20%22live%22.mp3">`, `>Ferry song</a></audio>`},
		"backslash": {`<a href="https://old.example/up/minutes%5C">Minutes</a>`},
		"newlines":  {`<a href="https://old.example/up/a%0A%0Ab.pdf">Budget</a>`},
		"title":     {`<video controls="" src="https://old.example/up/flood.mp4">`, `>The flood *at night*</a></video>`},
		"crtitle":   {`<a href="https://old.example/up/rates.pdf">Rates # 2026</a>`},
	} {
		it, ok := byID[items[what].ID]
		if !ok {
			t.Fatalf("%s is not offered", what)
		}
		html, err := render.Markdown("Before\n\n" + it.Insert + "\n\nAfter")
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, w := range want {
			if !strings.Contains(html, w) {
				t.Errorf("%s inserted as %q renders as %s, want %s", what, it.Insert, html, w)
			}
		}
		if n := strings.Count(html, "<p>"); n != 3 {
			t.Errorf("%s inserted as %q spills into %d paragraphs: %s", what, it.Insert, n, html)
		}
	}
}

// TestLibraryPickerOffersNoScriptAddresses: a reference whose address is no file's
// (javascript:, data:, any scheme but http and https), stored before imports refused
// them, is not offered by the body's picker: the renderer would show it as text, so
// there is nothing to insert. The store refuses to keep a new one.
func TestLibraryPickerOffersNoScriptAddresses(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	ctx := t.Context()
	bad := []string{"javascript:alert(1)//x.pdf", "data:text/html,<script>alert(1)</script>", " JaVa\tScRiPt:alert(1)", "vbscript:x"}
	w, err := e.db.BeginWXR(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range bad {
		if err := w.Media(ctx, &news.Media{URL: u, ContentType: "application/pdf", Title: "Bad"}, "wxr-test", strconv.Itoa(i)); !errors.Is(err, news.ErrInvalid) {
			t.Errorf("the store kept a reference to %q: %v", u, err)
		}
	}
	good := &news.Media{URL: "https://old.example/up/minutes.pdf", ContentType: "application/pdf", Title: "Minutes"}
	if err := w.Media(ctx, good, "wxr-test", "good"); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(ctx, true); err != nil {
		t.Fatal(err)
	}
	// As an import before the fix left them.
	raw, err := sql.Open("sqlite", "file:"+e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for i, u := range bad {
		if _, err := raw.Exec(`INSERT INTO media (name, content_type, width, height, bytes, srcset, alt, caption, created_at, source, source_id, url, title)
			VALUES (?, 'application/pdf', 0, 0, 0, '', '', '', 0, 'old', ?, ?, 'Bad')`, "ref-old-"+strconv.Itoa(i), strconv.Itoa(i), u); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser()
	b.login("contributor@newsroom.example")
	r := b.get("/admin/media/library.json?all=1")
	var page struct{ Items []pickerItem }
	if r.status != 200 || json.Unmarshal([]byte(r.body), &page) != nil {
		t.Fatalf("library: %d %s", r.status, r.body)
	}
	found := false
	for _, it := range page.Items {
		found = found || it.ID == good.ID
		if it.Label == "Bad" {
			t.Errorf("the picker offers %q (insert %q)", it.URL, it.Insert)
		}
	}
	if !found {
		t.Errorf("the picker does not offer the https reference: %s", r.body)
	}
}
