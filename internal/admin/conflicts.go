package admin

// Two editors, one story. The editor's form carries the article version it was loaded
// from (its hidden "version" field); a write based on another version is not applied:
// the editor gets the conflict (409) with everything they typed still in the form, who
// saved in between and when, and what changed since their version, field by field, and
// chooses: keep theirs (their own text shown to copy), save theirs over it explicitly,
// or, when the changes touch different fields, merge. The store refuses a stale write
// atomically (news.ErrStale), so no race between two saves on two nodes loses one.
// Presence (as WordPress's post lock) names who else has the story open; nobody is
// locked out.

import (
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// presenceRate bounds heartbeats: the editor's script sends one every 30 s per tab, so
// a few tabs never meet it; a script in a loop does.
var presenceRate = writerRate{Kind: "presence", Burst: 10, Every: 10 * time.Second}

// presenceEvery is how often the editor's script says the story is still open: a
// quarter of news.PresenceTTL, so that one lost heartbeat does not drop anybody.
const presenceEvery = news.PresenceTTL / 4

// conflictResolutions are the buttons of the conflict section.
const (
	resolveMine   = "mine"   // save my form over the current version
	resolveMerge  = "merge"  // apply the fields I changed to the current version
	resolveTheirs = "theirs" // keep the current version; show me my text to copy
)

// baseVersion is the version the form says it was loaded from (0: none or unreadable,
// which no stored article has, so that such a save is a conflict, never a blind write).
func baseVersion(v string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// conflictField is one field that changed since the editor's version.
type conflictField struct {
	Label string
	Diff  template.HTML
	Mine  bool // the editor changed it too, differently
}

// unsavedField is one of the editor's typed texts, shown to copy after "keep theirs".
type unsavedField struct {
	ID, Label, Text string
	Long            bool
}

// conflictView is the conflict section of the editor.
type conflictView struct {
	Base, Current int64  // the form's version, and the stored one
	Action        string // the button the editor pressed, to apply on their choice
	Saved         string // "Ana Reyes saved this story at 14:02"
	Others        []string
	BaseKnown     bool
	Fields        []conflictField
	CanMerge      bool
	Conflicting   []string // fields both changed, when merging is not offered
}

// fieldValues is an article's state as the editor's form holds it, by field name.
type fieldValues map[string]string

// conflictFields are the fields a revision keeps, in the order the editor shows them.
var conflictFields = []struct{ Name, Label string }{
	{"title", "Headline"}, {"standfirst", "Standfirst"}, {"body", "Body"}, {"correction", "Correction or update note"},
	{"section", "Section"}, {"tags", "Tags"}, {"published", "Publication time"}, {"status", "Status"},
	{"slug", "Address (slug)"}, {"seo", "SEO description"},
}

func normTags(s string) string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, ", ")
}

func normBody(s string) string { return news.NFC(strings.ReplaceAll(s, "\r\n", "\n")) }

func (s *Server) revisionValues(r *news.Revision) fieldValues {
	v := fieldValues{"title": r.Title, "standfirst": r.Standfirst, "body": normBody(r.Markdown), "correction": r.Correction,
		"section": r.Section, "tags": normTags(strings.Join(r.Tags, ", ")), "status": string(r.Status), "slug": r.Slug, "seo": r.SEO}
	if !r.PublishedAt.IsZero() {
		v["published"] = r.PublishedAt.In(s.location()).Format(localLayout)
	}
	return v
}

func bodyValues(b *editBody, status news.ArticleStatus) fieldValues {
	return fieldValues{"title": b.Title, "standfirst": b.Standfirst, "body": normBody(b.Body), "correction": b.Correction,
		"section": b.Section, "tags": normTags(b.Tags), "published": b.Published, "status": string(status), "slug": b.Slug, "seo": b.SEO}
}

// actionTarget is the status a form's button leads to from status (as saveArticle
// decides it, before scheduling).
func actionTarget(action string, status news.ArticleStatus) news.ArticleStatus {
	switch action {
	case "submit":
		return news.StatusReview
	case "publish":
		return news.StatusPublished
	case "unpublish":
		return news.StatusUnpublished
	case "trash":
		return news.StatusTrash
	case "restore":
		return news.StatusDraft
	}
	return status
}

