package admin

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// hugeBody is n lines of about width bytes each, every one naming its number and
// seed(line), so that two seeds make two versions of a line.
func hugeBody(n, width int, seed func(line int) int) string {
	var b strings.Builder
	pad := strings.Repeat("word ", width/5)
	for l := range n {
		fmt.Fprintf(&b, "Line %d of version %d: %s\n", l, seed(l), pad)
	}
	return b.String()
}

// allocated is how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hugeCases are the bodies the budget is for: a megabyte of 20,000 lines every one of
// which changed (the brief's case), the same with a line in a hundred changed, and the
// largest comparisons each budget still makes line by line.
func hugeCases() map[string][2]string {
	one, two := func(int) int { return 1 }, func(int) int { return 2 }
	return map[string][2]string{
		"1MB-20000-lines-all-changed":    {hugeBody(20000, 45, one), hugeBody(20000, 45, two)},
		"1MB-20000-lines-1%-changed":     {hugeBody(20000, 45, one), hugeBody(20000, 45, func(l int) int { return 1 + min(1, 1-min(1, l%100)) })},
		"8000-lines-every-other-changed": {hugeBody(4000, 45, one), hugeBody(4000, 45, func(l int) int { return 1 + l%2 })},
		"2000-lines-every-other-changed": {hugeBody(1000, 45, one), hugeBody(1000, 45, func(l int) int { return 1 + l%2 })},
	}
}

// Huge bodies are compared within the budget: what one comparison allocates is bounded
// (not its time, which the machine decides), what it shows is bounded, and past the
// bound of lines compared it says it showed the change whole.
func TestHugeBodiesStayWithinTheBudget(t *testing.T) {
	for name, c := range hugeCases() {
		for _, b := range []struct {
			name   string
			budget diffBudget
			alloc  uint64
		}{{"list", listBudget, 8 << 20}, {"compare", compareBudget, 24 << 20}} {
			var out string
			var cut bool
			n := allocated(func() { h, c := sideBySideCut(c[0], c[1], "Before", "After", b.budget); out, cut = string(h), c })
			t.Logf("%s, %s: %d KB allocated, %d KB shown", name, b.name, n>>10, len(out)>>10)
			if n > b.alloc {
				t.Errorf("%s, %s: %d MB allocated, over %d MB", name, b.name, n>>20, b.alloc>>20)
			}
			if len(out) > b.budget.MaxShownBytes+8<<10 {
				t.Errorf("%s, %s: %d KB shown, over %d KB", name, b.name, len(out)>>10, b.budget.MaxShownBytes>>10)
			}
			if cut && !strings.Contains(out, "not shown") && !strings.Contains(out, "too many to compare line by line") && !strings.Contains(out, "…</") {
				t.Errorf("%s, %s: nothing says that changes were left out", name, b.name)
			}
		}
	}
	// All 20,000 lines changed: the note, then the change shown whole, old then new.
	c := hugeCases()["1MB-20000-lines-all-changed"]
	out := string(sideBySide(c[0], c[1], "Before", "After", compareBudget))
	if !strings.Contains(out, "20,000 lines of the older version and 20,000 of the newer differ, too many to compare line by line") {
		t.Errorf("no note of the coarse comparison:\n%.500s", out)
	}
	if d, i := strings.Index(out, "<del>Line 0 of version 1"), strings.Index(out, "<ins>Line 0 of version 2"); d < 0 || i < d {
		t.Errorf("the coarse comparison does not show the old lines, then the new: %d, %d", d, i)
	}
	// One line in a hundred: compared line by line, the changed word marked.
	c = hugeCases()["1MB-20000-lines-1%-changed"]
	out = string(sideBySide(c[0], c[1], "Before", "After", compareBudget))
	if strings.Contains(out, "too many") || !strings.Contains(out, "Line 100 of version <del>1</del>") || !strings.Contains(out, "Line 100 of version <ins>2</ins>") || strings.Contains(out, "<del>Line 101") {
		t.Errorf("a megabyte with scattered changes is not compared word by word:\n%.2000s", out)
	}
}

// BenchmarkHugeDiff measures a comparison of each huge case with each budget.
func BenchmarkHugeDiff(b *testing.B) {
	for name, c := range hugeCases() {
		for bn, budget := range map[string]diffBudget{"list": listBudget, "compare": compareBudget} {
			b.Run(name+"/"+bn, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					sideBySideCut(c[0], c[1], "Before", "After", budget)
				}
			})
		}
	}
}

