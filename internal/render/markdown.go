package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	goldhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// The limits of one Markdown render. goldmark, like every CommonMark parser, has inputs
// on which its work grows with the square of their length (a run of "[a](" or of "_a*",
// unclosed code quotes of many lengths, a list nested in itself thousands of times); the
// limits make every input up to MaxMarkdownBytes either render or be refused within a
// bounded time and memory, while an article anyone would write stays far inside them.
const (
	// MaxMarkdownBytes is the largest Markdown body, in bytes, that is rendered at all
	// (about 150,000 words: ten times the longest long-read).
	MaxMarkdownBytes = 1 << 20
	// MaxNesting is how deep lists, quotations and footnotes may sit inside one another.
	MaxNesting = 32
	// MaxInlineNesting is how deep emphasis, links and images may sit inside one another.
	MaxInlineNesting = 32
	// MaxHTMLBytes is the most HTML one body may make: a link reference or a footnote
	// used thousands of times can make a page hundreds of times longer than its text.
	MaxHTMLBytes = 4 << 20
	// MaxRenderTime is the wall-clock backstop of one render, after the work budget.
	MaxRenderTime = 2 * time.Second

	// workBudget is how much parsing work one render may do, in units of roughly a
	// nanosecond each (see the weights below): the hooks charge, before goldmark does it,
	// the work it is about to do at the places where that work can grow faster than the
	// input. The budget is a deterministic stand-in for time: the same text is accepted or
	// refused on any machine, under any load. An ordinary 10 KB article uses about 15,000
	// units, 1 MB of real articles 1 to 2 million (under 3%); the budget is spent in
	// about 60 ms on the machine these weights were measured on.
	workBudget = 64 << 20
	// nodeBudget bounds memory: bytes allocated by the render, as estimated by the hooks
	// before goldmark makes the nodes (100 to 600 bytes for each line, link label,
	// delimiter or typographic mark) and before the sanitiser reads the HTML (a kilobyte
	// for each attribute) and balance builds its tree. 1 MB of real articles is
	// estimated at 19 to 22 MB (45%), and allocates 18 MB; the most any 1 MB input
	// allocates is about 100 MB.
	nodeBudget = 48 << 20
	// Weights of the charged work, measured on goldmark 1.8 (BenchmarkMarkdownPathological,
	// go test -cpuprofile): nanoseconds per byte or step of each kind of scan.
	costLinkScan    = 4   // per byte a ']' may scan: destination, title, reference label, the label's content
	costDelimiter   = 4   // per step of the emphasis matching loop (parser.ProcessDelimiters)
	costRunScan     = 1   // per byte of a run of quotes or tildes scanned again for each of its bytes
	costCodeScan    = 2   // per byte a code quote scans for its closing quote
	costTagScan     = 128 // per byte the raw-HTML regular expression may read (through a RuneReader)
	costFootnote    = 8   // per footnote definition a footnote reference or definition walks past
	costTableCell   = 128 // per table cell made and rendered
	costMarkup      = 1   // per byte of output read to find tags of no HTML element
	costLineCopy    = 8   // per line a link reference definition makes its paragraph copy
	costEscapedPipe = 8   // per step of the table extension's search of escaped pipes

	// Estimated bytes of the nodes made at each place (measured with -memprofile).
	nodeLine      = 384  // a line of a block: its segment, its text node, the parser's line state
	nodeHeading   = 512  // a heading's node, its id and the id's entry in the table of ids
	nodeLabel     = 384  // a '[' or "![": the label state and its text
	nodeLink      = 512  // a ']': the link, its text, its reference label normalised
	nodeDelimiter = 384  // a run of '*', '_', '~', '\'' or '"': the delimiter and its node
	nodeMark      = 192  // a dash, an ellipsis, a « or »
	nodeInline    = 384  // a code span, a raw tag, an autolink
	nodeSpace     = 16   // a space: the text cut there, now and then an autolink
	nodeCell      = 512  // a table cell
	nodeFootnote  = 2048 // a footnote reference: its link, its back link, its entries
	sanitizeTag   = 128  // bluemonday's allocation for a tag of the HTML
	sanitizeAttr  = 1024 // and for each of its attributes
	balanceTag    = 176  // balance's tree: for each tag, half an element and the text after it, and their tokens
	balanceAttr   = 192  // and for each attribute, its copy in the tree
	balanceByte   = 2    // and its copies of the HTML: the tags closed, the result
	prepareTag    = 40   // prepareArticle's reading of each tag, its name and attributes (removed.go)
	prepareByte   = 1    // and its copy of the HTML, once an embed is made
)

