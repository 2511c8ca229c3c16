package wxr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/auth"
	medialib "broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Source is the source of every article, comment and library entry a WordPress import
// writes: with WordPress's post or comment ID as source ID, it is how a second import knows them.
const Source = "wordpress"

// Options is how Import reads the file and where it puts attachments' files.
type Options struct {
	// Uploads is a copy of the site's wp-content/uploads (os.DirFS of a folder, or an
	// uploaded zip's zip.Reader); nil keeps every attachment at its original URL.
	Uploads fs.FS
	// Media is where the media library's files go; needed with Uploads.
	Media medialib.Files
	// Limits bounds what each entry of the file may hold (zero: the defaults).
	Limits Limits
	// Progress, when not nil, is told how far each stage has gone: done of total
	// bytes of the file (StageCheck, StageWrite) or attachments (StageMedia). It is
	// called from one goroutine at a time, not always the caller's.
	Progress func(stage Stage, done, total int64)
	// Site is the site imported into, whose sections' slugs no page may take, nor its
	// pages' a section: the check reads them once (CheckImport) to announce the pages
	// and categories the write will give another slug (FitPageSlug, FitSectionSlug).
	// Nil: a site without sections or pages (Import gives its store).
	Site SiteSlugs
}

// SiteSlugs is what the check reads of the site: its sections (news.Store's, in any order)
// and its pages' slugs (news.WXRStore's).
type SiteSlugs interface {
	Sections(ctx context.Context) ([]*news.Section, error)
	PageSlugs(ctx context.Context) ([]string, error)
}

// Stage is a part of an import, for Options.Progress.
type Stage string

const (
	StageCheck Stage = "checking"  // pass 1: the whole file read, nothing written
	StageMedia Stage = "media"     // attachments' files copied into the library
	StageWrite Stage = "importing" // pass 2: everything written in one transaction
)

func (o *Options) progress(stage Stage, done, total int64) {
	if o.Progress != nil {
		o.Progress(stage, done, total)
	}
}

// Plan is an import whose first pass is done: the whole file read (every error
// naming its line), nothing written, the attachments indexed for galleries and
// featured images. Plan.Import writes it.
type Plan struct {
	r     io.ReadSeeker
	size  int64
	opt   Options
	atts  *AttachmentIndex
	files []*upload
	// site is the site's sections' and pages' slugs as the check read them: the write
	// starts from the same, so that both decide alike which pages and categories change
	// slug.
	site taken
	// Counts is what the file holds, by kind.
	Counts Counts
}