var tagRe = regexp.MustCompile(`<(del|ins)>([^<]*)</(?:del|ins)>`)

// marked lists the texts in <del> and <ins> of h, as "del:text" and "ins:text".
func marked(h string) []string {
	var out []string
	for _, m := range tagRe.FindAllStringSubmatch(h, -1) {
		out = append(out, m[1]+":"+m[2])
	}
	return out
}

// A one-word change marks that word, old in <del> before new in <ins>, and neither the
// rest of its paragraph nor the other paragraphs.
func TestOneWordChangeMarksThatWord(t *testing.T) {
	was := "The council approved the budget on Tuesday.\n\nThe vote was close: 7 to 6.\n\nThe mayor’s office didn't comment."
	for _, c := range []struct{ now, del, ins string }{
		{strings.Replace(was, "approved", "rejected", 1), "approved", "rejected"},
		{strings.Replace(was, "close", "narrow", 1), "close", "narrow"},
		{strings.Replace(was, "mayor’s", "governor’s", 1), "mayor’s", "governor’s"},
		{strings.Replace(was, "didn't", "wouldn't", 1), "didn&#39;t", "wouldn&#39;t"},
		{strings.Replace(was, "7 to 6", "8 to 6", 1), "7", "8"},
	} {
		for _, budget := range []diffBudget{listBudget, compareBudget} {
			h := string(sideBySide(was, c.now, "Before", "After", budget))
			if got, want := strings.Join(marked(h), " | "), "del:"+c.del+" | ins:"+c.ins; got != want {
				t.Errorf("%q → %q marks %s, want %s:\n%s", c.del, c.ins, got, want, h)
			}
			// Old, then new, in one row.
			row := h[strings.Index(h, `<tr class="change">`):]
			row = row[:strings.Index(row, "</tr>")]
			if o, n := strings.Index(row, `<td class="old">`), strings.Index(row, `<td class="new">`); o < 0 || n < o ||
				!strings.Contains(row[o:n], "<del>"+c.del+"</del>") || !strings.Contains(row[n:], "<ins>"+c.ins+"</ins>") {
				t.Errorf("%q → %q: the row is not old then new:\n%s", c.del, c.ins, row)
			}
		}
	}
	// A field on one line: "old → new", the word marked on each side.
	h := string(arrowChange("Council approves the budget", "Council rejects the budget"))
	if o, a, n := strings.Index(h, "<del>approves</del>"), strings.Index(h, "→"), strings.Index(h, "<ins>rejects</ins>"); o < 0 || a < o || n < a ||
		len(marked(h)) != 2 {
		t.Errorf("a headline's change: %s", h)
	}
}

// A paragraph rewritten whole reads as one removal and one addition, not as confetti of
// the few words that happen to be the same.
func TestRewrittenParagraphIsOneChange(t *testing.T) {
	h := string(sideBySide("Kept.\n\nThe tram line reopens on Monday after works.\n\nKept too.",
		"Kept.\n\nA new bus service will replace it in the spring.\n\nKept too.", "Before", "After", compareBudget))
	if m := marked(h); len(m) != 2 || m[0] != "del:The tram line reopens on Monday after works" || m[1] != "ins:A new bus service will replace it in the spring" {
		t.Errorf("a rewritten paragraph is marked %q", m)
	}
	if strings.Contains(h, "<del>Kept") || strings.Contains(h, "<ins>Kept") {
		t.Error("unchanged paragraphs are marked")
	}
}

// Unchanged lines far from a change are folded, and the count said.
func TestUnchangedLinesAreFolded(t *testing.T) {
	was := hugeBody(50, 10, func(int) int { return 1 })
	now := strings.Replace(was, "Line 25 of version 1", "Line 25 of version 2", 1)
	h := string(sideBySide(was, now, "Before", "After", listBudget))
	// 25 lines before the change, 24 and the empty one after the last line break after it.
	if strings.Count(h, "… 23 unchanged lines …") != 2 || strings.Contains(h, "Line 10 ") || !strings.Contains(h, "Line 23 ") {
		t.Errorf("folding:\n%s", h)
	}
}
