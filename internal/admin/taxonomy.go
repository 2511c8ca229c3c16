package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// The taxonomy's upkeep (issue 8, §3): sections deleted (their stories moved to a
// section chosen in a confirmation step, or to none) and reordered by buttons; tags
// renamed, merged and deleted on a paged, searchable screen, their old addresses
// answering 301 to the tag that took them (news.ManageStore.TagRedirect).

func (s *Server) routeTaxonomy(mux *http.ServeMux) {
	mux.Handle("POST /admin/sections/{id}/move", s.require(news.PermManageTaxonomy, s.moveSection))
	mux.Handle("GET /admin/sections/{id}/delete", s.require(news.PermManageTaxonomy, s.confirmDeleteSection))
	mux.Handle("POST /admin/sections/{id}/delete", s.require(news.PermManageTaxonomy, s.deleteSection))
	mux.Handle("GET /admin/tags", s.require(news.PermManageTaxonomy, s.tags))
	mux.Handle("GET /admin/tags/{id}", s.require(news.PermManageTaxonomy, s.tagEdit))
	mux.Handle("POST /admin/tags/{id}", s.require(news.PermManageTaxonomy, s.renameTag))
	mux.Handle("POST /admin/tags/{id}/merge", s.require(news.PermManageTaxonomy, s.mergeTag))
	mux.Handle("POST /admin/tags/{id}/delete", s.require(news.PermManageTaxonomy, s.deleteTag))
}

func (s *Server) moveSection(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	by := map[string]int{"up": -1, "down": 1}[r.PostForm.Get("direction")]
	if err != nil || by == 0 {
		s.sectionsPage(w, r, u, http.StatusUnprocessableEntity, "Move a section up or down. Nothing was changed.")
		return
	}
	if err := s.store.MoveSection(r.Context(), id, by); err != nil {
		if errors.Is(err, news.ErrNotFound) {
			s.fail(w, r, u, http.StatusNotFound, "No such section", "That section does not exist.")
			return
		}
		s.log.Error("move section", "section", id, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The section could not be moved.")
		return
	}
	s.sync(r)
	s.redirectWith(w, r, "/admin/sections#section-"+strconv.FormatInt(id, 10), "Section moved.")
}

type sectionDeleteBody struct {
	Section  *news.Section
	Others   []*news.Section
	Articles int
}

func (s *Server) sectionOf(w http.ResponseWriter, r *http.Request, u *news.User) (*news.Section, []*news.Section) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	secs, err := s.store.Sections(r.Context())
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The sections could not be read.")
		return nil, nil
	}
	var sec *news.Section
	var others []*news.Section
	for _, x := range secs {
		if x.ID == id {
			sec = x
		} else {
			others = append(others, x)
		}
	}
	if sec == nil {
		s.fail(w, r, u, http.StatusNotFound, "No such section", "That section does not exist (it may have been deleted).")
	}
	return sec, others
}

func (s *Server) confirmDeleteSection(w http.ResponseWriter, r *http.Request, u *news.User) {
	sec, others := s.sectionOf(w, r, u)
	if sec == nil {
		return
	}
	n, _ := s.store.CountArticles(r.Context(), news.ArticleQuery{SectionID: sec.ID, WithTrash: true})
	s.render(w, r, http.StatusOK, "sectiondelete", &page{Title: "Delete the section " + sec.Name, Nav: "sections", User: u, CSRF: s.csrfToken(r),
		Body: sectionDeleteBody{Section: sec, Others: others, Articles: n}})
}

