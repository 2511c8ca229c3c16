package admin

// Comparing two versions of a text, for the history and the conflict screen.
//
// The comparison is WordPress's revisions screen's (wp_text_diff with its table
// renderer): lines are compared first, and within the lines that changed together the
// words are compared, so that a one-word change marks that word, not its paragraph.
// Both steps are Myers's O(ND) difference algorithm as github.com/sergi/go-diff's
// diffmatchpatch implements it (with its semantic cleanup, which folds runs of tiny
// equalities into the edits around them, so a rewritten sentence reads as one change
// instead of confetti), on "runes" that each stand for one line, then one word.
//
// Its cost is bounded before any of it is spent (diffBudget): past a size or a number
// of lines the comparison is coarser, and says so, rather than slower. Myers's
// algorithm is O((N+M)·D) in time and O(N+M) in memory, D the number of edits, so a
// bound on the lines it compares (after the lines both versions begin and end with are
// set aside, which costs one pass) bounds both; go-diff's timeout stays as a second
// guard only.

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// diffBudget bounds one comparison.
type diffBudget struct {
	// MaxInputBytes: a version longer than this (bytes) is not compared at all; the
	// comparison says how long each is.
	MaxInputBytes int
	// MaxLines: when the lines between the versions' common beginning and end number
	// more than this (both versions together), they are not compared line by line:
	// the part between is shown as removed and added whole, with a note. So are they
	// when the comparison's work, estimated as Myers's (N+M)·D with D the number of
	// those lines that only one version has, would be more than MaxWork. (Lines that
	// both have but in another order add to D unseen: go-diff's deadline bounds that.)
	MaxLines, MaxWork int
	// MaxWordBytes: a group of changed lines longer than this (bytes, both sides) is
	// marked whole rather than word by word.
	MaxWordBytes int
	// MaxChangedLines and MaxShownBytes bound what is shown: changed lines, and bytes of
	// text in all; past either, a note says how many more lines changed.
	MaxChangedLines, MaxShownBytes int // MaxShownBytes: of the HTML written
	// Context is how many unchanged lines are shown either side of a change; longer
	// runs of unchanged lines are folded into "… 12 unchanged lines …".
	Context int
}

var (
	// compareBudget is a comparison of two chosen versions, shown alone.
	compareBudget = diffBudget{MaxInputBytes: 4 << 20, MaxLines: 40_000, MaxWork: 32 << 20, MaxWordBytes: 16 << 10,
		MaxChangedLines: 1000, MaxShownBytes: 256 << 10, Context: 3}
	// listBudget is each version against the one before it, twenty a page.
	listBudget = diffBudget{MaxInputBytes: 4 << 20, MaxLines: 40_000, MaxWork: 4 << 20, MaxWordBytes: 8 << 10,
		MaxChangedLines: 60, MaxShownBytes: 24 << 10, Context: 2}
)

// diffTimeout is go-diff's own deadline: never reached within the budget (the
// benchmark's worst case takes milliseconds), it is the guard of last resort.
const diffTimeout = 2 * time.Second

// tokenRunes maps tokens (lines, words) to runes, one distinct rune per distinct
// token, so that diffmatchpatch, which compares runes, compares tokens. It skips the
// surrogate range, which no valid string holds.
type tokenRunes struct {
	ids map[string]rune
}

func (t *tokenRunes) runes(tokens []string) []rune {
	out := make([]rune, len(tokens))
	for i, tok := range tokens {
		r, ok := t.ids[tok]
		if !ok {
			r = rune(len(t.ids))
			if r >= 0xD800 {
				r += 0x800
			}
			t.ids[tok] = r
		}
		out[i] = r
	}
	return out
}

// runeIndex is the token number of a rune of tokenRunes.
func runeIndex(r rune) int {
	if r >= 0xD800+0x800 {
		return int(r) - 0x800
	}
	return int(r)
}

// diffOp is one step of a token comparison: n tokens equal, removed or added.
type diffOp struct {
	kind diffmatchpatch.Operation
	n    int
}

// compareTokens compares two token sequences: equal runs, and removals before additions
// wherever both happen at one place (old, then new). With semantic, diffmatchpatch's
// semantic cleanup folds equal runs shorter than the changes around them into those
// changes (words; lines are not folded: a paragraph kept between two changed ones is
// shown as kept, and each changed one is compared with its own new version).
func compareTokens(a, b []string, semantic bool) []diffOp {
	tr := tokenRunes{ids: make(map[string]rune, len(a)+len(b))}
	return compareRunes(tr.runes(a), tr.runes(b), semantic)
}