// Limit names a limit of MarkdownContext.
type Limit string

const (
	LimitSize          Limit = "size"           // MaxMarkdownBytes
	LimitNesting       Limit = "nesting"        // MaxNesting
	LimitInlineNesting Limit = "inline-nesting" // MaxInlineNesting
	LimitHTMLNesting   Limit = "html-nesting"   // raw HTML elements nested more than 160 deep
	LimitWork          Limit = "work"           // the work budget
	LimitElements      Limit = "elements"       // the memory budget of the parsed text
	LimitOutput        Limit = "output"         // MaxHTMLBytes
	LimitTime          Limit = "time"           // MaxRenderTime
)

// TooComplexError is MarkdownContext's answer to a body it refuses to render because it
// would cost more than its limits allow. Error() explains it to the writer in plain words,
// for the editor to show beside the text it kept.
type TooComplexError struct {
	Limit Limit
	Size  int // the body's length in bytes
	Line  int // the line (from 1) near which the limit was reached; 0 when not known
}

func (e *TooComplexError) Error() string {
	near := ""
	if e.Line > 0 {
		near = fmt.Sprintf(" (near line %d)", e.Line)
	}
	switch e.Limit {
	case LimitSize:
		return fmt.Sprintf("The text is %s bytes long, more than the %s (%s) an article may hold; nothing was saved. Shorten it or split it into two articles and try again.",
			thousands(e.Size), thousands(MaxMarkdownBytes), sizeWords(MaxMarkdownBytes))
	case LimitNesting:
		return fmt.Sprintf("The text nests lists or quotations more than %d levels deep%s; nothing was saved. Flatten it and try again.", MaxNesting, near)
	case LimitInlineNesting:
		return fmt.Sprintf("The text nests emphasis, links or images more than %d levels deep%s; nothing was saved. Simplify it and try again.", MaxInlineNesting, near)
	case LimitHTMLNesting:
		return fmt.Sprintf("The text's HTML puts elements more than %d levels deep inside one another%s, usually because tags are opened and never closed; nothing was saved. Close or remove them and try again.", maxHTMLDepth, near)
	case LimitOutput:
		return fmt.Sprintf("The text would make a page of more than %s%s, usually because a link reference or footnote is used thousands of times; nothing was saved. Shorten it and try again.",
			sizeWords(MaxHTMLBytes), near)
	case LimitElements:
		return fmt.Sprintf("The text holds too many lines, links or marks to lay out as one article%s; nothing was saved. Split it into several articles, or remove a long run of stray punctuation there, and try again.", near)
	case LimitTime:
		return fmt.Sprintf("The text took more than %v to lay out%s; nothing was saved. It probably holds a long run of Markdown punctuation ([, *, _, `, \" or <); remove it or put a backslash before each mark, and try again.",
			MaxRenderTime, near)
	default:
		return fmt.Sprintf("The text has too many unclosed brackets, emphasis marks, quotes or code marks to lay out%s; nothing was saved. Look there for a long run of [, (, *, _, `, \" or < characters, remove it or put a backslash before each mark, and try again.", near)
	}
}

// thousands writes n with a comma between each group of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func sizeWords(n int) string {
	if n >= 1<<20 {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
	}
	return fmt.Sprintf("%d KB", (n+1023)>>10)
}

