package render

import (
	"strings"
	"sync"
	"testing"
)

// Renders running at once share nothing but the parser: each keeps its own budget.
func TestMarkdownConcurrentRendersKeepTheirOwnBudgets(t *testing.T) {
	srcs := []string{
		loadGolden(t).Markdown[0].Markdown,
		rep("[a](", 20000),
		rep("- ", 40) + "deep",
		"Plain *text* with a [link](https://example.org/) and `code`.",
	}
	want := make([]string, len(srcs))
	wantErr := make([]bool, len(srcs))
	for i, s := range srcs {
		out, err := Markdown(s)
		want[i], wantErr[i] = out, err != nil
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for k := range 5 {
				i := (g + k) % len(srcs)
				out, err := Markdown(srcs[i])
				if (err != nil) != wantErr[i] || out != want[i] {
					t.Errorf("render %d under concurrency: %q, %v; alone %q, refused %v", i, strings.TrimSpace(out)[:min(40, len(strings.TrimSpace(out)))], err, want[i][:min(40, len(want[i]))], wantErr[i])
				}
			}
		})
	}
	wg.Wait()
}
