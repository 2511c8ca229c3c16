package disqus

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// A message is up to 1 MiB of a stranger's HTML, and a file holds many: turning one
// into text must cost in proportion to its length, whatever its shape (thousands of
// line breaks, of quotations, of tags opened and never closed, of end tags with no
// start). Four times the message may cost at most about four times the work, never
// the sixteen times of work that grows with the square of its length.
func TestMessageTextCostGrowsWithLength(t *testing.T) {
	shapes := map[string]func(n int) string{
		"line breaks":     func(n int) string { return strings.Repeat("a<br>", n) },
		"paragraphs":      func(n int) string { return strings.Repeat("<p>a</p>", n) },
		"quotations":      func(n int) string { return strings.Repeat("<blockquote>a</blockquote>", n) },
		"unclosed tags":   func(n int) string { return strings.Repeat("<b>", n) + strings.Repeat("</i>", n) },
		"unmatched links": func(n int) string { return strings.Repeat("<b>", n) + strings.Repeat("</a>", n) },
	}
	cost := func(msg string) time.Duration {
		best := time.Duration(1 << 62)
		for range 5 {
			runtime.GC()
			start := time.Now()
			MessageText(msg)
			best = min(best, time.Since(start))
		}
		return best
	}
	// The collector's pauses are not the message's cost.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const n = 8000
	for name, shape := range shapes {
		small, large := cost(shape(n)), cost(shape(4*n))
		if ratio := float64(large) / float64(max(small, time.Microsecond)); ratio > 10 {
			t.Errorf("%s: four times the message cost %.1f times the work (%v, %v): it grows with the square of the length", name, ratio, small, large)
		}
	}
}
