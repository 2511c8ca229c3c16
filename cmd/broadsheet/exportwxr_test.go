package main

import (
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/wxr"
)

const wxrPublic = "http://news.example"

// wxrRoundTrip exports the site in aPath as WXR, checks the file against the site's
// own counts, imports it into an empty database (twice: the second adds nothing),
// serves both and compares every public page a reader can reach.
func wxrRoundTrip(t *testing.T, aPath string, start []string, more func(string) []string) {
	t.Helper()
	dir := t.TempDir()
	bPath, file := filepath.Join(dir, "b.db"), filepath.Join(dir, "site.xml")
	if _, _, err := runCmd(t, "export", "wxr", "--db", aPath, file, "--base-url", wxrPublic); err != nil {
		t.Fatal(err)
	}
	// The file holds what the site holds, as our own reader counts it.
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	c, err := wxr.Check(context.Background(), f, wxr.Limits{}, nil)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	posts, pages := 0, 0
	for ts, n := range c.Items {
		switch ts.Type {
		case "post":
			posts += n
		case "page":
			pages += n
		}
	}
	comments := 0
	for _, n := range c.Comments {
		comments += n
	}
	for what, pair := range map[string][2]int{
		"posts":      {posts, countQuery(t, aPath, `SELECT count(*) FROM articles WHERE kind = 'article'`)},
		"pages":      {pages, countQuery(t, aPath, `SELECT count(*) FROM articles WHERE kind = 'page'`)},
		"categories": {c.Categories, countRows(t, aPath, "sections")},
		"tags":       {c.Tags, countRows(t, aPath, "tags")},
		"authors":    {c.Authors, countRows(t, aPath, "authors")},
		"comments":   {comments, countQuery(t, aPath, `SELECT count(*) FROM comments WHERE removed = 0`)},
		"published posts": {c.Items[wxr.TypeStatus{Type: "post", Status: "publish"}],
			countQuery(t, aPath, `SELECT count(*) FROM articles WHERE kind = 'article' AND status = 'published'`)},
		"approved comments": {c.Comments[wxr.CommentApproved], countQuery(t, aPath, `SELECT count(*) FROM comments WHERE removed = 0 AND status = 'approved'`)},
	} {
		if pair[0] != pair[1] || pair[1] == 0 {
			t.Errorf("%s: %d in the file, %d in the site", what, pair[0], pair[1])
		}
	}
	if _, _, err := runCmd(t, "import", "wxr", file, "--db", bPath); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "import", "wxr", file, "--db", bPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "in the file,") && !strings.Contains(line, " 0 added,") {
			t.Errorf("a second import added something: %s", line)
		}
	}
	for _, table := range []string{"articles", "comments", "sections", "tags", "authors"} {
		if na, nb := countRows(t, aPath, table), countRows(t, bPath, table); na != nb {
			t.Errorf("%s: %d in the site, %d in its copy", table, na, nb)
		}
	}
	_, baseA := startServer(t, "--db", aPath, "--base-url", wxrPublic)
	_, baseB := startServer(t, "--db", bPath, "--base-url", wxrPublic)
	n, diffs := compareSites(t, baseA, baseB, wxrPublic, append([]string{"/", "/sitemap.xml", "/news-sitemap.xml", "/feed.xml",
		"/atom.xml", "/feed/", "/robots.txt"}, start...), more)
	for _, d := range diffs {
		t.Error(d)
	}
	t.Logf("%d pages compared", n)
	if n < 100 {
		t.Errorf("only %d pages compared", n)
	}
}

// oldAddresses are the old paths a site answers with a redirect.
func oldAddresses(t *testing.T, dbPath string) []string {
	t.Helper()
	list := strings.Split(queryString(t, dbPath, `SELECT group_concat(address, char(10)) FROM redirects WHERE kind = 'path'`), "\n")
	if len(list) < 50 {
		t.Fatalf("only %d old addresses", len(list))
	}
	return list
}

