package admin

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// editAction is one of the editor's buttons. Now and Later are its labels when the
// form's publication time is now or past, and when it is to come, where they differ
// (news.StatusAt: a time to come schedules, a time passed publishes): Label is the one
// shown, and the editor's script swaps them as the time is typed.
type editAction struct {
	Value, Label string
	Now, Later   string
}

type editBody struct {
	ID                                     int64
	NowMS                                  int64 // the server's clock at the render (ms since 1970): the script's "now" for the buttons' labels
	NotSaved                               bool  // the form holds text that is not stored (editor.js warns before leaving)
	Status                                 news.ArticleStatus
	PublicURL                              string
	Revisions                              int
	Title, Standfirst, Body, Section, Tags string
	Slug, Published, Zone, SEO, Correction string
	Image, ImageAlt, ImageCaption          string
	CommentsClosed                         bool
	Sections                               []*news.Section
	Library                                []*news.Media
	Actions                                []editAction
	Preview                                template.HTML
	Autosave                               template.HTML // time of an autosave newer than the article
	AutosaveMS                             int
	// The publication time (see publicationTime): the instant the form was loaded
	// with, the choice among a time's instants, and the choices when there are two.
	PublishedAt, Choice string
	Choices             []timeChoice
	ChoiceHelp          string
	// Version is the article's version the form was loaded from (see conflicts.go);
	// Conflict, when set, is the conflict of a save based on an old one; Unsaved, the
	// editor's own text kept beside the current version ("keep theirs"); Others, who
	// else has the story open; PresenceMS, the heartbeat's interval.
	Version    int64
	Conflict   *conflictView
	Unsaved    []unsavedField
	Others     []presenceNotice
	PresenceMS int
	StaleDraft bool // the offered autosave was made from an older version
	// ImageChoice is the form's featured image: "" none, "current" the one it showed,
	// a library item's ID, or "upload".
	ImageChoice string
	// ImageMatches says the select lists the images an image search found (imagepicker.go).
	ImageMatches string
	// CreateKey is the new-article form's one-time key: the form creates at most one
	// story however often it is sent (news.Article.CreateKey).
	CreateKey string
	// Thumb is the current featured image as the editor shows it (layout.go).
	Thumb *thumbnail
	// Byline is the authors' control (bylines.go).
	Byline bylineBox
	// Page says the form is a static page's (pages.go): no time, section or tags; a
	// place in the navigation (NavPosition, 0 to NavMax, as typed).
	Page        bool
	NavPosition string
	NavMax      int
}

// editBodyOf fills the form from an article.
func (s *Server) editBodyOf(a *news.Article) *editBody {
	b := &editBody{ID: a.ID, Status: a.Status, Title: a.Title, Standfirst: a.Standfirst, Body: a.BodyMarkdown,
		Slug: a.Slug, SEO: a.SEODescription, Correction: a.CorrectionNote, CommentsClosed: a.CommentsClosed, Version: a.Version,
		Byline: bylineOf(a), Page: a.IsPage(), NavPosition: strconv.Itoa(a.NavPosition), NavMax: news.MaxNavPosition}
	if a.Section != nil {
		b.Section = a.Section.Name
	}
	var tags []string
	for _, t := range a.Tags {
		tags = append(tags, t.Name)
	}
	b.Tags = strings.Join(tags, ", ")
	if !a.PublishedAt.IsZero() {
		b.Published = a.PublishedAt.In(s.location()).Format(localLayout)
		b.Choice = a.PublishedAt.UTC().Format(time.RFC3339)
	}
	if img := a.FeaturedImage; img != nil {
		b.Image, b.ImageAlt, b.ImageCaption = img.URL, img.Alt, img.Caption
	}
	return b
}

// everPublished reports whether a was ever live: whether its history (the newest
// news.MaxRevisions versions, each with its status) holds a published version. Unknown
// (the store failing) counts as live, which keeps the plain Unpublish.
func (s *Server) everPublished(ctx context.Context, a *news.Article) bool {
	if a.ID == 0 {
		return false
	}
	if a.Status == news.StatusPublished {
		return true
	}
	revs, _, err := s.store.RevisionPage(ctx, a.ID, news.MaxRevisions, 0)
	if err != nil {
		s.log.Error("was the article ever published", "article", a.ID, "err", err)
		return true
	}
	for _, v := range revs {
		if v.Status == news.StatusPublished {
			return true
		}
	}
	return false
}

// unpublishTarget is where Unpublish takes a: a scheduled story that was never live
// goes back to the drafts (WordPress's "Switch to draft"), as "unpublished" would say
// readers once saw it; any other, unpublished.
func (s *Server) unpublishTarget(ctx context.Context, a *news.Article) news.ArticleStatus {
	if a.Status == news.StatusScheduled && !s.everPublished(ctx, a) {
		return news.StatusDraft
	}
	return news.StatusUnpublished
}

func (s *Server) location() *time.Location {
	if s.cfg.Location != nil {
		if loc := s.cfg.Location(); loc != nil {
			return loc
		}
	}
	return time.UTC
}

