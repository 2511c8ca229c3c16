package wxr_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/sqlite"
	"broadsheet/internal/wxr"
)

// openStore is a fresh site's database in the test's folder.
func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func sample(t *testing.T, posts, comments int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := wxr.WriteSample(&b, posts, comments); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Import through the package's API: every stage reports its progress to the end, the
// report's rows count what was added, and a second run adds nothing.
func TestImportReportsProgressAndAddsNothingTwice(t *testing.T) {
	db := openStore(t)
	file := sample(t, 20, 60)
	last := map[wxr.Stage][2]int64{}
	opt := wxr.Options{Progress: func(s wxr.Stage, done, total int64) { last[s] = [2]int64{done, total} }}
	rep, err := wxr.Import(context.Background(), db, bytes.NewReader(file), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []wxr.Stage{wxr.StageCheck, wxr.StageWrite} {
		if p := last[s]; p[1] != int64(len(file)) || p[0] != p[1] {
			t.Errorf("stage %s ended at %d of %d, want all of the file's %d bytes", s, p[0], p[1], len(file))
		}
	}
	rows := map[string]wxr.Row{}
	for _, r := range rep.Rows() {
		rows[r.Kind] = r
	}
	if r := rows["posts"]; r.InFile != 20 || r.Added != 20 {
		t.Errorf("posts row %+v, want 20 in the file and added", r)
	}
	pending := wxr.SamplePending(20, 60)
	if r := rows["comments approved"]; r.Added != 60-pending || rows["comments pending"].Added != pending {
		t.Errorf("comments rows %+v %+v, want %d and %d added", r, rows["comments pending"], 60-pending, pending)
	}
	before, err := db.LastChange(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	again, err := wxr.Import(context.Background(), db, bytes.NewReader(file), wxr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing changed, so no page of the site is to be made again.
	if after, err := db.LastChange(context.Background()); err != nil || after != before || again.Redirects != 0 {
		t.Errorf("second run: change %d → %d (%v), %d old addresses recorded; want none", before, after, err, again.Redirects)
	}
	for _, r := range again.Rows() {
		if r.Added != 0 || r.There != r.InFile {
			t.Errorf("second run: %+v, want nothing added, all there", r)
		}
	}
	var out strings.Builder
	if err := again.WriteText(&out); err != nil || !strings.Contains(out.String(), "WordPress import:") {
		t.Errorf("WriteText: %v\n%s", err, out.String())
	}
}

// A page's <wp:menu_order> is its place in the site's navigation, as WordPress's page
// menu orders pages by it.
func TestImportKeepsPagesMenuOrder(t *testing.T) {
	db := openStore(t)
	rep, err := wxr.Import(context.Background(), db, bytes.NewReader(sample(t, 3, 3)), wxr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := db.PublicPages(context.Background(), 0, 10, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, p := range pages {
		titles = append(titles, p.Title)
	}
	// The sample gives "About page 0" menu order 5, …, "About page 4" menu order 1.
	want := []string{"About page 4", "About page 3", "About page 2", "About page 1", "About page 0"}
	if !slices.Equal(titles, want) {
		t.Errorf("navigation %q, want %q", titles, want)
	}
	if rep.NavPages != wxr.SamplePages {
		t.Errorf("report: %d pages in the navigation, want %d", rep.NavPages, wxr.SamplePages)
	}
}

// A post too long for the site (its body over render's size limit) is refused by the
// first pass, naming its line, before anything is written.
func TestCheckRefusesAPostTooLongWithItsLine(t *testing.T) {
	s := string(sample(t, 5, 10))
	i := strings.LastIndex(s, "<content:encoded><![CDATA[")
	item := strings.LastIndex(s[:i], "<item>")
	line := strings.Count(s[:item], "\n") + 1
	i += len("<content:encoded><![CDATA[")
	s = s[:i] + "<p>" + strings.Repeat("Far too long. ", 80_000) + "</p>" + s[i:]
	_, err := wxr.CheckImport(context.Background(), strings.NewReader(s), wxr.Options{})
	var we *wxr.Error
	if !errors.As(err, &we) || we.Line != line || !regexp.MustCompile(`post \d+ \("Story number 5"\): .*bytes long, more than`).MatchString(err.Error()) {
		t.Fatalf("got %v, want the post refused at line %d", err, line)
	}
	db := openStore(t)
	if _, err := wxr.Import(context.Background(), db, strings.NewReader(s), wxr.Options{}); err == nil {
		t.Fatal("imported")
	}
	if n, err := db.CountArticles(context.Background(), news.ArticleQuery{}); err != nil || n != 0 {
		t.Errorf("%d articles (%v), want none", n, err)
	}
}

// Without uploads, every attachment becomes a library item that refers to its
// original address, with its title, caption, alt text and description; none is
// offered as an image to pick. A second import adds none.
func TestImportKeepsAttachmentsAsReferences(t *testing.T) {
	db := openStore(t)
	file := sample(t, wxr.SamplePDFEvery, 0)
	rep, err := wxr.Import(context.Background(), db, bytes.NewReader(file), wxr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	images, pdfs := wxr.SamplePDFEvery/wxr.SampleImageEvery, 1
	items, err := db.MediaPage(context.Background(), news.MediaQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != images+pdfs || rep.Linked != images+pdfs || rep.Media.Added != images+pdfs {
		t.Fatalf("%d library items, report %d linked; want %d", len(items), rep.Linked, images+pdfs)
	}
	var pdf, photo *news.Media
	for _, m := range items {
		switch m.ContentType {
		case "application/pdf":
			pdf = m
		case "image/jpeg":
			photo = m
		}
	}
	if pdf == nil || pdf.URL != "https://gen.example/wp-content/uploads/2026/11/minutes-99.pdf" || pdf.Title != "Minutes 99" || pdf.Description != "The meeting's minutes." {
		t.Errorf("the PDF's item: %+v", pdf)
	}
	if photo == nil || !strings.HasPrefix(photo.URL, "https://gen.example/wp-content/uploads/2026/11/photo-") ||
		!strings.HasPrefix(photo.Alt, "Councillors around a table") || !strings.HasPrefix(photo.Caption, "The council chamber") {
		t.Errorf("a photo's item: %+v", photo)
	}
	if pickable, _ := db.MediaPage(context.Background(), news.MediaQuery{Images: true}); len(pickable) != 0 {
		t.Errorf("%d references offered as images to pick", len(pickable))
	}
	again, err := wxr.Import(context.Background(), db, bytes.NewReader(file), wxr.Options{})
	if err != nil || again.Media.Added != 0 || again.Media.There != images+pdfs {
		t.Errorf("second import: %+v (%v), want every attachment there", again.Media, err)
	}
}

// With uploads, a PDF in the folder is stored as it is (not through the image
// pipeline) and the post's link to it leads to the library's copy; a file named .pdf
// that is not one stays at its original address.
func TestImportCopiesAPDFFromUploads(t *testing.T) {
	db := openStore(t)
	uploads, mediaDir := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(uploads, "2026", "11"), 0o755)
	pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	os.WriteFile(filepath.Join(uploads, "2026", "11", "minutes-99.pdf"), pdf, 0o644)
	os.WriteFile(filepath.Join(uploads, "2026", "11", "minutes-199.pdf"), []byte("<html>not a PDF</html>"), 0o644)
	rep, err := wxr.Import(context.Background(), db, bytes.NewReader(sample(t, 2*wxr.SamplePDFEvery, 0)),
		wxr.Options{Uploads: os.DirFS(uploads), Media: media.Dir(mediaDir)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.FilesCopied != 1 || rep.Copied != 0 {
		t.Fatalf("report: %d files and %d images copied, want the one PDF", rep.FilesCopied, rep.Copied)
	}
	items, _ := db.MediaPage(context.Background(), news.MediaQuery{Match: "minutes"})
	var stored *news.Media
	for _, m := range items {
		if m.URL == "" {
			stored = m
		} else if m.Title != "Minutes 199" {
			t.Errorf("reference %q, want only the false PDF's", m.Title)
		}
	}
	if stored == nil || stored.ContentType != "application/pdf" || stored.Title != "Minutes 99" || !strings.HasSuffix(stored.Name, ".pdf") {
		t.Fatalf("stored PDF: %+v", stored)
	}
	if got, err := os.ReadFile(filepath.Join(mediaDir, stored.Name)); err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("the library's file differs from the upload (%v)", err)
	}
	a, err := db.ArticleBySlug(context.Background(), "story-100")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.BodyHTML, `href="/media/`+stored.Name+`"`) || strings.Contains(a.BodyHTML, "minutes-99.pdf") {
		t.Errorf("story 100 does not link to the library's copy:\n%s", a.BodyHTML)
	}
}

// An import whose context ends while it writes (Ctrl-C, an admin's import stopped)
// writes nothing: the rows written before are rolled back with the transaction, as
// the statements run without watching the context each (sqlite.WXRImport).
func TestImportCancelledWhileWritingWritesNothing(t *testing.T) {
	db := openStore(t)
	file := sample(t, 200, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := wxr.Options{Progress: func(s wxr.Stage, done, total int64) {
		if s == wxr.StageWrite && done > total/2 {
			cancel()
		}
	}}
	if _, err := wxr.Import(ctx, db, bytes.NewReader(file), opt); !errors.Is(err, context.Canceled) {
		t.Fatalf("import cancelled half way: %v, want context.Canceled", err)
	}
	ids, err := db.ImportedArticleIDs(context.Background(), wxr.Source)
	if err != nil || len(ids) != 0 {
		t.Errorf("after a cancelled import the site has %d imported articles (%v), want none", len(ids), err)
	}
	// The site takes a whole import afterwards.
	rep, err := wxr.Import(context.Background(), db, bytes.NewReader(file), wxr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows() {
		if r.Kind == "posts" && (r.InFile != 200 || r.Added != 200) {
			t.Errorf("posts row after the cancelled import %+v, want 200 added", r)
		}
	}
}