// Check reads the whole of r (a WXR file) as an import's first pass and returns the
// plan of its second; it writes nothing. Errors are an *Error naming the line, or a
// content the import would refuse (a post's body over news.MaxBodyBytes), or ctx's.
func CheckImport(ctx context.Context, r io.ReadSeeker, opt Options) (*Plan, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("wxr import: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("wxr import: %w", err)
	}
	if opt.Uploads != nil && opt.Media == nil {
		return nil, errors.New("wxr import: uploads given without a media library to copy them into")
	}
	p := &Plan{r: r, size: size, opt: opt, atts: NewAttachmentIndex(), site: taken{slugSet{}, slugSet{}}}
	if opt.Site != nil {
		secs, err := opt.Site.Sections(ctx)
		if err != nil {
			return nil, fmt.Errorf("wxr import: the site's sections: %w", err)
		}
		for _, s := range secs {
			p.site.secs.add(s.Slug)
		}
		pages, err := opt.Site.PageSlugs(ctx)
		if err != nil {
			return nil, fmt.Errorf("wxr import: the site's pages: %w", err)
		}
		for _, s := range pages {
			p.site.pages.add(s)
		}
	}
	pr := &progressReader{r: r, stage: StageCheck, total: size, opt: &p.opt}
	p.Counts, err = check(ctx, pr, opt.Limits, p.site, func(it *Item) error {
		if it.Type == "attachment" {
			p.atts.Add(it)
			if f := newUpload(it); f != nil {
				p.files = append(p.files, f)
			}
		}
		return checkContent(it)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// checkContent refuses, in the first pass, a post or page that the second would: one
// whose body, converted, is longer than the site takes (render.MaxMarkdownBytes, as
// render.ArticleHTML refuses it). Only a body over a quarter of the limit is converted
// to be measured: conversion (paragraphs, shortcodes) does not make one of a normal
// post's size four times longer, and converting every body twice would slow the check.
func checkContent(it *Item) error {
	if it.Type != "post" && it.Type != "page" || len(it.Content) <= render.MaxMarkdownBytes/4 {
		return nil
	}
	if _, ok := wxrStatus(it.Status); !ok {
		return nil // not imported
	}
	body, _ := Convert(it.Content, ConvertOptions{PostID: it.PostID})
	body, _ = news.CleanText(body)
	if len(body) > render.MaxMarkdownBytes {
		return &Error{Line: it.Line, Err: fmt.Errorf("%s %d (%q): %w", it.Type, it.PostID, it.Title,
			tooLongError{&render.TooComplexError{Limit: render.LimitSize, Size: len(body)}})}
	}
	return nil
}

// tooLongError is a post too long for the site, as said to whoever imports the file
// (render.TooComplexError's own words are for an editor saving a story: "try
// again."), one clause with no full stop, for the *Error around it; errors.As still
// finds the render.TooComplexError.
type tooLongError struct{ *render.TooComplexError }

func (e tooLongError) Error() string {
	return fmt.Sprintf("its content, converted, is %d bytes long, more than the %d an article may hold; shorten that post in WordPress or split it in two, then export the site again and import the new file",
		e.Size, render.MaxMarkdownBytes)
}

func (e tooLongError) Unwrap() error { return e.TooComplexError }

// Import imports a WordPress export into store in two passes over r: the first reads
// it whole (CheckImport: every error names its line) and writes nothing; the second
// writes everything in one transaction (news.WXRTx), so that an error, a cancelled
// ctx or a file cut short leaves the site as it was. What an earlier import of the
// same file wrote is found, not written again: a second run adds nothing.
func Import(ctx context.Context, store news.WXRStore, r io.ReadSeeker, opt Options) (*ImportReport, error) {
	if opt.Site == nil {
		opt.Site = store
	}
	p, err := CheckImport(ctx, r, opt)
	if err != nil {
		return nil, err
	}
	return p.Import(ctx, store)
}

// Import is the second pass: it rewinds the file and writes it into store in one
// transaction, attachments' files (with Options.Uploads) stored first and removed
// again when the import does not commit.
func (p *Plan) Import(ctx context.Context, store news.WXRStore) (*ImportReport, error) {
	stored, err := store.Settings(ctx)
	if err != nil {
		return nil, fmt.Errorf("wxr import: %w", err)
	}
	hosts, err := news.ParseEmbedHosts(news.Setting(stored, news.SettingEmbedHosts))
	if err != nil {
		return nil, fmt.Errorf("wxr import: the site's embed hosts: %w", err)
	}
	if _, err := p.r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("wxr import: %w", err)
	}
	rep := &ImportReport{Counts: p.Counts, Comments: map[news.CommentStatus]Tally{}, Skipped: map[string]int{}, Unknown: map[string]int{}, Changes: map[string]int{}, began: time.Now().UTC()}
	// The images are copied before the transaction begins, so that the site's writers
	// do not wait for image processing; those stored for this run are removed again if
	// the import does not commit.
	lib := &library{store: store, dir: p.opt.Uploads, files: p.opt.Media, byURL: map[string]*news.Media{}, byID: map[int64]*news.Media{}}
	if err := lib.copy(ctx, p.files, &p.opt, rep); err != nil {
		lib.forget()
		return nil, err
	}
	existing, err := store.ImportedArticleIDs(ctx, Source)
	if err != nil {
		lib.forget()
		return nil, err
	}
	w, err := store.BeginWXR(ctx)
	if err != nil {
		lib.forget()
		return nil, err
	}
	pr := &progressReader{r: p.r, stage: StageWrite, total: p.size, opt: &p.opt}
	if err := write(ctx, w, pr, p.opt.Limits, p.atts, lib, render.Embeds{Hosts: hosts}, existing, p.site.clone(), rep); err != nil {
		w.Rollback()
		lib.forget()
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			// ctx ended: the transaction was rolled back with it, and the statement
			// under way failed for that reason ("statement is closed").
			err = fmt.Errorf("wxr import: %w", cerr)
		}
		return nil, err
	}
	if err := w.Commit(ctx, rep.added() > 0 || rep.Lead != "" || len(lib.made) > 0); err != nil {
		lib.forget()
		return nil, err
	}
	return rep, nil
}

// progressReader reports the bytes read to Options.Progress.
type progressReader struct {
	r     io.Reader
	stage Stage
	total int64
	opt   *Options
	n     int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	p.opt.progress(p.stage, p.n, p.total)
	return n, err
}

// wxrState is what pass 2 remembers while it writes: WordPress's IDs and names of what
// it has written, mapped to Broadsheet's.
type wxrState struct {
	w        news.WXRTx
	atts     *AttachmentIndex
	lib      *library // nil without --uploads
	sticky   *news.Article
	prep     *wxrPrepared // the item being written's HTML, made ahead by a worker
	embeds   render.Embeds
	rep      *ImportReport
	base     string                  // the WordPress site's path ("/blog"), stripped from its links
	authors  map[string]*news.Author // login → author
	sections map[string]*news.Section
	catPath  map[string]string // nicename → "parent/child"
	tags     map[string]*news.Tag
	posts    map[int64]int64 // WordPress post ID → article ID
	existing map[string]bool // source IDs of articles an earlier import stored
	site     taken           // the sections' and pages' slugs so far (fit.go)
	// attachmentPages are attachment pages' old paths, led to the post they belong to
	// once every post is written.
	attachmentPages map[string]int64
}

func write(ctx context.Context, w news.WXRTx, r io.Reader, lim Limits, atts *AttachmentIndex, lib *library, embeds render.Embeds, existing map[string]bool, site taken, rep *ImportReport) error {
	if lib != nil {
		for _, m := range lib.made {
			if err := w.Media(ctx, m.media, Source, strconv.FormatInt(m.id, 10)); err != nil {
				return err
			}
		}
	}
	st := &wxrState{w: w, atts: atts, lib: lib, embeds: embeds, rep: rep, authors: map[string]*news.Author{},
		sections: map[string]*news.Section{}, catPath: map[string]string{}, tags: map[string]*news.Tag{},
		posts: map[int64]int64{}, attachmentPages: map[string]int64{}, existing: existing, site: site}
	rd := NewReader(r, lim)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := prepareWXR(ctx, rd, st)
	for j := range jobs {
		if err := ctx.Err(); err != nil {
			return err
		}
		<-j.done
		e, err := j.e, j.err
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		st.prep = j.prep
		switch e := e.(type) {
		case *Site:
			if u, err := url.Parse(e.Link); err == nil {
				st.base = strings.TrimSuffix(u.Path, "/")
			}
		case *Author:
			err = st.author(ctx, e)
		case *Category:
			err = st.category(ctx, e)
		case *Tag:
			err = st.tag(ctx, e)
		case *Term:
			if e.Taxonomy != "category" && e.Taxonomy != "post_tag" { // newer exports repeat those as <wp:term>
				st.rep.skip("terms of other taxonomies (" + e.Taxonomy + ")")
			}
		case *Item:
			err = st.item(ctx, e)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", entryLine(e), err)
		}
	}
	n, _ := rd.Skipped()
	if n > 0 {
		st.rep.Skipped["items repeating a post ID (as WordPress's importer skips them)"] += n
	}
	if st.sticky != nil {
		set, err := w.LeadIfUnset(ctx, st.sticky.ID)
		if err != nil {
			return err
		}
		if set {
			st.rep.Lead = st.sticky.Title
		}
	}
	for path, parent := range st.attachmentPages {
		if id, ok := st.posts[parent]; ok {
			added, err := w.ArticleRedirect(ctx, path, id)
			if err != nil {
				return err
			}
			if added {
				st.rep.Redirects++
			}
		}
	}
	// A copied upload's old address (linked from elsewhere: image search, shares,
	// feed readers' copies) leads to the library's file.
	if lib != nil {
		for _, f := range lib.oldFiles {
			if p := st.oldPath(f.url); p != "" && f.media.ID > 0 {
				if err := st.term(ctx, p, "media", f.media.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// oldPath is the path (and query) of a WordPress address, less the site's own path,
// as the site will be asked for it: "/2019/05/06/name/", "/?p=42". "" when link is
// not an address.
func (st *wxrState) oldPath(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || link == "" {
		return ""
	}
	p := u.EscapedPath()
	for strings.Contains(p, "//") { // as net/http's mux cleans the path asked for
		p = strings.ReplaceAll(p, "//", "/")
	}
	if st.base != "" {
		p = strings.TrimPrefix(p, st.base)
	}
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		return oldQuery(p, u.Query())
	}
	if p == "/" {
		return ""
	}
	if unesc, err := url.PathUnescape(p); err == nil {
		p = news.NFC(unesc)
	}
	return p
}

// oldQuery is the form in which the site looks a WordPress query address up: one
// parameter of those WordPress answers (?p=, ?page_id=, ?cat=, ?tag=, ?author=,
// ?attachment_id=), "" for any other.
func oldQuery(path string, q url.Values) string {
	if path != "/" && path != "/index.php" {
		return ""
	}
	for _, k := range []string{"p", "page_id", "attachment_id", "cat", "author", "tag"} {
		if v := q.Get(k); v != "" {
			return "/?" + k + "=" + url.QueryEscape(v)
		}
	}
	return ""
}

func (st *wxrState) author(ctx context.Context, a *Author) error {
	name := cleanTrim(wpEscapedText(a.DisplayName))
	if name == "" {
		name = cleanTrim(a.Login)
	}
	if name == "" {
		name = "Anonymous" // the store keeps no author or account without a name
	}
	bio, _ := news.CleanText(a.Description)
	au := &news.Author{Slug: news.Slugify(a.Login), Name: name, Bio: bio}
	var u *news.User
	token, hash := "", ""
	if email := accountEmail(a.Email); email != "" {
		token, hash = auth.NewToken()
		u = &news.User{Email: email, Name: name}
	} else if a.Email != "" {
		st.rep.change(FitAccountEmail)
	}
	made, userMade, err := st.w.Author(ctx, au, u, a.ID, hash)
	if err != nil {
		return err
	}
	st.rep.Authors.count(made)
	if userMade {
		st.rep.Links = append(st.rep.Links, Link{Name: name, Email: u.Email, Path: "/admin/reset/" + token})
	}
	st.authors[a.Login] = au
	if a.ID > 0 {
		if err := st.term(ctx, "/?author="+strconv.FormatInt(a.ID, 10), "author", au.ID); err != nil {
			return err
		}
	}
	if au.Slug != a.Login {
		return st.term(ctx, "/author/"+a.Login+"/", "author", au.ID)
	}
	return nil
}

func (st *wxrState) term(ctx context.Context, path, kind string, id int64) error {
	added, err := st.w.TermRedirect(ctx, path, kind, id)
	if added {
		st.rep.Redirects++
	}
	return err
}

// nicename is a term's slug as WordPress wrote it, percent-decoded (WordPress stores
// a non-ASCII slug percent-encoded).
func nicename(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return news.NFC(s)
}

func (st *wxrState) category(ctx context.Context, c *Category) error {
	name, _ := news.CleanText(wpEscapedText(c.Name))
	desc := wpHTMLLines(c.Description)
	slug := news.Slugify(nicename(c.Nicename))
	if prior := st.sections[c.Nicename]; prior != nil {
		slug = prior.Slug // a category listed again: found again, as the check counts it once
	} else if to, renamed := st.site.sectionSlug(slug); renamed {
		st.rep.change(FitSectionSlug) // a page has its slug (fit.go)
		st.rep.list(renamedSection(c.Nicename, c.Line, slug, to))
		slug = to
	}
	s := &news.Section{Slug: slug, Name: name, Description: desc}
	parent := ""
	if c.Parent != "" {
		p, ok := st.sections[c.Parent]
		if !ok {
			return fmt.Errorf("category %q names the parent %q, which is not before it", c.Nicename, c.Parent)
		}
		parent = p.Slug
	}
	made, err := st.w.Section(ctx, s, c.TermID, parent)
	if err != nil {
		return err
	}
	st.rep.Sections.count(made)
	st.sections[c.Nicename] = s
	st.site.secs.add(s.Slug)
	path := c.Nicename
	if c.Parent != "" {
		path = st.catPath[c.Parent] + "/" + c.Nicename
	}
	st.catPath[c.Nicename] = path
	if err := st.term(ctx, "/?cat="+strconv.FormatInt(c.TermID, 10), "section", s.ID); err != nil {
		return err
	}
	return st.term(ctx, "/category/"+nicename(path)+"/", "section", s.ID)
}

func (st *wxrState) tag(ctx context.Context, t *Tag) error {
	name, changed := tagName(t.Name)
	if changed {
		st.rep.change(FitTagName)
	}
	tg := &news.Tag{Slug: news.Slugify(nicename(t.Slug)), Name: name}
	made, err := st.w.Tag(ctx, tg, t.TermID)
	if err != nil {
		return err
	}
	st.rep.Tags.count(made)
	st.tags[t.Slug] = tg
	if err := st.term(ctx, "/?tag="+url.QueryEscape(t.Slug), "tag", tg.ID); err != nil {
		return err
	}
	if tg.Slug != nicename(t.Slug) {
		return st.term(ctx, "/tag/"+nicename(t.Slug)+"/", "tag", tg.ID)
	}
	return nil
}

// wxrStatus is Broadsheet's status for a WordPress post status; ok false for one not
// imported. private has no public counterpart: it becomes unpublished (not public,
// visible to the newsroom), as the report says.
func wxrStatus(s string) (news.ArticleStatus, bool) {
	switch s {
	case "publish":
		return news.StatusPublished, true
	case "draft", "auto-draft":
		return news.StatusDraft, true
	case "pending":
		return news.StatusReview, true
	case "future":
		return news.StatusScheduled, true
	case "private":
		return news.StatusUnpublished, true
	case "trash":
		return news.StatusTrash, true
	}
	return "", false
}

func (st *wxrState) item(ctx context.Context, it *Item) error {
	switch it.Type {
	case "attachment":
		st.rep.Attachments++
		if _, why := attachmentURL(it); why != "" {
			st.rep.change(why)
		}
		if p := st.oldPath(it.Link); p != "" && it.PostParent > 0 {
			st.attachmentPages[p] = it.PostParent
		}
		st.attachmentPages["/?attachment_id="+strconv.FormatInt(it.PostID, 10)] = it.PostParent
		return nil
	case "post", "page":
	case "nav_menu_item":
		st.rep.MenuItems++
		st.rep.skip("navigation menu items (pages can be put in the navigation from their editor)")
		return nil
	default:
		st.rep.skip("items of post type " + strconv.Quote(it.Type))
		return nil
	}
	status, ok := wxrStatus(it.Status)
	if !ok {
		st.rep.skip(it.Type + "s of status " + strconv.Quote(it.Status))
		return nil
	}
	// Terms the channel does not list (older exports list only some): made from the
	// item's own <category> elements, as WordPress's importer does.
	for _, tm := range it.Terms {
		switch {
		case tm.Domain == "category" && st.sections[tm.Nicename] == nil && tm.Nicename != "":
			before := st.rep.Sections
			if err := st.category(ctx, &Category{Line: it.Line, Nicename: tm.Nicename, Name: tm.Name}); err != nil {
				return err
			}
			// Counted apart from the file's categories: added, or there already.
			if st.rep.Sections.Added > before.Added {
				st.rep.ExtraSections++
			}
			st.rep.Sections = before
		case (tm.Domain == "post_tag" || tm.Domain == "tag") && st.tags[tm.Nicename] == nil && tm.Nicename != "":
			before := st.rep.Tags
			if err := st.tag(ctx, &Tag{Line: it.Line, Slug: tm.Nicename, Name: tm.Name}); err != nil {
				return err
			}
			if st.rep.Tags.Added > before.Added {
				st.rep.ExtraTags++
			}
			st.rep.Tags = before
		}
	}
	if _, ok := st.authors[it.Creator]; !ok && it.Creator != "" {
		// An author the channel does not list (WXR 1.0, or a login of a deleted user):
		// a byline without an account. Counted apart from the file's authors, as the
		// terms above: the header's row says what became of the header's authors.
		before := st.rep.Authors
		if err := st.author(ctx, &Author{Login: it.Creator}); err != nil {
			return err
		}
		if st.rep.Authors.Added > before.Added {
			st.rep.ExtraAuthors++
		}
		st.rep.Authors = before
	}
	if it.Password != "" && status == news.StatusPublished {
		// Broadsheet has no password-protected stories: one WordPress showed only with
		// its password is kept out of print rather than shown to everyone.
		status = news.StatusUnpublished
		st.rep.Protected++
	}
	a, err := st.article(ctx, it, status)
	if err != nil {
		return err
	}
	made, err := st.w.Article(ctx, a, it.PostID)
	if err != nil {
		return fmt.Errorf("%s %d (%q): %w", it.Type, it.PostID, it.Title, err)
	}
	if it.Type == "page" {
		st.rep.Pages.count(made)
		if made && a.NavPosition > 0 {
			st.rep.NavPages++
		}
	} else {
		st.rep.Posts.count(made)
	}
	st.posts[it.PostID] = a.ID
	if it.Sticky && it.Type == "post" && a.Status == news.StatusPublished && (st.sticky == nil || a.PublishedAt.After(st.sticky.PublishedAt)) {
		st.sticky = a // the newest sticky post leads, as it tops WordPress's front page
	}
	q := "/?p="
	if it.Type == "page" {
		q = "/?page_id="
	}
	old := []string{q + strconv.FormatInt(it.PostID, 10), st.oldPath(it.Link)}
	for _, m := range it.Meta {
		switch m.Key {
		case OldPathMetaKey: // a Broadsheet export's old addresses
			if strings.HasPrefix(m.Value, "/") {
				old = append(old, m.Value)
			}
		case OldSlugMetaKey:
			if s := news.Slugify(nicename(m.Value)); s != "" && s != a.Slug && made {
				added, err := st.w.OldSlug(ctx, s, a.ID)
				if err != nil {
					return err
				}
				if added {
					st.rep.Redirects++
				}
			}
		}
	}
	for _, p := range old {
		if p != "" {
			added, err := st.w.ArticleRedirect(ctx, p, a.ID)
			if err != nil {
				return err
			}
			if added {
				st.rep.Redirects++
			}
		}
	}
	return st.comments(ctx, it, a.ID)
}

func (st *wxrState) article(ctx context.Context, it *Item, status news.ArticleStatus) (*news.Article, error) {
	title := itemTitle(it)
	p := st.prep
	if p == nil && st.existing[strconv.FormatInt(it.PostID, 10)] {
		// Stored by an earlier import (the workers skipped it): Article finds it and
		// writes nothing, so its HTML is not needed, unless it was deleted since.
		_, err := st.w.FindArticle(ctx, Source, strconv.FormatInt(it.PostID, 10))
		switch {
		case err == nil:
			p = &wxrPrepared{}
		case !errors.Is(err, news.ErrNotFound):
			return nil, err
		}
	}
	if p == nil {
		p = st.prepare(it)
	}
	for k, n := range p.unknown {
		st.rep.Unknown[k] += n
	}
	if p.err != nil {
		return nil, fmt.Errorf("%s %d (%q): its content: %w", it.Type, it.PostID, it.Title, p.err)
	}
	html := p.html
	standfirst := ""
	if it.Excerpt != "" {
		standfirst = cleanTrim(render.PlainText(it.Excerpt))
	}
	slug := itemSlug(it)
	a := &news.Article{
		Slug: slug, Title: title, Standfirst: standfirst, BodyHTML: html, Status: status,
		CommentsClosed: it.CommentStatus == "closed", Source: Source, SourceID: strconv.FormatInt(it.PostID, 10),
		FeedID: feedID(it.GUID),
	}
	if it.GUID != "" && a.FeedID == "" {
		st.rep.change(FitFeedID)
	}
	pub := it.DateGMT
	if pub.IsZero() {
		pub = it.Date // the site's wall clock: the file does not name its zone
	}
	if status != news.StatusDraft && status != news.StatusReview || !it.DateGMT.IsZero() {
		a.PublishedAt = pub
	}
	if undated(status, pub) {
		a.PublishedAt = st.rep.began // as WordPress dates a post published without a date
		st.rep.change(FitUndated)
	}
	a.CreatedAt = pub
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC()
	}
	if !it.ModifiedGMT.IsZero() {
		a.UpdatedAt = it.ModifiedGMT
	}
	for _, m := range it.Meta {
		switch m.Key { // a Broadsheet export's
		case CorrectionMetaKey:
			a.CorrectionNote, _ = news.CleanText(m.Value)
		case SEOMetaKey:
			a.SEODescription, _ = news.CleanText(m.Value)
		}
	}
	if it.Type == "page" {
		a.Kind = news.KindPage
		if pageRenamed(slug, st.site.secs) { // the store gives it another (fit.go)
			st.rep.change(FitPageSlug)
			st.rep.list(renamedPage(it, slug))
		} else {
			st.site.pages.add(slug) // as the check does
		}
		// WordPress orders its pages (wp_list_pages, the page menu a theme shows
		// without a custom menu) by menu_order: a page given a place keeps it in the
		// navigation; 0, WordPress's default, leaves the page out of it.
		if it.MenuOrder > 0 {
			a.NavPosition = int(min(it.MenuOrder, news.MaxNavPosition))
		}
		for _, m := range it.Meta {
			if n, err := strconv.Atoi(strings.TrimSpace(m.Value)); m.Key == NavMetaKey && err == nil && n > 0 && n <= news.MaxNavPosition {
				a.NavPosition = n // a Broadsheet export's navigation, also for position 0's absence
			}
		}
	} else {
		a.Kind = news.KindArticle
	}
	if au, ok := st.authors[it.Creator]; ok {
		a.Author = au
	}
	for _, t := range it.Terms {
		if s, ok := st.sections[t.Nicename]; ok && t.Domain == "category" && a.Section == nil && it.Type == "post" {
			a.Section = s
		}
	}
	tags, dropped := postTags(it) // fit.go: at most news.MaxArticleTags
	for _, n := range tags {
		if tg, ok := st.tags[n]; ok {
			a.Tags = append(a.Tags, tg)
		}
	}
	if dropped > 0 {
		st.rep.change(FitTags)
		st.rep.list(trimmedTags(it, dropped))
	}
	if it.ThumbnailID > 0 {
		if ref, ok := st.atts.Attachment(it.ThumbnailID); ok && ref.IsImage() {
			alt, _ := news.CleanText(ref.Alt)
			// The caption WordPress shows under a featured image
			// (the_post_thumbnail_caption) is its attachment's excerpt, HTML.
			caption := cleanTrim(render.PlainText(ref.Caption))
			for _, m := range it.Meta {
				if m.Key == ImageCaptionMetaKey { // a Broadsheet export's own, even empty
					caption, _ = news.CleanText(m.Value)
				}
			}
			a.FeaturedImage = &news.Image{URL: ref.URL, Alt: alt, Caption: caption, Width: ref.Width, Height: ref.Height}
			if m := st.lib.media(it.ThumbnailID); m != nil {
				a.FeaturedImage = &news.Image{URL: mediaPrefix + m.Name, Alt: alt, Caption: caption, Width: m.Width, Height: m.Height, Srcset: m.Srcset}
			}
		}
	}
	return a, nil
}

func (st *wxrState) comments(ctx context.Context, it *Item, articleID int64) error {
	ordered, _ := Threaded(it.Comments)
	ids := map[int64]int64{}
	for _, c := range ordered {
		if c.Type == "pingback" || c.Type == "trackback" {
			st.rep.Pingbacks++
			st.rep.skip(c.Type + "s")
			continue
		}
		name := cleanTrim(wpEscapedText(c.Author))
		if name == "" {
			name = "Anonymous"
		}
		text, ok := commentText(c)
		if !ok {
			st.rep.change(FitEmptyComment)
			continue
		}
		email := commentEmail(c.AuthorEmail)
		if email != strings.TrimSpace(c.AuthorEmail) {
			st.rep.change(FitCommentEmail)
		}
		created := c.DateGMT
		if created.IsZero() {
			created = c.Date
		}
		authorURL := ""
		if c.AuthorURL != "" {
			// An address the site would not take from a commenter is dropped.
			authorURL, _ = render.NormalizeWebURL(c.AuthorURL)
		}
		nc := &news.Comment{
			ArticleID: articleID, ParentID: ids[c.Parent], Status: c.Status.Site(),
			AuthorName: name, AuthorEmail: email, AuthorURL: authorURL,
			// The commenter's IP address is dropped: the site keeps only a keyed hash
			// of it, and WordPress's addresses are of no use to its limits.
			Body: text, BodyHTML: st.commentHTML(c, text), CreatedAt: created,
			Source: Source, SourceID: strconv.FormatInt(c.ID, 10),
		}
		made, err := st.w.Comment(ctx, nc, c.ID)
		if err != nil {
			return fmt.Errorf("line %d: %w", c.Line, err)
		}
		ids[c.ID] = nc.ID
		k := nc.Status
		n := st.rep.Comments[k]
		n.count(made)
		st.rep.Comments[k] = n
	}
	return nil
}

// uploadPath is the year/month/name end of an upload's address, as WordPress (and
// WordPress.com's files host) serves uploads.
var uploadPath = regexp.MustCompile(`/([0-9]{4}/[0-9]{2}/[^/?#]+)$`)

// mediaPrefix is where the site serves the media library's files (admin.MediaURL).
const mediaPrefix = "/media/"

// upload is an attachment as pass 1 read it: where its file is under uploads, the
// addresses WordPress served it and its sizes at, and what the library keeps of it.
type upload struct {
	id            int64
	rel           string   // under wp-content/uploads: "2023/01/photo.jpg"
	urls          []string // the file's address, and its sizes' (photo-300x200.jpg), "-scaled" original's
	alt           string
	title         string
	caption, desc string // <excerpt:encoded> and <content:encoded>, as text
	width, height int    // from _wp_attachment_metadata; 0 when unknown
}

// uploadRel is _wp_attached_file as a path under the uploads folder. WordPress writes
// it relative ("2025/01/photo.jpg"); WordPress.com writes the server's absolute path
// (/home/wpcom/public_html/wp-content/blogs.dir/a8d/240859405/files/2025/01/photo.jpg),
// as an old multisite's blogs.dir may: its end after the last uploads/ or files/
// folder, else its year/month/name end, is the file's place in the uploads copy.
func uploadRel(file string) string {
	if !strings.HasPrefix(file, "/") && !strings.Contains(file, ":") {
		return file
	}
	for _, dir := range []string{"/uploads/", "/files/"} {
		if i := strings.LastIndex(file, dir); i >= 0 {
			return file[i+len(dir):]
		}
	}
	if m := uploadPath.FindStringSubmatch(file); m != nil {
		return m[1]
	}
	return file
}

func newUpload(it *Item) *upload {
	if it.Type != "attachment" {
		return nil
	}
	u, _ := attachmentURL(it) // fit.go
	if u == "" {
		return nil // no file to copy or refer to: skipped
	}
	f := &upload{id: it.PostID, urls: []string{u}, title: wpHTMLText(it.Title),
		caption: strings.TrimSpace(render.PlainText(it.Excerpt)), desc: strings.TrimSpace(render.PlainText(it.Content))}
	if a := it.Attachment; a != nil {
		f.rel, f.alt = uploadRel(a.File), a.Alt
		if a.Metadata != nil {
			f.width, f.height = a.Metadata.Width, a.Metadata.Height
		}
	}
	u = f.urls[0]
	if f.rel == "" { // WXR without _wp_attached_file (WordPress.com): from the address
		if i := strings.Index(u, "/wp-content/uploads/"); i >= 0 {
			f.rel = u[i+len("/wp-content/uploads/"):]
		} else if m := uploadPath.FindStringSubmatch(u); m != nil {
			f.rel = m[1]
		}
	}
	if f.rel != "" && strings.HasSuffix(u, f.rel) {
		dir := u[:len(u)-len(path.Base(f.rel))]
		if it.Attachment != nil && it.Attachment.Metadata != nil {
			md := it.Attachment.Metadata
			for _, sz := range md.Sizes {
				if sz.File != "" {
					f.urls = append(f.urls, dir+sz.File)
				}
			}
			if md.OriginalImage != "" {
				f.urls = append(f.urls, dir+md.OriginalImage)
			}
		}
	}
	return f
}

// ext is the attachment's file extension, lower case (".jpg"), from its file or address.
func (f *upload) ext() string {
	name := f.rel
	if name == "" {
		name, _, _ = strings.Cut(f.urls[0], "?")
	}
	return strings.ToLower(path.Ext(name))
}

// contentType is the type of the attachment's file by its extension (WXR does not
// carry post_mime_type).
func (f *upload) contentType() string {
	if t, ok := medialib.FileType(f.ext()); ok {
		return t
	}
	if t := mime.TypeByExtension(f.ext()); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return "application/octet-stream"
}

// library puts an export's attachments into the media library: images in a local
// copy of wp-content/uploads through the media pipeline (checked, re-encoded without
// metadata, variants made), other files of the types the library keeps (PDF, audio,
// video) as they are, and every other attachment as a reference to its original
// address; bodies' addresses of the files it stored are rewritten to the new ones.
type library struct {
	store news.WXRStore
	dir   fs.FS          // nil without uploads
	files medialib.Files // nil without uploads
	made  []struct {
		id    int64
		media *news.Media
	}
	stored   []string // this run's files, removed again if it does not commit
	byURL    map[string]*news.Media
	byID     map[int64]*news.Media // stored images, by attachment
	replacer *strings.Replacer
	// byRel is every copied file by its path under uploads (its sizes' too), for the
	// addresses of it the replacer does not know (see rewrite); hosts are the hosts
	// its attachments were served from, without "www."; wpcom is set when one is
	// WordPress.com's.
	byRel map[string]*news.Media
	hosts map[string]bool
	wpcom bool
	// oldFiles are the addresses WordPress served the copied files at (their sizes'
	// too), whose paths the write records as old addresses of the library's items.
	oldFiles []oldFile
}

// oldFile is an address WordPress served a copied file at, and the library item (its
// ID is the store's once the write has added it).
type oldFile struct {
	url   string
	media *news.Media
}

func (l *library) copy(ctx context.Context, files []*upload, opt *Options, rep *ImportReport) error {
	var pairs []string
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		opt.progress(StageMedia, int64(i+1), int64(len(files)))
		m, err := l.store.ImportedMedia(ctx, Source, strconv.FormatInt(f.id, 10))
		switch {
		case err == nil:
			rep.Media.There++
		case !errors.Is(err, news.ErrNotFound):
			return err
		default:
			m, err = l.process(ctx, f, rep)
			if err != nil {
				return err
			}
			rep.Media.Added++
			l.made = append(l.made, struct {
				id    int64
				media *news.Media
			}{f.id, m})
		}
		if m.URL != "" {
			continue // kept at its address: nothing to rewrite
		}
		if m.IsImage() {
			l.byID[f.id] = m
		}
		for _, u := range f.urls {
			if u != "" && l.byURL[u] == nil {
				l.byURL[u] = m
				pairs = append(pairs, u, mediaPrefix+m.Name)
			}
			l.addRel(u, m)
			if strings.Contains(u, "/wp-content/uploads/") || strings.Contains(u, "/files/") {
				l.oldFiles = append(l.oldFiles, oldFile{u, m})
			}
		}
	}
	l.replacer = strings.NewReplacer(pairs...)
	return nil
}

// process makes the library item of one attachment: its file stored when uploads has
// it and the library takes it (an image the pipeline takes, or a file of a kept
// type), else a reference to its original address.
func (l *library) process(ctx context.Context, f *upload, rep *ImportReport) (*news.Media, error) {
	clean := func(s string) string { s, _ = news.CleanText(s); return s }
	m := &news.Media{Alt: clean(f.alt), Title: clean(f.title), Caption: clean(f.caption), Description: clean(f.desc)}
	// fs.ValidPath refuses "..", absolute and empty paths: nothing outside the folder.
	if l.dir != nil && fs.ValidPath(f.rel) {
		stored, err := l.storeFile(ctx, f, m)
		if err != nil {
			return nil, fmt.Errorf("attachment %d (%s): %w", f.id, f.rel, err)
		}
		if stored {
			if m.IsImage() {
				rep.Copied++
			} else {
				rep.FilesCopied++
			}
			return m, nil
		}
	}
	m.URL, m.ContentType = f.urls[0], f.contentType()
	if strings.HasPrefix(m.ContentType, "image/") {
		m.Width, m.Height = max(f.width, 0), max(f.height, 0)
	}
	rep.Linked++
	return m, nil
}

// storeFile stores f's file from uploads into m; false when it is not there or the
// library does not take it.
func (l *library) storeFile(ctx context.Context, f *upload, m *news.Media) (bool, error) {
	fh, err := l.dir.Open(f.rel)
	if err != nil {
		return false, nil
	}
	defer fh.Close()
	var refused *medialib.Error
	if _, ok := medialib.FileType(f.ext()); ok {
		// Not an image: kept as it is, never through the image pipeline.
		name, size, err := medialib.StoreFile(ctx, l.files, f.ext(), fh)
		if errors.As(err, &refused) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		l.stored = append(l.stored, name)
		m.Name, m.ContentType, m.Bytes = name, f.contentType(), int(size)
		return true, nil
	}
	im, err := medialib.Process(ctx, l.files, fh)
	if errors.As(err, &refused) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	l.stored = append(l.stored, im.Name)
	for _, v := range im.Variants {
		l.stored = append(l.stored, v.Name)
	}
	m.Name, m.ContentType, m.Width, m.Height, m.Bytes, m.Srcset = im.Name, im.ContentType, im.Width, im.Height, im.Bytes, im.Srcset(mediaPrefix)
	return true, nil
}

// forget removes the files this run stored: the import did not commit.
func (l *library) forget() {
	if l == nil || l.files == nil {
		return
	}
	for _, name := range l.stored {
		l.files.Remove(name)
	}
	l.stored = nil
}

// addRel records the copied file m under the path address u has under uploads, and
// u's host as one of the site's.
func (l *library) addRel(u string, m *news.Media) {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return
	}
	host := strings.TrimPrefix(strings.ToLower(pu.Hostname()), "www.")
	rel := ""
	switch {
	case strings.Contains(pu.Path, "/wp-content/uploads/"):
		rel = pu.Path[strings.LastIndex(pu.Path, "/wp-content/uploads/")+len("/wp-content/uploads/"):]
	case strings.HasSuffix(host, ".files.wordpress.com"):
		rel = strings.TrimPrefix(pu.Path, "/")
	case strings.Contains(pu.Path, "/files/"):
		rel = pu.Path[strings.LastIndex(pu.Path, "/files/")+len("/files/"):]
	}
	if rel == "" {
		return
	}
	if l.byRel == nil {
		l.byRel, l.hosts = map[string]*news.Media{}, map[string]bool{}
	}
	if l.byRel[rel] == nil {
		l.byRel[rel] = m
	}
	l.hosts[host] = true
	if host == "wordpress.com" || strings.HasSuffix(host, ".wordpress.com") {
		l.wpcom = true
	}
}

// reUploadAddress is an address of an upload as posts write them: any scheme or none
// (//host/…), a host (with the Photon CDN's i0.wp.com, the site's host as the first
// folder), folders, the year/month/name under uploads, and a query (WordPress.com's
// ?w=1024, Photon's ?resize=…).
var reUploadAddress = regexp.MustCompile(`(?i)(?:https?:)?//([a-z0-9][a-z0-9.-]*)((?:/[^\s"'<>?#/]+)*)/([0-9]{4}/[0-9]{2}/[^\s"'<>?#/]+)(?:\?[^\s"'<>#]*)?`)

// rewrite gives the body's addresses of copied files their new ones: first those the
// export named exactly, then the other addresses of the same files a post may hold
// (http where the export says https, www or not, WordPress.com's files host, the
// Photon CDN, a resizing query): of one of the site's hosts (or WordPress.com's, for
// a site there), under wp-content/uploads/ or files/, naming a copied file.
func (l *library) rewrite(body string) string {
	if l == nil || l.replacer == nil {
		return body
	}
	body = l.replacer.Replace(body)
	if len(l.byRel) == 0 || !strings.Contains(body, "//") {
		return body
	}
	return reUploadAddress.ReplaceAllStringFunc(body, func(addr string) string {
		g := reUploadAddress.FindStringSubmatch(addr)
		host, folders, rel := strings.ToLower(g[1]), g[2], g[3]
		if len(host) == len("i0.wp.com") && strings.HasPrefix(host, "i") && strings.HasSuffix(host, ".wp.com") {
			first, rest, _ := strings.Cut(strings.TrimPrefix(folders, "/"), "/")
			host, folders = strings.ToLower(first), "/"+rest
			if rest == "" {
				folders = ""
			}
		}
		host = strings.TrimPrefix(host, "www.")
		wpcom := host == "wordpress.com" || strings.HasSuffix(host, ".wordpress.com")
		if !l.hosts[host] && !(l.wpcom && wpcom) {
			return addr
		}
		under := strings.HasSuffix(folders, "/wp-content/uploads") || strings.HasSuffix(folders, "/files") ||
			folders == "" && strings.HasSuffix(host, ".files.wordpress.com")
		m := l.byRel[rel]
		if !under || m == nil {
			return addr
		}
		return mediaPrefix + m.Name
	})
}

// media is the library image made from the attachment id; nil when none.
func (l *library) media(id int64) *news.Media {
	if l == nil {
		return nil
	}
	return l.byID[id]
}

// The writer is one goroutine in one transaction; what takes time besides it is the
// HTML: each post's content converted and sanitised, each comment rendered. Workers
// (one a core) make it ahead of the writer, which takes the entries in file order.

// wxrPrepared is an item's HTML, made by a worker.
type wxrPrepared struct {
	html     string
	err      error
	unknown  map[string]int      // unknown shortcodes
	comments map[*Comment]string // each comment's HTML
}

// wxrJob is one entry in file order; done is closed when prep is ready.
type wxrJob struct {
	e    Entry
	err  error
	prep *wxrPrepared
	done chan struct{}
}

// wxrAhead bounds the entries read ahead of the writer (each up to wxr's 64 MiB
// item budget in the worst case, a few KiB in a real export).
const wxrAhead = 32

// prepareWXR reads rd's entries in a goroutine and yields them in order, their HTML
// made by workers; the last job carries io.EOF or the read's error. The reading stops
// when ctx ends.
func prepareWXR(ctx context.Context, rd *Reader, st *wxrState) <-chan *wxrJob {
	ordered := make(chan *wxrJob, wxrAhead)
	work := make(chan *wxrJob, wxrAhead)
	for range max(1, runtime.GOMAXPROCS(0)) {
		go func() {
			for j := range work {
				j.prep = st.prepare(j.e.(*Item))
				close(j.done)
			}
		}()
	}
	go func() {
		defer close(ordered)
		defer close(work)
		for {
			e, err := rd.Next()
			j := &wxrJob{e: e, err: err, done: make(chan struct{})}
			it, ok := e.(*Item)
			toWork := err == nil && ok && (it.Type == "post" || it.Type == "page") && !st.existing[strconv.FormatInt(it.PostID, 10)]
			if !toWork {
				close(j.done)
			}
			select {
			case ordered <- j:
			case <-ctx.Done():
				return
			}
			if toWork {
				select {
				case work <- j:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return ordered
}

// prepare makes an item's HTML: its content converted (blocks, shortcodes), its
// copied files' addresses rewritten, sanitised as the editor's HTML is; and its
// comments'. It reads only what does not change while the items are written.
func (st *wxrState) prepare(it *Item) *wxrPrepared {
	p := &wxrPrepared{comments: make(map[*Comment]string, len(it.Comments))}
	body, crep := Convert(it.Content, ConvertOptions{PostID: it.PostID, Attachments: st.atts})
	p.unknown = crep.Unknown
	body, _ = news.CleanText(body)
	body = st.lib.rewrite(body)
	p.html, _, p.err = render.ArticleHTML(body, st.embeds)
	for _, c := range it.Comments {
		if c.Type == "pingback" || c.Type == "trackback" {
			continue
		}
		text, _ := news.CleanText(c.Content)
		p.comments[c] = render.Comment(text)
	}
	return p
}

// commentHTML is the comment's HTML, made ahead when it was.
func (st *wxrState) commentHTML(c *Comment, text string) string {
	if st.prep != nil {
		if h, ok := st.prep.comments[c]; ok {
			return h
		}
	}
	return render.Comment(text)
}