// actionsFor lists the buttons the user may press on the article, by its status;
// wasLive says whether a scheduled one was ever published (everPublished): if not, its
// Unpublish reads "Switch to draft", as WordPress words it, and makes it a draft.
func actionsFor(u *news.User, a *news.Article, wasLive bool) []editAction {
	var out []editAction
	add := func(to news.ArticleStatus, value, label string) {
		if u.CanMove(a, to) {
			out = append(out, editAction{Value: value, Label: label})
		}
	}
	// timed: a button whose effect depends on the time typed.
	timed := func(to news.ArticleStatus, value, now, later string) {
		if u.CanMove(a, to) {
			out = append(out, editAction{Value: value, Label: now, Now: now, Later: later})
		}
	}
	switch a.Status {
	case news.StatusTrash:
		add(news.StatusDraft, "restore", "Restore from the trash") // to the state it had (preview.go)
		return out
	case news.StatusPublished:
		timed(a.Status, "save", "Update", "Schedule") // a time to come takes it off the site until then
		add(news.StatusUnpublished, "unpublish", "Unpublish")
	case news.StatusScheduled:
		timed(a.Status, "save", "Publish", "Update") // a time now or past publishes it at once
		if wasLive {
			add(news.StatusUnpublished, "unpublish", "Unpublish")
		} else {
			add(news.StatusDraft, "unpublish", "Switch to draft") // unpublishTarget
		}
	default:
		save := "Save"
		if a.Status == news.StatusDraft {
			save = "Save draft"
		}
		add(a.Status, "save", save)
		if a.Status != news.StatusReview {
			add(news.StatusReview, "submit", "Submit for review")
		}
		timed(news.StatusPublished, "publish", "Publish", "Schedule")
	}
	out = append(out, editAction{Value: "preview", Label: "Preview"})
	if a.ID != 0 {
		add(news.StatusTrash, "trash", "Move to trash")
	}
	return out
}

func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, u *news.User, a *news.Article, b *editBody, status int, errMsg string) {
	b.Sections, _ = s.store.Sections(r.Context())
	s.fillImageChoices(r, b) // imagepicker.go
	b.AutosaveMS = int(s.cfg.AutosaveEvery.Milliseconds())
	b.Actions = actionsFor(u, a, a.Status != news.StatusScheduled || s.everPublished(r.Context(), a))
	b.NowMS = s.cfg.Now().UnixMilli()
	// A form given back by a POST (a refusal, the conflict, a preview) or filled from a
	// kept or autosaved form holds what is not saved: leaving it warns at once.
	b.NotSaved = r.Method == http.MethodPost || errMsg != ""
	if s.futureTime(a, b) { // the button says what it does: a time to come schedules
		for i := range b.Actions {
			if b.Actions[i].Later != "" {
				b.Actions[i].Label = b.Actions[i].Later
			}
		}
	}
	b.Thumb = thumbOf(a.FeaturedImage)
	s.fillByline(r.Context(), u, a, b) // bylines.go
	if _, _, err := parseWall(b.Published); err != nil {
		b.Published = "" // only a forged form sends what a date-time field cannot show
	}
	if b.Zone == "" {
		b.Zone = s.location().String()
	}
	b.Zone = s.formZone(b.Zone).String()
	if !a.PublishedAt.IsZero() {
		b.PublishedAt = a.PublishedAt.UTC().Format(time.RFC3339)
	}
	b.Choices, b.ChoiceHelp = s.publishedChoices(b, a.PublishedAt)
	if a.ID != 0 {
		b.Others = s.others(r.Context(), u, a.ID)
		b.PresenceMS = int(presenceEvery.Milliseconds())
		_, b.Revisions, _ = s.store.RevisionPage(r.Context(), a.ID, 0, 0)
		if a.IsPublic(s.cfg.Now()) {
			b.PublicURL = s.cfg.ArticlePath(a)
		}
	}
	title, nav := "New article", "articles"
	if a.ID != 0 {
		title = "Edit: " + a.Title
	}
	if a.IsPage() {
		b.Page, b.NavMax, nav = true, news.MaxNavPosition, "pages"
		if a.ID == 0 {
			title = "New page"
		}
	}
	// The preview shows embeds: the editor's page may frame their hosts, and only them.
	w.Header().Set("Content-Security-Policy", adminCSP+"; "+render.FrameSrc(s.embeds(r.Context())))
	s.render(w, r, status, "edit", &page{Title: title, Nav: nav, User: u, CSRF: s.csrfToken(r), Error: errMsg,
		Body: b, Notify: s.editorNotify(r, u, a)})
}

func (s *Server) newArticle(w http.ResponseWriter, r *http.Request, u *news.User) {
	a := &news.Article{Status: news.StatusDraft, OwnerID: u.ID}
	b := s.editBodyOf(a)
	b.CreateKey = rand.Text() // a kept or autosaved form given back brings its own
	s.renderEditor(w, r, u, a, b, http.StatusOK, s.recoverForm(r, u, a, b))
}

// createKey is the new-article form's key as sent: rand.Text's alphabet and length
// (and a little room), anything else none.
func createKey(v string) string {
	if len(v) < 16 || len(v) > 64 || strings.IndexFunc(v, func(c rune) bool {
		return !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
	}) >= 0 {
		return ""
	}
	return v
}

