package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/auth"
	"broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
	"broadsheet/internal/sqlite"
	"broadsheet/internal/wxr"
)

// wxrSource is the source of every article and comment a WordPress import writes: with
// WordPress's post or comment ID as source ID, it is how a second import knows them.
const wxrSource = "wordpress"

// wxrReport is what an import of a WXR file did, by kind: the file's own numbers
// (wxr.Check) beside what was added and what was there already.
type wxrReport struct {
	counts                                wxr.Counts
	posts, pages, sections, tags, authors [2]int // added, already there
	comments                              map[string][2]int
	attachments, pingbacks, menuItems     int
	skipped                               map[string]int // why → how many
	unknown                               map[string]int // unknown shortcode → uses
	links                                 []string       // set-password links of new accounts
	redirects                             int
	protected                             int    // password-protected posts kept unpublished
	copied, reused, notCopied             int    // attachments' files with --uploads
	lead                                  string // the sticky post made the front page's lead
	extraSections, extraTags              int    // named by items only, not listed in the channel
}

func (r *wxrReport) skip(why string) { r.skipped[why]++ }

// importWXR imports a WordPress export in two passes over the file: the first reads
// it whole (wxr.Check: every error names its line) and writes nothing; the second
// writes everything in one transaction (sqlite.WXRImport), so that an error, Ctrl-C or
// a file cut short leaves the site as it was.
func importWXR(ctx context.Context, file, dbPath, uploads, mediaDir string, stdout, stderr io.Writer) error {
	if uploads != "" {
		if info, err := os.Stat(uploads); err != nil || !info.IsDir() {
			return fmt.Errorf("--uploads %s: not a folder (a copy of wp-content/uploads)", uploads)
		}
	}
	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file: the import reads it twice, to check it and then to write it (save it to a file first)", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()

	// Pass 1: the whole file read, attachments indexed for galleries and featured
	// images, nothing written.
	atts := wxr.NewAttachmentIndex()
	var files []*wxrUpload
	bar := newProgress(stderr, "checking", info.Size())
	counts, err := wxr.Check(ctx, &progressReader{r: f, p: bar}, wxr.Limits{}, func(it *wxr.Item) {
		atts.Add(it)
		if f := newWXRUpload(it); f != nil && uploads != "" {
			files = append(files, f)
		}
	})
	bar.done()
	if err != nil {
		return failed(ctx, file, err)
	}
	fmt.Fprintf(stderr, "checked %s in %.1fs; importing\n", file, time.Since(start).Seconds())

	db, hosts, err := openForImport(ctx, dbPath, f, file)
	if err != nil {
		return err
	}
	defer db.Close()
	rep := &wxrReport{counts: counts, comments: map[string][2]int{}, skipped: map[string]int{}, unknown: map[string]int{}}
	// The images are copied before the transaction begins, so that the site's writers
	// do not wait for image processing; those stored for this run are removed again if
	// the import does not commit.
	var lib *wxrLibrary
	if uploads != "" {
		if mediaDir == "" {
			mediaDir = filepath.Join(filepath.Dir(dbPath), "media")
		}
		lib = &wxrLibrary{db: db, dir: uploads, files: media.Dir(mediaDir), byURL: map[string]*news.Media{}, byID: map[int64]*news.Media{}}
		if err := os.MkdirAll(mediaDir, 0o755); err != nil {
			return failed(ctx, file, err)
		}
		bar = newProgress(stderr, "images", int64(len(files)))
		err := lib.copy(ctx, files, bar, rep)
		bar.done()
		if err != nil {
			lib.forget()
			return failed(ctx, file, err)
		}
	}
	bar = newProgress(stderr, "importing", info.Size())
	w, err := db.BeginWXR(ctx)
	if err != nil {
		lib.forget()
		return failed(ctx, file, err)
	}
	err = writeWXR(ctx, w, &progressReader{r: f, p: bar}, atts, lib, render.Embeds{Hosts: hosts}, rep)
	bar.done()
	if err != nil {
		w.Rollback()
		lib.forget()
		return failed(ctx, file, err)
	}
	added := rep.posts[0] + rep.pages[0] + rep.sections[0] + rep.tags[0] + rep.authors[0] + rep.redirects
	for _, n := range rep.comments {
		added += n[0]
	}
	if err := w.Commit(ctx, added > 0 || rep.lead != "" || lib != nil && len(lib.made) > 0); err != nil {
		lib.forget()
		return failed(ctx, file, err)
	}
	awaitServers(ctx, db, stderr)
	rep.write(stdout)
	fmt.Fprintf(stdout, "imported %s in %.1fs\n", file, time.Since(start).Seconds())
	return nil
}

