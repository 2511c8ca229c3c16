package render

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func rep(s string, n int) string { return strings.Repeat(s, n) }

// pathological lists, by kind, inputs on which goldmark's work or memory grows faster
// than the input, or which make far more HTML than text. Each makes a body of n units;
// fill makes it as large as MaxMarkdownBytes allows.
var pathological = []struct {
	name string
	make func(n int) string
}{
	// The three of the report, and the rest of their kinds.
	{"link-open", func(n int) string { return rep("[a](", n) }},          // [a]( × N: 72 s before
	{"list-nest", func(n int) string { return rep("- ", n) + "a" }},      // - × N: 39 s
	{"quote-nest", func(n int) string { return rep(">", n) + "a" }},      // > × N: 3.7 s
	{"olist-nest", func(n int) string { return rep("1. ", n) + "a" }},    // ordered lists
	{"tab-list-nest", func(n int) string { return rep("-\t", n) + "a" }}, // tabs for spaces
	{"list-quote-nest", func(n int) string { return rep("- > ", n) + "a" }},
	{"indent-list-nest", func(n int) string { return indentedLists(n) }},
	{"footnote-nest", func(n int) string { return rep("[^a]: ", n) + "x" }},
	// Links and images.
	{"brackets", func(n int) string { return rep("[", n) }},
	{"image-brackets", func(n int) string { return rep("![", n) }},
	{"bracket-a", func(n int) string { return rep("[a", n) }},
	{"nested-brackets", func(n int) string { return rep("[", n) + "a" + rep("]", n) }},
	{"angle-destinations", func(n int) string { return rep("[a](<b>", n) }},
	{"angle-open", func(n int) string { return rep("[a](<", n) }},
	{"image-open", func(n int) string { return rep("![a](", n) }},
	{"title-open", func(n int) string { return rep("[a](b \"", n) }},
	{"nested-images", func(n int) string { return rep("![", n) + "a" + rep("](b)", n) }},
	{"link-in-link", func(n int) string { return rep("[[a](b)", n) }},
	{"destination-parens", func(n int) string { return "[a](" + rep("(", n) + rep(")", n) + ")" }},
	{"reference-definitions", func(n int) string { return refDefinitions(n) }},
	{"reference-uses", func(n int) string { return "[a]: /" + rep("u", 500) + "\n\n" + rep("[a] ", n) }},
	{"same-definition", func(n int) string { return rep("[a]: /u\n", n) + rep("[a]", n) }},
	{"long-labels", func(n int) string { return "[" + rep("a", 990) + "]: /u\n\n" + rep("["+rep("a", 990)+"]", n) }},
	{"footnote-references", func(n int) string { return rep("[^a]", n) + "\n\n[^a]: note\n" }},
	{"footnote-definitions", func(n int) string { return footnotes(n) }},
	{"footnote-open", func(n int) string { return rep("[^", n) }},
	{"task-lists", func(n int) string { return rep("- [ ] ", n) + "a" }},
	// Emphasis and strikethrough.
	{"star-a", func(n int) string { return rep("*a", n) }},
	{"double-stars", func(n int) string { return rep("**", n) + "a" }},
	{"double-star-a", func(n int) string { return rep("**a", n) }},
	{"underscore-star", func(n int) string { return rep("_a*", n) }},
	{"underscore-space", func(n int) string { return rep("a_ ", n) }},
	{"closers-then-openers", func(n int) string { return rep("a* ", n) + rep("*a ", n) }},
	{"emphasis-nest", func(n int) string { return rep("*", n) + "a" + rep("*", n) }},
	{"star-runs", func(n int) string { return growingRuns("*", n) }},
	{"underscore-runs", func(n int) string { return growingRuns("_", n) + "a" }},
	{"tildes", func(n int) string { return "a" + rep("~", n) }},
	{"tilde-a", func(n int) string { return rep("~a", n) }},
	{"double-tilde-a", func(n int) string { return rep("~~a", n) }},
	{"strike-nest", func(n int) string { return rep("~~a ", n) + rep(" a~~", n) }},
	// Typography.
	{"double-quotes", func(n int) string { return rep(`"`, n) }},
	{"single-quotes", func(n int) string { return rep("'a", n) }},
	{"quote-runs", func(n int) string { return growingRuns(`"`, n) }},
	{"dashes", func(n int) string { return rep("-", n) + "a" }},
	{"dots", func(n int) string { return "http://a" + rep(".", n) }},
	// Code.
	{"backticks", func(n int) string { return growingRuns("`", n) }},
	{"backtick-a", func(n int) string { return rep("`a", n) }},
	{"backtick-run", func(n int) string { return rep("`", n) + "a" }},
	{"code-lines", func(n int) string { return "`" + rep("a\n", n) }},
	{"fences", func(n int) string { return rep("```\n", n) }},
	{"fences-of-lengths", func(n int) string { return fences(n) }},
	// Raw HTML.
	{"tag-open", func(n int) string { return rep("<a", n) }},
	{"long-tag", func(n int) string { return "x <a" + rep(" b", n) }},
	{"tags-in-attributes", func(n int) string { return rep("<a b=x ", n) }},
	{"tags-in-quotes", func(n int) string { return rep(`<a x="<a y='`, n) }},
	{"html-blocks", func(n int) string { return rep("<div>\n", n) }},
	{"unknown-tag-blocks", func(n int) string { return rep("<x-y>\n", n) }},
	{"comments", func(n int) string { return rep("<!--", n) }},
	{"inline-comments", func(n int) string { return rep("a <!--", n) }},
	{"cdata", func(n int) string { return rep("<![CDATA[", n) }},
	{"inline-cdata", func(n int) string { return rep("a <![CDATA[", n) }},
	{"declarations", func(n int) string { return rep("a <!A", n) }},
	{"instructions", func(n int) string { return rep("a <?", n) }},
	{"unclosed-formatting", func(n int) string { return unclosedFormatting(n) }},
	{"misnested-formatting", func(n int) string { return rep("<b><i></b></i>x", n) }},
	{"links-in-links", func(n int) string { return rep(`<a href="https://a.example/">a`, n) }},
	{"orphan-items", func(n int) string { return rep("<li><dd><td>", n) }},
	{"autolinks", func(n int) string { return rep("<http://", n) }},
	{"email-autolinks", func(n int) string { return rep("<a@b.c>", n) }},
	// Tables.
	{"wide-table", func(n int) string { return "|" + rep("a|", n) + "\n|" + rep("-|", n) + "\n|" + rep("a|", n) + "\n" }},
	{"wide-header-short-rows", func(n int) string {
		return "|" + rep("a|", 2000) + "\n|" + rep("-|", 2000) + "\n" + rep("a\n", n)
	}},
	{"table-rows", func(n int) string { return "a|b\n-|-\n" + rep("c|d\n", n) }},
	{"pipes", func(n int) string { return "a|b\n-|-\n" + rep("|", n) + "\n" }},
	{"delimiter-row", func(n int) string { return "a\n" + rep("-|", n) + "\n" }},
	{"escaped-pipes-in-code", func(n int) string { return "|a|\n|-|\n" + rep("|`\\|`|\n", n) }},
	// Autolinks without brackets (linkify).
	{"www", func(n int) string { return rep("www.", n) }},
	{"www-a", func(n int) string { return rep("www.a ", n) }},
	{"long-domains", func(n int) string { return rep(" www."+rep("a", 200)+".com", n) }},
	{"http-domains", func(n int) string { return rep("(http://"+rep("a.", 120), n) }},
	{"emails", func(n int) string { return rep("a@", n) }},
	{"long-emails", func(n int) string { return rep(" "+rep("a", 64)+"@"+rep("b", 250), n) }},
	// Entities, headings, lines, white space.
	{"entities", func(n int) string { return rep("&amp;", n) }},
	{"ampersands", func(n int) string { return rep("&", n) }},
	{"numeric-entities", func(n int) string { return rep("&#", n) }},
	{"long-entities", func(n int) string { return rep("&CounterClockwiseContourIntegral;", n) }},
	{"setext-headings", func(n int) string { return rep("a\n=\n", n) }},
	{"setext-long", func(n int) string { return rep("a\n", n) + "=" }},
	{"setext-rules", func(n int) string { return rep("a\n---\n", n) }},
	{"same-headings", func(n int) string { return rep("# a\n", n) }},
	{"heading-ids", func(n int) string { return rep("# a-1\n# a\n", n) }},
	{"lazy-quote", func(n int) string { return rep("> a\n", n) }},
	{"indented-lines", func(n int) string { return rep(" a\n", n) }},
	{"hard-breaks", func(n int) string { return rep("a  \n", n) }},
	{"lazy-list", func(n int) string { return rep("- a\n  b\n", n) }},
	{"tabs", func(n int) string { return rep("\t", n) + "a" }},
	{"tab-space-mix", func(n int) string { return rep(" \t", n) + "a" }},
	{"blank-lines", func(n int) string { return rep("\n", n) + "a" }},
	{"escapes", func(n int) string { return rep(`\*`, n) }},
}

