package wxr

import (
	"fmt"
	"html"
	"maps"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// What WordPress keeps and the site does not take is made to fit rather than refused:
// a WordPress site takes any number of tags on a post, any text as a guid, an author
// email without '@', a comment whose text is empty; refusing a whole export for one
// such entry would leave its owner nothing to do but edit the file. Both passes decide
// through the functions below, so that what the check announces (Counts.Changes) is what
// the write does (ImportReport.Changes), and the store (internal/sqlite: validateArticle,
// validateComment, validateUser, WXRImport.Media) never refuses what the check passed.

// The reasons of Counts.Changes and ImportReport.Changes.
const (
	FitTags         = "posts with more tags than a story may carry: the first 100 kept (the others listed below)"
	FitFeedID       = "posts and pages whose guid is no address (an absolute URI of at most 1,000 bytes): feed readers get the story's own ID"
	FitUndated      = "published posts and pages without a date: dated at the import, as WordPress dates them"
	FitTagName      = "tag names over several lines: put on one line"
	FitAccountEmail = "authors whose email is no address (no @): a byline without an account"
	FitCommentEmail = "commenters' emails holding characters no address has: dropped"
	FitEmptyComment = "comments without text: skipped (their replies kept, at the top of the thread)"
	FitNoFile       = "attachments without a file address: skipped"
	FitFileAddress  = "attachments whose address holds characters no page can show: those characters removed"
	FitFileScheme   = "attachments whose address is no file's (javascript:, data:…: only http, https and the site's own paths are kept): skipped"
	FitSectionSlug  = "categories whose slug is a page's of the site: their section given another, the page kept (listed below)"
	FitPageSlug     = "pages whose slug the site answers otherwise (a section's, a year, /admin/, /sitemap/…): given another, as the site's pages are (listed below)"
)

// MaxListedChanges is how many entries Counts.Changed and ImportReport.Changed list.
const MaxListedChanges = 50

// changes counts what was made to fit, by reason, and lists the first entries it names.
type changes struct {
	counts map[string]int
	listed *[]string
}

func (c changes) add(reason string, n int) {
	if n > 0 {
		c.counts[reason] += n
	}
}

func (c changes) list(s string) {
	if len(*c.listed) < MaxListedChanges {
		*c.listed = append(*c.listed, s)
	}
}

// postTags is the nicenames of the tags a post is written with: its post_tag terms in
// file order, at most news.MaxArticleTags tags of the site (nicenames with one slug are
// one tag of it, counted once when there are more); dropped counts the tags past them.
// WordPress takes any number; the site bounds a story's (its page, feeds and API
// answers list them all).
func postTags(it *Item) (kept []string, dropped int) {
	if it.Type != "post" {
		return nil, 0
	}
	if n := tagTerms(it); n <= news.MaxArticleTags {
		// The common case, left as it was: the store counts each tag once.
		kept = make([]string, 0, n)
		for _, t := range it.Terms {
			if isTagTerm(t) {
				kept = append(kept, t.Nicename)
			}
		}
		return kept, 0
	}
	seen := map[string]bool{}
	for _, t := range it.Terms {
		if !isTagTerm(t) {
			continue
		}
		slug := news.Slugify(nicename(t.Nicename))
		if seen[slug] {
			continue
		}
		seen[slug] = true
		if len(kept) == news.MaxArticleTags {
			dropped++
			continue
		}
		kept = append(kept, t.Nicename)
	}
	return kept, dropped
}

func isTagTerm(t ItemTerm) bool { return t.Domain == "post_tag" || t.Domain == "tag" }

// tagTerms counts a post's post_tag terms.
func tagTerms(it *Item) int {
	n := 0
	for _, t := range it.Terms {
		if isTagTerm(t) {
			n++
		}
	}
	return n
}

// trimmedTags names a post whose tags past news.MaxArticleTags were dropped, for the
// lists of Counts.Changed and ImportReport.Changed.
func trimmedTags(it *Item, dropped int) string {
	return fmt.Sprintf("post %d (%q, line %d): %d tags, the first %d kept", it.PostID, fitClip(it.Title, 80), it.Line, news.MaxArticleTags+dropped, news.MaxArticleTags)
}

// feedID is the feed ID a post keeps: its guid when the site takes it as one
// (news.CheckFeedID), else "" (the story's own).
func feedID(guid string) string {
	if guid == "" || news.CheckFeedID(guid) != nil {
		return ""
	}
	return guid
}

// undated reports whether a post of the site's status st (from wxrStatus) has no time
// where the site needs one: a published story is dated. pub is the item's time
// (DateGMT, else Date).
func undated(st news.ArticleStatus, pub time.Time) bool {
	return st == news.StatusPublished && pub.IsZero()
}

// WordPress keeps some text as HTML and some escaped, and its exporter writes both as
// stored; the site keeps plain text. wpHTMLText and wpEscapedText give the text a
// reader of the WordPress site saw, and exportHTML and exportEscaped write the site's
// text back as WordPress keeps it, so that an export imported again gives it back.

// wpHTMLText is the text of a field WordPress keeps as HTML and prints as it is (a
// post's, page's or attachment's title: "Q&amp;A: <em>Why</em>" showed "Q&A: Why"):
// tags dropped, character references decoded, runs of white space one space (as a
// browser shows them), no space at the ends. The characters the site does not keep
// are removed first (news.CleanText): a C1 control written as itself is no "€", as
// render.PlainText reads one written as a reference.
func wpHTMLText(s string) string {
	s, _ = news.CleanText(s)
	return cleanTrim(render.PlainText(s))
}

// wpHTMLLines is wpHTMLText line by line, for a field of several lines WordPress keeps
// as HTML (a category's description: kses stores a typed "&" as "&amp;").
func wpHTMLLines(s string) string {
	s, _ = news.CleanText(s)
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = render.PlainText(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// wpEscapedText is the text of a field WordPress keeps HTML-escaped and prints without
// encoding it twice: a term's name, an author's display name, a commenter's name
// (default-filters.php runs _wp_specialchars on pre_term_name, pre_user_display_name
// and pre_comment_author_name: "Council & Politics" is stored as "Council &amp;
// Politics"). Its character references are decoded.
func wpEscapedText(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return html.UnescapeString(s)
}

// exportEscaped is s as WordPress keeps a name (see wpEscapedText).
func exportEscaped(s string) string { return wpEscaper.Replace(s) }

// exportHTML is s, plain text, as WordPress keeps a title: HTML showing s.
func exportHTML(s string) string { return wpEscaper.Replace(s) }

var wpEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// tagName is a tag's name as the site keeps it, and whether it was changed: on one line
// (a story refuses a tag whose name has line breaks). The name is WordPress's escaped
// form (wpEscapedText).
func tagName(s string) (string, bool) {
	s = wpEscapedText(s)
	if !strings.ContainsAny(s, "\t\n\r") {
		s, _ = news.CleanText(s)
		return s, false
	}
	s, _ = news.CleanLine(s)
	return s, true
}

// cleanTrim is a text as the site keeps it (news.CleanText) without white space at its
// ends. Cleaned first, then trimmed: trimmed first, a text of controls around a space
// ("\u0080 \u0080": C1 controls are XML characters) would be cleaned to a blank that
// passed a test for "" and that the store refuses as a title or a name.
func cleanTrim(s string) string {
	s, _ = news.CleanText(s)
	return strings.TrimSpace(s)
}

// accountEmail is the email an author's account is made with: "" when it is no
// address the site takes (then the author is a byline without an account).
func accountEmail(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "@") || news.CheckText("", s) != nil {
		return ""
	}
	return s
}

// commentEmail is a commenter's email as kept: "" when it holds characters the site
// refuses in text.
func commentEmail(s string) string {
	s = strings.TrimSpace(s)
	if news.CheckText("", s) != nil {
		return ""
	}
	return s
}

// commentText is a comment's text as written; ok false when it is empty (the site
// keeps no comment without text).
func commentText(c *Comment) (text string, ok bool) {
	if !hasText(c.Content) {
		return "", false
	}
	text, _ = news.CleanText(c.Content)
	return text, true
}

// hasText reports whether s, cleaned (news.CleanText), holds more than white space:
// a character that is neither space nor forbidden, or a broken byte (which becomes
// U+FFFD). It reads s without cleaning it: the check asks it of every comment.
func hasText(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsSpace(r) && !news.ForbiddenRune(r) })
}

