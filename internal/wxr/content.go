package wxr

import (
	"encoding/json"
	"html"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Content conversion: WordPress stores a post's content as the editor saved it and
// builds the page from it with filters (the_content: do_blocks, wpautop,
// shortcode_unautop, do_shortcode). Convert does the same work once, at import, so that
// the stored body is the HTML a reader saw:
//
//   - Gutenberg block delimiters (<!-- wp:name {"attrs"} --> … <!-- /wp:name -->, and
//     self-closing <!-- wp:name /-->) are removed and each block's saved HTML kept;
//     an embed block becomes its address alone in a paragraph, which Broadsheet's
//     renderer turns into its iframe when the provider is allowed (render/embed.go);
//     a block with no saved HTML (a dynamic block WordPress renders on each request:
//     latest posts, archives, a reusable block) is dropped and counted in the Report.
//   - A post without blocks (the classic editor) gets wpautop's paragraphs and line
//     breaks; one with blocks does not, as in WordPress. Before wpautop, autoembed
//     makes a provider's address alone on its line a paragraph of its own (the
//     renderer's player). A post split with <!--nextpage--> is converted page by page.
//   - The text gets wptexturize's typography (render.SmartenHTML), as every post
//     WordPress showed had it.
//   - The shortcodes WordPress itself registers for media become HTML: [caption] a
//     <figure> with its <figcaption>, [gallery] a figure of figures from an
//     Attachments lookup, [embed] the address alone in a paragraph, [audio] and
//     [video] players with their sources and a link to the file; any other shortcode
//     is left as text, visible, and counted in the Report.
//
// The result is NOT safe: it is the writer's HTML as WordPress held it, to go through
// render's article policy (render.ArticleHTML) like any imported HTML. What Convert
// makes is chosen to survive that policy: figure, figcaption, img with alt, width and
// height, links, paragraphs. <audio> and <video> are removed by the policy today
// (render/removed.go: "players are not shown"); the link to the file inside each stays.
//
// Cost: every step is linear in the content's length (RE2 expressions, scans that never
// go back), blocks nest at most maxBlockDepth deep (deeper delimiters are removed
// without structure), at most maxShortcodes shortcodes are converted, and shortcodes
// nest at most maxShortcodeDepth deep.

// AttachmentRef is what a gallery needs of an attachment.
type AttachmentRef struct {
	ID        int64  // <wp:post_id>
	Parent    int64  // <wp:post_parent>: the post it was uploaded to
	MenuOrder int64  // <wp:menu_order>: its place in that post's gallery
	URL       string // <wp:attachment_url>
	Alt       string // _wp_attachment_image_alt
	Caption   string // <excerpt:encoded>: WordPress keeps an attachment's caption as its excerpt (HTML)
	Width     int    // _wp_attachment_metadata's width; 0 when unknown
	Height    int    // _wp_attachment_metadata's height; 0 when unknown
}

// IsImage reports whether the attachment's file is a picture, by its name's extension
// (WXR does not carry post_mime_type).
func (a AttachmentRef) IsImage() bool {
	switch strings.ToLower(path.Ext(strings.SplitN(a.URL, "?", 2)[0])) {
	case ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".avif", ".heic", ".bmp", ".ico", ".tif", ".tiff", ".svg":
		return true
	}
	return false
}

// Attachments looks attachments up for [gallery]: an importer builds one from the
// attachment items of a first pass (AttachmentIndex), since a WXR file may list an
// attachment after the post that shows it.
type Attachments interface {
	// Attachment returns the attachment with WordPress post ID id.
	Attachment(id int64) (AttachmentRef, bool)
	// AttachedTo returns the attachments whose post_parent is post, in WordPress's
	// gallery order (menu_order, then ID).
	AttachedTo(post int64) []AttachmentRef
}

// AttachmentIndex is an Attachments in memory (some 200 bytes an attachment).
type AttachmentIndex struct {
	byID     map[int64]AttachmentRef
	byParent map[int64][]int64
}

// NewAttachmentIndex returns an empty index.
func NewAttachmentIndex() *AttachmentIndex {
	return &AttachmentIndex{byID: map[int64]AttachmentRef{}, byParent: map[int64][]int64{}}
}

// Add indexes it if it is an attachment; other items are ignored.
func (x *AttachmentIndex) Add(it *Item) {
	if it.Type != "attachment" {
		return
	}
	a := AttachmentRef{ID: it.PostID, Parent: it.PostParent, MenuOrder: it.MenuOrder, URL: strings.TrimSpace(it.AttachmentURL), Caption: it.Excerpt}
	if !news.IsFileAddress(a.URL) {
		a.URL = "" // javascript:, data:…: skipped (fit.go's FitFileScheme), no gallery's or featured image
	}
	if it.Attachment != nil {
		a.Alt = it.Attachment.Alt
		if md := it.Attachment.Metadata; md != nil {
			a.Width, a.Height = md.Width, md.Height
		}
	}
	if _, dup := x.byID[a.ID]; !dup && a.Parent != 0 {
		x.byParent[a.Parent] = append(x.byParent[a.Parent], a.ID)
	}
	x.byID[a.ID] = a
}

// Len is how many attachments the index holds.
func (x *AttachmentIndex) Len() int { return len(x.byID) }

func (x *AttachmentIndex) Attachment(id int64) (AttachmentRef, bool) {
	a, ok := x.byID[id]
	return a, ok
}

func (x *AttachmentIndex) AttachedTo(post int64) []AttachmentRef {
	ids := x.byParent[post]
	out := make([]AttachmentRef, 0, len(ids))
	for _, id := range ids {
		out = append(out, x.byID[id])
	}
	slices.SortStableFunc(out, func(a, b AttachmentRef) int {
		if a.MenuOrder != b.MenuOrder {
			return int(min(max(a.MenuOrder-b.MenuOrder, -1), 1))
		}
		return int(min(max(a.ID-b.ID, -1), 1))
	})
	return out
}

// ConvertOptions says what Convert needs beyond the content.
type ConvertOptions struct {
	// PostID is the post the content is of: a [gallery] without ids shows the images
	// attached to it.
	PostID int64
	// Attachments looks up a gallery's images; nil finds none (every gallery is then
	// reported missing).
	Attachments Attachments
}

// Report is what Convert did that an import report should tell.
type Report struct {
	// Blocks counts the Gutenberg blocks whose delimiters were removed, by name
	// ("core/paragraph"; a name without namespace is core's, as WordPress reads it).
	Blocks map[string]int
	// Dropped counts the blocks that had no saved HTML and were removed, by name
	// ("core/latest-posts", "core/block" for a reusable block).
	Dropped map[string]int
	// Shortcodes counts the shortcodes converted to HTML, by name.
	Shortcodes map[string]int
	// Unknown counts the shortcodes left as text, by name.
	Unknown map[string]int
	// MissingAttachments are the attachment IDs a gallery named that Attachments did
	// not have, in order of appearance, without repetition.
	MissingAttachments []int64
}

func (r *Report) count(m *map[string]int, name string) {
	if *m == nil {
		*m = map[string]int{}
	}
	(*m)[name]++
}

// Merge adds o's counts to r (for an import's total).
func (r *Report) Merge(o Report) {
	for _, p := range []struct{ dst, src *map[string]int }{
		{&r.Blocks, &o.Blocks}, {&r.Dropped, &o.Dropped}, {&r.Shortcodes, &o.Shortcodes}, {&r.Unknown, &o.Unknown},
	} {
		for k, n := range *p.src {
			if *p.dst == nil {
				*p.dst = map[string]int{}
			}
			(*p.dst)[k] += n
		}
	}
	for _, id := range o.MissingAttachments {
		if !slices.Contains(r.MissingAttachments, id) {
			r.MissingAttachments = append(r.MissingAttachments, id)
		}
	}
}

// UnknownNames returns the unknown shortcodes' names, sorted.
func (r Report) UnknownNames() []string { return slices.Sorted(maps.Keys(r.Unknown)) }

// Convert turns a post's stored content (Item.Content, or an excerpt) into the HTML
// WordPress showed for it; see the comment at the top of content.go for what it does,
// and the Report for what it could not.
func Convert(content string, opt ConvertOptions) (string, Report) {
	var rep Report
	sc := &shortcoder{opt: opt, rep: &rep}
	pages := splitPages(content, &rep)
	if len(pages) == 1 {
		return convertPage(pages[0], sc), rep
	}
	var b strings.Builder
	for i, p := range pages {
		if i > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		b.WriteString(convertPage(p, sc))
	}
	return b.String(), rep
}

// convertPage is the_content's work on one page of a post: blocks or wpautop (decided
// for the page, as WordPress's has_blocks sees only the page it renders), then the
// shortcodes.
func convertPage(content string, sc *shortcoder) string {
	var out string
	if hasBlocks(content) {
		out = renderBlocks(parseBlocks(content), sc.rep)
	} else {
		out = wpautop(autoembed(content))
	}
	// wptexturize ran on every post WordPress showed, blocks or not.
	return smartenKeepingShortcodes(sc.do(out, 0))
}

// reShortcodeTag is a shortcode's tag left in the text ("[contact-form-7 id=\"5\"]",
// "[/spoiler]").
var reShortcodeTag = regexp.MustCompile(`\[/?[A-Za-z0-9_][A-Za-z0-9_-]*(?:\s[^\[\]<>]*)?\]`)

// smartenKeepingShortcodes is render.SmartenHTML, as wptexturize, with the shortcode
// tags Convert left as text (a plugin's, shown for an editor to replace) kept as
// written: WordPress's wptexturize did not touch a shortcode's tag either.
func smartenKeepingShortcodes(s string) string {
	const open, close = "\uE000", "\uE001" // private use: no text of a post holds them
	if !strings.Contains(s, "[") || strings.Contains(s, open) || strings.Contains(s, close) {
		return render.SmartenHTML(s)
	}
	var kept []string
	s = reShortcodeTag.ReplaceAllStringFunc(s, func(tag string) string {
		if !strings.ContainsAny(tag, "'\"-.") {
			return tag
		}
		kept = append(kept, tag)
		return open + strconv.Itoa(len(kept)-1) + close
	})
	s = render.SmartenHTML(s)
	if len(kept) == 0 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, open)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.Index(s[i:], close)
		n, err := -1, error(nil)
		if j >= 0 {
			n, err = strconv.Atoi(s[i+len(open) : i+j])
		}
		if j < 0 || err != nil || n < 0 || n >= len(kept) {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(kept[n])
		s = s[i+j+len(close):]
	}
}

