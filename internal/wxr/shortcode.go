package wxr

import (
	"fmt"
	"html"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// maxShortcodes is how many shortcodes one Convert turns into HTML; later ones are left
// as text (and counted as unknown).
const maxShortcodes = 10_000

// maxShortcodeDepth is how deep shortcodes inside shortcodes' content are converted.
const maxShortcodeDepth = 8

// knownShortcodes are the shortcodes WordPress registers for media that Convert turns
// into HTML. "wp_caption" is [caption]'s old name, still registered by WordPress;
// "youtube" and "vimeo" are WordPress.com's (Jetpack's) video shortcodes.
var knownShortcodes = map[string]bool{"caption": true, "wp_caption": true, "gallery": true, "embed": true, "audio": true, "video": true,
	"youtube": true, "vimeo": true}

// shortcoder is one Convert's run of do_shortcode.
type shortcoder struct {
	opt ConvertOptions
	rep *Report
	n   int
}

// scTag is a shortcode's opening tag: s[start:end] is "[name attrs]" or "[name /]".
type scTag struct {
	name       string
	attrs      string
	self       bool
	start, end int
}

// scan keeps the searches of one text's scan monotonic: each "next X after p" is looked
// for again only when p has passed the last one found, so that a text of many "[" or
// many openers without closers costs its length, not its length squared.
type scan struct {
	s           string
	bracket     int            // index of the next ']' found by the last search, -1 none
	bracketFrom int            // where that search started, -1 before the first
	closers     map[string]int // name → index of the next "[/name]" likewise, -1 none
	from        map[string]int // name → where that search started
}

// fresh reports whether a search from p would find what one from from found.
func fresh(found, from, p int) bool { return from >= 0 && p >= from && (found == -1 || found >= p) }

func (c *scan) nextBracket(p int) int {
	if fresh(c.bracket, c.bracketFrom, p) {
		return c.bracket
	}
	k := strings.IndexByte(c.s[p:], ']')
	if k >= 0 {
		k += p
	}
	c.bracket, c.bracketFrom = k, p
	return k
}

func (c *scan) nextCloser(name string, p int) int {
	if k, ok := c.closers[name]; ok && fresh(k, c.from[name], p) {
		return k
	}
	if len(c.closers) > 1000 {
		clear(c.closers) // many names: forget; the searches stay correct
		clear(c.from)
	}
	k := strings.Index(c.s[p:], "[/"+name+"]")
	if k >= 0 {
		k += p
	}
	c.closers[name], c.from[name] = k, p
	return k
}

// rawElements are the elements whose content shortcodes are not looked for in: code
// shows shortcodes as text, and scripts and styles are no text at all.
var rawElements = map[string]bool{"pre": true, "code": true, "script": true, "style": true, "textarea": true}

// do is WordPress's do_shortcode with shortcode_unautop folded in: the known shortcodes
// of s become HTML (a known shortcode alone in a paragraph loses the paragraph, as
// shortcode_unautop removes it), "[[name]]" is the text "[name]", and any other
// shortcode is left and counted.
func (sc *shortcoder) do(s string, depth int) string {
	if !strings.Contains(s, "[") {
		return s
	}
	c := &scan{s: s, bracketFrom: -1, closers: map[string]int{}, from: map[string]int{}}
	lower := asciiLowerString(s)
	var out strings.Builder
	i, p := 0, 0 // s[:i] is written; the scan is at p
	for p < len(s) {
		j := strings.IndexAny(s[p:], "[<")
		if j < 0 {
			break
		}
		j += p
		if s[j] == '<' {
			p = skipTag(s, lower, j)
			continue
		}
		escaped := j+1 < len(s) && s[j+1] == '['
		at := j
		if escaped {
			at = j + 1
		}
		tag, ok := parseShortcodeTag(s, at, c)
		if !ok {
			p = j + 1
			continue
		}
		if !knownShortcodes[tag.name] {
			if looksLikeShortcode(s, tag, c) {
				sc.rep.count(&sc.rep.Unknown, tag.name)
			}
			p = tag.end
			continue
		}
		content, end := "", tag.end
		if !tag.self {
			if k := c.nextCloser(tag.name, tag.end); k >= 0 {
				content, end = s[tag.end:k], k+len(tag.name)+3
			}
		}
		if escaped {
			// "[[caption]…[/caption]]": WordPress shows the shortcode itself.
			if end < len(s) && s[end] == ']' {
				out.WriteString(s[i:j])
				out.WriteString(s[at:end])
				i, p = end+1, end+1
				continue
			}
			p = j + 1
			continue
		}
		if sc.n >= maxShortcodes || depth >= maxShortcodeDepth {
			sc.rep.count(&sc.rep.Unknown, tag.name)
			p = end
			continue
		}
		sc.n++
		before := s[i:j]
		// shortcode_unautop: "<p>[gallery]</p>" → "[gallery]".
		if t := strings.TrimRight(before, " \t\r\n"); strings.HasSuffix(t, "<p>") {
			rest := strings.TrimLeft(s[end:], " \t\r\n")
			if strings.HasPrefix(rest, "</p>") {
				before = t[:len(t)-3]
				end = len(s) - len(rest) + 4
			}
		}
		out.WriteString(before)
		out.WriteString(sc.convert(tag, content, depth))
		sc.rep.count(&sc.rep.Shortcodes, tag.name)
		i, p = end, end
	}
	if i == 0 {
		return s
	}
	out.WriteString(s[i:])
	return out.String()
}

// skipTag returns where the scan goes on after the "<" at j: past the tag or comment,
// or past the end of a raw element's content.
func skipTag(s, lower string, j int) int {
	if strings.HasPrefix(s[j:], "<!--") {
		if k := strings.Index(s[j+4:], "-->"); k >= 0 {
			return j + 4 + k + 3
		}
		return len(s)
	}
	if j+1 >= len(s) || !(isLetter(s[j+1]) || s[j+1] == '/') {
		return j + 1 // "a < b" is text
	}
	k := strings.IndexByte(s[j:], '>')
	if k < 0 {
		return len(s)
	}
	end := j + k + 1
	n := j + 1
	for n < end && (isLetter(s[n]) || s[n] >= '0' && s[n] <= '9') {
		n++
	}
	if name := lower[j+1 : n]; rawElements[name] {
		if c := strings.Index(lower[end:], "</"+name); c >= 0 {
			return end + c
		}
		return len(s)
	}
	return end
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func asciiLowerString(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// parseShortcodeTag reads the opening tag at s[j] == '[': a name that starts with a
// letter, of letters, digits, "_" and "-", then space, "/" or "]" (WordPress's
// (?![\w-])), then attributes up to the first "]".
func parseShortcodeTag(s string, j int, c *scan) (scTag, bool) {
	n := j + 1
	if n >= len(s) || !isLetter(s[n]) {
		return scTag{}, false
	}
	for n < len(s) && (isLetter(s[n]) || s[n] >= '0' && s[n] <= '9' || s[n] == '_' || s[n] == '-') {
		n++
	}
	if n >= len(s) {
		return scTag{}, false
	}
	switch s[n] {
	case ']', '/', ' ', '\t', '\n', '\r', '=': // "=": WordPress.com's [youtube=URL]
	default:
		return scTag{}, false
	}
	k := c.nextBracket(n)
	if k < 0 {
		return scTag{}, false
	}
	t := scTag{name: s[j+1 : n], attrs: s[n:k], start: j, end: k + 1}
	if strings.HasSuffix(t.attrs, "/") {
		t.self = true
		t.attrs = t.attrs[:len(t.attrs)-1]
	}
	return t, true
}

// looksLikeShortcode tells an unknown shortcode from bracketed prose ("[sic]", "[1]"):
// it has attributes or a self-closing slash, a closing tag, a name no word has ("_",
// "-"), or it stands alone on its line.
func looksLikeShortcode(s string, t scTag, c *scan) bool {
	if t.self || strings.ContainsAny(t.attrs, "=\"'") || strings.ContainsAny(t.name, "_-") {
		return true
	}
	if c.nextCloser(t.name, t.end) >= 0 {
		return true
	}
	lineStart := strings.LastIndexAny(s[:t.start], "\n>") + 1
	lineEnd := strings.IndexAny(s[t.end:], "\n<")
	if lineEnd < 0 {
		lineEnd = len(s)
	} else {
		lineEnd += t.end
	}
	return strings.TrimSpace(s[lineStart:t.start]) == "" && strings.TrimSpace(s[t.end:lineEnd]) == ""
}

// reShortcodeAttr is WordPress's get_shortcode_atts_regex.
var reShortcodeAttr = regexp.MustCompile(`([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)`)

// parseAttrs is WordPress's shortcode_parse_atts: named attributes (keys lower-cased),
// and positional ones under "0", "1", … as PHP's numeric keys.
func parseAttrs(s string) map[string]string {
	s = strings.NewReplacer("\u00a0", " ", "\u200b", " ").Replace(s)
	attrs := map[string]string{}
	pos := 0
	positional := func(v string) {
		attrs[strconv.Itoa(pos)] = v
		pos++
	}
	for _, m := range reShortcodeAttr.FindAllStringSubmatch(s, -1) {
		switch {
		case m[1] != "":
			attrs[strings.ToLower(m[1])] = m[2]
		case m[3] != "":
			attrs[strings.ToLower(m[3])] = m[4]
		case m[5] != "":
			attrs[strings.ToLower(m[5])] = m[6]
		case m[7] != "":
			positional(m[7])
		case m[8] != "":
			positional(m[8])
		case m[9] != "":
			positional(m[9])
		}
	}
	return attrs
}

// convert is one known shortcode's HTML.
func (sc *shortcoder) convert(t scTag, content string, depth int) string {
	a := parseAttrs(t.attrs)
	switch t.name {
	case "caption", "wp_caption":
		return sc.caption(a, sc.do(content, depth+1))
	case "gallery":
		return sc.gallery(a)
	case "youtube", "vimeo":
		return videoShortcode(t, a)
	case "embed":
		u := strings.TrimSpace(html.UnescapeString(reTag.ReplaceAllString(content, "")))
		if !reWebURL.MatchString(u) {
			return content
		}
		return "<p>" + html.EscapeString(u) + "</p>"
	case "audio":
		return media("audio", a, content, []string{"mp3", "ogg", "flac", "m4a", "wav", "wma"}, "none")
	case "video":
		return media("video", a, content, []string{"mp4", "m4v", "webm", "ogv", "wmv", "flv"}, "metadata")
	}
	return content
}

var reCaptionImg = regexp.MustCompile(`(?is)((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)`)
var reLeadingBR = regexp.MustCompile(`^(?:\s*<br\s*/?>)+`)

// caption is WordPress's img_caption_shortcode in its HTML5 form: the image (with its
// link) in a <figure>, the caption (the "caption" attribute, or the text after the
// image) in its <figcaption>. Without a caption it is the content alone.
func (sc *shortcoder) caption(a map[string]string, content string) string {
	caption, hasAttr := a["caption"]
	if !hasAttr {
		m := reCaptionImg.FindStringSubmatchIndex(content)
		if m == nil {
			return content
		}
		caption = strings.TrimSpace(reLeadingBR.ReplaceAllString(content[m[4]:m[5]], ""))
		content = content[:m[3]]
	}
	caption = strings.TrimSpace(caption)
	if caption == "" {
		return content
	}
	return "<figure>" + strings.TrimSpace(content) + "<figcaption>" + caption + "</figcaption></figure>"
}

// gallery is WordPress's gallery_shortcode as a figure of figures (the form of the
// gallery block since WordPress 5.9): the attachments of "ids" (or "include"), in that
// order, or else the images attached to the post, less "exclude". link="file" links
// each image to its file; other links (the attachment's page) are left out.
func (sc *shortcoder) gallery(a map[string]string) string {
	ids := idList(a["ids"])
	if len(ids) == 0 {
		ids = idList(a["include"])
	}
	exclude := map[int64]bool{}
	for _, id := range idList(a["exclude"]) {
		exclude[id] = true
	}
	var refs []AttachmentRef
	if len(ids) > 0 {
		for _, id := range ids {
			var ref AttachmentRef
			ok := false
			if sc.opt.Attachments != nil {
				ref, ok = sc.opt.Attachments.Attachment(id)
			}
			if !ok || ref.URL == "" {
				sc.missing(id)
				continue
			}
			refs = append(refs, ref)
		}
	} else if sc.opt.Attachments != nil && sc.opt.PostID != 0 {
		for _, ref := range sc.opt.Attachments.AttachedTo(sc.opt.PostID) {
			if !exclude[ref.ID] && ref.IsImage() && ref.URL != "" {
				refs = append(refs, ref)
			}
		}
	}
	if len(refs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<figure>")
	for _, r := range refs {
		img := `<img src="` + attrURL(r.URL) + `" alt="` + html.EscapeString(r.Alt) + `"`
		if r.Width > 0 && r.Height > 0 {
			img += fmt.Sprintf(` width="%d" height="%d"`, r.Width, r.Height)
		}
		img += ">"
		if a["link"] == "file" {
			img = `<a href="` + attrURL(r.URL) + `">` + img + "</a>"
		}
		b.WriteString("<figure>" + img)
		if c := strings.TrimSpace(r.Caption); c != "" {
			b.WriteString("<figcaption>" + c + "</figcaption>")
		}
		b.WriteString("</figure>")
	}
	b.WriteString("</figure>")
	return b.String()
}

func (sc *shortcoder) missing(id int64) {
	for _, m := range sc.rep.MissingAttachments {
		if m == id {
			return
		}
	}
	if len(sc.rep.MissingAttachments) < 1000 {
		sc.rep.MissingAttachments = append(sc.rep.MissingAttachments, id)
	}
}

// idList reads "1, 2,3" (junk between the numbers ignored, as WordPress's
// wp_parse_id_list ignores it), at most 1,000 IDs.
func idList(s string) []int64 {
	var ids []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil && id > 0 && len(ids) < 1000 {
			ids = append(ids, id)
		}
	}
	return ids
}

// attrURL is a shortcode attribute's address written into an HTML attribute: the
// entities WordPress's editor wrote read first, so that "&amp;" is not doubled.
func attrURL(v string) string { return html.EscapeString(strings.TrimSpace(html.UnescapeString(v))) }

var mediaTypes = map[string]string{
	"mp3": "audio/mpeg", "ogg": "audio/ogg", "flac": "audio/flac", "m4a": "audio/mp4", "wav": "audio/wav", "wma": "audio/x-ms-wma",
	"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg", "wmv": "video/x-ms-wmv", "flv": "video/x-flv",
}

// media is WordPress's wp_audio_shortcode and wp_video_shortcode without their script
// player: a native <audio> or <video> with controls, the file of "src" or of a format
// attribute ("mp3", "mp4", …) as its src, or a <source> for each when there are
// several, and a link to the first file inside (what a reader or a feed without
// players shows). Without any file it is the content alone.
func media(el string, a map[string]string, content string, formats []string, preload string) string {
	var srcs []string
	add := func(u string) {
		u = strings.TrimSpace(html.UnescapeString(u))
		if u == "" {
			return
		}
		for _, s := range srcs {
			if s == u {
				return
			}
		}
		srcs = append(srcs, u)
	}
	add(a["src"])
	for _, f := range formats {
		add(a[f])
	}
	if len(srcs) == 0 {
		// "[audio https://…/file.mp3]" (WordPress.com) or "[video]https://…[/video]".
		for _, u := range []string{a["0"], reTag.ReplaceAllString(content, "")} {
			if u = strings.TrimSpace(html.UnescapeString(u)); reWebURL.MatchString(u) {
				add(u)
				break
			}
		}
	}
	if len(srcs) == 0 {
		return content
	}
	switch a["preload"] {
	case "none", "metadata", "auto":
		preload = a["preload"]
	}
	// In a paragraph (a player is phrasing content): where the policy removes the
	// player, its link is left in a paragraph of its own.
	var b strings.Builder
	b.WriteString("<p><" + el + ` controls preload="` + preload + `"`)
	if el == "video" {
		for _, k := range []string{"width", "height"} {
			if n, err := strconv.Atoi(a[k]); err == nil && n > 0 && n < 10000 {
				fmt.Fprintf(&b, ` %s="%d"`, k, n)
			}
		}
		if p := strings.TrimSpace(a["poster"]); p != "" {
			b.WriteString(` poster="` + attrURL(p) + `"`)
		}
	}
	// One file is the element's src; several are <source> elements, the browser
	// playing the first it can. render keeps the player when a file is https (or the
	// site's own), else it leaves the link.
	first := srcs[0]
	if len(srcs) == 1 {
		b.WriteString(` src="` + html.EscapeString(first) + `">`)
	} else {
		b.WriteString(">")
		for _, u := range srcs {
			b.WriteString(`<source src="` + html.EscapeString(u) + `"`)
			ext := strings.TrimPrefix(strings.ToLower(path.Ext(strings.SplitN(u, "?", 2)[0])), ".")
			if t := mediaTypes[ext]; t != "" {
				b.WriteString(` type="` + t + `"`)
			}
			b.WriteString(">")
		}
	}
	name := path.Base(strings.SplitN(first, "?", 2)[0])
	b.WriteString(`<a href="` + html.EscapeString(first) + `">` + html.EscapeString(name) + "</a></" + el + "></p>")
	return b.String()
}

// videoShortcode is Jetpack's [youtube …] or [vimeo …] as WordPress.com wrote it —
// [youtube=URL&w=640&h=385], [youtube URL], [vimeo 76979871], [vimeo URL],
// [vimeo id=76979871] — made the address alone in a paragraph, which the renderer makes
// the player (as [embed]); a tag naming no address is left as it was written.
func videoShortcode(t scTag, a map[string]string) string {
	arg := strings.TrimSpace(html.UnescapeString(strings.TrimPrefix(strings.TrimSpace(t.attrs), "=")))
	if f := strings.Fields(arg); len(f) > 0 {
		arg = f[0]
	}
	if t.name == "vimeo" {
		if id := a["id"]; id != "" {
			arg = id
		}
		if arg != "" && strings.Trim(arg, "0123456789") == "" {
			arg = "https://vimeo.com/" + arg
		}
	}
	if !reWebURL.MatchString(arg) {
		return "[" + t.name + t.attrs + "]"
	}
	return "<p>" + html.EscapeString(arg) + "</p>"
}