var (
	markdown = goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.Typographer),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			// The budget's hooks: first of every block and inline parser, and before the
			// table's paragraph transformer and every AST transformer.
			parser.WithBlockParsers(util.Prioritized(blockMeter{}, -1000)),
			parser.WithInlineParsers(util.Prioritized(inlineMeter{}, -1000)),
			parser.WithParagraphTransformers(util.Prioritized(refMeter{}, 50), util.Prioritized(tableMeter{}, 150)),
			parser.WithASTTransformers(util.Prioritized(treeCheck{}, -1000), util.Prioritized(verbatimText{}, 1000)),
		),
		// Raw HTML is let through goldmark so that imported and embedded markup
		// survives; the article policy decides what of it is kept.
		goldmark.WithRendererOptions(goldhtml.WithUnsafe()),
	)

	// renderSlots bounds how many Markdown renders run at once in the process, so that
	// a few hostile or huge previews leave the other cores to the readers.
	renderSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))
)

// Markdown is MarkdownContext without a context: it always waits for its turn.
func Markdown(src string) (string, error) {
	return MarkdownContext(context.Background(), src)
}

// MarkdownContext renders article Markdown (CommonMark with GitHub's tables,
// strikethrough, autolinks and task lists, footnotes, and curly quotes, dashes and
// ellipses) to HTML cleaned by the article policy. Raw HTML is kept when the policy
// allows it; a tag naming no HTML element ("<limit>") is shown as text. Typography
// leaves alone the text inside raw <code>, <kbd>, <samp>, <pre> and <tt>, as it does
// code spans. The HTML is balanced and well nested (see balance): a raw <s> or <b> left
// open ends with its paragraph, and nothing of the body can reach past it in a page;
// character references to code points HTML forbids ("&#29;") are removed.
//
// Its cost is bounded: a body longer than MaxMarkdownBytes is refused before any work,
// at most max(1, GOMAXPROCS/2) renders run at once in the process (waiting for a turn
// ends with ctx), and a render stops as soon as it passes MaxNesting, MaxInlineNesting,
// its work budget, MaxHTMLBytes or MaxRenderTime, or ctx ends, or when its raw HTML
// nests elements more than 160 levels deep. A refused body gives a
// *TooComplexError, which speaks to the writer; an ended ctx gives an error wrapping
// ctx's cause.
//
// Only the built-in embed providers are allowed (see ArticleMarkdown).
func MarkdownContext(ctx context.Context, src string) (string, error) {
	html, _, err := ArticleMarkdown(ctx, src, Embeds{})
	return html, err
}

// ArticleMarkdown is MarkdownContext with the site's embed hosts (e) besides the
// built-in providers, and a report of what the article policy removed (an iframe from a
// host not allowed, a script, a form, an event handler, …), for the editor to show its
// writer. A provider's address alone in a paragraph ("https://youtu.be/ID" on a line of
// its own) and its embed code both become the same canonical embed (embed.go).
func ArticleMarkdown(ctx context.Context, src string, e Embeds) (string, *Report, error) {
	if len(src) > MaxMarkdownBytes {
		return "", nil, &TooComplexError{Limit: LimitSize, Size: len(src)}
	}
	select {
	case renderSlots <- struct{}{}:
	case <-ctx.Done():
		return "", nil, fmt.Errorf("render markdown: waiting for a turn: %w", context.Cause(ctx))
	}
	defer func() { <-renderSlots }()
	m := newMeter(ctx, src)
	out, err := m.render()
	if err != nil {
		return "", nil, err
	}
	rep := &Report{}
	// The steps after goldmark spend what is left of the same time budget and ctx.
	html, err := sanitizeArticle(stepBudget{ctx, m.deadline, len(src)}, out, false, e, rep)
	if errors.Is(err, errTooDeep) {
		return "", nil, &TooComplexError{Limit: LimitHTMLNesting, Size: len(src)}
	}
	if err != nil {
		return "", nil, err
	}
	return html, rep, nil
}