func indentedLists(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n*2; i++ {
		b.WriteString(rep(" ", 2*i) + "- a\n")
	}
	return b.String()
}

// unclosedFormatting leaves 400 different <b> open, then writes paragraphs: the HTML
// parser alone would copy every <b> into every paragraph.
func unclosedFormatting(n int) string {
	var b []byte
	for i := 0; i < 400 && len(b) < n; i++ {
		b = fmt.Appendf(b, "<b title=\"t%d\">", i)
	}
	for len(b) < n {
		b = append(b, "a\n\n"...)
	}
	return string(b)
}

func growingRuns(c string, n int) string {
	var b strings.Builder
	for i := 1; b.Len() < n*2; i++ {
		b.WriteString(rep(c, i) + "a ")
	}
	return b.String()
}

func fences(n int) string {
	var b strings.Builder
	for i := 3; b.Len() < n*2; i++ {
		b.WriteString(rep("`", i) + "\n")
	}
	return b.String()
}

func refDefinitions(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("[r" + strconv.Itoa(i) + "]: /u\n")
	}
	for i := range n {
		b.WriteString("[r" + strconv.Itoa(i) + "] ")
	}
	return b.String()
}

func footnotes(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("[^f" + strconv.Itoa(i) + "] ")
	}
	b.WriteString("\n\n")
	for i := range n {
		b.WriteString("[^f" + strconv.Itoa(i) + "]: n\n")
	}
	return b.String()
}

