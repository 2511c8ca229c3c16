package wxr_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"broadsheet/internal/render"
	"broadsheet/internal/wxr"
)

// TestReportCountsAddUp: importing the theme unit test into an empty site, each kind
// of the header (categories, tags, authors) is added or found there, never more than
// the file holds: a post's creator the header does not list (">themereviewteam") is
// not counted as one of the file's authors "already there".
func TestReportCountsAddUp(t *testing.T) {
	f, err := os.Open(filepath.Join(themeDir(t), "themeunittestdata.wordpress.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := wxr.Import(context.Background(), openStore(t), f, wxr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rep.Rows() {
		switch row.Kind {
		case "categories", "tags", "authors":
			if row.Added+row.There != row.InFile {
				t.Errorf("%s: %d in the file, %d added, %d already there", row.Kind, row.InFile, row.Added, row.There)
			}
		}
	}
	var out bytes.Buffer
	rep.WriteText(&out)
	if strings.Contains(out.String(), "..") {
		t.Errorf("the report has a double full stop:\n%s", out.String())
	}
}

// TestTooLongContentMessage: a post too long for the site is refused by the check
// with one sentence for the administrator importing the file (shorten it in WordPress,
// export again), no editor's "try again", no double full stop; still a
// render.TooComplexError for code that asks.
func TestTooLongContentMessage(t *testing.T) {
	body := strings.Repeat("word ", render.MaxMarkdownBytes/5+10)
	doc := fitHead + fitPost("", "<p>Hello</p>", body) + "</channel></rss>\n"
	_, err := wxr.CheckImport(context.Background(), strings.NewReader(doc), wxr.Options{})
	var tc *render.TooComplexError
	if err == nil || !errors.As(err, &tc) {
		t.Fatalf("the check: %v", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "try again") || strings.Contains(msg, "nothing was saved") || strings.HasSuffix(msg, ".") || !strings.Contains(msg, "WordPress") {
		t.Errorf("the message: %s", msg)
	}
}

// themeDir is shared/testdata/wordpress-theme-test-data above the package (the
// internal tests' testdataDir).
func themeDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "testdata", "wordpress-theme-test-data")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no shared/testdata/wordpress-theme-test-data above the package")
		}
		dir = up
	}
}

// The report's table reads as one: every row's counts start at the same column, the
// longest kind ("comments approved") included.
func TestReportRowsAlign(t *testing.T) {
	db := openStore(t)
	rep, err := wxr.Import(context.Background(), db, bytes.NewReader(sample(t, 3, 6)), wxr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := rep.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	col := -1
	for _, line := range strings.Split(out.String(), "\n") {
		i := strings.Index(line, " in the file,")
		if i < 0 {
			continue
		}
		// The count ends where " in the file," starts; its column is what lines up.
		if col >= 0 && i != col {
			t.Errorf("%q: its count ends at column %d, the rows above at %d", line, i, col)
		}
		col = i
	}
	if col < 0 {
		t.Fatalf("no row in\n%s", out.String())
	}
}