func (s *Server) deleteSection(w http.ResponseWriter, r *http.Request, u *news.User) {
	sec, others := s.sectionOf(w, r, u)
	if sec == nil {
		return
	}
	moveTo, err := strconv.ParseInt(r.PostForm.Get("move_to"), 10, 64)
	target := "no section"
	if err != nil || moveTo < 0 {
		moveTo = -1
	}
	if moveTo > 0 {
		moveTo = -moveTo // found below
		for _, o := range others {
			if o.ID == -moveTo {
				moveTo, target = o.ID, o.Name
			}
		}
	}
	if moveTo < 0 {
		n, _ := s.store.CountArticles(r.Context(), news.ArticleQuery{SectionID: sec.ID, WithTrash: true})
		s.render(w, r, http.StatusUnprocessableEntity, "sectiondelete", &page{Title: "Delete the section " + sec.Name, Nav: "sections", User: u, CSRF: s.csrfToken(r),
			Error: "Choose where its stories go: another section, or none. Nothing was deleted.", Body: sectionDeleteBody{Section: sec, Others: others, Articles: n}})
		return
	}
	if err := s.store.DeleteSection(r.Context(), sec.ID, moveTo); err != nil {
		s.log.Error("delete section", "section", sec.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The section could not be deleted; nothing was changed.")
		return
	}
	s.sync(r)
	s.log.Info("section deleted", "section", sec.ID, "moved_to", moveTo, "by", u.ID)
	s.redirectWith(w, r, "/admin/sections", sec.Name+" deleted; its stories are now in "+target+".")
}

// tagsPageSize is how many tags a page of the tags screen lists.
const tagsPageSize = 50

type tagsBody struct {
	Tags        []news.TagCount
	Total       int
	Match       string
	Prev, Next  string
	Page, Pages int
}

func (s *Server) tags(w http.ResponseWriter, r *http.Request, u *news.User) {
	q := r.URL.Query()
	b := tagsBody{Match: strings.TrimSpace(firstRunes(q.Get("q"), 200))}
	b.Page, _ = strconv.Atoi(q.Get("page"))
	b.Page = max(b.Page, 1)
	if b.Page > 100000 {
		b.Page = 100000
	}
	var err error
	b.Tags, b.Total, err = s.store.TagList(r.Context(), news.TagQuery{Match: b.Match, Limit: tagsPageSize, Offset: (b.Page - 1) * tagsPageSize})
	if err != nil {
		s.log.Error("tags", "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The tags could not be read.")
		return
	}
	b.Pages = max((b.Total+tagsPageSize-1)/tagsPageSize, 1)
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if b.Match != "" {
			v.Set("q", b.Match)
		}
		return "/admin/tags?" + v.Encode()
	}
	if b.Page > 1 {
		b.Prev = link(b.Page - 1)
	}
	if b.Page < b.Pages {
		b.Next = link(b.Page + 1)
	}
	s.render(w, r, http.StatusOK, "tags", &page{Title: "Tags", Nav: "tags", User: u, CSRF: s.csrfToken(r), Body: b})
}

type tagEditBody struct {
	Tag        *news.Tag
	Name, Slug string // as typed
	Into       string
}

func (s *Server) tagOf(w http.ResponseWriter, r *http.Request, u *news.User) *news.Tag {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var t *news.Tag
	if err == nil {
		t, err = s.store.Tag(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, u, http.StatusNotFound, "No such tag", "That tag does not exist (it may have been merged or deleted).")
		return nil
	}
	return t
}

func (s *Server) tagEditPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, msg string, b tagEditBody) {
	s.render(w, r, status, "tagedit", &page{Title: "Tag: " + b.Tag.Name, Nav: "tags", User: u, CSRF: s.csrfToken(r), Error: msg, Body: b})
}

func (s *Server) tagEdit(w http.ResponseWriter, r *http.Request, u *news.User) {
	if t := s.tagOf(w, r, u); t != nil {
		s.tagEditPage(w, r, u, http.StatusOK, "", tagEditBody{Tag: t, Name: t.Name, Slug: t.Slug})
	}
}