// render runs goldmark under the meter and returns its HTML with unknown tags escaped.
func (m *meter) render() (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(abortRender)
			if !ok {
				panic(r)
			}
			err = a.err
		}
	}()
	m.check()
	pc := parser.NewContext()
	pc.Set(meterKey, m)
	w := &cappedWriter{m: m, buf: make([]byte, 0, len(m.src)+len(m.src)/4+512)}
	if err := markdown.Convert(m.src, w, parser.WithContext(pc)); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	m.check()
	html, tags, attrs, ok := escapeUnknownTags(string(w.buf), int(min(m.work/costMarkup, int64(len(w.buf))*64+4096)))
	if !ok {
		m.abort(LimitWork, -1)
	}
	// The sanitiser allocates for each tag, and much more for each attribute (a link's
	// address is parsed and written again); balancing makes a tree of the HTML (a node
	// for each tag and each text between tags) and writes it again.
	m.grow(int64(tags)*(sanitizeTag+balanceTag+prepareTag)+int64(attrs)*(sanitizeAttr+balanceAttr)+int64(len(html))*(balanceByte+prepareByte), -1)
	return html, nil
}

// abortRender is the panic by which a hook stops goldmark, which cannot be cancelled;
// MarkdownContext recovers it, and only it.
type abortRender struct{ err error }

var meterKey = parser.NewContextKey()

// meter is the budget of one render, reached by the hooks through goldmark's context.
type meter struct {
	ctx      context.Context
	deadline time.Time
	src      []byte
	work     int64 // units left
	nodes    int64 // bytes of nodes left (estimated)
	calls    uint32

	fnDefs       int64 // footnote definitions seen so far (an upper bound)
	escapedPipes int64 // "\|" in table rows with code, so far

	// The inline state of the block being parsed.
	block     ast.Node
	blockEnd  int   // offset in src just past the block's last line
	delims    int64 // emphasis and strikethrough delimiter runs seen in the block
	labels    []int // offsets of the '[' and "![" not yet closed by a ']'
	runEnd    int   // end of the last run of one byte measured, and that byte
	runByte   byte
	ticks     map[int][]int // code quote runs of the block: offsets by run length
	index     [][]int32     // offsets in the block of each byte of indexed, once asked for
	spaceFrom int           // the last answer of nextSpace: from spaceFrom, the next white space is at spaceAt
	spaceAt   int
}

func newMeter(ctx context.Context, src string) *meter {
	return &meter{ctx: ctx, deadline: time.Now().Add(MaxRenderTime), src: []byte(src), work: workBudget, nodes: nodeBudget}
}

// check stops the render when ctx has ended or the deadline has passed.
func (m *meter) check() {
	if err := m.ctx.Err(); err != nil {
		panic(abortRender{fmt.Errorf("render markdown: %w", context.Cause(m.ctx))})
	}
	if time.Now().After(m.deadline) {
		m.abort(LimitTime, -1)
	}
}

// tick counts a hook's call and looks at the clock and ctx every 128 calls.
func (m *meter) tick() {
	if m.calls++; m.calls&127 == 0 {
		m.check()
	}
}

// charge spends units of the budget for work about to be done at offset pos.
func (m *meter) charge(units int64, pos int) {
	if m.work -= units; m.work < 0 {
		m.abort(LimitWork, pos)
	}
}

// grow spends the memory budget for nodes about to be made at offset pos.
func (m *meter) grow(bytes int64, pos int) {
	if m.nodes -= bytes; m.nodes < 0 {
		m.abort(LimitElements, pos)
	}
}

func (m *meter) abort(limit Limit, pos int) {
	e := &TooComplexError{Limit: limit, Size: len(m.src)}
	if pos >= 0 && pos <= len(m.src) {
		e.Line = bytes.Count(m.src[:pos], []byte{'\n'}) + 1
	}
	panic(abortRender{e})
}

func meterOf(pc parser.Context) *meter {
	m, _ := pc.Get(meterKey).(*meter)
	return m
}

// blockMeter is a block parser that opens nothing. Tried first at every line where a
// block may open, and again for every container opened on the line, it refuses nesting
// deeper than MaxNesting before goldmark's per-line work grows with the depth.
type blockMeter struct{}

