package disqus

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// A message is up to 1 MiB of a stranger's HTML, and a file holds many: turning one
// into text must cost in proportion to its length, whatever its shape (thousands of
// line breaks, of quotations, of tags opened and never closed, of end tags with no
// start). Sixteen times the message may cost about sixteen times the work, never the
// 256 times of work that grows with the square of its length: the bytes allocated
// (exact) at most twice the proportion, the time (noisy on a busy machine) at most
// six times it.
func TestMessageTextCostGrowsWithLength(t *testing.T) {
	shapes := map[string]func(n int) string{
		"line breaks":     func(n int) string { return strings.Repeat("a<br>", n) },
		"paragraphs":      func(n int) string { return strings.Repeat("<p>a</p>", n) },
		"quotations":      func(n int) string { return strings.Repeat("<blockquote>a</blockquote>", n) },
		"unclosed tags":   func(n int) string { return strings.Repeat("<b>", n) + strings.Repeat("</i>", n) },
		"unmatched links": func(n int) string { return strings.Repeat("<b>", n) + strings.Repeat("</a>", n) },
	}
	type work struct {
		took  time.Duration
		bytes uint64
	}
	cost := func(msg string) work {
		w := work{took: 1 << 62}
		for range 3 {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			MessageText(msg)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			w.took, w.bytes = min(w.took, took), after.TotalAlloc-before.TotalAlloc
		}
		return w
	}
	const n = 2000
	for name, shape := range shapes {
		small, large := cost(shape(n)), cost(shape(16*n))
		if ratio := float64(large.bytes) / float64(max(small.bytes, 1)); ratio > 32 {
			t.Errorf("%s: sixteen times the message allocated %.1f times the bytes (%d, %d): it grows with the square of the length", name, ratio, small.bytes, large.bytes)
		}
		if ratio := float64(large.took) / float64(max(small.took, 100*time.Microsecond)); ratio > 100 {
			t.Errorf("%s: sixteen times the message took %.1f times as long (%v, %v): it grows with the square of the length", name, ratio, small.took, large.took)
		}
	}
}