func (s *Server) editArticle(w http.ResponseWriter, r *http.Request, u *news.User) {
	if s.readOnlyStory(w, r, u) { // a writer's own story they may not change now (preview.go)
		return
	}
	a, ok := s.loadEditable(w, r, u)
	if !ok {
		return
	}
	// Opening the story is the first sign of presence; the editor's script keeps it up.
	if err := s.store.TouchPresence(r.Context(), a.ID, u.ID, s.sessionHash(r), s.cfg.Now()); err != nil {
		s.log.Error("presence", "article", a.ID, "err", err)
	}
	b := s.editBodyOf(a)
	s.renderEditor(w, r, u, a, b, http.StatusOK, s.recoverForm(r, u, a, b))
}

// loadEditable reads the article of the address and checks that u may edit it.
func (s *Server) loadEditable(w http.ResponseWriter, r *http.Request, u *news.User) (*news.Article, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such article", "There is no article at this address.")
		return nil, false
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such article", "There is no article at this address.")
		return nil, false
	}
	if !u.CanEdit(a) {
		s.log.Info("refused", "user", u.ID, "role", u.Role, "action", "edit article", "article", a.ID)
		s.fail(w, r, u, http.StatusForbidden, "Not allowed", fmt.Sprintf("Your role (%s) may not edit this article.", u.Role))
		return nil, false
	}
	return a, true
}

// saveArticle takes the editor's form for a new article (no id in the address) or an
// existing one, applies the button pressed, and checks every step against the role.
func (s *Server) saveArticle(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.saveForm(w, r, u, false)
}