// mineValues is what the editor's form says, as field values; an empty slug means "as
// it was" (one is made from the headline).
func mineValues(b *editBody, action string, base fieldValues) fieldValues {
	mine := bodyValues(b, actionTarget(action, news.ArticleStatus(base["status"])))
	if mine["slug"] == "" {
		mine["slug"] = base["slug"]
	}
	return mine
}

// whoSaved names who saved the article after version base, and when, from its revisions
// ("Ana Reyes saved this story at 14:02"), with the others who saved in between.
func (s *Server) whoSaved(ctx context.Context, a *news.Article, base int64) (saved string, others []string, baseRev *news.Revision) {
	since, baseRev, err := s.store.RevisionsSince(ctx, a.ID, base, 10)
	if err != nil {
		s.log.Error("read the versions since a conflict's", "article", a.ID, "err", err)
	}
	name := func(r *news.Revision) string {
		if r.UserName != "" {
			return r.UserName
		}
		return "The system"
	}
	if len(since) == 0 {
		return "Someone saved this story", nil, baseRev
	}
	now := s.cfg.Now().In(s.location())
	when := func(r *news.Revision) string {
		// In the site's zone with its label, as every time the admin shows.
		t := r.CreatedAt.In(s.location())
		if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
			return timeText(t, s.location(), layoutClock)
		}
		return timeText(t, s.location(), layoutShort)
	}
	saved = fmt.Sprintf("%s saved this story at %s", name(since[0]), when(since[0]))
	seen := map[string]bool{name(since[0]) + when(since[0]): true}
	for _, r := range since[1:] {
		if k := name(r) + when(r); !seen[k] {
			seen[k] = true
			others = append(others, fmt.Sprintf("%s at %s", name(r), when(r)))
		}
	}
	return saved, others, baseRev
}

// conflictOf compares the editor's form (b, from version base, with the button action)
// with the current article cur.
func (s *Server) conflictOf(ctx context.Context, cur *news.Article, b *editBody, base int64, action string) *conflictView {
	cv := &conflictView{Base: base, Current: cur.Version, Action: action}
	var baseRev *news.Revision
	cv.Saved, cv.Others, baseRev = s.whoSaved(ctx, cur, base)
	theirs := bodyValues(s.editBodyOf(cur), cur.Status)
	if baseRev == nil {
		// The version the form came from is no longer kept (or the form named none):
		// what can be shown is how the stored version differs from the form. Whose
		// change each difference is cannot be told, so none is called the editor's.
		mine := mineValues(b, action, theirs)
		for _, f := range conflictFields {
			if mine[f.Name] != theirs[f.Name] {
				cv.Fields = append(cv.Fields, conflictField{Label: f.Label, Diff: fieldDiffAs(mine[f.Name], theirs[f.Name], "Yours: your form", "Now: the version saved")})
			}
		}
		bylineConflict(cv, cur, b, nil) // bylines.go
		return cv
	}
	cv.BaseKnown = true
	was := s.revisionValues(baseRev)
	mine := mineValues(b, action, was)
	for _, f := range conflictFields {
		changed, mineChanged := theirs[f.Name] != was[f.Name], mine[f.Name] != was[f.Name]
		both := changed && mineChanged && mine[f.Name] != theirs[f.Name]
		if both {
			cv.Conflicting = append(cv.Conflicting, strings.ToLower(f.Label))
		}
		if changed {
			cv.Fields = append(cv.Fields, conflictField{Label: f.Label, Diff: fieldDiff(was[f.Name], theirs[f.Name]), Mine: both})
		}
	}
	// The featured image and the comments switch, as the revisions keep them: compared
	// three ways like the texts, so that a change of only one side is shown and merged
	// rather than undone. A version recorded before revisions kept them has nothing to
	// compare with: a difference from the current one is a change of both.
	theirsSw := switchValues(cur.FeaturedImage, cur.CommentsClosed)
	if !baseRev.HasSwitches {
		mineSw := b.switchValues(theirsSw)
		for _, f := range switchFields {
			if mineSw[f.Name] != theirsSw[f.Name] {
				cv.Conflicting = append(cv.Conflicting, strings.ToLower(f.Label))
			}
		}
	} else {
		var img *news.Image
		if baseRev.ImageURL != "" {
			img = &news.Image{URL: baseRev.ImageURL, Alt: baseRev.ImageAlt, Caption: baseRev.ImageCaption}
		}
		wasSw := switchValues(img, baseRev.CommentsClosed)
		mineSw := b.switchValues(wasSw)
		for _, f := range switchFields {
			changed, mineChanged := theirsSw[f.Name] != wasSw[f.Name], mineSw[f.Name] != wasSw[f.Name]
			both := changed && mineChanged && mineSw[f.Name] != theirsSw[f.Name]
			if both {
				cv.Conflicting = append(cv.Conflicting, strings.ToLower(f.Label))
			}
			if changed {
				cv.Fields = append(cv.Fields, conflictField{Label: f.Label, Diff: fieldDiff(wasSw[f.Name], theirsSw[f.Name]), Mine: both})
			}
		}
	}
	bylineConflict(cv, cur, b, baseRev) // bylines.go
	cv.CanMerge = len(cv.Conflicting) == 0
	return cv
}