// renameTag gives a tag a new name and, when given (else from the name), a new slug;
// its former address then answers 301 to the new one.
func (s *Server) renameTag(w http.ResponseWriter, r *http.Request, u *news.User) {
	t := s.tagOf(w, r, u)
	if t == nil {
		return
	}
	name, _ := news.CleanLine(r.PostForm.Get("name"))
	rawSlug := strings.TrimSpace(r.PostForm.Get("slug"))
	slug := news.Slugify(rawSlug)
	if rawSlug == "" || rawSlug == t.Slug {
		slug = t.Slug
		if name != t.Name && rawSlug == "" {
			slug = news.Slugify(name)
		}
	}
	b := tagEditBody{Tag: t, Name: firstRunes(name, maxNameRunes), Slug: firstRunes(rawSlug, maxNameRunes)}
	if !news.Visible(name) || len([]rune(name)) > maxNameRunes || slug == "" {
		s.tagEditPage(w, r, u, http.StatusUnprocessableEntity, "A tag needs a name of at most 200 characters, in letters that show, and an address made of them. Nothing was saved.", b)
		return
	}
	switch err := s.store.RenameTag(r.Context(), t.ID, name, slug); {
	case errors.Is(err, news.ErrConflict):
		s.tagEditPage(w, r, u, http.StatusConflict, "Another tag has the address /tag/"+slug+"/: merge this tag into it instead, or choose another address. Nothing was saved.", b)
		return
	case err != nil:
		s.log.Error("rename tag", "tag", t.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The tag could not be renamed.")
		return
	}
	s.sync(r)
	done := name + " saved."
	if slug != t.Slug {
		done += " Its old address /tag/" + t.Slug + "/ now leads to /tag/" + slug + "/."
	}
	s.redirectWith(w, r, "/admin/tags/"+strconv.FormatInt(t.ID, 10), done)
}

// mergeTag moves a tag's articles to another tag, named by its address (slug) or its
// name, and deletes it; its address leads to the other tag's.
func (s *Server) mergeTag(w http.ResponseWriter, r *http.Request, u *news.User) {
	t := s.tagOf(w, r, u)
	if t == nil {
		return
	}
	typed := strings.TrimSpace(r.PostForm.Get("into"))
	b := tagEditBody{Tag: t, Name: t.Name, Slug: t.Slug, Into: firstRunes(typed, maxNameRunes)}
	into, err := s.store.TagBySlug(r.Context(), news.NFC(strings.Trim(strings.TrimPrefix(typed, "/tag/"), "/")))
	if err != nil {
		into, err = s.store.TagBySlug(r.Context(), news.Slugify(typed))
	}
	if err != nil || typed == "" {
		s.tagEditPage(w, r, u, http.StatusUnprocessableEntity, "There is no tag “"+b.Into+"”: give the name or the address of the tag to merge into. Nothing was merged.", b)
		return
	}
	if into.ID == t.ID {
		s.tagEditPage(w, r, u, http.StatusUnprocessableEntity, "A tag cannot be merged into itself. Nothing was merged.", b)
		return
	}
	if err := s.store.MergeTag(r.Context(), t.ID, into.ID); err != nil {
		s.log.Error("merge tag", "tag", t.ID, "into", into.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The tags could not be merged; nothing was changed.")
		return
	}
	s.sync(r)
	s.log.Info("tag merged", "tag", t.ID, "into", into.ID, "by", u.ID)
	s.redirectWith(w, r, "/admin/tags/"+strconv.FormatInt(into.ID, 10), t.Name+" merged into "+into.Name+"; /tag/"+t.Slug+"/ now leads to /tag/"+into.Slug+"/.")
}

func (s *Server) deleteTag(w http.ResponseWriter, r *http.Request, u *news.User) {
	t := s.tagOf(w, r, u)
	if t == nil {
		return
	}
	if err := s.store.DeleteTag(r.Context(), t.ID); err != nil {
		s.log.Error("delete tag", "tag", t.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The tag could not be deleted.")
		return
	}
	s.sync(r)
	s.log.Info("tag deleted", "tag", t.ID, "by", u.ID)
	s.redirectWith(w, r, "/admin/tags", t.Name+" deleted; its articles no longer carry it.")
}
