package render

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// commentShapes are comments of many line breaks, paragraphs and tags, whose rendering
// cost more than their length once: each '<' grew the slice of pieces by appends (five
// times its final size), and each paragraph cleared a bitmap of the whole rest of the
// comment (the regular expression of a blank line).
var commentShapes = map[string]func(n int) string{
	"line breaks":            func(n int) string { return strings.Repeat("a\n", n) },
	"paragraphs":             func(n int) string { return strings.Repeat("a\n\n", n) },
	"spaced paragraphs":      func(n int) string { return strings.Repeat("a \n \n", n) },
	"br tags":                func(n int) string { return strings.Repeat("a<br>", n) },
	"br tags and breaks":     func(n int) string { return strings.Repeat("a<br>\n", n) },
	"p tags":                 func(n int) string { return strings.Repeat("<p>a</p>", n) },
	"br and paragraphs":      func(n int) string { return strings.Repeat("a<br/>b\n\n", n) },
	"bold over line breaks":  func(n int) string { return strings.Repeat("<b>a\n</b>\n", n) },
	"windows line breaks":    func(n int) string { return strings.Repeat("a\r\n", n) },
	"blank lines, no text":   func(n int) string { return "a" + strings.Repeat("\n \n", n) + "b" },
	"quotations and breaks":  func(n int) string { return strings.Repeat("<blockquote>a\nb</blockquote>\n", n) },
	"links between breaks":   func(n int) string { return strings.Repeat("https://example.com/\n", n) },
	"code over blank lines":  func(n int) string { return "<code>" + strings.Repeat("a\n\n", n) + "</code>" },
	"text with lone '<'s":    func(n int) string { return strings.Repeat("a<b\n", n) },
	"unclosed tags per line": func(n int) string { return strings.Repeat("<i>a\n", n) },
}

// Sixteen times the comment allocates about sixteen times the bytes: at most 17.6 (a
// tenth more, for the slices the HTML parser grows by appends), where the pieces' slice
// grown by appends took 20 times. Bytes are counted exactly; the time is
// BenchmarkCommentShapes's (a test asserts no time).
func TestCommentCostGrowsWithLength(t *testing.T) {
	allocated := func(body string) uint64 {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		Comment(body)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	const n = 2000
	for name, shape := range commentShapes {
		small, large := allocated(shape(n)), allocated(shape(16*n))
		if ratio := float64(large) / float64(max(small, 1)); ratio > 17.6 {
			t.Errorf("%s: sixteen times the comment allocated %.2f times the bytes (%d, %d)", name, ratio, small, large)
		}
	}
}

// blankLine finds what the regular expression \n\s*\n found, in every string of up to
// seven characters of line feeds, white space (\v is none for \s) and text.
func TestBlankLineAsTheRegexp(t *testing.T) {
	re := regexp.MustCompile(`\n\s*\n`)
	const alphabet = "\n \t\r\f\va"
	var walk func(s string)
	walk = func(s string) {
		want := re.FindStringIndex(s)
		start, end, ok := blankLine(s)
		if ok != (want != nil) || ok && (start != want[0] || end != want[1]) {
			t.Fatalf("blankLine(%q) = %d, %d, %t; the regexp: %v", s, start, end, ok, want)
		}
		if len(s) < 7 {
			for i := range len(alphabet) {
				walk(s + alphabet[i:i+1])
			}
		}
	}
	walk("")
}

// BenchmarkCommentShapes renders each shape at two lengths, sixteen times apart: ns/op
// should grow about sixteen times.
func BenchmarkCommentShapes(b *testing.B) {
	for name, shape := range commentShapes {
		for _, n := range []int{2000, 32000} {
			body := shape(n)
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					Comment(body)
				}
			})
		}
	}
}