// switchFields are the featured image's fields and the comments switch, which the
// conflict compares beside the texts.
var switchFields = []struct{ Name, Label string }{
	{"image", "Featured image"}, {"image_alt", "Image description"}, {"image_caption", "Image caption"}, {"comments", "Comments"},
}

// switchValues are an article's image and comments switch as the conflict shows them.
func switchValues(img *news.Image, closed bool) fieldValues {
	v := fieldValues{"comments": "open"}
	if closed {
		v["comments"] = "closed"
	}
	if img != nil {
		v["image"], v["image_alt"], v["image_caption"] = img.URL, img.Alt, img.Caption
	}
	return v
}

// switchValues is what the form says of the image and the comments switch; shown holds
// them as the form showed them ("the current image" is that one).
func (b *editBody) switchValues(shown fieldValues) fieldValues {
	v := fieldValues{"comments": "open", "image_alt": b.ImageAlt, "image_caption": b.ImageCaption}
	if b.CommentsClosed {
		v["comments"] = "closed"
	}
	switch b.ImageChoice {
	case "":
		v["image"], v["image_alt"], v["image_caption"] = "", "", ""
	case "current":
		v["image"] = shown["image"]
		if v["image"] == "" {
			v["image_alt"], v["image_caption"] = "", ""
		}
	default: // another picture from the library, or an upload
		v["image"] = "a new image (" + b.ImageChoice + ")"
	}
	return v
}

// renderConflict answers a save based on an old version: 409, the editor with the
// form as typed (based still on the old version, so that no button overwrites without
// the explicit choice) and the conflict section.
func (s *Server) renderConflict(w http.ResponseWriter, r *http.Request, u *news.User, cur *news.Article, b *editBody, base int64, action string) {
	b.Version = base
	b.Status = cur.Status
	b.Conflict = s.conflictOf(r.Context(), cur, b, base, action)
	s.log.Info("save refused: based on an old version", "article", cur.ID, "user", u.ID, "base", base, "stored", cur.Version)
	s.renderEditor(w, r, u, cur, b, http.StatusConflict, b.Conflict.Saved+", after you opened it. Your changes are not saved: they are still in the form below. Choose what to keep.")
}