// attachmentURL is an attachment's address as the library keeps it: trimmed, without
// the characters the site refuses in text; and the reason of the change (FitNoFile or
// FitFileScheme: "" and the attachment skipped, FitFileAddress), "" for none.
func attachmentURL(it *Item) (u, reason string) {
	raw := strings.TrimSpace(it.AttachmentURL)
	u, _ = news.CleanText(raw)
	switch {
	case u == "":
		return "", FitNoFile
	case !news.IsFileAddress(u):
		return "", FitFileScheme
	case u != raw:
		return u, FitFileAddress
	}
	return u, ""
}

// itemTitle is a post's or page's title as the write keeps it.
func itemTitle(it *Item) string {
	if t := wpHTMLText(it.Title); t != "" {
		return t
	}
	return "(no title)"
}

// itemSlug is the slug a post or page asks for: its post_name (percent-decoded), or its
// title's when it has none. The store may still number it (another article has it) or,
// for a page, change it (pageRenamed).
func itemSlug(it *Item) string {
	if it.Name == "" {
		return news.Slugify(itemTitle(it))
	}
	return news.Slugify(nicename(it.Name))
}

// slugSet is a set of slugs, lower-cased: news.CheckPageSlug compares a page's with the
// sections' without case.
type slugSet map[string]bool