// saveForm is saveArticle; again says that a new article's form is sent in once more
// because the article it creates was created meanwhile by the same form.
func (s *Server) saveForm(w http.ResponseWriter, r *http.Request, u *news.User, again bool) {
	ctx, now := r.Context(), s.cfg.Now()
	a := &news.Article{Status: news.StatusDraft, OwnerID: u.ID}
	f := r.PostForm
	key := ""
	if r.PathValue("id") != "" {
		var ok bool
		if a, ok = s.loadEditable(w, r, u); !ok {
			return
		}
	} else if f.Get("kind") == string(news.KindPage) {
		// A new page: comments off unless the form turns them on (it sends the box).
		a.Kind = news.KindPage
	}
	if r.PathValue("id") == "" {
		key = createKey(f.Get("create_key"))
	}
	if r.PathValue("id") == "" && key != "" {
		// A new-article form that created its story already (a double click, the back
		// button and Save again, a retried request) saves into that story, based on
		// the version it created (1): applied if nobody saved the story since, a
		// conflict otherwise, and never a second story.
		if id, err := s.store.ArticleCreatedFrom(ctx, u.ID, key); err == nil {
			if a, err = s.store.Article(ctx, id); err != nil || !u.CanEdit(a) {
				s.fail(w, r, u, http.StatusForbidden, "Not allowed", "This form's article can no longer be changed by you, so nothing was saved.")
				return
			}
			f.Set("version", "1")
			// "Now" was the time the form created the story at: sent again, it keeps it.
			if strings.TrimSpace(f.Get("published")) == "" && !a.PublishedAt.IsZero() {
				f.Set("published", a.PublishedAt.In(s.formZone(f.Get("published_zone"))).Format(localLayout))
				f.Set("published_at", a.PublishedAt.UTC().Format(time.RFC3339))
			}
		} else if !errors.Is(err, news.ErrNotFound) {
			s.log.Error("find the article of a new-article form", "user", u.ID, "err", err)
		}
	}
	addressBefore := s.publicPath(a, now)
	stored := *a // as it is now: a save that changes nothing of it writes nothing
	// The version the form was loaded from, and the editor's choice when it answers a
	// conflict (which may merge into the form's fields before they are read).
	action, base := f.Get("action"), int64(0)
	if a.ID != 0 {
		var done bool
		if action, base, done = s.resolveConflict(w, r, u, a); done {
			return
		}
	}
	b := s.formBody(f, a)
	b.Version, b.CreateKey = base, key
	if r.MultipartForm != nil && len(r.MultipartForm.File["image_file"]) > 0 && r.MultipartForm.File["image_file"][0].Size > 0 {
		b.ImageChoice = "upload"
	}
	refuse := func(status int, msg string) { s.renderEditor(w, r, u, a, b, status, msg) }

	if wait, err := s.take(r, u, saveRate); err != nil {
		s.log.Error("count an article save", "user", u.ID, "err", err)
		refuse(http.StatusServiceUnavailable, "The article could not be saved just now. Please try again; your text is still in the form.")
		return
	} else if wait > 0 {
		secs := retryAfter(w, wait)
		refuse(http.StatusTooManyRequests, fmt.Sprintf("You are saving very often: please wait %d seconds, then save again. Nothing was saved; your text is still in the form.", secs))
		return
	}
	target, restored := a.Status, ""
	switch action {
	case "save", "preview":
	case "submit":
		target = news.StatusReview
	case "publish":
		target = news.StatusPublished
	case "unpublish":
		target = s.unpublishTarget(ctx, a)
	case "trash":
		target = news.StatusTrash
	case "restore":
		if a.Status != news.StatusTrash {
			refuse(http.StatusUnprocessableEntity, "This story is not in the trash: nothing was changed.")
			return
		}
		target, restored = s.restoreTarget(r, u, a) // the state it had (preview.go)
	default:
		refuse(http.StatusBadRequest, "Unknown action: nothing was saved.")
		return
	}
	// A write based on another version than the stored one is not applied: the editor
	// sees the conflict. (A preview writes nothing.) The store checks again, atomically,
	// for a save that comes between this read and the write.
	if a.ID != 0 && action != "preview" && base != a.Version {
		s.renderConflict(w, r, u, a, b, base, action)
		return
	}
	// The field shows minutes in the site's zone: unchanged, it keeps the stored
	// instant to the second, so that a save changes neither the article's place in the
	// timeline nor its date; a time the zone skips or repeats is refused or resolved
	// with the editor told which (publicationTime).
	pub := s.publicationTime(f, a.PublishedAt)
	if a.IsPage() {
		// A page has no date to set: it keeps the time it was first published at (the
		// form has no field for it), and is published now when it is first.
		pub = pubTime{At: a.PublishedAt, Zone: s.location()}
	}
	b.Zone = pub.Zone.String()
	if pub.Refusal != "" {
		refuse(http.StatusUnprocessableEntity, pub.Refusal)
		return
	}
	published := pub.At.UTC()
	if !published.IsZero() {
		b.Choice = published.Format(time.RFC3339)
	}
	// A time to come schedules a publication; a scheduled story whose time has passed
	// (saved with Update after it) is published now, not left for the scheduler to
	// find (news.StatusAt, the rule every path follows).
	if !published.IsZero() {
		target = news.StatusAt(target, published, now)
	}
	if !u.CanMove(a, target) {
		s.log.Info("refused", "user", u.ID, "role", u.Role, "action", action, "article", a.ID)
		s.fail(w, r, u, http.StatusForbidden, "Not allowed", fmt.Sprintf("Your role (%s) may not make this article %s, so nothing was saved.", u.Role, target))
		return
	}
	if errors.Is(news.CheckStory(b.Title, b.Body, news.StatusDraft), news.ErrNoHeadline) { // the body's rule waits for the preview
		refuse(http.StatusUnprocessableEntity, "An article needs a headline: nothing was saved.")
		return
	}
	if !validText(b.Title, b.Standfirst, b.Body, b.Section, b.Tags, b.Slug, b.SEO, b.Correction, b.Image, b.ImageAlt, b.ImageCaption) {
		refuse(http.StatusUnprocessableEntity, "The form holds bytes that are not valid text: nothing was saved.")
		return
	}
	removed := cleanEditorText(b)
	bodyHTML, report, err := render.ArticleMarkdown(ctx, b.Body, s.embeds(ctx))
	if err != nil {
		refuse(http.StatusUnprocessableEntity, markdownRefusal(err))
		return
	}
	if action == "preview" {
		b.Preview = template.HTML(removedNotice(report) + scrollingTables(bodyHTML))
		s.renderEditor(w, r, u, a, b, http.StatusOK, "")
		return
	}
	if errors.Is(news.CheckStory(b.Title, b.Body, target), news.ErrNoBody) {
		refuse(http.StatusUnprocessableEntity, "An article needs a body before it is published: nothing was saved.")
		return
	}

	wasPublished := a.Status == news.StatusPublished
	// Readers are told of an update when what they read changed, not on any save.
	textChanged := !sameText(a.Title, b.Title) || !sameText(a.Standfirst, b.Standfirst) || !sameText(a.BodyMarkdown, b.Body) ||
		!sameText(a.CorrectionNote, b.Correction)
	a.Title, a.Standfirst, a.BodyMarkdown, a.BodyHTML = b.Title, b.Standfirst, b.Body, bodyHTML
	a.SEODescription, a.CorrectionNote, a.CommentsClosed = b.SEO, b.Correction, b.CommentsClosed
	a.Slug = news.Slugify(b.Slug)
	if b.Slug == "" {
		a.Slug = news.Slugify(b.Title)
	}
	b.Slug = a.Slug
	sec, msg := s.sectionFor(r, u, b.Section)
	if msg != "" {
		refuse(http.StatusUnprocessableEntity, msg)
		return
	}
	a.Section = sec
	a.Tags = nil
	for _, t := range strings.Split(b.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			a.Tags = append(a.Tags, &news.Tag{Name: t})
		}
	}
	if a.IsPage() {
		a.Section, a.Tags = nil, nil // a page's form has neither
		pos, msg := navPosition(b.NavPosition)
		if msg != "" {
			refuse(http.StatusUnprocessableEntity, msg)
			return
		}
		a.NavPosition = pos
	}
	img, status, msg := s.featuredImage(w, r, u, a.FeaturedImage, b.ImageAlt, b.ImageCaption)
	if msg != "" {
		refuse(status, msg)
		return
	}
	a.FeaturedImage = img
	bylineChanged, msg := s.applyByline(ctx, u, a, b) // bylines.go
	if msg != "" {
		refuse(http.StatusUnprocessableEntity, msg)
		return
	}
	if a.Author == nil {
		a.Author = &news.Author{Name: u.Name, Slug: news.Slugify(u.Name)}
	}
	// The form shows the stored time, so an empty field means "now"; a published
	// article whose text changes after its first minute tells its readers so.
	if target == news.StatusPublished || target == news.StatusScheduled {
		if published.IsZero() {
			published = now
			target = news.StatusAt(target, published, now)
		}
		if wasPublished && textChanged && target == news.StatusPublished && now.Sub(published) > time.Minute {
			a.UpdatedAt = now.Truncate(time.Second)
		}
	}
	a.PublishedAt = published.Truncate(time.Second)
	a.Status, a.EditedBy = target, u.ID
	if a.ID == 0 {
		a.CreateKey = key
	}
	// A slug made from the headline is numbered until it is free, as in WordPress; a
	// slug typed by hand is the writer's choice, and a clash is theirs to settle.
	auto, slugBase := f.Get("slug") == "", a.Slug
	// A save that changes nothing (Save pressed twice, a double click, a form sent
	// again) writes nothing: the version stays, so that a colleague's form loaded
	// before it is not made a conflict by a save that changed nothing.
	unchanged := a.ID != 0 && !bylineChanged && sameArticle(&stored, a)
	for n := 2; !unchanged; n++ {
		if a.ID == 0 {
			err = s.store.CreateArticle(ctx, a)
		} else {
			err = s.store.UpdateArticle(ctx, a)
		}
		if !auto || !errors.Is(err, news.ErrConflict) || n > 100 {
			break
		}
		a.Slug = fmt.Sprintf("%s-%d", slugBase, n)
	}
	if err != nil {
		switch {
		case errors.Is(err, news.ErrAlreadyCreated) && !again:
			// The same form created the story between the look-up above and this
			// write (two clicks at once): save into it as the look-up would have.
			s.saveForm(w, r, u, true)
		case errors.Is(err, news.ErrStale):
			cur, rerr := s.store.Article(ctx, a.ID)
			if rerr != nil {
				s.log.Error("read an article after a stale save", "article", a.ID, "err", rerr)
				refuse(http.StatusInternalServerError, "The article could not be saved. Please try again; your text is still in the form.")
				return
			}
			s.renderConflict(w, r, u, cur, b, base, action)
		case errors.Is(err, news.ErrReservedSlug):
			refuse(http.StatusUnprocessableEntity, "The address /"+a.Slug+"/ is one the site itself uses (its feeds, archives, sections, admin or files): please choose another slug for this page. Nothing was saved.")
		case errors.Is(err, news.ErrConflict):
			refuse(http.StatusUnprocessableEntity, "Another article has the address “"+a.Slug+"”: please choose another slug. Nothing was saved.")
		case errors.Is(err, news.ErrInvalid):
			refuse(http.StatusUnprocessableEntity, "Nothing was saved: "+err.Error()+".")
		case errors.Is(err, news.ErrMediaDeleted):
			refuse(http.StatusUnprocessableEntity, mediaDeletedMessage+" Nothing was saved; your text is still in the form.")
		case errors.Is(err, news.ErrNotFound) && a.Section != nil && s.sectionDeleted(ctx, a.Section):
			// The section was deleted between the form's reading and the write.
			refuse(http.StatusUnprocessableEntity, sectionGone(u, a.Section.Name))
		case news.StorageFull(err):
			s.log.Error("save article: storage full", "err", err)
			refuse(http.StatusInsufficientStorage, storageFullMessage+" The article was not saved; your text is still in the form: copy it somewhere safe.")
		default:
			s.log.Error("save article", "err", err)
			refuse(http.StatusInternalServerError, "The article could not be saved. Please try again; your text is still in the form.")
		}
		return
	}
	s.sync(r) // whom the change of status concerns was told in the save (news.WorkflowNotice)
	s.store.DropForm(ctx, autosaveKey(u, a.ID))
	if r.PathValue("id") == "" {
		s.store.DropForm(ctx, autosaveKey(u, 0))
	}
	s.log.Info("article saved", "article", a.ID, "status", a.Status, "by", u.ID)
	done := map[news.ArticleStatus]string{news.StatusDraft: "Draft saved.", news.StatusReview: "Submitted for review.",
		news.StatusPublished: "Published.", news.StatusScheduled: "Scheduled for " + atMarker(a.PublishedAt) + ".",
		news.StatusUnpublished: "Unpublished.", news.StatusTrash: "Moved to the trash."}[a.Status]
	if stored.Status == news.StatusPublished && a.Status == news.StatusPublished {
		done = "Updated." // it was live already: a save changes it, it does not publish it
	}
	if action == "unpublish" && a.Status == news.StatusDraft {
		done = "Switched to draft: it is no longer scheduled."
	}
	if restored != "" {
		done = restored
	}
	if pub.Note != "" {
		done += " " + pub.Note
	}
	if len(removed) > 0 {
		done += " " + removedMessage(removed)
	}
	if moved := s.addressChanged(addressBefore, a, now); moved != "" {
		done += " " + moved
	}
	if !report.Empty() {
		done += " " + strings.Join(report.Lines(), " ")
	}
	if a.Status == news.StatusTrash && stored.Status != news.StatusTrash {
		// As WordPress does: back to the list, with the message and its Undo.
		list := "/admin/articles"
		if a.IsPage() {
			list = "/admin/pages"
		}
		s.redirectWith(w, r, list, done+undoMarker(a.ID))
		return
	}
	s.redirectWith(w, r, fmt.Sprintf("/admin/articles/%d", a.ID), done)
}