// resolveConflict applies the editor's choice in the conflict section. It returns the
// action to carry out and the version the save is based on; done reports that it has
// answered the request (keep theirs, or a merge that is no longer possible).
func (s *Server) resolveConflict(w http.ResponseWriter, r *http.Request, u *news.User, a *news.Article) (action string, base int64, done bool) {
	f := r.PostForm
	action, base = f.Get("action"), baseVersion(f.Get("version"))
	switch action {
	case resolveMine, resolveMerge, resolveTheirs:
	default:
		return action, base, false
	}
	choice := action
	action = f.Get("conflict_action")
	if action == resolveMine || action == resolveMerge || action == resolveTheirs {
		action = "" // refused below as an unknown action
	}
	current := baseVersion(f.Get("conflict_version"))
	switch choice {
	case resolveTheirs:
		// Keep theirs: the current version in the form, and what the editor typed
		// beside it, to copy (no field of it is sent again).
		b := s.editBodyOf(a)
		b.Unsaved = unsavedFields(f, b)
		s.renderEditor(w, r, u, a, b, http.StatusOK, "")
		return "", 0, true
	case resolveMine:
		// Explicit: the save is based on the version the conflict showed. If another
		// save came after that one, it is a conflict again.
		return action, current, false
	}
	// Merge: each field the editor changed since their version, applied to the
	// current one; every other field as it is now.
	if current != a.Version {
		return action, base, false // changed again since the conflict was shown: show it anew
	}
	b := s.formBody(f, a)
	_, baseRev, err := s.store.RevisionsSince(r.Context(), a.ID, base, 0)
	if err != nil || baseRev == nil {
		return action, base, false
	}
	if cv := s.conflictOf(r.Context(), a, b, base, action); !cv.CanMerge {
		return action, base, false
	}
	was, theirs := s.revisionValues(baseRev), s.editBodyOf(a)
	mine := mineValues(b, action, was)
	current2 := map[string]string{"title": theirs.Title, "standfirst": theirs.Standfirst, "body": theirs.Body,
		"correction": theirs.Correction, "section": theirs.Section, "tags": theirs.Tags, "published": theirs.Published,
		"slug": theirs.Slug, "seo": theirs.SEO}
	for name, value := range current2 {
		if mine[name] == was[name] {
			f.Set(name, value)
		}
	}
	mergeByline(f, b, a, baseRev) // bylines.go
	// The image and the switch the editor left as they were take the current ones.
	if baseRev.HasSwitches {
		var img *news.Image
		if baseRev.ImageURL != "" {
			img = &news.Image{URL: baseRev.ImageURL, Alt: baseRev.ImageAlt, Caption: baseRev.ImageCaption}
		}
		wasSw := switchValues(img, baseRev.CommentsClosed)
		mineSw := b.switchValues(wasSw)
		if mineSw["image"] == wasSw["image"] {
			f.Set("image_media", "")
			if a.FeaturedImage != nil {
				f.Set("image_media", "current")
			}
		}
		if mineSw["image_alt"] == wasSw["image_alt"] {
			f.Set("image_alt", theirs.ImageAlt)
		}
		if mineSw["image_caption"] == wasSw["image_caption"] {
			f.Set("image_caption", theirs.ImageCaption)
		}
		if mineSw["comments"] == wasSw["comments"] {
			f.Del("comments_closed")
			if a.CommentsClosed {
				f.Set("comments_closed", "1")
			}
		}
	}
	return action, a.Version, false
}

// unsavedFields are the editor's typed texts that differ from the version kept.
func unsavedFields(f map[string][]string, kept *editBody) []unsavedField {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var out []unsavedField
	for _, x := range []struct {
		name, label, kept string
		long              bool
	}{{"title", "Headline", kept.Title, false}, {"standfirst", "Standfirst", kept.Standfirst, true}, {"body", "Body", kept.Body, true},
		{"correction", "Correction or update note", kept.Correction, true}, {"section", "Section", kept.Section, false},
		{"tags", "Tags", kept.Tags, false}, {"slug", "Address (slug)", kept.Slug, false}, {"seo", "SEO description", kept.SEO, false},
		{"image_alt", "Image description", kept.ImageAlt, false}, {"image_caption", "Image caption", kept.ImageCaption, false}} {
		v := strings.ReplaceAll(get(x.name), "\r\n", "\n")
		if strings.TrimSpace(v) != strings.TrimSpace(x.kept) && isValidText(v) {
			out = append(out, unsavedField{ID: "unsaved-" + x.name, Label: x.label, Text: v, Long: x.long})
		}
	}
	return out
}