// progressReader reports the bytes read to a progress bar.
type progressReader struct {
	r io.Reader
	p *progress
	n int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	p.p.update(p.n)
	return n, err
}

// wxrState is what pass 2 remembers while it writes: WordPress's IDs and names of what
// it has written, mapped to Broadsheet's.
type wxrState struct {
	w        *sqlite.WXRImport
	atts     *wxr.AttachmentIndex
	lib      *wxrLibrary // nil without --uploads
	sticky   *news.Article
	prep     *wxrPrepared // the item being written's HTML, made ahead by a worker
	embeds   render.Embeds
	rep      *wxrReport
	base     string                  // the WordPress site's path ("/blog"), stripped from its links
	authors  map[string]*news.Author // login → author
	sections map[string]*news.Section
	catPath  map[string]string // nicename → "parent/child"
	tags     map[string]*news.Tag
	posts    map[int64]int64 // WordPress post ID → article ID
	// attachmentPages are attachment pages' old paths, led to the post they belong to
	// once every post is written.
	attachmentPages map[string]int64
}

func writeWXR(ctx context.Context, w *sqlite.WXRImport, r io.Reader, atts *wxr.AttachmentIndex, lib *wxrLibrary, embeds render.Embeds, rep *wxrReport) error {
	if lib != nil {
		for _, m := range lib.made {
			if err := w.Media(ctx, m.media, wxrSource, strconv.FormatInt(m.id, 10)); err != nil {
				return err
			}
		}
	}
	st := &wxrState{w: w, atts: atts, lib: lib, embeds: embeds, rep: rep, authors: map[string]*news.Author{},
		sections: map[string]*news.Section{}, catPath: map[string]string{}, tags: map[string]*news.Tag{},
		posts: map[int64]int64{}, attachmentPages: map[string]int64{}}
	rd := wxr.NewReader(r, wxr.Limits{})
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
		case *wxr.Site:
			if u, err := url.Parse(e.Link); err == nil {
				st.base = strings.TrimSuffix(u.Path, "/")
			}
		case *wxr.Author:
			err = st.author(ctx, e)
		case *wxr.Category:
			err = st.category(ctx, e)
		case *wxr.Tag:
			err = st.tag(ctx, e)
		case *wxr.Term:
			if e.Taxonomy != "category" && e.Taxonomy != "post_tag" { // newer exports repeat those as <wp:term>
				rep.skip("terms of other taxonomies (" + e.Taxonomy + ")")
			}
		case *wxr.Item:
			err = st.item(ctx, e)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", entryLine(e), err)
		}
	}
	n, _ := rd.Skipped()
	if n > 0 {
		rep.skipped["items repeating a post ID (as WordPress's importer skips them)"] += n
	}
	if st.sticky != nil {
		set, err := w.LeadIfUnset(ctx, st.sticky.ID)
		if err != nil {
			return err
		}
		if set {
			rep.lead = st.sticky.Title
		}
	}
	for path, parent := range st.attachmentPages {
		if id, ok := st.posts[parent]; ok {
			if err := w.ArticleRedirect(ctx, path, id); err != nil {
				return err
			}
		}
	}
	return nil
}

