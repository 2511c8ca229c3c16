package wxr

import (
	"regexp"
	"strconv"
	"strings"
)

// wpautop is WordPress's wpautop($text, true) (wp-includes/formatting.php, 6.x), which
// WordPress applies to a classic post's content when it is shown: text separated by a
// blank line becomes a paragraph, a single newline a <br />, block-level tags are left
// out of paragraphs, and <pre> elements are left alone. Its regular expressions are
// WordPress's, but for the two Go's RE2 cannot say (a look-behind, a back-reference),
// which are written out by hand; RE2's matching is linear in the text.
func wpautop(text string) string {
	// PHP's trim(): a no-break space or other Unicode space is text, not blank.
	if strings.Trim(text, " \t\n\r\x00\x0B") == "" {
		return ""
	}
	text += "\n" // "Just to make things a little easier, pad the end."

	// <pre> elements are taken out and put back at the end, untouched.
	var preTags []string
	if strings.Contains(text, "<pre") {
		parts := strings.Split(text, "</pre>")
		last := parts[len(parts)-1]
		var b strings.Builder
		for _, part := range parts[:len(parts)-1] {
			start := strings.Index(part, "<pre")
			if start < 0 { // malformed HTML
				b.WriteString(part)
				continue
			}
			b.WriteString(part[:start])
			b.WriteString(prePlaceholder(len(preTags)))
			preTags = append(preTags, part[start:]+"</pre>")
		}
		b.WriteString(last)
		text = b.String()
	}

	text = reDoubleBR.ReplaceAllString(text, "\n\n")
	text = reBlockOpen.ReplaceAllString(text, "\n\n$1")
	text = reBlockClose.ReplaceAllString(text, "$1\n\n")
	text = reHR.ReplaceAllString(text, "$1\n\n")
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text)
	text = replaceInTags(text, "\n", " <!-- wpnl --> ")

	if strings.Contains(text, "<option") {
		text = reOptionBefore.ReplaceAllString(text, "<option")
		text = reOptionAfter.ReplaceAllString(text, "</option>")
	}
	if strings.Contains(text, "</object>") {
		text = reObjectOpen.ReplaceAllString(text, "$1")
		text = reObjectClose.ReplaceAllString(text, "</object>")
		text = reParamEmbed.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<source") || strings.Contains(text, "<track") {
		text = reMediaOpen.ReplaceAllString(text, "$1")
		text = reMediaClose.ReplaceAllString(text, "$1")
		text = reSourceTrack.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<figcaption") {
		text = reFigcaptionOpen.ReplaceAllString(text, "$1")
		text = reFigcaptionClose.ReplaceAllString(text, "</figcaption>")
	}
	text = reManyNL.ReplaceAllString(text, "\n\n")

	var b strings.Builder
	for _, p := range reParaSplit.Split(text, -1) {
		if p == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.Trim(p, "\n"))
		b.WriteString("</p>\n")
	}
	text = b.String()

	text = reEmptyP.ReplaceAllString(text, "")
	text = reCloseInDiv.ReplaceAllString(text, "<p>$1</p></$2>")
	text = reBlockInP.ReplaceAllString(text, "$1")
	text = reLiInP.ReplaceAllString(text, "$1")
	text = reBlockquoteInP.ReplaceAllString(text, "<blockquote$1><p>")
	text = strings.ReplaceAll(text, "</blockquote></p>", "</p></blockquote>")
	text = rePBeforeBlock.ReplaceAllString(text, "$1")
	text = rePAfterBlock.ReplaceAllString(text, "$1")

	// Line breaks: newlines inside <script>, <style>, <svg> and <math> are kept, every
	// other newline not already after a <br /> gets one.
	text = preserveNewlines(text)
	text = strings.NewReplacer("<br>", "<br />", "<br/>", "<br />").Replace(text)
	text = addBreaks(text)
	text = strings.ReplaceAll(text, "<WPPreserveNewline />", "\n")

	text = reBRAfterBlock.ReplaceAllString(text, "$1")
	text = reBRBeforeBlock.ReplaceAllString(text, "$1")
	text = reLastNL.ReplaceAllString(text, "</p>$1")

	for i, p := range preTags {
		text = strings.Replace(text, prePlaceholder(i), p, 1)
	}
	if strings.Contains(text, "<!-- wpnl -->") {
		text = strings.NewReplacer(" <!-- wpnl --> ", "\n", "<!-- wpnl -->", "\n").Replace(text)
	}
	return text
}

func prePlaceholder(i int) string { return "<pre wp-pre-tag-" + strconv.Itoa(i) + "></pre>" }

const allBlocks = `(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)`