// reLineURL is WP_Embed::autoembed's address on a line of its own, the line trimmed.
var reLineURL = regexp.MustCompile(`^https?://[^\s<>"]+$`)

// autoembed is WordPress's WP_Embed::autoembed before wpautop on a classic post: an
// address alone on its line (not only alone in a paragraph) became the provider's
// player where it stood. Broadsheet's renderer makes a player of an address alone in
// a paragraph, so such a line of a provider's address (render.IsBareEmbed) is made a
// paragraph of its own; any other address is left as WordPress left it (text on its
// line). Newlines inside tags do not end a line (WordPress replaces them first), and
// a <pre> element's lines are not touched.
func autoembed(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	const nl = "<!-- wp-line-break -->"
	lines := strings.Split(replaceInTags(s, "\n", nl), "\n")
	changed, inPre := false, false
	for i, line := range lines {
		wasPre := inPre
		if o, c := strings.LastIndex(line, "<pre"), strings.LastIndex(line, "</pre>"); o > c {
			inPre = true
		} else if c >= 0 {
			inPre = false
		}
		if wasPre || inPre {
			continue
		}
		if u := strings.TrimSpace(line); reLineURL.MatchString(u) && render.IsBareEmbed(u) {
			lines[i] = "\n" + u + "\n"
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.ReplaceAll(strings.Join(lines, "\n"), nl, "\n")
}

// splitPages is WordPress's split of a post into the pages <!--nextpage--> marks
// (WP_Query::generate_postdata): a newline on either side of each marker goes, the
// core/nextpage block's delimiters go, a marker at the very start is ignored. WordPress
// shows one page at a time, each through the_content on its own; the story shows them
// all, one after the other, so that text on either side of a marker is never joined
// into one paragraph and no line break is left where the marker stood.
func splitPages(content string, rep *Report) []string {
	const marker = "<!--nextpage-->"
	if !strings.Contains(content, marker) {
		return []string{content}
	}
	// In WordPress's order, one after the other: "\n\n<!--nextpage-->\n\n" loses all four.
	content = strings.ReplaceAll(content, "\n"+marker+"\n", marker)
	content = strings.ReplaceAll(content, "\n"+marker, marker)
	content = strings.ReplaceAll(content, marker+"\n", marker)
	for range strings.Count(content, "<!-- wp:nextpage -->") {
		rep.count(&rep.Blocks, "core/nextpage")
	}
	content = strings.NewReplacer("<!-- wp:nextpage -->", "", "<!-- /wp:nextpage -->", "").Replace(content)
	content = strings.TrimPrefix(content, marker)
	return strings.Split(content, marker)
}

// hasBlocks is WordPress's has_blocks: a block delimiter's opening anywhere.
func hasBlocks(s string) bool { return strings.Contains(s, "<!-- wp:") }

// maxBlockDepth is the deepest nesting of blocks kept as structure.
const maxBlockDepth = 64

// block is one parsed block: its name (with namespace), raw JSON attributes, and its
// parts in order: HTML text (string) and inner blocks (*block).
type block struct {
	name  string
	attrs string
	void  bool
	parts []any
}

// reDelimiter is WordPress's block delimiter (WP_Block_Parser::next_token) read inside
// one HTML comment: the comment ends at its first "-->", so the JSON of the attributes
// (which WordPress writes with "--" escaped as \u002d\u002d) cannot hold one.
var reDelimiter = regexp.MustCompile(`(?s)^\s+(/)?wp:([a-z][a-z0-9_-]*/)?([a-z][a-z0-9_-]*)\s+(?:(\{.*\})\s+)?(/)?$`)

// parseBlocks reads s into a root block whose parts are the top-level HTML and
// blocks. Like WordPress's parser it is lenient: a closer without its opener is
// ignored, a closer of an outer block closes the blocks left open inside it, and
// blocks left open end with the content.
func parseBlocks(s string) *block {
	root := &block{}
	stack := []*block{root}
	text := func(t string) {
		if t == "" {
			return
		}
		top := stack[len(stack)-1]
		top.parts = append(top.parts, t)
	}
	i := 0
	for i < len(s) {
		j := strings.Index(s[i:], "<!--")
		if j < 0 {
			break
		}
		j += i
		k := strings.Index(s[j+4:], "-->")
		if k < 0 {
			break
		}
		end := j + 4 + k + 3
		m := reDelimiter.FindStringSubmatch(s[j+4 : j+4+k])
		if m == nil {
			text(s[i:end])
			i = end
			continue
		}
		text(s[i:j])
		i = end
		if i < len(s) && s[i] == '\n' {
			i++ // the delimiter's own line
		}
		ns := m[2]
		if ns == "" {
			ns = "core/"
		}
		name := ns + m[3]
		switch {
		case m[1] == "/": // closer
			for d := len(stack) - 1; d > 0; d-- {
				if stack[d].name == name {
					stack = stack[:d]
					break
				}
			}
		case m[5] == "/": // void
			top := stack[len(stack)-1]
			top.parts = append(top.parts, &block{name: name, attrs: m[4], void: true})
		default:
			b := &block{name: name, attrs: m[4]}
			top := stack[len(stack)-1]
			top.parts = append(top.parts, b)
			if len(stack) <= maxBlockDepth {
				stack = append(stack, b)
			}
		}
	}
	text(s[i:])
	return root
}

// renderBlocks writes the HTML of b's parts, blocks made plain.
func renderBlocks(b *block, rep *Report) string {
	var out strings.Builder
	var walk func(b *block)
	walk = func(b *block) {
		for _, p := range b.parts {
			switch p := p.(type) {
			case string:
				out.WriteString(p)
			case *block:
				writeBlock(&out, p, rep, walk)
			}
		}
	}
	walk(b)
	return out.String()
}

func writeBlock(out *strings.Builder, b *block, rep *Report, walk func(*block)) {
	switch {
	case b.name == "core/more" || b.name == "core/nextpage":
		// <!--more--> and <!--nextpage--> mark the teaser's end and page breaks, which
		// Broadsheet's stories do not have.
		rep.count(&rep.Blocks, b.name)
		return
	case b.void && b.name == "core/separator":
		// A separator saves "<hr>"; written self-closing (by hand or by a tool), it
		// still means one.
		rep.count(&rep.Blocks, b.name)
		out.WriteString("<hr>")
		return
	case b.void:
		rep.count(&rep.Dropped, b.name)
		return
	case b.name == "core/embed" || strings.HasPrefix(b.name, "core-embed/"):
		rep.count(&rep.Blocks, b.name)
		writeEmbed(out, b, rep)
		return
	case b.name == "core/shortcode":
		// WordPress's render_block_core_shortcode: the shortcode text through wpautop
		// (shortcode_unautop then unwraps a shortcode alone in its paragraph).
		rep.count(&rep.Blocks, b.name)
		out.WriteString(wpautop(renderBlocks(b, rep)))
		return
	}
	rep.count(&rep.Blocks, b.name)
	walk(b)
}

var (
	reFigcaption = regexp.MustCompile(`(?is)<figcaption[^>]*>(.*?)</figcaption>`)
	reTag        = regexp.MustCompile(`<[^>]*>`)
	reWebURL     = regexp.MustCompile(`^https?://\S+$`)
)

// writeEmbed writes an embed block as WordPress's oEmbed reads it: the address alone in
// a paragraph (from the block's "url" attribute, or the text of its wrapper), and its
// caption, if any, as a paragraph after it.
func writeEmbed(out *strings.Builder, b *block, rep *Report) {
	inner := renderBlocks(b, rep)
	var attrs struct {
		URL string `json:"url"`
	}
	if b.attrs != "" {
		_ = json.Unmarshal([]byte(b.attrs), &attrs) // a bad attribute leaves the wrapper's text
	}
	caption := ""
	if m := reFigcaption.FindStringSubmatch(inner); m != nil {
		caption = strings.TrimSpace(m[1])
		inner = strings.Replace(inner, m[0], "", 1)
	}
	u := strings.TrimSpace(attrs.URL)
	if !reWebURL.MatchString(u) {
		u = strings.TrimSpace(html.UnescapeString(reTag.ReplaceAllString(inner, " ")))
	}
	if !reWebURL.MatchString(u) {
		// No address: keep what the block saved rather than lose it.
		out.WriteString(inner)
		return
	}
	out.WriteString("\n<p>" + html.EscapeString(u) + "</p>\n")
	if caption != "" {
		out.WriteString("<p>" + caption + "</p>\n")
	}
}