func entryLine(e wxr.Entry) int {
	switch e := e.(type) {
	case *wxr.Author:
		return e.Line
	case *wxr.Category:
		return e.Line
	case *wxr.Tag:
		return e.Line
	case *wxr.Item:
		return e.Line
	}
	return 0
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

func (st *wxrState) author(ctx context.Context, a *wxr.Author) error {
	name := strings.TrimSpace(a.DisplayName)
	if name == "" {
		name = a.Login
	}
	name, _ = news.CleanText(name)
	bio, _ := news.CleanText(a.Description)
	au := &news.Author{Slug: news.Slugify(a.Login), Name: name, Bio: bio}
	var u *news.User
	token, hash := "", ""
	if a.Email != "" {
		token, hash = auth.NewToken()
		u = &news.User{Email: strings.TrimSpace(a.Email), Name: name}
	}
	made, userMade, err := st.w.Author(ctx, au, u, a.ID, hash)
	if err != nil {
		return err
	}
	st.rep.authors[btoi(!made)]++
	if userMade {
		st.rep.links = append(st.rep.links, fmt.Sprintf("%s <%s>: /admin/reset/%s", name, u.Email, token))
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
	st.rep.redirects++
	return st.w.TermRedirect(ctx, path, kind, id)
}

// nicename is a term's slug as WordPress wrote it, percent-decoded (WordPress stores
// a non-ASCII slug percent-encoded).
func nicename(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	return news.NFC(s)
}

func (st *wxrState) category(ctx context.Context, c *wxr.Category) error {
	name, _ := news.CleanText(c.Name)
	desc, _ := news.CleanText(c.Description)
	slug := news.Slugify(nicename(c.Nicename))
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
	st.rep.sections[btoi(!made)]++
	st.sections[c.Nicename] = s
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

func (st *wxrState) tag(ctx context.Context, t *wxr.Tag) error {
	name, _ := news.CleanText(t.Name)
	tg := &news.Tag{Slug: news.Slugify(nicename(t.Slug)), Name: name}
	made, err := st.w.Tag(ctx, tg, t.TermID)
	if err != nil {
		return err
	}
	st.rep.tags[btoi(!made)]++
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

func (st *wxrState) item(ctx context.Context, it *wxr.Item) error {
	switch it.Type {
	case "attachment":
		st.rep.attachments++
		if p := st.oldPath(it.Link); p != "" && it.PostParent > 0 {
			st.attachmentPages[p] = it.PostParent
		}
		st.attachmentPages["/?attachment_id="+strconv.FormatInt(it.PostID, 10)] = it.PostParent
		return nil
	case "post", "page":
	case "nav_menu_item":
		st.rep.menuItems++
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
			before := st.rep.sections
			if err := st.category(ctx, &wxr.Category{Line: it.Line, Nicename: tm.Nicename, Name: tm.Name}); err != nil {
				return err
			}
			// Counted apart from the file's categories: added, or there already.
			if st.rep.sections[0] > before[0] {
				st.rep.extraSections++
			}
			st.rep.sections = before
		case (tm.Domain == "post_tag" || tm.Domain == "tag") && st.tags[tm.Nicename] == nil && tm.Nicename != "":
			before := st.rep.tags
			if err := st.tag(ctx, &wxr.Tag{Line: it.Line, Slug: tm.Nicename, Name: tm.Name}); err != nil {
				return err
			}
			if st.rep.tags[0] > before[0] {
				st.rep.extraTags++
			}
			st.rep.tags = before
		}
	}
	if _, ok := st.authors[it.Creator]; !ok && it.Creator != "" {
		// An author the channel does not list (WXR 1.0, or a login of a deleted user):
		// a byline without an account.
		if err := st.author(ctx, &wxr.Author{Login: it.Creator}); err != nil {
			return err
		}
	}
	if it.Password != "" && status == news.StatusPublished {
		// Broadsheet has no password-protected stories: one WordPress showed only with
		// its password is kept out of print rather than shown to everyone.
		status = news.StatusUnpublished
		st.rep.protected++
	}
	a, err := st.article(it, status)
	if err != nil {
		return err
	}
	made, err := st.w.Article(ctx, a, it.PostID)
	if err != nil {
		return fmt.Errorf("%s %d (%q): %w", it.Type, it.PostID, it.Title, err)
	}
	if it.Type == "page" {
		st.rep.pages[btoi(!made)]++
	} else {
		st.rep.posts[btoi(!made)]++
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
		case wxr.OldPathMetaKey: // a Broadsheet export's old addresses
			if strings.HasPrefix(m.Value, "/") {
				old = append(old, m.Value)
			}
		case wxr.OldSlugMetaKey:
			if s := news.Slugify(nicename(m.Value)); s != "" && s != a.Slug && made {
				st.rep.redirects++
				if err := st.w.OldSlug(ctx, s, a.ID); err != nil {
					return err
				}
			}
		}
	}
	for _, p := range old {
		if p != "" {
			st.rep.redirects++
			if err := st.w.ArticleRedirect(ctx, p, a.ID); err != nil {
				return err
			}
		}
	}
	return st.comments(ctx, it, a.ID)
}

func (st *wxrState) article(it *wxr.Item, status news.ArticleStatus) (*news.Article, error) {
	title, _ := news.CleanText(strings.TrimSpace(it.Title))
	if title == "" {
		title = "(no title)"
	}
	p := st.prep
	if p == nil {
		p = st.prepare(it)
	}
	for k, n := range p.unknown {
		st.rep.unknown[k] += n
	}
	if p.err != nil {
		return nil, fmt.Errorf("%s %d (%q): its content: %w", it.Type, it.PostID, it.Title, p.err)
	}
	html := p.html
	standfirst := ""
	if it.Excerpt != "" {
		standfirst, _ = news.CleanText(strings.TrimSpace(render.PlainText(it.Excerpt)))
	}
	slug := news.Slugify(nicename(it.Name))
	if it.Name == "" {
		slug = news.Slugify(title)
	}
	a := &news.Article{
		Slug: slug, Title: title, Standfirst: standfirst, BodyHTML: html, Status: status,
		CommentsClosed: it.CommentStatus == "closed", Source: wxrSource, SourceID: strconv.FormatInt(it.PostID, 10),
		FeedID: it.GUID,
	}
	pub := it.DateGMT
	if pub.IsZero() {
		pub = it.Date // the site's wall clock: the file does not name its zone
	}
	if status != news.StatusDraft && status != news.StatusReview || !it.DateGMT.IsZero() {
		a.PublishedAt = pub
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
		case wxr.CorrectionMetaKey:
			a.CorrectionNote, _ = news.CleanText(m.Value)
		case wxr.SEOMetaKey:
			a.SEODescription, _ = news.CleanText(m.Value)
		}
	}
	if it.Type == "page" {
		a.Kind = news.KindPage
		for _, m := range it.Meta {
			if n, err := strconv.Atoi(strings.TrimSpace(m.Value)); m.Key == wxr.NavMetaKey && err == nil && n > 0 && n <= news.MaxNavPosition {
				a.NavPosition = n // a Broadsheet export's navigation
			}
		}
	} else {
		a.Kind = news.KindArticle
	}
	if au, ok := st.authors[it.Creator]; ok {
		a.Author = au
	}
	for _, t := range it.Terms {
		switch t.Domain {
		case "category":
			if s, ok := st.sections[t.Nicename]; ok && a.Section == nil && it.Type == "post" {
				a.Section = s
			}
		case "post_tag", "tag":
			if tg, ok := st.tags[t.Nicename]; ok && it.Type == "post" {
				a.Tags = append(a.Tags, tg)
			}
		}
	}
	if it.ThumbnailID > 0 {
		if ref, ok := st.atts.Attachment(it.ThumbnailID); ok && ref.IsImage() {
			alt, _ := news.CleanText(ref.Alt)
			// The caption WordPress shows under a featured image
			// (the_post_thumbnail_caption) is its attachment's excerpt, HTML.
			caption, _ := news.CleanText(strings.TrimSpace(render.PlainText(ref.Caption)))
			for _, m := range it.Meta {
				if m.Key == wxr.ImageCaptionMetaKey { // a Broadsheet export's own, even empty
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

// wxrCommentStatus is Broadsheet's status of a WordPress comment.
func wxrCommentStatus(s wxr.CommentStatus) news.CommentStatus {
	switch s {
	case wxr.CommentApproved:
		return news.CommentApproved
	case wxr.CommentSpam:
		return news.CommentSpam
	case wxr.CommentTrash:
		return news.CommentTrash
	}
	return news.CommentPending
}

func (st *wxrState) comments(ctx context.Context, it *wxr.Item, articleID int64) error {
	ordered, _ := wxr.Threaded(it.Comments)
	ids := map[int64]int64{}
	for _, c := range ordered {
		if c.Type == "pingback" || c.Type == "trackback" {
			st.rep.pingbacks++
			st.rep.skip(c.Type + "s")
			continue
		}
		name, _ := news.CleanText(strings.TrimSpace(c.Author))
		if name == "" {
			name = "Anonymous"
		}
		text, _ := news.CleanText(c.Content)
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
			ArticleID: articleID, ParentID: ids[c.Parent], Status: wxrCommentStatus(c.Status),
			AuthorName: name, AuthorEmail: strings.TrimSpace(c.AuthorEmail), AuthorURL: authorURL,
			// The commenter's IP address is dropped: the site keeps only a keyed hash
			// of it, and WordPress's addresses are of no use to its limits.
			Body: text, BodyHTML: st.commentHTML(c, text), CreatedAt: created,
			Source: wxrSource, SourceID: strconv.FormatInt(c.ID, 10),
		}
		made, err := st.w.Comment(ctx, nc, c.ID)
		if err != nil {
			return fmt.Errorf("line %d: %w", c.Line, err)
		}
		ids[c.ID] = nc.ID
		k := nc.Status
		n := st.rep.comments[string(k)]
		n[btoi(!made)]++
		st.rep.comments[string(k)] = n
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// write prints the report: per kind, what the file holds, what was added and what was
// there already; what was skipped and why; the unknown shortcodes; the new accounts'
// set-password links.
func (r *wxrReport) write(out io.Writer) {
	inFile := func(typ string) (n int) {
		for ts, c := range r.counts.Items {
			if ts.Type == typ {
				n += c
			}
		}
		return n
	}
	row := func(kind string, file int, n [2]int) {
		fmt.Fprintf(out, "  %-12s %6d in the file, %6d added, %6d already there\n", kind, file, n[0], n[1])
	}
	fmt.Fprintln(out, "WordPress import:")
	row("posts", inFile("post"), r.posts)
	row("pages", inFile("page"), r.pages)
	row("categories", r.counts.Categories, r.sections)
	row("tags", r.counts.Tags, r.tags)
	row("authors", r.counts.Authors, r.authors)
	for _, s := range []wxr.CommentStatus{wxr.CommentApproved, wxr.CommentPending, wxr.CommentSpam, wxr.CommentTrash} {
		row("comments "+s.String(), r.counts.Comments[s], r.comments[string(wxrCommentStatus(s))])
	}
	if r.copied+r.reused+r.notCopied > 0 {
		fmt.Fprintf(out, "  %-12s %6d in the file, %6d images copied, %6d already there, %d kept at their original URLs\n", "attachments", r.attachments, r.copied, r.reused, r.notCopied)
	} else {
		fmt.Fprintf(out, "  %-12s %6d in the file (their original URLs kept)\n", "attachments", r.attachments)
	}
	var statuses []string
	for ts, c := range r.counts.Items {
		if ts.Type == "post" || ts.Type == "page" {
			statuses = append(statuses, fmt.Sprintf("%s %s: %d", ts.Type, ts.Status, c))
		}
	}
	sort.Strings(statuses)
	fmt.Fprintf(out, "  by status: %s (private → unpublished: not public, seen by the newsroom)\n", strings.Join(statuses, ", "))
	if r.protected > 0 {
		fmt.Fprintf(out, "  password-protected posts and pages kept unpublished (Broadsheet has no passwords on stories): %d\n", r.protected)
	}
	if r.extraSections+r.extraTags > 0 {
		fmt.Fprintf(out, "  named by posts but not listed in the file's header: %d categories, %d tags (added)\n", r.extraSections, r.extraTags)
	}
	if r.lead != "" {
		fmt.Fprintf(out, "  the front page leads with the sticky post %q (setting %s)\n", r.lead, news.SettingLeadArticle)
	}
	fmt.Fprintf(out, "  old addresses recorded: %d\n", r.redirects)
	if len(r.skipped) > 0 {
		fmt.Fprintln(out, "skipped:")
		for _, k := range slices.Sorted(mapKeys(r.skipped)) {
			fmt.Fprintf(out, "  %6d %s\n", r.skipped[k], k)
		}
	}
	if len(r.unknown) > 0 {
		fmt.Fprintln(out, "unknown shortcodes (kept as text):")
		for _, k := range slices.Sorted(mapKeys(r.unknown)) {
			fmt.Fprintf(out, "  [%s] ×%d\n", k, r.unknown[k])
		}
	}
	if len(r.links) > 0 {
		fmt.Fprintf(out, "new accounts (role author) sign in after setting a password with their one-time link (valid %s; prefix the site's address):\n", sqlite.WXRResetLife)
		for _, l := range r.links {
			fmt.Fprintln(out, "  "+l)
		}
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// uploadPath is the year/month/name end of an upload's address, as WordPress (and
// WordPress.com's files host) serves uploads.
var uploadPath = regexp.MustCompile(`/([0-9]{4}/[0-9]{2}/[^/?#]+)$`)

// mediaPrefix is where the site serves the media library's files (admin.MediaURL).
const mediaPrefix = "/media/"

// wxrUpload is an attachment's file as pass 1 read it: where it is under uploads and
// the addresses WordPress served it and its sizes at.
type wxrUpload struct {
	id   int64
	rel  string   // under wp-content/uploads: "2023/01/photo.jpg"
	urls []string // the file's address, and its sizes' (photo-300x200.jpg), "-scaled" original's
	alt  string
}

func newWXRUpload(it *wxr.Item) *wxrUpload {
	if it.Type != "attachment" {
		return nil
	}
	f := &wxrUpload{id: it.PostID, urls: []string{strings.TrimSpace(it.AttachmentURL)}}
	if a := it.Attachment; a != nil {
		f.rel, f.alt = a.File, a.Alt
	}
	u := f.urls[0]
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

// wxrLibrary copies an export's images from a local copy of wp-content/uploads into
// the media library through the media pipeline (checked, re-encoded without metadata,
// variants made), and rewrites addresses of the files WordPress served to the new ones.
type wxrLibrary struct {
	db    *sqlite.DB
	dir   string
	files media.Dir
	made  []struct {
		id    int64
		media *news.Media
	}
	stored   []*media.Image // this run's files, removed again if it does not commit
	byURL    map[string]*news.Media
	byID     map[int64]*news.Media
	replacer *strings.Replacer
}

func (l *wxrLibrary) copy(ctx context.Context, files []*wxrUpload, bar *progress, rep *wxrReport) error {
	var pairs []string
	for i, f := range files {
		bar.update(int64(i + 1))
		if f == nil {
			continue
		}
		m, err := l.db.ImportedMedia(ctx, wxrSource, strconv.FormatInt(f.id, 10))
		switch {
		case err == nil:
			rep.reused++
		case !errors.Is(err, news.ErrNotFound):
			return err
		default:
			m, err = l.process(ctx, f)
			if err != nil {
				return err
			}
			if m == nil {
				rep.notCopied++
				continue
			}
			rep.copied++
		}
		l.byID[f.id] = m
		for _, u := range f.urls {
			if u != "" && l.byURL[u] == nil {
				l.byURL[u] = m
				pairs = append(pairs, u, mediaPrefix+m.Name)
			}
		}
	}
	l.replacer = strings.NewReplacer(pairs...)
	return nil
}

// process stores one attachment's file; nil when it is no image the pipeline takes
// or is not in the folder (its original URL is then kept, and the report says how
// many).
func (l *wxrLibrary) process(ctx context.Context, f *wxrUpload) (*news.Media, error) {
	if f.rel == "" || strings.Contains(f.rel, "..") || path.IsAbs(f.rel) {
		return nil, nil
	}
	fh, err := os.Open(filepath.Join(l.dir, filepath.FromSlash(f.rel)))
	if err != nil {
		return nil, nil
	}
	defer fh.Close()
	im, err := media.Process(ctx, l.files, fh)
	var refused *media.Error
	if errors.As(err, &refused) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("attachment %d (%s): %w", f.id, f.rel, err)
	}
	l.stored = append(l.stored, im)
	alt, _ := news.CleanText(f.alt)
	m := &news.Media{Name: im.Name, ContentType: im.ContentType, Width: im.Width, Height: im.Height, Bytes: im.Bytes,
		Srcset: im.Srcset(mediaPrefix), Alt: alt}
	l.made = append(l.made, struct {
		id    int64
		media *news.Media
	}{f.id, m})
	return m, nil
}

// forget removes the files this run stored: the import did not commit.
func (l *wxrLibrary) forget() {
	if l == nil {
		return
	}
	for _, im := range l.stored {
		l.files.Remove(im.Name)
		for _, v := range im.Variants {
			l.files.Remove(v.Name)
		}
	}
	l.stored = nil
}

// rewrite gives the body's addresses of copied files their new ones.
func (l *wxrLibrary) rewrite(body string) string {
	if l == nil || l.replacer == nil {
		return body
	}
	return l.replacer.Replace(body)
}

// media is the library image made from the attachment id; nil when none.
func (l *wxrLibrary) media(id int64) *news.Media {
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
	unknown  map[string]int          // unknown shortcodes
	comments map[*wxr.Comment]string // each comment's HTML
}

// wxrJob is one entry in file order; done is closed when prep is ready.
type wxrJob struct {
	e    wxr.Entry
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
func prepareWXR(ctx context.Context, rd *wxr.Reader, st *wxrState) <-chan *wxrJob {
	ordered := make(chan *wxrJob, wxrAhead)
	work := make(chan *wxrJob, wxrAhead)
	for range max(1, runtime.GOMAXPROCS(0)) {
		go func() {
			for j := range work {
				j.prep = st.prepare(j.e.(*wxr.Item))
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
			it, ok := e.(*wxr.Item)
			toWork := err == nil && ok && (it.Type == "post" || it.Type == "page")
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
func (st *wxrState) prepare(it *wxr.Item) *wxrPrepared {
	p := &wxrPrepared{comments: make(map[*wxr.Comment]string, len(it.Comments))}
	body, crep := wxr.Convert(it.Content, wxr.ConvertOptions{PostID: it.PostID, Attachments: st.atts})
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
func (st *wxrState) commentHTML(c *wxr.Comment, text string) string {
	if st.prep != nil {
		if h, ok := st.prep.comments[c]; ok {
			return h
		}
	}
	return render.Comment(text)
}