// sameArticle reports whether writing y over x would change nothing that is stored
// of an article from the editor's form.
func sameArticle(x, y *news.Article) bool {
	if x.Title != y.Title || x.Standfirst != y.Standfirst || x.BodyMarkdown != y.BodyMarkdown || x.BodyHTML != y.BodyHTML ||
		x.CorrectionNote != y.CorrectionNote || x.SEODescription != y.SEODescription || x.Slug != y.Slug || x.Status != y.Status ||
		x.CommentsClosed != y.CommentsClosed || x.NavPosition != y.NavPosition || !x.PublishedAt.Equal(y.PublishedAt) || !x.UpdatedAt.Equal(y.UpdatedAt) ||
		(x.Section == nil) != (y.Section == nil) || (x.Section != nil && x.Section.Name != y.Section.Name) ||
		(x.FeaturedImage == nil) != (y.FeaturedImage == nil) || (x.FeaturedImage != nil && *x.FeaturedImage != *y.FeaturedImage) ||
		len(x.Tags) != len(y.Tags) {
		return false
	}
	for i := range x.Tags {
		if x.Tags[i].Name != y.Tags[i].Name {
			return false
		}
	}
	return true
}

// formBody reads the editor's form into its fields, for article a.
func (s *Server) formBody(f url.Values, a *news.Article) *editBody {
	b := &editBody{ID: a.ID, Status: a.Status, Title: strings.TrimSpace(f.Get("title")), Standfirst: strings.TrimSpace(f.Get("standfirst")),
		Body: strings.ReplaceAll(f.Get("body"), "\r\n", "\n"), Section: strings.TrimSpace(f.Get("section")), Tags: f.Get("tags"),
		Slug: strings.TrimSpace(f.Get("slug")), Published: strings.TrimSpace(f.Get("published")), SEO: strings.TrimSpace(f.Get("seo")),
		Correction: strings.TrimSpace(f.Get("correction")), Zone: f.Get("published_zone"), Choice: f.Get("published_choice"),
		ImageAlt: strings.TrimSpace(f.Get("image_alt")), ImageCaption: strings.TrimSpace(f.Get("image_caption")),
		CommentsClosed: f.Get("comments_closed") == "1", Version: baseVersion(f.Get("version")), ImageChoice: f.Get("image_media"),
		Byline: readByline(f), Page: a.IsPage(), NavPosition: strings.TrimSpace(f.Get("nav_position")), NavMax: news.MaxNavPosition}
	if a.FeaturedImage != nil {
		b.Image = a.FeaturedImage.URL
	}
	return b
}

