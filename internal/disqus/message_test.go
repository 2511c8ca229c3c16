package disqus

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// messageShapes are messages whose conversion once grew with the square of their
// length: each line break, paragraph or quotation copied the text so far, and each
// end tag with nothing open to match walked every tag still open.
var messageShapes = map[string]func(n int) string{
	"line breaks":     func(n int) string { return strings.Repeat("a<br>", n) },
	"paragraphs":      func(n int) string { return strings.Repeat("<p>a</p>", n) },
	"quotations":      func(n int) string { return strings.Repeat("<blockquote>a</blockquote>", n) },
	"unclosed tags":   func(n int) string { return strings.Repeat("<b>", n) + strings.Repeat("</i>", n) },
	"unmatched links": func(n int) string { return strings.Repeat("<b>", n) + strings.Repeat("</a>", n) },
}

// Sixteen times the message may allocate about sixteen times the bytes (at most 32),
// never the 256 times of work that grows with the square of its length. Bytes are
// counted exactly; the time is BenchmarkMessageText's (a test asserts no time).
func TestMessageTextCostGrowsWithLength(t *testing.T) {
	allocated := func(msg string) uint64 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		MessageText(msg)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	const n = 2000
	for name, shape := range messageShapes {
		small, large := allocated(shape(n)), allocated(shape(16*n))
		if ratio := float64(large) / float64(max(small, 1)); ratio > 32 {
			t.Errorf("%s: sixteen times the message allocated %.1f times the bytes (%d, %d): it grows with the square of the length", name, ratio, small, large)
		}
	}
}

// BenchmarkMessageTextShapes converts each hostile shape at two lengths, sixteen times
// apart: ns/op should grow about sixteen times, not 256.
func BenchmarkMessageTextShapes(b *testing.B) {
	for name, shape := range messageShapes {
		for _, n := range []int{2000, 32000} {
			msg := shape(n)
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				for b.Loop() {
					MessageText(msg)
				}
			})
		}
	}
}