// Trigger names every byte rather than none: parsers without a trigger are tried after
// all the others, and only when none opened a block.
func (blockMeter) Trigger() []byte {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	return all
}

func (blockMeter) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	m := meterOf(pc)
	if m == nil {
		return nil, parser.NoChildren
	}
	m.tick()
	line, seg := reader.PeekLine()
	m.grow(nodeLine, seg.Start)
	depth := 0
	for n := parent; n != nil; n = n.Parent() {
		switch n.Kind() {
		case ast.KindDocument, ast.KindListItem:
		default:
			depth++
		}
	}
	if depth > MaxNesting {
		m.abort(LimitNesting, seg.Start)
	}
	if pos := pc.BlockOffset(); pos >= 0 && pos < len(line) {
		switch line[pos] {
		case '#', '=', '-': // maybe a heading, or a setext heading's underline
			m.grow(nodeHeading, seg.Start)
		case '[':
			// A footnote definition "[^label]:" is looked up by every reference and
			// sorted among the others by insertion (extension.footnoteASTTransformer).
			if pos+1 < len(line) && line[pos+1] == '^' {
				m.fnDefs++
				m.charge(m.fnDefs*costFootnote, seg.Start)
				m.grow(nodeFootnote, seg.Start)
			}
		}
	}
	return nil, parser.NoChildren
}

func (blockMeter) Continue(ast.Node, text.Reader, parser.Context) parser.State { return parser.Close }
func (blockMeter) Close(ast.Node, text.Reader, parser.Context)                 {}
func (blockMeter) CanInterruptParagraph() bool                                 { return true }
func (blockMeter) CanAcceptIndentedLine() bool                                 { return true }

// inlineMeter is an inline parser that parses nothing. Tried first at every byte that
// starts inline syntax, it charges the work goldmark's parsers are about to do there.
type inlineMeter struct{}

// Trigger names only bytes that already have parsers, so that text is cut into the same
// pieces as without it; ' ' stands for every white space and the start of each line.
func (inlineMeter) Trigger() []byte {
	return []byte{' ', '!', '[', ']', '<', '`', '*', '_', '~', '\'', '"', '(', '-', '.', ',', '>'}
}

func (inlineMeter) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	m := meterOf(pc)
	if m == nil {
		return nil
	}
	m.tick()
	line, seg := block.PeekLine()
	if len(line) == 0 {
		return nil
	}
	if parent != m.block {
		m.enterBlock(parent)
	}
	pos := seg.Start
	next := byte(0)
	if len(line) > 1 {
		next = line[1]
	}
	switch c := line[0]; c {
	case ' ':
		m.grow(nodeSpace, pos)
	case '[':
		if next == '^' {
			// A footnote reference walks the list of definitions
			// (extension.footnoteParser); it is then consumed whole.
			m.charge(m.fnDefs*costFootnote, pos)
			m.grow(nodeFootnote, pos)
			return nil
		}
		m.labels = append(m.labels, pos)
		m.grow(nodeLabel, pos)
	case '!':
		if next == '[' {
			m.labels = append(m.labels, pos)
			m.grow(nodeLabel, pos)
		}
	case ']':
		// The link parser walks the label's content and, before a '(' or a '[', scans
		// on for a destination, a title or a reference label, to the end of the line or
		// of the block.
		from := pos
		if n := len(m.labels); n > 0 {
			from = m.labels[n-1]
			m.labels = m.labels[:n-1]
		}
		m.charge(int64(pos-from+1+m.linkScan(line, pos))*costLinkScan, pos)
		m.grow(nodeLink, pos)
	case '*', '_', '~':
		// parser.ProcessDelimiters looks back, for each closing run, through every run
		// before it: at most the number of runs of the block so far.
		m.delims++
		m.charge(m.delims*costDelimiter+int64(m.runLength(line, pos))*costRunScan, pos)
		m.grow(nodeDelimiter, pos)
	case '\'', '"':
		// The typographer measures the whole run of quotes from each of its quotes.
		m.charge(int64(m.runLength(line, pos))*costRunScan, pos)
		m.grow(nodeDelimiter, pos)
	case '-', '.', '>':
		if next == c {
			m.grow(nodeMark, pos)
		}
	case '`':
		m.charge(int64(m.codeScan(line, pos))*costCodeScan, pos)
		m.grow(nodeInline, pos)
	case '<':
		// The raw-HTML parser matches a tag with a regular expression, which reads on
		// (across lines) as far as the text can still be a tag: to the next '>', or past
		// it inside a quoted value (rare enough to leave to the clock).
		if util.IsAlphaNumeric(next) || next == '/' {
			m.charge(int64(m.next('>', pos, 1)-pos)*costTagScan, pos)
			m.grow(nodeInline, pos)
		} else {
			m.grow(nodeMark, pos) // a «, an autolink, a comment, or text cut in two
		}
	}
	return nil
}