// sameText reports whether a stored text and the form's say the same to a reader: the
// form comes back with line breaks as LF and in NFC, an imported text may have CRLF or
// decomposed letters.
func sameText(stored, form string) bool {
	return stored == form || news.NFC(strings.ReplaceAll(stored, "\r\n", "\n")) == form
}

// cleanEditorText puts the form's texts in the form they are stored in (NFC, one-line
// fields on one line) and removes the control characters no page can show — pasted
// from a word processor or a terminal, they are invisible in the form — returning them
// so that the writer is told.
func cleanEditorText(b *editBody) []rune {
	var removed []rune
	for _, f := range []struct {
		text *string
		line bool
	}{{&b.Title, true}, {&b.Standfirst, true}, {&b.Body, false}, {&b.Section, true}, {&b.Tags, true}, {&b.Slug, true},
		{&b.SEO, true}, {&b.Correction, false}, {&b.ImageAlt, true}, {&b.ImageCaption, true}} {
		var rm []rune
		if f.line {
			*f.text, rm = news.CleanLine(*f.text)
		} else {
			*f.text, rm = news.CleanText(*f.text)
		}
		removed = append(removed, rm...)
	}
	return removed
}

// removedMessage tells the writer which invisible characters were taken out.
func removedMessage(removed []rune) string {
	seen := map[rune]bool{}
	var names []string
	for _, r := range removed {
		if !seen[r] && len(names) < 5 {
			seen[r] = true
			names = append(names, fmt.Sprintf("%U", r))
		}
	}
	return fmt.Sprintf("%d invisible control characters (%s) that no page can show were removed.", len(removed), strings.Join(names, ", "))
}

// markdownRefusal is what the writer reads when the body could not be rendered.
func markdownRefusal(err error) string {
	var tooComplex *render.TooComplexError
	if errors.As(err, &tooComplex) {
		return tooComplex.Error() + " Your text is still in the form."
	}
	return "The body could not be read as Markdown: nothing was saved. Your text is still in the form."
}

