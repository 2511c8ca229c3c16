package wxr

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// ExportOptions are what an export needs beside the store.
type ExportOptions struct {
	// BaseURL is the site's public address ("https://news.example.org"): links,
	// attachment URLs and the channel's <link> are under it.
	BaseURL string
	// Now is the export's time (the channel's pubDate); zero: time.Now.
	Now time.Time
}

// Export writes the whole site from store as a WXR 1.2 file to w (Writer), streamed
// from one snapshot, and returns what it wrote, counted as Check counts a file.
//
// What each thing becomes, as WordPress's export writes it:
//   - authors: <wp:author> (login: the byline's slug; email; display name; biography);
//     no password of any kind;
//   - sections: categories (term ID: the section's ID; wp:category_parent: the
//     parent's nicename); tags: tags (term ID: news.WXRExport.Tag's);
//   - library images: attachment items (wp:attachment_url under BaseURL + "/media/",
//     _wp_attached_file, _wp_attachment_metadata, _wp_attachment_image_alt);
//   - articles: posts; pages: pages (menu_order: the navigation position); statuses
//     published → publish, draft → draft, review → pending, scheduled → future,
//     unpublished → private, trash → trash; content:encoded: the stored HTML as the
//     site shows it, in one Custom HTML block (<!-- wp:html -->) so that WordPress
//     adds no paragraphs of its own (wpautop); excerpt:encoded: the standfirst as
//     HTML text; guid: the article's feed ID; the lead story is_sticky; a featured
//     image: _thumbnail_id, naming its library image or, for an image at another
//     address, an attachment item made for it;
//   - comments: every status (approved 1, pending 0, spam, trash) with the
//     commenter's email (WordPress's export keeps it: the file is the site owner's
//     backup, personal data to be kept as such) and never an address or its hash.
//     Erased comments are left out.
//   - what WXR has no place for: post meta (NavMetaKey, CorrectionMetaKey,
//     SEOMetaKey, OldPathMetaKey, ImageCaptionMetaKey) and a former slug as WordPress's _wp_old_slug.
//
// Dates are the site's wall clock (its time zone setting) and UTC, as WordPress's
// post_date and post_date_gmt.
func Export(ctx context.Context, store news.WXRExportStore, w io.Writer, opt ExportOptions) (Counts, error) {
	c := Counts{Items: map[TypeStatus]int{}, Comments: map[CommentStatus]int{}}
	base := strings.TrimSuffix(opt.BaseURL, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("wxr export: the site's address %q is not an http(s) URL", opt.BaseURL)
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	e := &exporter{base: base, now: now, c: &c, out: w}
	err := store.ExportWXR(ctx, news.WXRExport{
		Settings: e.settings,
		Author:   e.author,
		Section:  e.section,
		Tag:      e.tag,
		Media:    e.media,
		Article:  e.article,
	})
	if err == nil && e.w == nil {
		err = fmt.Errorf("wxr export: the store gave no settings")
	}
	if e.w != nil {
		if cerr := e.w.Close(); err == nil {
			err = cerr
		}
	}
	return c, err
}

// NavMetaKey is the page meta in which Broadsheet's export writes a page's place in the
// site's navigation (news.Article.NavPosition) and its import reads it. The leading
// underscore keeps it out of WordPress's custom fields box, as WordPress's own meta.
const NavMetaKey = "_broadsheet_nav_position"

// What else of an article WXR has no place for, in post meta Broadsheet's import reads
// (WordPress keeps them as custom fields, hidden by the underscore):
//   - CorrectionMetaKey: the correction note shown above the body;
//   - SEOMetaKey: the meta description that replaces the standfirst;
//   - OldPathMetaKey: an old path that leads to the article (one meta each; an
//     imported site's /?p=ID and permalinks, news.RedirectPath).
//
// A former slug is written as WordPress's own _wp_old_slug (OldSlugMetaKey), which
// WordPress's wp_old_slug_redirect follows too.
const (
	CorrectionMetaKey = "_broadsheet_correction_note"
	SEOMetaKey        = "_broadsheet_seo_description"
	OldPathMetaKey    = "_broadsheet_old_path"
	OldSlugMetaKey    = "_wp_old_slug"
	// ImageCaptionMetaKey: the caption under the post's featured image, which may
	// differ from its library image's (WordPress has one, the attachment's excerpt).
	ImageCaptionMetaKey = "_broadsheet_image_caption"
)

type exporter struct {
	base     string
	now      time.Time
	c        *Counts
	w        *Writer
	out      io.Writer
	loc      *time.Location
	lead     int64
	feedBase string
}

// wpSlug is a slug as WordPress stores post_name and a term's slug: bytes outside
// ASCII percent-encoded in lower case (sanitize_title_with_dashes).
func wpSlug(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			fmt.Fprintf(&b, "%%%02x", s[i])
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func (e *exporter) settings(stored map[string]string) error {
	// The store leaves the site's secret out (it signs forms, the export needs none);
	// ParseSettings wants one.
	withSecret := map[string]string{news.SettingSecret: news.NewSecret()}
	for k, v := range stored {
		if k != news.SettingSecret {
			withSecret[k] = v
		}
	}
	s, err := news.ParseSettings(withSecret)
	if err != nil {
		return fmt.Errorf("wxr export: %w", err)
	}
	e.loc = s.Location
	if e.loc == nil {
		e.loc = time.UTC
	}
	e.lead, _ = strconv.ParseInt(strings.TrimSpace(stored[news.SettingLeadArticle]), 10, 64)
	// The articles' feed IDs: the site's stored base, or the one a server would mint
	// for this address today (news.EnsureFeedIDBase), so that an imported copy's
	// feeds name its stories as this site's do.
	if e.feedBase = stored[news.SettingFeedIDBase]; e.feedBase == "" {
		if e.feedBase, err = news.NewFeedIDBase(e.base, e.now); err != nil {
			return fmt.Errorf("wxr export: %w", err)
		}
	}
	e.w, err = NewWriter(e.out, &Site{Title: s.Title, Link: e.base, Description: s.Tagline, Language: s.Language,
		PubDate: e.now, Generator: "Broadsheet"})
	return err
}

func (e *exporter) author(a *news.Author) error {
	e.c.Authors++
	return e.w.Author(&Author{ID: a.ID, Login: a.Slug, Email: a.Email, DisplayName: exportEscaped(a.Name), Description: a.Bio})
}

func (e *exporter) section(s *news.Section, parent string) error {
	e.c.Categories++
	p := ""
	if parent != "" {
		p = wpSlug(parent)
	}
	return e.w.Category(&Category{TermID: s.ID, Nicename: wpSlug(s.Slug), Parent: p, Name: exportEscaped(s.Name), Description: exportHTML(s.Description)})
}

func (e *exporter) tag(t *news.Tag, termID int64) error {
	e.c.Tags++
	return e.w.Tag(&Tag{TermID: termID, Slug: wpSlug(t.Slug), Name: exportEscaped(t.Name)})
}

// mediaURL is the public address of a library file.
func (e *exporter) mediaURL(name string) string { return e.base + "/media/" + url.PathEscape(name) }

// absolute is an address of the site made absolute under its base.
func (e *exporter) absolute(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return e.base + u
	}
	return u
}

func (e *exporter) attachment(it *Item) error {
	e.c.Items[TypeStatus{"attachment", "inherit"}]++
	return e.w.Item(it)
}

// attachmentItem is an attachment for the image at address u (absolute).
func (e *exporter) attachmentItem(id, parent int64, u, file, alt, caption string, width, height int, bytes int64, created time.Time) *Item {
	title := strings.TrimSuffix(path.Base(file), path.Ext(file))
	md := map[string]any{"width": width, "height": height, "file": file}
	keys := []string{"width", "height", "file"}
	if bytes > 0 {
		md["filesize"] = bytes
		keys = append(keys, "filesize")
	}
	it := &Item{Title: exportHTML(title), Link: u, GUID: u, PubDate: created, PostID: id, PostParent: parent,
		Date: created.In(e.loc), DateGMT: created.UTC(), Modified: created.In(e.loc), ModifiedGMT: created.UTC(),
		CommentStatus: "closed", PingStatus: "closed", Name: wpSlug(strings.ToLower(title)), Status: "inherit",
		Type: "attachment", AttachmentURL: u, Excerpt: html.EscapeString(caption),
		Meta: []Meta{{Key: "_wp_attached_file", Value: file}, {Key: "_wp_attachment_metadata", Value: PHPSerialize(keys, md)}}}
	if alt != "" {
		it.Meta = append(it.Meta, Meta{Key: "_wp_attachment_image_alt", Value: alt})
	}
	return it
}

// media is a library item's attachment: a stored file under the site's media
// address, or a reference at the address it was kept at (a WordPress import's
// attachment not copied), with its title and description when it has them.
func (e *exporter) media(m *news.Media, postID int64) error {
	u, file := e.mediaURL(m.Name), m.Name
	if m.URL != "" {
		u, file = m.URL, path.Base(m.URL)
	}
	it := e.attachmentItem(postID, 0, u, file, m.Alt, m.Caption, m.Width, m.Height, int64(m.Bytes), m.CreatedAt)
	if m.Title != "" {
		it.Title = exportHTML(m.Title)
	}
	if m.Description != "" {
		it.Content = html.EscapeString(m.Description)
	}
	return e.attachment(it)
}

// wpStatus is WordPress's post status for a Broadsheet article status.
func wpStatus(s news.ArticleStatus) string {
	switch s {
	case news.StatusPublished:
		return "publish"
	case news.StatusReview:
		return "pending"
	case news.StatusScheduled:
		return "future"
	case news.StatusUnpublished:
		return "private"
	case news.StatusTrash:
		return "trash"
	}
	return "draft"
}

// path is the article's address on the site (site.articlePath's rule): a page's
// /slug/, a story's /YYYY/MM/DD/slug/ by its publication date in the site's zone;
// "" for a story never published (WordPress links those by ?p=ID).
func (e *exporter) path(a *news.Article) string {
	if a.Kind == news.KindPage {
		return news.PagePath(a.Slug)
	}
	if a.PublishedAt.IsZero() {
		return ""
	}
	t := a.PublishedAt.In(e.loc)
	return fmt.Sprintf("/%04d/%02d/%02d/%s/", t.Year(), int(t.Month()), t.Day(), a.Slug)
}

func (e *exporter) article(p *news.WXRPost) error {
	a := p.Article
	typ := "post"
	if a.Kind == news.KindPage {
		typ = "page"
	}
	status := wpStatus(a.Status)
	link := e.base + "/?p=" + strconv.FormatInt(p.PostID, 10)
	if typ == "page" {
		link = e.base + "/?page_id=" + strconv.FormatInt(p.PostID, 10)
	}
	if pth := e.path(a); pth != "" && (a.Status == news.StatusPublished || typ == "page") {
		link = e.base + pth
	}
	content := ""
	if strings.TrimSpace(a.BodyHTML) != "" {
		// The delimiter's line end is not the body's (the import's Convert, as
		// WordPress's block parser, drops it); the body's own last one is kept.
		content = "<!-- wp:html -->\n" + a.BodyHTML + "<!-- /wp:html -->"
	}
	it := &Item{Title: exportHTML(a.Title), Link: link, PubDate: a.PublishedAt, GUID: news.ArticleFeedID(e.feedBase, a),
		Content: content, Excerpt: html.EscapeString(a.Standfirst), PostID: p.PostID,
		CommentStatus: "open", PingStatus: "closed", Name: wpSlug(a.Slug), Status: status, Type: typ,
		Sticky: typ == "post" && a.ID == e.lead}
	if a.CommentsClosed {
		it.CommentStatus = "closed"
	}
	if a.Author != nil {
		it.Creator = a.Author.Slug
	}
	if typ == "page" {
		it.MenuOrder = int64(a.NavPosition)
		if a.NavPosition > 0 {
			// WordPress's menu_order orders pages but does not put them in a menu:
			// Broadsheet's import reads its navigation from this meta (NavMetaKey).
			it.Meta = append(it.Meta, Meta{Key: NavMetaKey, Value: strconv.Itoa(a.NavPosition)})
		}
	}
	date := a.PublishedAt
	if date.IsZero() {
		date = a.CreatedAt // a draft's: WordPress's post_date, with no post_date_gmt
	} else {
		it.DateGMT = a.PublishedAt.UTC()
	}
	it.Date = date.In(e.loc)
	if !a.UpdatedAt.IsZero() {
		it.Modified, it.ModifiedGMT = a.UpdatedAt.In(e.loc), a.UpdatedAt.UTC()
	}
	if a.Section != nil {
		it.Terms = append(it.Terms, ItemTerm{Domain: "category", Nicename: wpSlug(a.Section.Slug), Name: exportEscaped(a.Section.Name)})
	}
	for _, t := range a.Tags {
		it.Terms = append(it.Terms, ItemTerm{Domain: "post_tag", Nicename: wpSlug(t.Slug), Name: exportEscaped(t.Name)})
	}
	if a.CorrectionNote != "" {
		it.Meta = append(it.Meta, Meta{Key: CorrectionMetaKey, Value: a.CorrectionNote})
	}
	if a.SEODescription != "" {
		it.Meta = append(it.Meta, Meta{Key: SEOMetaKey, Value: a.SEODescription})
	}
	for _, s := range p.OldSlugs {
		it.Meta = append(it.Meta, Meta{Key: OldSlugMetaKey, Value: wpSlug(s)})
	}
	for _, pth := range p.OldPaths {
		it.Meta = append(it.Meta, Meta{Key: OldPathMetaKey, Value: pth})
	}
	var made *Item
	if img := a.FeaturedImage; img != nil && p.ImageID > 0 {
		it.Meta = append(it.Meta, Meta{Key: "_thumbnail_id", Value: strconv.FormatInt(p.ImageID, 10)},
			Meta{Key: ImageCaptionMetaKey, Value: img.Caption})
		if p.ImageMade {
			u := e.absolute(img.URL)
			file := ""
			if pu, err := url.Parse(u); err == nil {
				file = strings.TrimPrefix(pu.Path, "/")
			}
			made = e.attachmentItem(p.ImageID, p.PostID, u, file, img.Alt, img.Caption, img.Width, img.Height, 0, a.CreatedAt)
		}
	}
	for _, c := range p.Comments {
		st := map[news.CommentStatus]CommentStatus{news.CommentApproved: CommentApproved, news.CommentPending: CommentPending,
			news.CommentSpam: CommentSpam, news.CommentTrash: CommentTrash}[c.Status]
		e.c.Comments[st]++
		it.Comments = append(it.Comments, &Comment{ID: c.CommentID, Parent: c.ParentID, Author: exportEscaped(c.AuthorName),
			AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL, Date: c.CreatedAt.In(e.loc), DateGMT: c.CreatedAt.UTC(),
			Content: c.Body, Status: st, Type: "comment"})
	}
	e.c.Items[TypeStatus{typ, status}]++
	if err := e.w.Item(it); err != nil {
		return err
	}
	if made != nil {
		return e.attachment(made)
	}
	return nil
}