// enterBlock resets the inline state for a new block.
func (m *meter) enterBlock(b ast.Node) {
	m.block, m.blockEnd, m.delims, m.labels, m.runEnd, m.ticks, m.index = b, 0, 0, m.labels[:0], 0, nil, nil
	m.spaceFrom, m.spaceAt = 0, 0
	if lines := b.Lines(); lines.Len() > 0 {
		m.blockEnd = lines.At(lines.Len() - 1).Stop
	}
}

// runLength returns how many bytes like line[0] follow from pos on the line, measuring
// each run once however many times it is asked.
func (m *meter) runLength(line []byte, pos int) int {
	if pos < m.runEnd && m.runByte == line[0] {
		return m.runEnd - pos
	}
	n := 1
	for n < len(line) && line[n] == line[0] {
		n++
	}
	m.runByte, m.runEnd = line[0], pos+n
	return n
}

// indexed are the bytes whose offsets in a block next finds: those that end the scans
// of links and tags. They are few in ordinary text, so their lists are short.
const indexed = `"'()[]>`

// next returns the offset of the k-th c (one of indexed) after pos in the block, or the
// block's end. The offsets are found in one pass over the block, on the first ask.
func (m *meter) next(c byte, pos, k int) int {
	if m.index == nil {
		m.index = make([][]int32, len(indexed))
		lines := m.block.Lines()
		for i := 0; i < lines.Len(); i++ {
			s := lines.At(i)
			for j := s.Start; j < s.Stop; j++ {
				if x := strings.IndexByte(indexed, m.src[j]); x >= 0 {
					m.index[x] = append(m.index[x], int32(j))
				}
			}
		}
	}
	at := m.index[strings.IndexByte(indexed, c)]
	i, _ := slices.BinarySearch(at, int32(pos+1))
	if i += k - 1; i < len(at) {
		return int(at[i])
	}
	return m.blockEnd
}

// nextSpace returns the offset of the first white space after pos on the line that
// starts there, or the line's end. Asked at increasing offsets, it reads each byte once.
func (m *meter) nextSpace(line []byte, pos int) int {
	if m.spaceFrom <= pos && pos < m.spaceAt {
		return m.spaceAt
	}
	at := pos + len(line)
	if i := bytes.IndexAny(line[1:], " \t\n"); i >= 0 {
		at = pos + 1 + i
	}
	m.spaceFrom, m.spaceAt = pos, at
	return at
}

// linkScan returns how far the link parser may read on from the ']' at pos
// (parser.linkParser.Parse): before "(", a destination to the next white space on the
// line (or to the '>' of "<…>") and then a title to its closing quote or parenthesis;
// before "[", a reference label to the next '[' or ']'. text.FindClosure without
// nesting stops at the first opener or closer.
func (m *meter) linkScan(line []byte, pos int) int {
	if len(line) < 2 {
		return 0
	}
	switch line[1] {
	case '(':
		lineEnd := pos + len(line)
		dest := m.nextSpace(line, pos)
		if len(line) > 2 && line[2] == '<' {
			dest = min(m.next('>', pos, 1), lineEnd)
		}
		// A title opens with the first quote or '(' after the destination, and its scan
		// ends at the next quote of the same kind, or '(' or ')'.
		title := pos
		for _, q := range []byte{'"', '\''} {
			if m.next(q, pos, 1) < m.blockEnd {
				title = max(title, m.next(q, pos, 2))
			}
		}
		if open := m.next('(', pos, 2); open < m.blockEnd {
			title = max(title, min(m.next('(', pos, 3), m.next(')', open, 1)))
		}
		return dest - pos + title - pos
	case '[':
		return min(m.next('[', pos+1, 1), m.next(']', pos, 1)) - pos
	}
	return 0
}