// presenceNotice is what the editor says of the others who have the story open.
type presenceNotice struct {
	Name  string `json:"name"`
	Since string `json:"since"` // "14:02", in the site's time zone
	Text  string `json:"text"`  // "Ana Reyes is also editing this story (since 14:02)."
}

// others lists who else has article id open, as of now.
func (s *Server) others(ctx context.Context, u *news.User, id int64) []presenceNotice {
	ps, err := s.store.Present(ctx, id, s.cfg.Now())
	if err != nil {
		s.log.Error("read presence", "article", id, "err", err)
		return nil
	}
	var out []presenceNotice
	for _, p := range ps {
		if p.UserID == u.ID {
			continue
		}
		since := timeText(p.Since, s.location(), layoutClock)
		out = append(out, presenceNotice{Name: p.UserName, Since: since,
			Text: fmt.Sprintf("%s is also editing this story (since %s).", p.UserName, since)})
	}
	return out
}

// presence is the editor's heartbeat (every presenceEvery while its tab is open): it
// says the user still has the story open (or, with leave=1, no longer), and answers who
// else has it open and, when the form's version is no longer the stored one, who saved
// it since. Rate limited like autosave; CSRF-checked like every admin write.
func (s *Server) presence(w http.ResponseWriter, r *http.Request, u *news.User) {
	if wait, err := s.take(r, u, presenceRate); err != nil || wait > 0 {
		retryAfter(w, wait)
		http.Error(w, "Too many heartbeats at once.", http.StatusTooManyRequests)
		return
	}
	a, ok := s.loadEditable(w, r, u)
	if !ok {
		return
	}
	ctx := r.Context()
	if r.PostForm.Get("leave") == "1" {
		if err := s.store.LeavePresence(ctx, a.ID, u.ID); err != nil {
			s.log.Error("leave presence", "article", a.ID, "err", err)
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := s.store.TouchPresence(ctx, a.ID, u.ID, s.sessionHash(r), s.cfg.Now()); err != nil {
		s.log.Error("presence", "article", a.ID, "err", err)
		http.Error(w, "not recorded", http.StatusInternalServerError)
		return
	}
	answer := struct {
		Editors  []presenceNotice `json:"editors"`
		Version  int64            `json:"version"`
		Conflict string           `json:"conflict,omitempty"`
	}{Editors: s.others(ctx, u, a.ID), Version: a.Version}
	if base := baseVersion(r.PostForm.Get("version")); base != a.Version {
		answer.Conflict = s.staleMessage(ctx, a, base)
	}
	if answer.Editors == nil {
		answer.Editors = []presenceNotice{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(answer)
}

// staleMessage is what the editor's script shows when the story was saved since the
// form's version: "Ana Reyes saved this story at 14:02; your changes are not saved —
// review the conflict."
func (s *Server) staleMessage(ctx context.Context, a *news.Article, base int64) string {
	saved, _, _ := s.whoSaved(ctx, a, base)
	return saved + "; your changes are not saved — review the conflict."
}

// staleVersionMessage says why a write from a page shown at version base (the history)
// was not applied.
func (s *Server) staleVersionMessage(r *http.Request, a *news.Article, base int64) string {
	saved, _, _ := s.whoSaved(r.Context(), a, base)
	return saved + ", after this page was shown: nothing was restored. Open the history again to see that version, then choose."
}

// fieldDiff is the history's comparison of one field between the version the editor
// started from and the current one: a text of several lines (the body) side by side,
// word by word within the lines that changed; a one-line field as "old → new", word by
// word. An empty value is "(none)", not an empty line removed or added.
func fieldDiff(was, now string) template.HTML {
	return fieldDiffAs(was, now, "Before: the version you started from", "Now: the version saved since")
}

// fieldDiffAs is fieldDiff with the two sides' names.
func fieldDiffAs(was, now, oldLabel, newLabel string) template.HTML {
	switch {
	case was == now:
		return ""
	case strings.Contains(was, "\n") || strings.Contains(now, "\n"):
		return sideBySide(was, now, oldLabel, newLabel, compareBudget)
	}
	return `<p class="change">` + arrowChange(was, now) + `</p>`
}
