package rerender_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"broadsheet/internal/render"
	"broadsheet/internal/rerender"
)

// An article stored as HTML only (an import) longer than render.ArticleHTML takes keeps
// its HTML, is logged once with the reason, and is not tried again.
func TestOversizeHTMLKeptOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	big := "<p>" + strings.Repeat("word ", render.MaxMarkdownBytes/5+1) + "</p>"
	a := e.create("long-import", "", big)
	var log bytes.Buffer
	opt := rerender.Options{Log: slog.New(slog.NewTextHandler(&log, nil))}
	if res := e.run(opt); res.Kept != 1 {
		t.Fatalf("pass: %+v, want 1 kept", res)
	}
	if got, _ := e.db.Article(ctx, a.ID); got.BodyHTML != big {
		t.Errorf("the HTML changed (%d bytes, was %d)", len(got.BodyHTML), len(big))
	}
	if res := e.run(opt); res.Rendered() != 0 {
		t.Errorf("tried again: %+v", res)
	}
	if n := strings.Count(log.String(), "keeps its HTML"); n != 1 || !strings.Contains(log.String(), fmt.Sprintf("article=%d", a.ID)) ||
		!strings.Contains(log.String(), "size") {
		t.Errorf("logged %d times:\n%s", n, log.String())
	}
}