// codeScan returns how far the code span parser will read from an opening run of
// backquotes at pos: to the next run of the same length in the block, or to its end.
func (m *meter) codeScan(line []byte, pos int) int {
	if m.ticks == nil {
		m.ticks = map[int][]int{}
		lines := m.block.Lines()
		for i := 0; i < lines.Len(); i++ {
			s := lines.At(i)
			for j := s.Start; j < s.Stop; {
				if m.src[j] != '`' {
					j++
					continue
				}
				k := j
				for k < s.Stop && m.src[k] == '`' {
					k++
				}
				m.ticks[k-j] = append(m.ticks[k-j], j)
				j = k
			}
		}
	}
	n := 1
	for n < len(line) && line[n] == '`' {
		n++
	}
	runs := m.ticks[n]
	if k := sort.SearchInts(runs, pos+1); k < len(runs) {
		return runs[k] - pos
	}
	return m.blockEnd - pos
}

// tableMeter charges the cells of a table before the table extension makes them: it
// pads every row to the number of columns of the delimiter row, so a wide header over
// many short rows would otherwise make millions of cells from a few kilobytes.
type tableMeter struct{}

func (tableMeter) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	m := meterOf(pc)
	if m == nil {
		return
	}
	m.tick()
	lines := node.Lines()
	for i := 1; i < lines.Len(); i++ {
		seg := lines.At(i)
		row := seg.Value(reader.Source())
		if !isTableDelimiterRow(row) {
			continue
		}
		// The extension stops at the first delimiter row, whether or not a table follows.
		cells := int64(bytes.Count(row, []byte{'|'})+1) * int64(lines.Len()-i+1)
		m.charge(cells*costTableCell, seg.Start)
		m.grow(cells*nodeCell, seg.Start)
		// A "\|" in a cell with code is kept in a list of the whole document, which the
		// extension's AST transformer walks again for each piece of text of such a cell.
		for j := i - 1; j < lines.Len(); j++ {
			seg := lines.At(j)
			if row := seg.Value(reader.Source()); bytes.IndexByte(row, '`') >= 0 {
				for n := bytes.Count(row, []byte(`\|`)); n > 0; n-- {
					m.escapedPipes++
					m.charge(m.escapedPipes*costEscapedPipe, seg.Start)
				}
			}
		}
		return
	}
}

// refMeter charges, before goldmark's link reference transformer runs on a paragraph,
// its removal of each definition: the rest of the paragraph's lines are copied for each.
type refMeter struct{}

func (refMeter) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	m := meterOf(pc)
	if m == nil {
		return
	}
	m.tick()
	lines, src := node.Lines(), reader.Source()
	defs := int64(0)
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		if line := bytes.TrimLeft(seg.Value(src), " "); len(line) > 0 && line[0] == '[' {
			defs++
		}
	}
	if defs > 0 {
		m.charge(defs*int64(lines.Len())*costLineCopy, lines.At(0).Start)
	}
}

// isTableDelimiterRow is extension.isTableDelim's test, without its indentation rule.
func isTableDelimiterRow(row []byte) bool {
	allDashes := true
	for _, b := range row {
		if b != '-' {
			allDashes = false
		}
		if !(util.IsSpace(b) || b == '-' || b == '|' || b == ':') {
			return false
		}
	}
	return !allDashes
}

// treeCheck runs first of the AST transformers, on the whole parsed tree: it refuses
// inline nesting deeper than MaxInlineNesting (emphasis can nest one level per two
// asterisks of a run) before anything walks the tree by recursion, the renderer included.
type treeCheck struct{}