// sectionFor is the section an article form names: one that exists, found here with
// its ID, so that the store files the story in that very section and creates none (a
// section is in every page's navigation: editors add them on the Sections screen). A
// name that matches no section is refused, for everyone: the editor's list offers only
// sections that exist, so it is a form loaded before its section was deleted or
// renamed, whose save must not bring the section back. msg says why it is refused.
func (s *Server) sectionFor(r *http.Request, u *news.User, name string) (*news.Section, string) {
	if name == "" {
		return nil, ""
	}
	sec, err := s.store.SectionBySlug(r.Context(), news.Slugify(name))
	if err == nil {
		return sec, ""
	}
	if !errors.Is(err, news.ErrNotFound) {
		s.log.Error("read a section", "err", err)
		return nil, "The sections could not be read just now. Nothing was saved; your text is still in the form. Please try again."
	}
	return nil, sectionGone(u, name)
}

// mediaDeletedMessage says why a write naming a deleted library image was refused
// (news.ErrMediaDeleted).
const mediaDeletedMessage = "An image this story names (its featured image, or one in its text under /media/) was deleted from the library: choose another, or take it out of the text."

// sectionDeleted reports whether sec is no longer in the store (its slug names no
// section, or another one made since).
func (s *Server) sectionDeleted(ctx context.Context, sec *news.Section) bool {
	now, err := s.store.SectionBySlug(ctx, sec.Slug)
	return errors.Is(err, news.ErrNotFound) || (err == nil && now.ID != sec.ID)
}

// sectionGone says that the section a form names does not exist (any more).
func sectionGone(u *news.User, name string) string {
	add := "ask an editor to add it"
	if u.Role.Can(news.PermManageTaxonomy) {
		add = "add it under Sections first"
	}
	return "There is no section “" + name + "” (it may have been deleted or renamed since this page was loaded): choose a section from the list, or " + add + ". Nothing was saved."
}

// featuredImage reads the form's choice of image: an upload (which joins the library),
// a library item, the current image (its words updated), or none.
func (s *Server) featuredImage(w http.ResponseWriter, r *http.Request, u *news.User, current *news.Image, alt, caption string) (*news.Image, int, string) {
	if r.MultipartForm != nil {
		if files := r.MultipartForm.File["image_file"]; len(files) > 0 && files[0].Size > 0 {
			f, err := files[0].Open()
			if err != nil {
				return nil, http.StatusBadRequest, "The upload could not be read. Nothing was saved."
			}
			defer f.Close()
			m, status, msg := s.storeUpload(w, r, u, f, alt, caption)
			if m == nil {
				return nil, status, strings.Replace(msg, "Nothing was uploaded.", "Nothing was saved.", 1)
			}
			return imageOf(m, alt, caption), 0, ""
		}
	}
	// An older image found by name, the picker's way without a script (imagepicker.go).
	if find := strings.TrimSpace(r.PostForm.Get("image_find")); find != "" {
		m, msg := s.findImage(r.Context(), find)
		if m == nil {
			return nil, http.StatusUnprocessableEntity, msg
		}
		return imageOf(m, alt, caption), 0, ""
	}
	switch choice := r.PostForm.Get("image_media"); choice {
	case "":
		return nil, 0, ""
	case "current":
		if current == nil {
			return nil, 0, ""
		}
		img := *current
		img.Alt, img.Caption = alt, caption
		return &img, 0, ""
	default:
		id, err := strconv.ParseInt(choice, 10, 64)
		m, err2 := s.store.MediaItem(r.Context(), id)
		if err != nil || err2 != nil {
			return nil, http.StatusUnprocessableEntity, "That image is not in the library. Nothing was saved."
		}
		img := imageOf(m, alt, caption)
		// A library item may have no alt text (a body image marked decorative), but a
		// featured image is the story's picture, never decoration: it must be described.
		if !news.Visible(img.Alt) {
			return nil, http.StatusUnprocessableEntity, "Please describe the featured image (alt text) for people who cannot see it. Nothing was saved."
		}
		return img, 0, ""
	}
}

func validText(values ...string) bool {
	for _, v := range values {
		if !isValidText(v) {
			return false
		}
	}
	return true
}

func isValidText(v string) bool {
	return strings.ToValidUTF8(v, "\uFFFD") == v && !strings.ContainsRune(v, 0)
}