func countQuery(t *testing.T, dbPath, q string) int {
	t.Helper()
	s := queryString(t, dbPath, q)
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// A site made from WordPress's theme unit test export comes back the same from its
// own WXR export.
func TestExportWXRRoundTripThemeUnitTest(t *testing.T) {
	aPath := filepath.Join(t.TempDir(), "a.db")
	if _, _, err := runCmd(t, "import", "wxr", wxrFile(t, "themeunittestdata.wordpress.xml"), "--db", aPath); err != nil {
		t.Fatal(err)
	}
	// Its old WordPress addresses (/?p=ID, the permalinks it had) too.
	wxrRoundTrip(t, aPath, oldAddresses(t, aPath), func(string) []string { return nil })
}

// A site made in Broadsheet (the corpus, a page in the navigation, a section under
// another, tags, a featured image, threaded comments of every status) comes back the
// same from its WXR export.
func TestExportWXRRoundTripNativeSite(t *testing.T) {
	aPath := filepath.Join(t.TempDir(), "a.db")
	if _, _, err := runCmd(t, "import", "corpus", writeCorpus(t, 120, nil), "--db", aPath); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := openDB(t, aPath)
	secs, err := db.Sections(ctx)
	if err != nil || len(secs) < 2 {
		t.Fatalf("sections: %v %d", err, len(secs))
	}
	child := secs[1]
	child.ParentID = secs[0].ID
	if err := db.UpdateSection(ctx, child); err != nil {
		t.Fatal(err)
	}
	stories, err := db.Articles(ctx, news.ArticleQuery{Status: news.StatusPublished, Limit: 5})
	if err != nil || len(stories) < 2 {
		t.Fatalf("stories: %v %d", err, len(stories))
	}
	pic, err := db.Article(ctx, stories[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	pic.FeaturedImage = &news.Image{URL: "https://images.example.net/2026/harbour.jpg", Alt: "The harbour at dawn",
		Caption: "Boats & nets, 5 a.m.", Width: 1200, Height: 800}
	pic.CorrectionNote = "Correction: the harbour is in Leith, not Granton."
	pic.SEODescription = "Dawn at the harbour <with> & without boats"
	if err := db.UpdateArticle(ctx, pic); err != nil {
		t.Fatal(err)
	}
	// A renamed story: its former slug leads to it.
	ren, err := db.Article(ctx, stories[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	renamedFrom, renamedTo := ren.Slug, "renamed-"+ren.Slug
	ren.Slug = renamedTo
	if err := db.UpdateArticle(ctx, ren); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(-time.Hour).Truncate(time.Second)
	page := &news.Article{Kind: news.KindPage, Slug: "about-us", Title: "About us", BodyMarkdown: "Who we are.",
		BodyHTML: "<p>Who we are.</p>", Status: news.StatusPublished, PublishedAt: now, CreatedAt: now, NavPosition: 1}
	if err := db.CreateArticle(ctx, page); err != nil {
		t.Fatal(err)
	}
	top := &news.Comment{ArticleID: pic.ID, Status: news.CommentApproved, AuthorName: "Rosa", AuthorEmail: "rosa@example.net",
		Body: "First! ]]> </wp:comment_content> مرحبا 🎉", CreatedAt: now}
	top.BodyHTML = render.Comment(top.Body)
	if err := db.CreateComment(ctx, top); err != nil {
		t.Fatal(err)
	}
	for i, c := range []*news.Comment{
		{ArticleID: pic.ID, ParentID: top.ID, Status: news.CommentApproved, AuthorName: "Sam", Body: "A reply.", CreatedAt: now.Add(time.Minute)},
		{ArticleID: pic.ID, Status: news.CommentPending, AuthorName: "Quinn", AuthorEmail: "quinn@example.net", Body: "Hmm", CreatedAt: now.Add(2 * time.Minute)},
		{ArticleID: pic.ID, Status: news.CommentSpam, AuthorName: "Spammer", Body: "buy", CreatedAt: now.Add(3 * time.Minute)},
	} {
		c.BodyHTML = render.Comment(c.Body)
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(i, err)
		}
	}
	db.Close()
	if _, _, err := runCmd(t, "rerender", "--db", aPath); err != nil {
		t.Fatal(err)
	}
	wxrRoundTrip(t, aPath, []string{"/about-us/"}, func(p string) []string {
		if strings.Contains(p, "/"+renamedTo+"/") {
			return []string{strings.Replace(p, "/"+renamedTo+"/", "/"+renamedFrom+"/", 1)}
		}
		return nil
	})
}

// export wxr needs the site's address, refuses the JSON backup's flags, and writes to
// standard output with "-", flags before or after the arguments.
func TestExportWXRFlags(t *testing.T) {
	dbPath, db := importedCorpus(t)
	db.Close()
	if _, _, err := runCmd(t, "export", "wxr", "--db", dbPath); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("without --base-url: %v", err)
	}
	if _, _, err := runCmd(t, "export", "wxr", "--with-secrets", "--db", dbPath, "--base-url", wxrPublic); err == nil {
		t.Error("export wxr took --with-secrets")
	}
	out, _, err := runCmd(t, "export", "--base-url", wxrPublic, "wxr", "-", "--db", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := wxr.Check(context.Background(), strings.NewReader(out), wxr.Limits{}, nil)
	if err != nil || c.Items[wxr.TypeStatus{Type: "post", Status: "publish"}] == 0 {
		t.Errorf("standard output: %+v %v", c, err)
	}
	if strings.Contains(out, "iphash") || strings.Contains(out, "comment_author_IP><![CDATA[") {
		t.Error("the export holds a commenter's address or its hash")
	}
}

// In a site where a WordPress import could not keep WordPress's IDs (it had stories
// already), the export gives each imported post and comment its WordPress ID when no
// other has that number and Broadsheet's otherwise: every post ID (posts, pages,
// attachments) and comment ID in the file is unique.
func TestExportWXRKeepsWordPressIDsWhenFree(t *testing.T) {
	dbPath, db := importedCorpus(t)
	db.Close()
	if _, _, err := runCmd(t, "import", "wxr", wxrFile(t, "themeunittestdata.wordpress.xml"), "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, "export", "wxr", "-", "--db", dbPath, "--base-url", wxrPublic)
	if err != nil {
		t.Fatal(err)
	}
	// What the site holds: each article's slug, ID and WordPress source ID.
	sdb := openDB(t, dbPath)
	type row struct{ id, wp int64 }
	bySlug := map[string]row{}
	taken := map[int64]bool{}
	for _, k := range []news.Kind{news.KindArticle, news.KindPage} {
		list, err := sdb.Articles(context.Background(), news.ArticleQuery{Kind: k, WithTrash: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			r := row{id: a.ID}
			if a.Source == "wordpress" {
				r.wp, _ = strconv.ParseInt(a.SourceID, 10, 64)
			}
			bySlug[a.Slug] = r
			taken[a.ID] = true
		}
	}
	rd := wxr.NewReader(strings.NewReader(out), wxr.Limits{})
	posts, comments := map[int64]string{}, map[int64]bool{}
	kept, moved := 0, 0
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		it, ok := e.(*wxr.Item)
		if !ok {
			continue
		}
		if prev, dup := posts[it.PostID]; dup {
			t.Errorf("post ID %d twice: %s and %s", it.PostID, prev, it.Name)
		}
		posts[it.PostID] = it.Name
		for _, c := range it.Comments {
			if comments[c.ID] {
				t.Errorf("comment ID %d twice", c.ID)
			}
			comments[c.ID] = true
		}
		if it.Type != "post" && it.Type != "page" {
			continue
		}
		r, ok := bySlug[nicename(it.Name)]
		if !ok {
			t.Errorf("item %q is no article of the site", it.Name)
			continue
		}
		switch {
		case r.wp > 0 && (!taken[r.wp] || r.wp == r.id):
			if it.PostID != r.wp {
				t.Errorf("%s: post ID %d, want its free WordPress ID %d", it.Name, it.PostID, r.wp)
			}
			kept++
		case it.PostID != r.id:
			t.Errorf("%s: post ID %d, want Broadsheet's %d (WordPress's %d is taken)", it.Name, it.PostID, r.id, r.wp)
		default:
			moved++
		}
	}
	if kept == 0 || moved == 0 {
		t.Errorf("%d WordPress IDs kept, %d taken ones replaced: the test needs both", kept, moved)
	}
	t.Logf("%d posts, %d comments; %d WordPress IDs kept", len(posts), len(comments), kept)
}

// A library image is an attachment at the site's public media address, with its file
// name, alt text, size and caption as WordPress keeps them; a story showing it as its
// featured image names it by _thumbnail_id. An import of the file shows the picture
// from that address, with its alt text, size and the story's own caption.
func TestExportWXRLibraryImages(t *testing.T) {
	dbPath, db := importedCorpus(t)
	ctx := context.Background()
	m := &news.Media{Name: "harbour-3f9a.jpg", ContentType: "image/jpeg", Width: 1600, Height: 900, Bytes: 123456,
		Alt: "Boats in the harbour", Caption: "Leith, at dawn", CreatedAt: time.Now().Add(-time.Hour).Truncate(time.Second)}
	if err := db.CreateMedia(ctx, m); err != nil {
		t.Fatal(err)
	}
	stories, err := db.Articles(ctx, news.ArticleQuery{Status: news.StatusPublished, Limit: 1})
	if err != nil || len(stories) != 1 {
		t.Fatal(err)
	}
	story, err := db.Article(ctx, stories[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	story.FeaturedImage = &news.Image{URL: "/media/" + m.Name, Alt: m.Alt, Width: m.Width, Height: m.Height, Caption: "The story's own caption"}
	if err := db.UpdateArticle(ctx, story); err != nil {
		t.Fatal(err)
	}
	db.Close()
	file := filepath.Join(t.TempDir(), "site.xml")
	if _, _, err := runCmd(t, "export", "wxr", file, "--db", dbPath, "--base-url", wxrPublic); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := wxr.NewReader(f, wxr.Limits{})
	var att, post *wxr.Item
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if it, ok := e.(*wxr.Item); ok {
			switch {
			case it.Type == "attachment" && it.AttachmentURL == wxrPublic+"/media/"+m.Name:
				att = it
			case it.Type == "post" && it.Name == story.Slug:
				post = it
			}
		}
	}
	if att == nil || post == nil {
		t.Fatalf("attachment %v, story %v", att != nil, post != nil)
	}
	a := att.Attachment
	if a == nil || a.File != m.Name || a.Alt != m.Alt || a.Metadata == nil || a.Metadata.Width != m.Width || a.Metadata.Height != m.Height ||
		a.Metadata.FileSize != int64(m.Bytes) || att.Excerpt != m.Caption || att.Status != "inherit" {
		t.Errorf("attachment: %+v %+v excerpt %q", a, a.Metadata, att.Excerpt)
	}
	if post.ThumbnailID != att.PostID || att.PostID == 0 {
		t.Errorf("the story's _thumbnail_id is %d, the attachment's ID %d", post.ThumbnailID, att.PostID)
	}
	bPath := filepath.Join(t.TempDir(), "b.db")
	if _, _, err := runCmd(t, "import", "wxr", file, "--db", bPath); err != nil {
		t.Fatal(err)
	}
	b := openDB(t, bPath)
	got, err := b.ArticleBySlug(ctx, story.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if img := got.FeaturedImage; img == nil || img.URL != wxrPublic+"/media/"+m.Name || img.Alt != m.Alt || img.Width != m.Width || img.Caption != story.FeaturedImage.Caption {
		t.Errorf("the imported story's featured image: %+v", img)
	}
}

// nicename is a WXR slug percent-decoded, as the import reads it.
func nicename(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return news.NFC(s)
}