func (treeCheck) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	m := meterOf(pc)
	if m == nil {
		return
	}
	// An iterative walk: the tree may be deep.
	inline := make([]int, 1, 64) // inline depth at each depth of the walk
	for n := ast.Node(doc); n != nil; {
		m.tick()
		d := inline[len(inline)-1]
		if n.Type() == ast.TypeInline {
			if d++; d > MaxInlineNesting {
				m.abort(LimitInlineNesting, nodeOffset(n))
			}
		} else {
			d = 0
		}
		if c := n.FirstChild(); c != nil {
			inline = append(inline, d)
			n = c
			continue
		}
		for n != nil && n != ast.Node(doc) && n.NextSibling() == nil {
			n = n.Parent()
			inline = inline[:len(inline)-1]
		}
		if n == nil || n == ast.Node(doc) {
			break
		}
		n = n.NextSibling()
	}
}

// verbatimText takes the typographer's marks back out of the text inside raw <code>,
// <kbd>, <samp>, <pre> and <tt> tags: "<code>-- \"x\"</code>" shows as written, as a
// code span does. These are the elements WordPress's wptexturize leaves alone (pre,
// code, kbd, tt; samp is of their kind). Raw tags are counted in each block, as balance
// ends an element left open with the block (paragraph, heading, cell) it is in.
type verbatimText struct{}

// verbatimTags are the elements whose text keeps its straight quotes and dashes.
var verbatimTags = map[string]bool{"code": true, "kbd": true, "samp": true, "pre": true, "tt": true}

// typographerMarks maps each of the typographer's substitutions (its defaults) to the
// text it replaced.
var typographerMarks = map[string]string{
	"&lsquo;": "'", "&rsquo;": "'", "&ldquo;": `"`, "&rdquo;": `"`, "&ndash;": "--",
	"&mdash;": "---", "&hellip;": "...", "&laquo;": "<<", "&raquo;": ">>",
}

var rawTagName = regexp.MustCompile(`^<(/?)([A-Za-z][A-Za-z0-9-]*)`)

func (verbatimText) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	if bytes.IndexByte(src, '<') < 0 {
		return
	}
	depth := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeBlock {
			depth = 0
		}
		switch n := n.(type) {
		case *ast.RawHTML:
			if n.Segments.Len() == 0 {
				break
			}
			seg := n.Segments.At(0)
			if m := rawTagName.FindSubmatch(seg.Value(src)); m != nil && verbatimTags[strings.ToLower(string(m[2]))] {
				// "<code/>" opens a code element too: HTML ignores the slash.
				if len(m[1]) > 0 {
					depth = max(0, depth-1)
				} else {
					depth++
				}
			}
		case *ast.String:
			if depth > 0 && n.IsCode() {
				if was, ok := typographerMarks[string(n.Value)]; ok {
					n.Value = []byte(was)
					n.SetCode(false) // written escaped: "<<" as "&lt;&lt;"
				}
			}
		}
		return ast.WalkContinue, nil
	})
}

// nodeOffset returns where in the source a node starts, or -1.
func nodeOffset(n ast.Node) int {
	for ; n != nil; n = n.Parent() {
		if p := n.Pos(); p >= 0 {
			return p
		}
		if t, ok := n.(*ast.Text); ok {
			return t.Segment.Start
		}
	}
	return -1
}

// cappedWriter collects goldmark's HTML, up to MaxHTMLBytes; goldmark writes it through
// a 4 KB buffer, so the clock and ctx are also looked at every 4 KB of output.
type cappedWriter struct {
	m   *meter
	buf []byte
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	if len(w.buf)+len(p) > MaxHTMLBytes {
		w.m.abort(LimitOutput, -1)
	}
	w.m.check()
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// IsTooComplex reports whether err is (or wraps) a *TooComplexError.
func IsTooComplex(err error) bool {
	var e *TooComplexError
	return errors.As(err, &e)
}