var (
	reDoubleBR        = regexp.MustCompile(`<br\s*/?>\s*<br\s*/?>`)
	reBlockOpen       = regexp.MustCompile(`(<` + allBlocks + `[\s/>])`)
	reBlockClose      = regexp.MustCompile(`(</` + allBlocks + `>)`)
	reHR              = regexp.MustCompile(`(<hr\s*?/?>)`)
	reOptionBefore    = regexp.MustCompile(`\s*<option`)
	reOptionAfter     = regexp.MustCompile(`</option>\s*`)
	reObjectOpen      = regexp.MustCompile(`(<object[^>]*>)\s*`)
	reObjectClose     = regexp.MustCompile(`\s*</object>`)
	reParamEmbed      = regexp.MustCompile(`\s*(</?(?:param|embed)[^>]*>)\s*`)
	reMediaOpen       = regexp.MustCompile(`([<\[](?:audio|video)[^>\]]*[>\]])\s*`)
	reMediaClose      = regexp.MustCompile(`\s*([<\[]/(?:audio|video)[>\]])`)
	reSourceTrack     = regexp.MustCompile(`\s*(<(?:source|track)[^>]*>)\s*`)
	reFigcaptionOpen  = regexp.MustCompile(`\s*(<figcaption[^>]*>)`)
	reFigcaptionClose = regexp.MustCompile(`</figcaption>\s*`)
	reManyNL          = regexp.MustCompile(`\n\n+`)
	reParaSplit       = regexp.MustCompile(`\n\s*\n`)
	reEmptyP          = regexp.MustCompile(`<p>\s*</p>`)
	reCloseInDiv      = regexp.MustCompile(`<p>([^<]+)</(div|address|form)>`)
	reBlockInP        = regexp.MustCompile(`<p>\s*(</?` + allBlocks + `[^>]*>)\s*</p>`)
	reLiInP           = regexp.MustCompile(`<p>(<li.+?)</p>`)
	reBlockquoteInP   = regexp.MustCompile(`(?i)<p><blockquote([^>]*)>`)
	rePBeforeBlock    = regexp.MustCompile(`<p>\s*(</?` + allBlocks + `[^>]*>)`)
	rePAfterBlock     = regexp.MustCompile(`(</?` + allBlocks + `[^>]*>)\s*</p>`)
	reBRAfterBlock    = regexp.MustCompile(`(</?` + allBlocks + `[^>]*>)\s*<br />`)
	reBRBeforeBlock   = regexp.MustCompile(`<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)`)
	// PCRE's "$" (without the D modifier) also matches before the text's last newline.
	reLastNL  = regexp.MustCompile(`\n</p>(\n?)$`)
	reRawOpen = regexp.MustCompile(`<(script|style|svg|math)`)
)

// replaceInTags is WordPress's wp_replace_in_html_tags with one pair: old is replaced
// by new inside tags and comments only, not in text. The split is
// get_html_split_regex's in short: comments ("<!--" to "-->"), CDATA sections, and
// tags ("<" to the next ">").
func replaceInTags(s, old, new string) string {
	if !strings.Contains(s, old) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for i < len(s) {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		end := -1
		switch {
		case strings.HasPrefix(s[i:], "<!--"):
			if k := strings.Index(s[i+4:], "-->"); k >= 0 {
				end = i + 4 + k + 3
			}
		case strings.HasPrefix(s[i:], "<![CDATA["):
			if k := strings.Index(s[i+9:], "]]>"); k >= 0 {
				end = i + 9 + k + 3
			}
		default:
			if k := strings.IndexByte(s[i+1:], '>'); k >= 0 {
				end = i + 1 + k + 1
			}
		}
		if end < 0 {
			end = len(s)
		}
		b.WriteString(strings.ReplaceAll(s[i:end], old, new))
		i = end
	}
	return b.String()
}

// preserveNewlines is wpautop's _autop_newline_preservation_helper over
// '/<(script|style|svg|math).*?<\/\1>/s': newlines inside those elements become a
// placeholder that addBreaks leaves alone.
func preserveNewlines(s string) string {
	if !reRawOpen.MatchString(s) {
		return s
	}
	var b strings.Builder
	lastCloser := map[string]int{}
	i := 0
	for {
		loc := reRawOpen.FindStringSubmatchIndex(s[i:])
		if loc == nil {
			b.WriteString(s[i:])
			return b.String()
		}
		start := i + loc[0]
		name := s[i+loc[2] : i+loc[3]]
		closer := "</" + name + ">"
		k := -1
		// Only where a closer follows is it searched for: the cost stays linear with
		// many elements left open.
		if _, ok := lastCloser[name]; !ok {
			lastCloser[name] = strings.LastIndex(s, closer)
		}
		if lastCloser[name] >= i+loc[1] {
			k = strings.Index(s[i+loc[1]:], closer)
		}
		if k < 0 {
			// No match starts here; PCRE goes on from the next character.
			b.WriteString(s[i : start+1])
			i = start + 1
			continue
		}
		end := i + loc[1] + k + len(closer)
		b.WriteString(s[i:start])
		b.WriteString(strings.ReplaceAll(s[start:end], "\n", "<WPPreserveNewline />"))
		i = end
	}
}

// addBreaks is preg_replace('|(?<!<br />)\s*\n|', "<br />\n", $text): each run of
// space ending in a newline becomes "<br />\n", unless a "<br />" is right before it.
// A run is the longest possible: it starts at the first space after non-space.
func addBreaks(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	i := 0
	for i < len(s) {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		nl := i + j
		// The match is greedy: the run of PCRE \s (space, \t, \n, \v, \f, \r)
		// around this newline, from its start to its last newline.
		start := nl
		for start > i && isPCRESpace(s[start-1]) {
			start--
		}
		last := nl
		for k := nl + 1; k < len(s) && isPCRESpace(s[k]); k++ {
			if s[k] == '\n' {
				last = k
			}
		}
		b.WriteString(s[i:start])
		// PCRE tries the earliest start first: at start the look-behind sees what is
		// before the run; if that is "<br />", the next start sees a space before it
		// and matches, unless the run's last newline is at start itself.
		if strings.HasSuffix(s[:start], "<br />") {
			if start == last {
				b.WriteString("\n")
			} else {
				b.WriteString(s[start:start+1] + "<br />\n")
			}
		} else {
			b.WriteString("<br />\n")
		}
		i = last + 1
	}
	return b.String()
}

func isPCRESpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}