// restore makes a revision's words the article's again (its status is kept), as a new
// revision.
func (s *Server) restore(w http.ResponseWriter, r *http.Request, u *news.User) {
	a, ok := s.loadEditable(w, r, u)
	if !ok {
		return
	}
	// The history page carries the version it was shown at: restoring over a save made
	// since is refused, as a save is.
	base := baseVersion(r.PostForm.Get("version"))
	if base != a.Version {
		s.fail(w, r, u, http.StatusConflict, "Not restored: the story changed", s.staleVersionMessage(r, a, base))
		return
	}
	revID, _ := strconv.ParseInt(r.PathValue("rev"), 10, 64)
	rev, err := s.store.Revision(r.Context(), revID)
	if err != nil || rev.ArticleID != a.ID {
		s.fail(w, r, u, http.StatusNotFound, "No such version", "That version is not one of this article's.")
		return
	}
	body, report, err := render.ArticleMarkdown(r.Context(), rev.Markdown, s.embeds(r.Context()))
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "That version could not be rendered.")
		return
	}
	before := *a
	a.Title, a.Standfirst, a.BodyMarkdown, a.BodyHTML = rev.Title, rev.Standfirst, rev.Markdown, body
	a.CorrectionNote, a.SEODescription, a.Slug = rev.Correction, rev.SEO, rev.Slug
	// The version's section, when it still exists; else the story keeps the one it has
	// now (a section deleted since is not brought back by a restore), and is told so.
	sectionKept := ""
	switch sec, err := s.store.SectionBySlug(r.Context(), news.Slugify(rev.Section)); {
	case rev.Section == "":
		a.Section = nil
	case err == nil:
		a.Section = sec
	case errors.Is(err, news.ErrNotFound):
		sectionKept = "Its section “" + rev.Section + "” no longer exists, so the story stays where it is."
	default:
		s.log.Error("read a section", "err", err)
		s.fail(w, r, u, http.StatusServiceUnavailable, "Not restored", "The sections could not be read just now, so nothing was restored. Please try again.")
		return
	}
	a.Tags = nil
	for _, t := range rev.Tags {
		a.Tags = append(a.Tags, &news.Tag{Name: t})
	}
	// The byline saved with the version, when it was kept and u may change bylines
	// (restoreByline, bylines.go).
	bylineKept := s.restoreByline(r.Context(), u, a, rev)
	a.EditedBy = u.ID
	// A scheduled story whose time passed while it waited is published by the restore,
	// as by any save (news.StatusAt).
	a.Status = news.StatusAt(a.Status, a.PublishedAt, s.cfg.Now())
	// Readers of a published article are told that what they read changed.
	if now := s.cfg.Now(); a.Status == news.StatusPublished && (before.Title != a.Title || before.Standfirst != a.Standfirst ||
		before.BodyMarkdown != a.BodyMarkdown || before.CorrectionNote != a.CorrectionNote) && now.Sub(a.PublishedAt) > time.Minute {
		a.UpdatedAt = now.Truncate(time.Second)
	}
	if err := s.store.UpdateArticle(r.Context(), a); err != nil {
		if errors.Is(err, news.ErrStale) {
			cur, _ := s.store.Article(r.Context(), a.ID)
			if cur == nil {
				cur = a
			}
			s.fail(w, r, u, http.StatusConflict, "Not restored: the story changed", s.staleVersionMessage(r, cur, base))
			return
		}
		if errors.Is(err, news.ErrMediaDeleted) {
			s.fail(w, r, u, http.StatusUnprocessableEntity, "Not restored", mediaDeletedMessage+" That version names it, so it was not restored; nothing was changed.")
			return
		}
		s.fail(w, r, u, http.StatusUnprocessableEntity, "Not restored", "That version could not be restored: "+err.Error()+".")
		return
	}
	s.sync(r) // published by the restore: the writer was told in its write (news.WorkflowNotice)
	done := "Version restored."
	if before.Status == news.StatusScheduled && a.Status == news.StatusPublished {
		done += " Its scheduled time had passed, so it was published."
	}
	if moved := s.addressChanged(s.publicPath(&before, s.cfg.Now()), a, s.cfg.Now()); moved != "" {
		done += " " + moved
	}
	if bylineKept != "" {
		done += " " + bylineKept
	}
	if sectionKept != "" {
		done += " " + sectionKept
	}
	if !report.Empty() {
		done += " " + strings.Join(report.Lines(), " ")
	}
	s.redirectWith(w, r, fmt.Sprintf("/admin/articles/%d", a.ID), done)
}

// embeds are the embed hosts the site's settings allow (news.SettingEmbedHosts), read
// from the store at each render so that a change in Settings applies to the next save
// on every server. A setting that cannot be read allows the built-in providers only.
func (s *Server) embeds(ctx context.Context) render.Embeds {
	stored, err := s.store.Settings(ctx)
	if err != nil {
		s.log.Error("read the embed hosts setting", "err", err)
		return render.Embeds{Self: news.SiteHost(s.cfg.BaseURL)}
	}
	hosts, err := news.ParseEmbedHosts(news.Setting(stored, news.SettingEmbedHosts))
	if err != nil {
		s.log.Error("read the embed hosts setting", "err", err)
	}
	return render.Embeds{Hosts: hosts, Self: news.SiteHost(s.cfg.BaseURL)}
}

// removedNotice is what a preview says, above the text, of what the sanitiser will
// remove when the body is saved: each kind, what and why (render.Report), escaped.
func removedNotice(rep *render.Report) string {
	if rep.Empty() {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<div class="removed-notice" role="note"><p>Not kept when the article is saved:</p><ul>`)
	for _, line := range rep.Lines() {
		b.WriteString("<li>" + html.EscapeString(line) + "</li>")
	}
	b.WriteString("</ul></div>\n")
	return b.String()
}

// futureTime reports whether the editor's publication time (the form's, else the
// story's) is to come: Publish then schedules, and says so.
func (s *Server) futureTime(a *news.Article, b *editBody) bool {
	now := s.cfg.Now()
	if wall, _, err := parseWall(b.Published); err == nil {
		loc := s.formZone(b.Zone)
		return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc).After(now)
	}
	return false // empty: now
}
