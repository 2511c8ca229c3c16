package corpus

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"broadsheet/internal/news"
)

// line returns a valid corpus line for article id with n comments, the second a reply.
func testLine(id, n int) string {
	var cs []string
	for c := 1; c <= n; c++ {
		parent := "null"
		if c == 2 {
			parent = "1"
		}
		cs = append(cs, fmt.Sprintf(`{"id": %d, "parent": %s, "author": "Reader %d", "email": "r%d@example.net", "body": "Comment %d on %d", "created_at": "2024-01-01T10:%02d:00Z"}`, c, parent, c, c, c, id, c%60))
	}
	return fmt.Sprintf(`{"id": %d, "slug": "story-%d", "title": "Story %d", "lede": "What happened.", "body_md": "Body of *story* %d.", "author": {"name": "Anna Petrova", "email": "anna@example.org"}, "section": "World", "tags": ["Europe", "Trade"], "published_at": "2024-01-01T08:00:00Z", "comments": [%s]}`,
		id, id, id, id, strings.Join(cs, ", "))
}

func testFile(n int, bad map[int]string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if l, ok := bad[i]; ok {
			b.WriteString(l)
		} else {
			b.WriteString(testLine(i, i%4))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Every code point news.CheckText refuses is caught by the quick look at the raw line,
// whether the JSON holds it as UTF-8 or as an escape: the quick look may only say
// "look" too often, never too rarely.
func TestMayHoldForbiddenMissesNone(t *testing.T) {
	var missed []rune
	for r := rune(0); r <= 0x10ffff; r++ {
		if r >= 0xd800 && r <= 0xdfff { // surrogates are not text
			continue
		}
		s := string(r)
		if news.CheckText("x", s) == nil {
			continue
		}
		raw, err := json.Marshal(map[string]string{"body": "a" + s + "b"})
		if err != nil {
			t.Fatal(err)
		}
		escaped := fmt.Appendf(nil, `{"body": "\\\\a\u%04x"}`, r)
		if r > 0xffff {
			r2 := r - 0x10000
			escaped = fmt.Appendf(nil, `{"body": "\ud%03x\ud%03x"}`, 0x800+(r2>>10), 0xc00+(r2&0x3ff))
		}
		if !mayHoldForbidden(raw) || !mayHoldForbidden(escaped) {
			missed = append(missed, r)
		}
	}
	if len(missed) > 0 {
		t.Errorf("%d forbidden code points not caught, first %U", len(missed), missed[0])
	}
	for _, s := range []string{`{"body": "plain text, «quoted» £5 — ok"}`, `{"body": "a \\\\u0041 backslash"}`, `{"body": "emoji 😀 and 李雷"}`} {
		if mayHoldForbidden([]byte(s)) {
			t.Errorf("%s: flagged, though it holds nothing forbidden", s)
		}
	}
}

// A control character sent as a JSON escape is refused by line, in the first pass.
func TestCheckRefusesControlCharacters(t *testing.T) {
	for _, tc := range []struct{ name, field string }{
		{"title", `"title": "Bell\u0007"`},
		{"comment", `"comments": [{"id": 1, "body": "x\u0085y", "created_at": "2024-01-01T00:00:00Z"}]`},
		{"noncharacter in a tag", `"tags": ["a\uFFFE"]`},
		{"backspace escape", `"lede": "a\bb"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := `{"id": 3, "title": "T", "body_md": "b", "published_at": "2024-01-01T00:00:00Z", ` + tc.field + `}`
			if tc.name == "title" {
				bad = `{"id": 3, ` + tc.field + `, "body_md": "b", "published_at": "2024-01-01T00:00:00Z"}`
			}
			_, err := Check(context.Background(), strings.NewReader(testFile(5, map[int]string{3: bad})), Options{})
			var le *LineError
			if !errors.As(err, &le) || le.Line != 3 || !errors.Is(err, news.ErrInvalid) {
				t.Errorf("error %v, want line 3 refused for its text", err)
			}
		})
	}
}

// Lines are decoded in parallel, but the error reported is the first bad line of the
// file, whichever worker finishes first.
func TestCheckReportsTheFirstBadLine(t *testing.T) {
	big := testLine(2, MaxComments) // slow to decode…
	big = strings.Replace(big, `"published_at": "2024-01-01T08:00:00Z"`, `"published_at": "soon"`, 1)
	file := testFile(300, map[int]string{2: big, 3: "{", 250: "[]"})
	for range 5 {
		_, err := Check(context.Background(), strings.NewReader(file), Options{Workers: 4})
		var le *LineError
		if !errors.As(err, &le) || le.Line != 2 || !strings.Contains(err.Error(), `"soon" is not an RFC 3339 time`) {
			t.Fatalf("error %v, want line 2's", err)
		}
	}
	if _, err := Check(context.Background(), strings.NewReader(testFile(3, map[int]string{3: testLine(1, 0)})), Options{}); err == nil ||
		err.Error() != "line 3: id 1 is already used on line 1" {
		t.Errorf("duplicate id: %v", err)
	}
	if _, err := Check(context.Background(), strings.NewReader("\n\n"), Options{}); err == nil {
		t.Error("an empty file passed the check")
	}
}

// Items yields every article in file order, rendered, and the counts agree with Check.
func TestItemsInFileOrder(t *testing.T) {
	file := testFile(500, nil)
	st, err := Check(context.Background(), strings.NewReader(file), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got, comments int
	for it, err := range Items(context.Background(), strings.NewReader(file), Options{Workers: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		got++
		if it.Article.SourceID != fmt.Sprint(got) {
			t.Fatalf("item %d is article %s", got, it.Article.SourceID)
		}
		if !strings.Contains(it.Article.BodyHTML, "<em>story</em>") {
			t.Fatalf("article %d not rendered: %q", got, it.Article.BodyHTML)
		}
		comments += len(it.Comments)
	}
	if got != 500 || st.Articles != 500 || comments != st.Comments || st.Bytes != int64(len(file)) {
		t.Errorf("items %d, comments %d; check: %+v (file %d bytes)", got, comments, st, len(file))
	}
}

// Leaving the loop early stops the reader and the workers: nothing keeps running (or
// reading the file) once the consumer has gone.
func TestItemsStopWhenTheConsumerLeaves(t *testing.T) {
	file := testFile(3000, nil)
	before := runtime.NumGoroutine()
	n := 0
	for _, err := range Items(context.Background(), strings.NewReader(file), Options{Workers: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 10 {
			break
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, err := range Items(ctx, strings.NewReader(file), Options{Workers: 4}) {
		cancel()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("after cancel: %v", err)
			}
			break
		}
	}
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		time.Sleep(10 * time.Millisecond) // a goroutine may be on its way out of Items' wait
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before, %d after leaving the loop", before, after)
	}
}
