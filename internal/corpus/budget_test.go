package corpus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"broadsheet/internal/render"
)

// An article stored as HTML (no Markdown) longer than the renderer takes is refused by
// the check, naming its line, before anything is written; one just under it imports.
func TestCheckRefusesHTMLOverTheRenderBound(t *testing.T) {
	html := func(n int) string {
		return `"body_html": "<p>` + strings.Repeat("a", n-len("<p></p>")) + `</p>"`
	}
	over := fmt.Sprintf(`{"id": 2, "title": "Long", %s, "published_at": "2024-01-01T00:00:00Z"}`, html(render.MaxMarkdownBytes+1))
	file := testFile(3, map[int]string{2: over})
	_, err := Check(context.Background(), strings.NewReader(file), Options{})
	var le *LineError
	if !errors.As(err, &le) || le.Line != 2 || !strings.Contains(err.Error(), `"body_html" has 1048577 bytes`) {
		t.Fatalf("error %v, want line 2's body_html", err)
	}
	under := fmt.Sprintf(`{"id": 2, "title": "Long", %s, "published_at": "2024-01-01T00:00:00Z"}`, html(render.MaxMarkdownBytes))
	file = testFile(3, map[int]string{2: under})
	if _, err := Check(context.Background(), strings.NewReader(file), Options{}); err != nil {
		t.Fatal(err)
	}
	for it, err := range Items(context.Background(), strings.NewReader(file), Options{}) {
		if err != nil {
			t.Fatal(err)
		}
		if it.Article.BodyHTML == "" {
			t.Errorf("article %s imported without its body", it.Article.SourceID)
		}
	}
}
