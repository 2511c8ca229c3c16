package site

// Previews (issue 8): a story not yet public rendered by the article page's own
// template, chrome and stylesheet — for the admin's preview of saved and unsaved text
// (PreviewPage, which the admin reaches through an interface) and for the private
// preview links editors send (GET /preview/{token}/, previewLink).

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"

	"broadsheet/internal/auth"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// previewBase opens every link of a preview in a new tab: the admin shows the preview
// in a sandboxed frame, where the site's pages (which may not be framed) cannot open,
// and a reader of a private link keeps the preview open. It sets no base address, so
// the policy's base-uri 'none' allows it.
const previewBase = "<base target=\"_blank\">\n"

// PreviewPage renders article a as its page will show it to readers — headline,
// standfirst, byline, correction, featured image and body, in the site's header and
// footer, with its stylesheet — without its comments and neighbours (a story not
// public has neither) and never cached. a may be unsaved: its fields are used as they
// are (BodyHTML must be sanitised already, as render.ArticleMarkdown leaves it); a
// story without a publication time shows the time now, when it would be published.
// note, when not empty, is shown above the story (the private link's "not published
// yet"). It returns the whole HTML document and the Content-Security-Policy the page
// needs (the site's, with a frame-src for the embeds the settings allow).
func (s *Server) PreviewPage(ctx context.Context, a *news.Article, note string) ([]byte, string, error) {
	st := s.state.Load()
	resp := s.previewResponse(st, a, note)
	resp.view.Head = resp.view.headHTML() + previewBase
	var buf bytes.Buffer
	if err := s.pages[resp.template].ExecuteTemplate(&buf, "base", resp.view); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), s.embedCSP(st.settings), nil
}

func (s *Server) previewResponse(st *siteState, a *news.Article, note string) *response {
	c := *a // the caller's article is left as it was
	if c.PublishedAt.IsZero() {
		c.PublishedAt = s.now()
	}
	path := articlePath(&c, st.settings.Location)
	body := &articleBody{Article: &c, Preview: true, PreviewNote: note, Share: shareLinks(c.ID)}
	body.Headline, body.Standfirst = render.Smarten(c.Title), render.Smarten(c.Standfirst)
	body.TagLinks = tagLinksHTML(c.Tags)
	v := s.newView(&http.Request{URL: &url.URL{Path: path}}, st, "Preview: "+render.Smarten(c.Title))
	v.NoIndex = true
	v.Feeds = nil
	v.Body = body
	tmpl := "article"
	if c.IsPage() {
		tmpl = "page" // as readers will see it: no date, section or byline
	}
	return &response{template: tmpl, view: v, private: true, csp: s.embedCSP(st.settings)}
}

// previewLink serves a private preview link, /preview/{token}/: the story's current
// saved version to anyone with the link while it lives (news.PreviewLinkTTL, until
// revoked), never cached anywhere (private, no-store) nor indexed (X-Robots-Tag and a
// robots meta tag). A story in the trash, or a link unknown, expired or revoked, is
// not found; a story published meanwhile is sent to its public address. The store ends
// a story's links when it is taken down after publication or moved to the trash
// (migration 0028), so that a link sent before never reads it again.
func (s *Server) previewLink(w http.ResponseWriter, r *http.Request) {
	st := s.state.Load()
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	token := r.PathValue("token")
	if len(token) < 16 || len(token) > 64 {
		s.serveError(w, r, st, news.ErrNotFound)
		return
	}
	ctx, now := r.Context(), s.now()
	id, err := s.store.PreviewLinkArticle(ctx, auth.HashToken(token), now)
	var a *news.Article
	if err == nil {
		a, err = s.store.Article(ctx, id)
	}
	if err == nil && a.Status == news.StatusTrash {
		err = news.ErrNotFound
	}
	if err != nil {
		if !errors.Is(err, news.ErrNotFound) {
			s.log.Error("open a preview link", "err", err)
		}
		s.serveError(w, r, st, news.ErrNotFound)
		return
	}
	if a.IsPublic(now) {
		w.Header().Set("Cache-Control", "private, no-store")
		http.Redirect(w, r, articlePath(a, st.settings.Location), http.StatusFound)
		return
	}
	resp := s.previewResponse(st, a, "A preview: this story is not published yet. Please do not share this link.")
	resp.view.Head = resp.view.headHTML() + previewBase
	var buf bytes.Buffer
	if err := s.pages["article"].ExecuteTemplate(&buf, "base", resp.view); err != nil {
		s.serveError(w, r, st, err)
		return
	}
	for k, v := range s.headers("text/html; charset=utf-8", "private, no-store") {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Security-Policy", resp.csp)
	w.Header().Set("Referrer-Policy", "no-referrer") // the token stays out of other sites' logs
	w.Write(buf.Bytes())
}