func (s slugSet) add(slug string)      { s[strings.ToLower(slug)] = true }
func (s slugSet) has(slug string) bool { return s[strings.ToLower(slug)] }

// taken are the slugs of the site's sections and pages (read once by CheckImport) and
// of those the file makes, as far as a pass has read it: a page may take no section's
// slug, nor a section a page's. Both passes start from the same and fill it alike, so
// that they agree on each page and category that must change slug.
type taken struct{ secs, pages slugSet }

func (t taken) clone() taken {
	c := taken{maps.Clone(t.secs), maps.Clone(t.pages)}
	if c.secs == nil {
		c.secs = slugSet{}
	}
	if c.pages == nil {
		c.pages = slugSet{}
	}
	return c
}

// sectionSlug is the slug a category's section is found or made with: its own, unless
// a page has it and no section does (then its section would hide the page's address,
// and the page could no longer be saved); then "-section" after it, numbered while a
// page has that ("about-section-2"); a section already at the new slug is found, as a
// second import finds it. renamed reports the change (FitSectionSlug).
func (t taken) sectionSlug(slug string) (string, bool) {
	if t.secs.has(slug) || !t.pages.has(slug) {
		return slug, false
	}
	s := slug + "-section"
	for n := 2; t.pages.has(s); n++ {
		s = slug + "-section-" + strconv.Itoa(n)
	}
	return s, true
}

// renamedSection names a category sectionSlug moves, for the lists of Counts.Changed
// and ImportReport.Changed.
func renamedSection(nicename string, line int, slug, to string) string {
	return fmt.Sprintf("category %q (line %d): a page of the site is at /%s/; its section is at /section/%s/", fitClip(nicename, 80), line, slug, to)
}

// pageRenamed reports whether a page asking for slug will be stored under another
// because the site answers /{slug}/ otherwise (news.CheckPageSlug: a reserved path,
// a year, a section's slug in secs); the store then finds a free one
// (sqlite.WXRImport.Article), so the import never fails on it.
func pageRenamed(slug string, secs slugSet) bool {
	return news.CheckPageSlug(slug, nil) != nil || secs.has(slug)
}

// renamedPage names a page pageRenamed moves, for the lists of Counts.Changed and
// ImportReport.Changed.
func renamedPage(it *Item, slug string) string {
	return fmt.Sprintf("page %d (%q, line %d): /%s/ is the site's address of something else; imported under another slug", it.PostID, fitClip(itemTitle(it), 80), it.Line, slug)
}

// fitItem counts, as the write will do them, the changes an item needs to fit the
// site (only for what is imported: posts and pages of an imported status, their
// comments but pingbacks, attachments).
func fitItem(it *Item, c changes, site taken) {
	switch it.Type {
	case "attachment":
		if _, why := attachmentURL(it); why != "" {
			c.add(why, 1)
		}
		return
	case "post", "page":
	default:
		return
	}
	status, ok := wxrStatus(it.Status)
	if !ok {
		return
	}
	if it.Password != "" && status == news.StatusPublished {
		status = news.StatusUnpublished // as the write keeps a protected post (import.go)
	}
	if it.Type == "post" && tagTerms(it) > news.MaxArticleTags { // postTags's work only then
		if _, dropped := postTags(it); dropped > 0 {
			c.add(FitTags, 1)
			c.list(trimmedTags(it, dropped))
		}
	}
	if it.Type == "page" {
		if slug := itemSlug(it); pageRenamed(slug, site.secs) {
			c.add(FitPageSlug, 1)
			c.list(renamedPage(it, slug))
		} else {
			site.pages.add(slug) // as the write stores it (unless a story has it: numbered)
		}
	}
	if it.GUID != "" && feedID(it.GUID) == "" {
		c.add(FitFeedID, 1)
	}
	pub := it.DateGMT
	if pub.IsZero() {
		pub = it.Date
	}
	if undated(status, pub) {
		c.add(FitUndated, 1)
	}
	for _, cm := range it.Comments {
		if cm.Type == "pingback" || cm.Type == "trackback" {
			continue
		}
		if !hasText(cm.Content) {
			c.add(FitEmptyComment, 1)
			continue
		}
		if strings.TrimSpace(cm.AuthorEmail) != commentEmail(cm.AuthorEmail) {
			c.add(FitCommentEmail, 1)
		}
	}
}

// fitClip is s cut to at most n bytes, on a character's boundary (reader.go's clip,
// kept apart from the reader).
func fitClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