// compareRunes is compareTokens on the tokens' runes.
func compareRunes(ra, rb []rune, semantic bool) []diffOp {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	diffs := dmp.DiffMainRunes(ra, rb, false)
	if semantic {
		diffs = dmp.DiffCleanupSemantic(diffs)
	}
	ops := make([]diffOp, 0, len(diffs))
	for i := 0; i < len(diffs); i++ {
		d := diffs[i]
		n := utf8.RuneCountInString(d.Text)
		if n == 0 {
			continue
		}
		// An addition the cleanup put before its removal is shown after it.
		if d.Type == diffmatchpatch.DiffInsert && i+1 < len(diffs) && diffs[i+1].Type == diffmatchpatch.DiffDelete {
			ops = append(ops, diffOp{diffmatchpatch.DiffDelete, utf8.RuneCountInString(diffs[i+1].Text)}, diffOp{d.Type, n})
			i++
			continue
		}
		ops = append(ops, diffOp{d.Type, n})
	}
	return ops
}

// wordTokens splits text into words (letters, digits and the marks on them, with an
// apostrophe inside a word: "don't"), runs of spaces, line breaks and single other
// characters (punctuation), so that a change is marked by whole words.
func wordTokens(s string) []string {
	var out []string
	kind := func(r rune) int {
		switch {
		case r == '\n':
			return 3
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			return 1
		case unicode.IsSpace(r):
			return 2
		}
		return 0
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		k, j := kind(r), i+size
		if k == 1 || k == 2 {
			for j < len(s) {
				r2, size2 := utf8.DecodeRuneInString(s[j:])
				if k2 := kind(r2); k2 != k {
					// An apostrophe between letters belongs to the word.
					if k == 1 && (r2 == '\'' || r2 == '’') {
						if r3, _ := utf8.DecodeRuneInString(s[j+size2:]); j+size2 < len(s) && kind(r3) == 1 {
							j += size2
							continue
						}
					}
					break
				}
				j += size2
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

// markWords compares was and now word by word and returns each as HTML: was with its
// removed words in <del>, now with its added words in <ins>.
func markWords(was, now string) (wasHTML, nowHTML string) {
	a, b := wordTokens(was), wordTokens(now)
	var ow, nw strings.Builder
	i, j := 0, 0
	span := func(w *strings.Builder, tag string, toks []string) {
		text := strings.Join(toks, "")
		if tag == "" {
			w.WriteString(html.EscapeString(text))
			return
		}
		// A mark ends at a line break and starts again after it, so that a marked
		// paragraph break stays a visible break and nothing marks an empty line.
		for k, part := range strings.Split(text, "\n") {
			if k > 0 {
				w.WriteString("\n")
			}
			if part != "" {
				w.WriteString("<" + tag + ">" + html.EscapeString(part) + "</" + tag + ">")
			}
		}
	}
	for _, op := range compareTokens(a, b, true) {
		switch op.kind {
		case diffmatchpatch.DiffEqual:
			span(&ow, "", a[i:i+op.n])
			span(&nw, "", b[j:j+op.n])
			i, j = i+op.n, j+op.n
		case diffmatchpatch.DiffDelete:
			span(&ow, "del", a[i:i+op.n])
			i += op.n
		case diffmatchpatch.DiffInsert:
			span(&nw, "ins", b[j:j+op.n])
			j += op.n
		}
	}
	return ow.String(), nw.String()
}

// markWhole is text, every non-empty line of it in one tag (del or ins), without the
// empty lines it begins or ends with.
func markWhole(text, tag string) string {
	text = strings.Trim(text, "\n")
	var w strings.Builder
	for k, part := range strings.Split(text, "\n") {
		if k > 0 {
			w.WriteString("\n")
		}
		if part != "" {
			w.WriteString("<" + tag + ">" + html.EscapeString(part) + "</" + tag + ">")
		}
	}
	return w.String()
}

// lineBlock is one run of a line comparison: lines equal in both versions, or a group
// of old lines replaced by new ones (either may be empty).
type lineBlock struct {
	same     []string
	old, new []string
}

// compareLines compares two texts line by line, within the budget. coarse is true when
// the lines between the common beginning and end were too many to compare: they are
// one change.
func compareLines(a, b string, budget diffBudget) (blocks []lineBlock, coarse bool) {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]
	if pre > 0 {
		blocks = append(blocks, lineBlock{same: x[:pre]})
	}
	var ra, rb []rune
	if n := len(mx) + len(my); n <= budget.MaxLines {
		tr := tokenRunes{ids: make(map[string]rune, n)}
		ra, rb = tr.runes(mx), tr.runes(my)
		in := make([]uint8, len(tr.ids)) // 1: the older version has the line, 2: the newer
		for _, r := range ra {
			in[runeIndex(r)] |= 1
		}
		for _, r := range rb {
			in[runeIndex(r)] |= 2
		}
		d := 0
		for _, r := range ra {
			if in[runeIndex(r)] == 1 {
				d++
			}
		}
		for _, r := range rb {
			if in[runeIndex(r)] == 2 {
				d++
			}
		}
		if n*d > budget.MaxWork {
			ra, rb = nil, nil
		}
	}
	if ra == nil && rb == nil && len(mx)+len(my) > 0 {
		blocks = append(blocks, lineBlock{old: mx, new: my})
		coarse = true
	} else {
		i, j := 0, 0
		for _, op := range compareRunes(ra, rb, false) {
			switch op.kind {
			case diffmatchpatch.DiffEqual:
				blocks = append(blocks, lineBlock{same: mx[i : i+op.n]})
				i, j = i+op.n, j+op.n
			case diffmatchpatch.DiffDelete:
				if k := len(blocks) - 1; k >= 0 && blocks[k].same == nil {
					blocks[k].old = mx[i-len(blocks[k].old) : i+op.n]
				} else {
					blocks = append(blocks, lineBlock{old: mx[i : i+op.n]})
				}
				i += op.n
			case diffmatchpatch.DiffInsert:
				if k := len(blocks) - 1; k >= 0 && blocks[k].same == nil {
					blocks[k].new = my[j-len(blocks[k].new) : j+op.n]
				} else {
					blocks = append(blocks, lineBlock{new: my[j : j+op.n]})
				}
				j += op.n
			}
		}
	}
	if suf > 0 {
		blocks = append(blocks, lineBlock{same: x[len(x)-suf:]})
	}
	return blocks, coarse
}

// sideBySide compares two versions of a text and returns a table: the old version's
// lines on the left (removed words in <del>), the new one's on the right (added words
// in <ins>), unchanged lines folded past budget.Context of them either side of a
// change. The column headings name the versions (oldLabel, newLabel); on a narrow
// screen the table stacks, old above new, each line labelled. Equal texts give "".
func sideBySide(was, now, oldLabel, newLabel string, budget diffBudget) template.HTML {
	out, _ := sideBySideCut(was, now, oldLabel, newLabel, budget)
	return out
}

// sideBySideCut is sideBySide, and whether it left changed lines or text out (past the
// budget's bounds on what is shown or compared).
func sideBySideCut(was, now, oldLabel, newLabel string, budget diffBudget) (_ template.HTML, cut bool) {
	was, now = strings.ReplaceAll(was, "\r\n", "\n"), strings.ReplaceAll(now, "\r\n", "\n")
	if was == now {
		return "", false
	}
	if len(was) > budget.MaxInputBytes || len(now) > budget.MaxInputBytes {
		return template.HTML(fmt.Sprintf(`<p class="meta">These versions are too long to compare: %s characters became %s.</p>`,
			groupThousands(utf8.RuneCountInString(was)), groupThousands(utf8.RuneCountInString(now)))), true
	}
	blocks, coarse := compareLines(was, now, budget)
	var out strings.Builder
	if coarse {
		var changedOld, changedNew int
		for _, b := range blocks {
			changedOld, changedNew = changedOld+len(b.old), changedNew+len(b.new)
		}
		fmt.Fprintf(&out, `<p class="meta">%s lines of the older version and %s of the newer differ, too many to compare line by line: the part that changed is shown whole, removed then added.</p>`,
			groupThousands(changedOld), groupThousands(changedNew))
	}
	out.WriteString(`<table class="sbs"><thead><tr><th scope="col">` + html.EscapeString(oldLabel) + `</th><th scope="col">` +
		html.EscapeString(newLabel) + `</th></tr></thead><tbody>`)
	shownLines, hidden := 0, 0
	cell := func(class, label, content string) {
		if content == "" {
			out.WriteString(`<td class="` + class + ` empty"></td>`)
			return
		}
		out.WriteString(`<td class="` + class + `"><span class="side">` + label + `</span>` + content + `</td>`)
	}
	same := func(lines []string) {
		for _, l := range lines {
			t := html.EscapeString(clip(l, 2000))
			out.WriteString(`<tr class="same"><td class="old">` + t + `</td><td class="new">` + t + `</td></tr>`)
		}
	}
	fold := func(n int) {
		if n > 0 {
			fmt.Fprintf(&out, `<tr class="fold"><td colspan="2">… %s unchanged %s …</td></tr>`, groupThousands(n), plural(n, "line", "lines"))
		}
	}
	for k, b := range blocks {
		if b.same != nil {
			if shownLines >= budget.MaxChangedLines || out.Len() >= budget.MaxShownBytes {
				continue
			}
			c := budget.Context
			first, last := k == 0, k == len(blocks)-1
			switch {
			case first && last:
				// Nothing changed (cannot happen: was != now).
			case first && len(b.same) > c:
				fold(len(b.same) - c)
				same(b.same[len(b.same)-c:])
			case last && len(b.same) > c:
				same(b.same[:c])
				fold(len(b.same) - c)
			case !first && !last && len(b.same) > 2*c+1:
				same(b.same[:c])
				fold(len(b.same) - 2*c)
				same(b.same[len(b.same)-c:])
			default:
				same(b.same)
			}
			continue
		}
		n := max(len(b.old), len(b.new))
		if shownLines >= budget.MaxChangedLines || out.Len() >= budget.MaxShownBytes {
			hidden += n
			continue
		}
		// Past the budget a group is cut at its end: the lines shown are whole.
		oldLines, newLines := b.old, b.new
		if room := budget.MaxChangedLines - shownLines; n > room {
			hidden += n - room
			oldLines, newLines = oldLines[:min(room, len(oldLines))], newLines[:min(room, len(newLines))]
		}
		shownLines += max(len(oldLines), len(newLines))
		// The group is compared word by word as a whole when it is small enough; a
		// larger one line by line, each old line with the new line at its place.
		groups := [][2][]string{{oldLines, newLines}}
		if size := joinedLen(oldLines) + joinedLen(newLines); !coarse && size > budget.MaxWordBytes {
			groups = groups[:0]
			for k := range max(len(oldLines), len(newLines)) {
				var g [2][]string
				if k < len(oldLines) {
					g[0] = oldLines[k : k+1]
				}
				if k < len(newLines) {
					g[1] = newLines[k : k+1]
				}
				groups = append(groups, g)
			}
		}
		for k, g := range groups {
			if out.Len() >= budget.MaxShownBytes {
				for _, rest := range groups[k:] {
					hidden += max(len(rest[0]), len(rest[1]))
				}
				break
			}
			oldText, newText := strings.Join(g[0], "\n"), strings.Join(g[1], "\n")
			if room := budget.MaxShownBytes - out.Len(); len(oldText)+len(newText) > room {
				oldText, newText, cut = clip(oldText, room/2), clip(newText, room/2), true
			}
			var o, nw string
			switch {
			case oldText != "" && newText != "" && !coarse && len(oldText)+len(newText) <= budget.MaxWordBytes:
				o, nw = markWords(oldText, newText)
			default:
				o, nw = markWhole(oldText, "del"), markWhole(newText, "ins")
			}
			if len(g[0]) > 0 && o == "" {
				o = `<span class="meta">(empty line)</span>`
			}
			if len(g[1]) > 0 && nw == "" {
				nw = `<span class="meta">(empty line)</span>`
			}
			out.WriteString(`<tr class="change">`)
			cell("old", "Before:", o)
			cell("new", "After:", nw)
			out.WriteString(`</tr>`)
		}
	}
	out.WriteString(`</tbody></table>`)
	if hidden > 0 {
		fmt.Fprintf(&out, `<p class="meta">… and %s more changed %s, not shown.</p>`, groupThousands(hidden), plural(hidden, "line", "lines"))
	}
	return template.HTML(out.String()), cut || coarse || hidden > 0
}

// joinedLen is the length of lines joined by line breaks.
func joinedLen(lines []string) int {
	n := max(0, len(lines)-1)
	for _, l := range lines {
		n += len(l)
	}
	return n
}

// clip is s cut to at most n bytes at a character boundary, with "…" when cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// groupThousands writes n with a comma between each group of three digits.
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