// fill returns make(n) for the largest n whose body fits in limit bytes.
func fill(make func(int) string, limit int) string {
	lo, hi := 1, limit
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(make(mid)) <= limit {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return make(lo)
}

// maxRenderAlloc is the most a render of a body of MaxMarkdownBytes may allocate in
// all (runtime.MemStats.TotalAlloc), garbage included. Without the limits, "[" × 1 MB
// allocated 345 MB and "[^" × 512 K 335 MB.
const maxRenderAlloc = 128 << 20

// Every kind of input known to cost goldmark more than linear work or memory either
// renders or is refused with a *TooComplexError, at the largest size accepted, within
// a bounded allocation. (Time is measured by BenchmarkMarkdownPathological, not here.)
func TestMarkdownPathologicalInputsAreBounded(t *testing.T) {
	limit := MaxMarkdownBytes
	if testing.Short() {
		limit /= 8
	}
	for _, c := range pathological {
		t.Run(c.name, func(t *testing.T) {
			src := fill(c.make, limit)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			out, err := Markdown(src)
			runtime.ReadMemStats(&after)
			var tooComplex *TooComplexError
			switch {
			case err == nil:
				if strings.TrimSpace(out) == "" && strings.TrimSpace(src) != "" && !strings.Contains(src, "<") && !strings.Contains(src, "`") {
					t.Errorf("rendered %d bytes to nothing", len(src))
				}
			case errors.As(err, &tooComplex):
				if msg := err.Error(); !strings.Contains(msg, "nothing was saved") {
					t.Errorf("refusal does not say what happened: %q", msg)
				}
			default:
				t.Fatalf("error other than a refusal: %v", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxRenderAlloc && !raceEnabled {
				t.Errorf("%d bytes of input allocated %d MB (limit %d MB)", len(src), alloc>>20, maxRenderAlloc>>20)
			}
		})
	}
}

// renderByBudget renders src under the budgets alone, without the clock, so that what
// is refused does not depend on the machine's load.
func renderByBudget(src string) (string, error) {
	m := newMeter(context.Background(), src)
	m.deadline = m.deadline.Add(1 << 40)
	return m.render()
}

// The inputs of the report, and the worst of their kinds, are refused by the budgets,
// and say why in words a writer understands.
func TestMarkdownRefusesTheReportedInputs(t *testing.T) {
	for _, c := range []struct {
		src   string
		limit Limit
		words string
	}{
		{rep("[a](", 100000), LimitWork, "The text has too many unclosed brackets, emphasis marks, quotes or code marks to lay out (near line 1); nothing was saved."},
		{rep("- ", 100000) + "item", LimitNesting, "The text nests lists or quotations more than 32 levels deep (near line 1); nothing was saved. Flatten it and try again."},
		{rep(">", 100000), LimitNesting, "more than 32 levels deep"},
		{rep("_a*", 100000), LimitWork, "unclosed brackets"},
		{rep(`"`, 100000), LimitWork, "unclosed brackets"},
		{rep("[", 500000), LimitElements, "too many lines, links or marks"},
		{rep("*", 100000) + "a" + rep("*", 100000), LimitInlineNesting, "emphasis, links or images more than 32 levels deep"},
		{"Intro\n\n[^a]: " + rep("note ", 50) + "\n\n" + rep("[^a] ", 50000), LimitElements, "too many lines, links or marks"},
		{"[a]: /" + rep("u", 2000) + "\n\n" + rep("[a] ", 5000), LimitOutput, "a page of more than 4 MB"},
	} {
		_, err := renderByBudget(c.src)
		var e *TooComplexError
		if !errors.As(err, &e) {
			t.Errorf("%.20q…: err = %v, want a *TooComplexError", c.src, err)
			continue
		}
		if e.Limit != c.limit {
			t.Errorf("%.20q…: refused for %q, want %q", c.src, e.Limit, c.limit)
		}
		if !strings.Contains(e.Error(), c.words) {
			t.Errorf("%.20q…: message %q lacks %q", c.src, e.Error(), c.words)
		}
	}
	_, err := Markdown(rep("a", MaxMarkdownBytes+1))
	if e := (*TooComplexError)(nil); !errors.As(err, &e) || e.Limit != LimitSize ||
		!strings.Contains(err.Error(), "The text is 1,048,577 bytes long, more than the 1,048,576 (1 MB) an article may hold; nothing was saved.") {
		t.Errorf("an oversized body: %v", err)
	}
}

// The clock is the backstop: a render past its deadline stops with LimitTime.
func TestMarkdownDeadline(t *testing.T) {
	m := newMeter(context.Background(), rep("A paragraph of words.\n\n", 2000))
	m.deadline = m.deadline.Add(-MaxRenderTime - 1)
	_, err := m.render()
	if e := (*TooComplexError)(nil); !errors.As(err, &e) || e.Limit != LimitTime || !strings.Contains(err.Error(), "took more than 2s") {
		t.Errorf("err = %v, want LimitTime", err)
	}
}

// Nesting is counted in levels a writer sees: 32 levels render, 33 are refused.
func TestMarkdownNestingLimit(t *testing.T) {
	for _, c := range []struct{ name, unit, inner string }{
		{"lists", "- ", "a"},
		{"quotes", "> ", "a"},
		{"ordered lists", "1. ", "a"},
	} {
		if _, err := Markdown(rep(c.unit, MaxNesting) + c.inner); err != nil {
			t.Errorf("%s %d deep refused: %v", c.name, MaxNesting, err)
		}
		_, err := Markdown(rep(c.unit, MaxNesting+1) + c.inner)
		if e := (*TooComplexError)(nil); !errors.As(err, &e) || e.Limit != LimitNesting {
			t.Errorf("%s %d deep: err = %v, want LimitNesting", c.name, MaxNesting+1, err)
		}
	}
	for depth, want := range map[int]bool{MaxInlineNesting - 1: true, MaxInlineNesting + 1: false} {
		// Each "**" pair is one level of <strong> inside the paragraph.
		_, err := Markdown(rep("**", depth) + "a" + rep("**", depth))
		if (err == nil) != want {
			t.Errorf("emphasis %d deep: err = %v, want accepted %v", depth, err, want)
		}
	}
}

// The limits leave room: a long article of the real kind (the golden articles, over and
// over, to 1 MB) renders, using well under half of each budget.
func TestMarkdownBudgetsLeaveRoomForRealArticles(t *testing.T) {
	var parts []string
	for _, c := range loadGolden(t).Markdown {
		if strings.HasSuffix(c.Name, ".md") || strings.HasPrefix(c.Name, "wp: ") {
			parts = append(parts, c.Markdown)
		}
	}
	var b strings.Builder
	for i := 0; b.Len() < MaxMarkdownBytes-20000; i++ {
		b.WriteString(parts[i%len(parts)] + "\n\n")
	}
	src := b.String()
	m := newMeter(context.Background(), src)
	m.deadline = m.deadline.Add(1 << 40) // the budgets are measured here, not the clock
	if _, err := m.render(); err != nil {
		t.Fatalf("a %d-byte article of real text refused: %v", len(src), err)
	}
	if used := workBudget - m.work; used > workBudget/2 {
		t.Errorf("real text used %d of %d work units", used, workBudget)
	}
	if used := nodeBudget - m.nodes; used > nodeBudget/2 {
		t.Errorf("real text used %d of %d node bytes", used, nodeBudget)
	}
}

// A client that leaves stops the work: its render waiting for a turn gives up, and one
// under way stops at the hooks' next look at the context.
func TestMarkdownContextStopsWhenTheClientLeaves(t *testing.T) {
	// Every slot taken: the render must wait for one (it watches its context's Done),
	// and give up when its context ends.
	for range cap(renderSlots) {
		renderSlots <- struct{}{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watched := &watchedContext{Context: ctx, waiting: make(chan struct{})}
	done := make(chan error, 1)
	go func() {
		_, err := MarkdownContext(watched, "Short text.")
		done <- err
	}()
	var err error
	select {
	case <-watched.waiting:
		cancel()
		err = <-done
		if !errors.Is(err, context.Canceled) {
			t.Errorf("waiting render: err = %v, want context.Canceled", err)
		}
	case err = <-done:
		t.Errorf("the render did not wait for a slot (err = %v)", err)
	}
	for range cap(renderSlots) {
		<-renderSlots
	}

	// Under way: the context ends after the render has started (at its 20th look).
	src := rep("Some words of an ordinary paragraph, with a [link](https://example.org/) and *emphasis*.\n\n", 5000)
	_, err = MarkdownContext(&endingContext{Context: context.Background(), after: 20}, src)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("render under way: err = %v, want context.Canceled", err)
	}
	if _, err := Markdown(src); err != nil {
		t.Errorf("the same text without a leaving client: %v", err)
	}
}

// watchedContext tells, by closing waiting, that someone waits on its Done.
type watchedContext struct {
	context.Context
	waiting chan struct{}
	once    sync.Once
}

func (c *watchedContext) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

// endingContext ends when its Err has been asked for after times.
type endingContext struct {
	context.Context
	after int
}

func (c *endingContext) Err() error {
	if c.after--; c.after < 0 {
		return context.Canceled
	}
	return nil
}

// A refusal names the line where the text became too much.
func TestTooComplexErrorNamesTheLine(t *testing.T) {
	src := "# Title\n\nA normal paragraph.\n\n" + rep("> ", 40) + "deep\n"
	_, err := Markdown(src)
	var e *TooComplexError
	if !errors.As(err, &e) || e.Line != 5 || !strings.Contains(e.Error(), "near line 5") {
		t.Fatalf("err = %v (%+v), want a refusal near line 5", err, e)
	}
}

func BenchmarkMarkdownPathological(b *testing.B) {
	for _, c := range pathological {
		src := fill(c.make, MaxMarkdownBytes)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Markdown(src); err != nil && !IsTooComplex(err) {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarkdownArticle renders the two long articles of testdata/articles (9 KB).
func BenchmarkMarkdownArticle(b *testing.B) {
	files, _ := filepath.Glob("testdata/articles/*.md")
	var src strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		src.Write(data)
		src.WriteString("\n\n")
	}
	b.SetBytes(int64(src.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Markdown(src.String()); err != nil {
			b.Fatal(err)
		}
	}
}

// Any text renders or is refused, and the hooks never let a panic of their own escape.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"[a](", "- - a", "> > a", "*a **b** c*", "`a``b`", "<a href=x>y</a>", "[^1]\n\n[^1]: n", "a|b\n-|-\nc|d", "<limit> & <b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Markdown(s)
		if err != nil && !IsTooComplex(err) {
			t.Fatalf("Markdown(%q): %v", s, err)
		}
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Fatalf("Markdown(%q) = %q", s, out)
		}
	})
}
