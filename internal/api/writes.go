package api

// The admin API (issue 9, item 8): bearer tokens made by administrators
// (news.APIToken), staff reads and writes. A token acts as its administrator's account
// with the token's role as a cap (APIToken.Actor); every permission is decided by the
// same news.Role.Can, User.CanEdit and User.CanMove as the admin's forms, and every
// status by news.StatusAt; saves and uploads spend the same per-writer token buckets as
// the admin's (news.SaveRate, news.UploadRate), so a writer's work counts once whichever
// way it comes. Answers to a token are never kept in the page cache.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"broadsheet/internal/media"
	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Bounds of a write's body, checked before it is decoded: an article's JSON (the
// admin's form holds about 1 MiB of text; JSON escaping may double it), and an upload
// (media.MaxBytes and its form fields).
const (
	maxJSONBody   = 2 << 20
	maxUploadBody = media.MaxBytes + 64<<10
)

// staff is who a valid token acts as.
type staff struct {
	token *news.APIToken
	user  *news.User
	hash  string // the token's SHA-256, to check it again before a write (stillAllowed)
}

type staffKey struct{}

func staffOf(r *http.Request) *staff {
	s, _ := r.Context().Value(staffKey{}).(*staff)
	return s
}

// unauthorized answers 401 with the challenge of RFC 6750 §3.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, detail string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="broadsheet", error="invalid_token"`)
	s.problem(w, r, &problem{Status: http.StatusUnauthorized, Detail: detail})
}

// authenticate finds the token of an Authorization header (RFC 6750 §2.1) and spends
// one of its requests (news.APIRate); it answers and returns nil when it refuses.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *staff {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	secret = strings.TrimSpace(secret)
	if !strings.EqualFold(scheme, "Bearer") || !news.LooksLikeAPIToken(secret) {
		s.unauthorized(w, r, "Send an API token made in the admin (Tokens) as: Authorization: Bearer bs_….")
		return nil
	}
	ctx, now := r.Context(), s.cfg.Now()
	hash := news.APITokenHash(secret)
	tok, u, err := s.tokenActor(ctx, hash, now)
	var p *problem
	if errors.As(err, &p) && p.Status == http.StatusUnauthorized {
		s.unauthorized(w, r, p.Detail)
		return nil
	} else if err != nil {
		s.problem(w, r, err)
		return nil
	}
	if wait, err := s.store.TakeToken(ctx, news.WriterLimitKey(s.cfg.Secret, news.APIRate.Kind, tok.ID), news.APIRate.Burst, news.APIRate.Every, now); err != nil {
		s.problem(w, r, fmt.Errorf("count an API request: %w", err))
		return nil
	} else if wait > 0 {
		s.tooMany(w, r, wait, "This token is making requests very fast")
		return nil
	}
	return &staff{token: tok, user: u, hash: hash}
}

// tokenActor finds the token of the hash and the account it acts as, or a 401 problem
// saying why it works no more (unknown, revoked, expired, its maker disabled or no
// longer an administrator).
func (s *Server) tokenActor(ctx context.Context, hash string, now time.Time) (*news.APIToken, *news.User, error) {
	// Found by its SHA-256: an attacker cannot steer the index's comparison of hashes,
	// so the look-up tells nothing of a secret by its timing.
	tok, err := s.store.APITokenByHash(ctx, hash, now)
	if errors.Is(err, news.ErrNotFound) {
		return nil, nil, &problem{Status: http.StatusUnauthorized, Detail: "This API token is not known: it may have been mistyped or deleted."}
	} else if err != nil {
		return nil, nil, err
	}
	if tok.Revoked {
		return nil, nil, &problem{Status: http.StatusUnauthorized, Detail: "This API token was revoked by an administrator."}
	}
	if !tok.Usable(now) {
		return nil, nil, &problem{Status: http.StatusUnauthorized, Detail: "This API token expired on " + rfc3339(tok.ExpiresAt) + "; an administrator can make a new one."}
	}
	owner, err := s.store.User(ctx, tok.CreatedBy)
	if err != nil && !errors.Is(err, news.ErrNotFound) {
		return nil, nil, err
	}
	u := tok.Actor(owner)
	if u == nil {
		return nil, nil, &problem{Status: http.StatusUnauthorized, Detail: "The account that made this API token is disabled or no longer an administrator, so the token no longer works."}
	}
	return tok, u, nil
}

// stillAllowed checks the request's token again just before its write: a request's
// body may take minutes to arrive (an upload on a slow connection) and its processing
// seconds, and a token revoked or expired meanwhile (or its maker's account changed)
// must write nothing. It returns the 401 problem (with its WWW-Authenticate header)
// when the token works no more, and nil, for a request without one, when there is
// nothing to check.
func (s *Server) stillAllowed(r *http.Request) error {
	st := staffOf(r)
	if st == nil || st.hash == "" {
		return nil
	}
	_, _, err := s.tokenActor(r.Context(), st.hash, s.cfg.Now())
	var p *problem
	if errors.As(err, &p) && p.Status == http.StatusUnauthorized {
		if w := responseWriterOf(r); w != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="broadsheet", error="invalid_token"`)
		}
		p.Detail += " Nothing was changed."
	}
	return err
}

func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration, what string) {
	secs := int(wait.Seconds()) + 1
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.problem(w, r, &problem{Status: http.StatusTooManyRequests,
		Detail: fmt.Sprintf("%s: wait %d seconds (Retry-After), then try again. Nothing was changed.", what, secs)})
}

// serveStaff answers a request that carries a token.
func (s *Server) serveStaff(w http.ResponseWriter, r *http.Request) {
	st := s.authenticate(w, r)
	if st == nil {
		return
	}
	s.staffMux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), staffKey{}, st)))
}

// staffHandlers registers what a token may call.
func (s *Server) staffHandlers() *http.ServeMux {
	m := http.NewServeMux()
	m.Handle("GET "+Prefix+"articles", s.staffAnswer(s.staffArticles))
	m.Handle("GET "+Prefix+"articles/{id}", s.staffAnswer(s.staffArticle))
	m.Handle("POST "+Prefix+"articles", s.staffAnswer(s.idempotent(keyedCreate{allowed: mayWrite, fingerprint: jsonFingerprint, op: s.createArticle, current: s.currentArticle})))
	m.Handle("PATCH "+Prefix+"articles/{id}", s.staffAnswer(s.patchArticle))
	m.Handle("DELETE "+Prefix+"articles/{id}", s.staffAnswer(s.trashArticle))
	for _, op := range []string{"publish", "schedule", "unpublish", "submit"} {
		m.Handle("POST "+Prefix+"articles/{id}/"+op, s.staffAnswer(s.moveArticle(op)))
	}
	m.Handle("POST "+Prefix+"articles/{id}/restore", s.staffAnswer(s.restoreArticle))
	m.Handle("POST "+Prefix+"media", s.staffAnswer(s.idempotent(keyedCreate{allowed: s.mayUpload, fingerprint: uploadFingerprint, op: s.uploadMedia, current: s.currentMedia})))
	for _, op := range []string{"approve", "spam", "trash"} {
		m.Handle("POST "+Prefix+"comments/{id}/"+op, s.staffAnswer(s.moderate(op)))
	}
	// Other reads are the public ones (their answers are the same for anyone).
	m.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) })
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, r, &problem{Status: http.StatusMethodNotAllowed, Detail: "There is no such operation in the API; its operations are listed at " + Prefix + "openapi.json."})
	})
	return m
}

// staffAnswer runs a staff operation and sends its answer, never cached.
func (s *Server) staffAnswer(op func(r *http.Request, st *staff) (int, any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, body, err := op(r, staffOf(r))
		if err != nil {
			var tm *waitProblem
			if errors.As(err, &tm) {
				s.tooMany(w, r, tm.wait, tm.what)
				return
			}
			s.problem(w, r, err)
			return
		}
		out, err := encodeJSON(body)
		if err != nil {
			s.problem(w, r, fmt.Errorf("encode %s: %w", r.URL.Path, err))
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Length", strconv.Itoa(len(out)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(out)
		}
	})
}

// waitProblem is a refusal by a rate limit.
type waitProblem struct {
	wait time.Duration
	what string
}

func (p *waitProblem) Error() string { return p.what }

func forbidden(detail string) error { return &problem{Status: http.StatusForbidden, Detail: detail} }

func unprocessable(detail string) error {
	return &problem{Status: http.StatusUnprocessableEntity, Detail: detail}
}

// StaffArticle is an article as the newsroom sees it: with its status, kind, version
// (to send back with a change) and Markdown source.
type StaffArticle struct {
	Article
	// URL, Published and Modified are null while the article has no publication time
	// (a draft never published): it has no permalink yet.
	URL          *string `json:"url"`
	Published    *string `json:"published"`
	Modified     *string `json:"modified"`
	Kind         string  `json:"kind"`
	Status       string  `json:"status"`
	Version      int64   `json:"version"`
	BodyMarkdown string  `json:"body_markdown"`
	NavPosition  int     `json:"nav_position"`
	Comments     bool    `json:"comments_open"`
}

func (s *Server) staffArticleOf(a *news.Article) StaffArticle {
	out := StaffArticle{Article: s.article(a), Kind: kindOf(a), Status: string(a.Status), Version: a.Version,
		BodyMarkdown: a.BodyMarkdown, NavPosition: a.NavPosition, Comments: !a.CommentsClosed}
	if !a.PublishedAt.IsZero() {
		out.URL, out.Published, out.Modified = &out.Article.URL, &out.Article.Published, &out.Article.Modified
	}
	return out
}

// sees reports whether a staff member may read a: what is public, and what they may
// edit (User.CanEdit: an editor everything, an author and a contributor their own).
func (st *staff) sees(a *news.Article, now time.Time) bool {
	if st.user.Role == news.RoleModerator {
		return a.IsPublic(now)
	}
	return a.IsPublic(now) || st.user.CanEdit(a)
}

// staffArticles is GET /articles with a token: status and kind filters, drafts of
// those the role may edit.
func (s *Server) staffArticles(r *http.Request, st *staff) (int, any, error) {
	q, err := parseParams(r)
	if err != nil {
		return 0, nil, err
	}
	if err := q.allow("status", "kind", "cursor", "limit"); err != nil {
		return 0, nil, err
	}
	limit, err := q.limit()
	if err != nil {
		return 0, nil, err
	}
	aq := news.ArticleQuery{Limit: limit + 1}
	if v, ok := q.get("status"); ok {
		if !news.ArticleStatus(v).Valid() {
			return 0, nil, badParam("status", fmt.Sprintf("Unknown status %q: one of draft, review, scheduled, published, unpublished, trash.", v))
		}
		aq.Status = news.ArticleStatus(v)
	} else {
		aq.WithTrash = false
	}
	if v, ok := q.get("kind"); ok {
		if v != string(news.KindArticle) && v != string(news.KindPage) {
			return 0, nil, badParam("kind", "The parameter \"kind\" is article or page.")
		}
		aq.Kind = news.Kind(v)
	}
	// Those who may not edit others' stories list their own (and, with no status
	// asked, what is public is on the public list).
	if !st.user.Role.Can(news.PermEditAll) {
		aq.OwnerID = st.user.ID
	}
	if key, ok, err := q.cursor('s'); err != nil {
		return 0, nil, err
	} else if ok {
		t, id, good := timeKey(key)
		if !good {
			return 0, nil, badParam("cursor", "The parameter \"cursor\" is not one this list gave: pass the next_cursor of the page before, unchanged.")
		}
		aq.After = &news.ArticleKey{PublishedAt: t, ID: id}
	}
	arts, err := s.store.Articles(r.Context(), aq)
	if err != nil {
		return 0, nil, err
	}
	now := s.cfg.Now()
	out := page[StaffArticle]{Items: []StaffArticle{}}
	size := 0
	var last *news.Article
	more := len(arts) > limit
	for i, a := range arts {
		if i == limit {
			break
		}
		if !st.sees(a, now) {
			continue
		}
		if len(out.Items) > 0 && size+len(a.BodyHTML)+len(a.BodyMarkdown) > maxListBytes {
			more = true
			break
		}
		out.Items, size, last = append(out.Items, s.staffArticleOf(a)), size+len(a.BodyHTML)+len(a.BodyMarkdown), a
	}
	if more && last != nil {
		out.NextCursor, out.Next = s.next(r, encodeCursor('s', formatTimeKey(last.PublishedAt, last.ID)))
	}
	return http.StatusOK, out, nil
}

// staffArticle is GET /articles/{id} with a token.
func (s *Server) staffArticle(r *http.Request, st *staff) (int, any, error) {
	a, err := s.editable(r, st, false)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.staffArticleOf(a), nil
}

// editable reads the article of the path if the token may see it (write: edit it).
func (s *Server) editable(r *http.Request, st *staff, write bool) (*news.Article, error) {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	a, err := s.store.Article(r.Context(), id)
	if errors.Is(err, news.ErrNotFound) || err == nil && !st.sees(a, s.cfg.Now()) {
		return nil, notFound(fmt.Sprintf("There is no article with the ID %d that this token may see.", id))
	} else if err != nil {
		return nil, err
	}
	if write && !st.user.CanEdit(a) {
		return nil, forbidden(fmt.Sprintf("This token's role (%s) may not change article %d, so nothing was changed.", st.user.Role, id))
	}
	return a, nil
}

// decode reads a JSON body into v: at most maxJSONBody bytes, checked before decoding,
// no unknown field, one value.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if mt := r.Header.Get("Content-Type"); !strings.HasPrefix(mt, "application/json") {
		return &problem{Status: http.StatusUnsupportedMediaType, Detail: "Send the body as application/json."}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &problem{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("The body is larger than %d bytes: nothing was changed.", maxJSONBody)}
		}
		return &problem{Status: http.StatusBadRequest, Detail: "The body is not the JSON this operation takes: " + err.Error() + ". Nothing was changed."}
	}
	if dec.More() {
		return &problem{Status: http.StatusBadRequest, Detail: "The body holds more than one JSON value. Nothing was changed."}
	}
	return nil
}

// ArticleInput is the body of POST /articles and PATCH /articles/{id}: a field left
// out keeps its value (PATCH) or is empty (POST). Version is required by PATCH and
// the moves: the version the change is based on.
type ArticleInput struct {
	Version        *int64    `json:"version"`
	Kind           *string   `json:"kind"`
	Status         *string   `json:"status"`
	Headline       *string   `json:"headline"`
	Standfirst     *string   `json:"standfirst"`
	BodyMarkdown   *string   `json:"body_markdown"`
	Slug           *string   `json:"slug"`
	Section        *string   `json:"section"` // a section's slug; "" for none
	Tags           *[]string `json:"tags"`    // names
	SEODescription *string   `json:"seo_description"`
	CorrectionNote *string   `json:"correction_note"`
	CommentsOpen   *bool     `json:"comments_open"`
	NavPosition    *int      `json:"nav_position"`
	PublishedAt    *string   `json:"published_at"` // schedule: RFC 3339
	// Byline names the authors, lead first (an author's or a user's name, matched by
	// slug as the admin's byline control matches them); only a role that may edit
	// anyone's articles changes it (bylines.go).
	Byline *[]string `json:"byline"`
	// FeaturedMedia is the library ID of the featured image, 0 for none.
	FeaturedMedia *int64 `json:"featured_media"`
}

// apply sets a's fields from in, cleaned as the admin's form cleans them, as u may
// set them.
func (s *Server) apply(r *http.Request, u *news.User, a *news.Article, in *ArticleInput) error {
	line := func(v *string, to *string) {
		if v != nil {
			*to, _ = news.CleanLine(*v)
		}
	}
	line(in.Headline, &a.Title)
	line(in.Standfirst, &a.Standfirst)
	line(in.SEODescription, &a.SEODescription)
	if in.BodyMarkdown != nil {
		a.BodyMarkdown, _ = news.CleanText(*in.BodyMarkdown)
	}
	if in.CorrectionNote != nil {
		a.CorrectionNote, _ = news.CleanText(*in.CorrectionNote)
	}
	if in.CommentsOpen != nil {
		a.CommentsClosed = !*in.CommentsOpen
	}
	if in.Slug != nil {
		a.Slug = news.Slugify(*in.Slug)
	}
	if a.Slug == "" {
		a.Slug = news.Slugify(a.Title)
	}
	if in.Section != nil && !a.IsPage() {
		a.Section = nil
		if *in.Section != "" {
			sec, err := s.store.SectionBySlug(r.Context(), *in.Section)
			if errors.Is(err, news.ErrNotFound) {
				return unprocessable(fmt.Sprintf("There is no section with the slug %q: nothing was saved.", *in.Section))
			} else if err != nil {
				return err
			}
			a.Section = sec
		}
	}
	if in.Tags != nil && !a.IsPage() {
		if len(*in.Tags) > 100 {
			return unprocessable("An article has at most 100 tags: nothing was saved.")
		}
		a.Tags = nil
		for _, t := range *in.Tags {
			if t, _ = news.CleanLine(t); t != "" {
				a.Tags = append(a.Tags, &news.Tag{Name: t})
			}
		}
	}
	if in.NavPosition != nil {
		if !a.IsPage() || *in.NavPosition < 0 || *in.NavPosition > news.MaxNavPosition {
			return unprocessable(fmt.Sprintf("nav_position is a page's place in the navigation, 0 (not in it) to %d: nothing was saved.", news.MaxNavPosition))
		}
		a.NavPosition = *in.NavPosition
	}
	if err := news.CheckStory(a.Title, a.BodyMarkdown, news.StatusDraft); err != nil {
		return unprocessable("An article needs a headline: nothing was saved.")
	}
	if err := s.applyByline(r.Context(), u, a, in.Byline); err != nil {
		return err
	}
	if err := s.applyFeatured(r.Context(), a, in.FeaturedMedia); err != nil {
		return err
	}
	html, _, err := render.ArticleMarkdown(r.Context(), a.BodyMarkdown, s.embeds(r.Context()))
	if err != nil {
		var tc *render.TooComplexError
		if errors.As(err, &tc) {
			return unprocessable(tc.Error() + " Nothing was saved.")
		}
		return unprocessable("The body could not be read as Markdown: nothing was saved.")
	}
	a.BodyHTML = html
	return nil
}

// embeds is the embed policy of the site's settings, as the admin's.
func (s *Server) embeds(ctx context.Context) render.Embeds {
	self := news.SiteHost(s.cfg.BaseURL)
	stored, err := s.store.Settings(ctx)
	if err != nil {
		s.cfg.Logger.Error("read the embed hosts setting", "err", err)
		return render.Embeds{Self: self}
	}
	hosts, _ := news.ParseEmbedHosts(news.Setting(stored, news.SettingEmbedHosts))
	return render.Embeds{Hosts: hosts, Self: self}
}

// takeSave spends one of the writer's article saves (news.SaveRate, the admin's bucket).
func (s *Server) takeSave(r *http.Request, u *news.User, rate news.WriterRate, what string) error {
	wait, err := s.store.TakeToken(r.Context(), news.WriterLimitKey(s.cfg.Secret, rate.Kind, u.ID), rate.Burst, rate.Every, s.cfg.Now())
	if err != nil {
		return fmt.Errorf("count a write: %w", err)
	}
	if wait > 0 {
		return &waitProblem{wait, what}
	}
	return nil
}

// write stores a (created when its ID is 0) and makes it seen on every node.
func (s *Server) write(r *http.Request, a *news.Article) error {
	ctx := r.Context()
	if err := s.stillAllowed(r); err != nil {
		return err
	}
	var err error
	if a.ID == 0 {
		err = s.store.CreateArticle(ctx, a)
	} else {
		err = s.store.UpdateArticle(ctx, a)
	}
	switch {
	case err == nil:
	case errors.Is(err, news.ErrStale):
		cur, rerr := s.store.Article(ctx, a.ID)
		if rerr != nil {
			return rerr
		}
		return stale(cur.Version)
	case errors.Is(err, news.ErrReservedSlug):
		return unprocessable("The address /" + a.Slug + "/ is one the site itself uses: choose another slug. Nothing was saved.")
	case errors.Is(err, news.ErrConflict):
		return &problem{Status: http.StatusConflict, Detail: "Another article has the slug “" + a.Slug + "”: choose another. Nothing was saved."}
	case errors.Is(err, news.ErrInvalid), errors.Is(err, news.ErrMediaDeleted):
		return unprocessable("Nothing was saved: " + err.Error() + ".")
	default:
		return fmt.Errorf("save article: %w", err)
	}
	s.sync(ctx)
	return nil
}

func (s *Server) sync(ctx context.Context) {
	if s.cfg.Sync == nil {
		return
	}
	if err := s.cfg.Sync(ctx); err != nil {
		s.cfg.Logger.Error("apply a change to the page cache", "err", err)
	}
}

// stale is the 409 of a change based on another version than the stored one.
func stale(current int64) error {
	return &problem{Status: http.StatusConflict, CurrentVersion: current,
		Detail: fmt.Sprintf("The article was changed since the version this change is based on; it is now version %d. Read it again, apply your change to it and send that version. Nothing was changed.", current)}
}

// createArticle is POST /articles: a new draft (or, with status review, submitted).
func (s *Server) createArticle(r *http.Request, st *staff) (int, any, error) {
	w := responseWriterOf(r)
	var in ArticleInput
	if err := decode(w, r, &in); err != nil {
		return 0, nil, err
	}
	u := st.user
	a := &news.Article{Status: news.StatusDraft, OwnerID: u.ID, EditedBy: u.ID, Kind: news.KindArticle}
	if in.Kind != nil {
		switch news.Kind(*in.Kind) {
		case news.KindArticle, news.KindPage:
			a.Kind = news.Kind(*in.Kind)
		default:
			return 0, nil, unprocessable("kind is article or page: nothing was saved.")
		}
	}
	if in.Version != nil || in.PublishedAt != nil {
		return 0, nil, unprocessable("A new article has no version, and is published or scheduled by its own operations (publish, schedule): nothing was saved.")
	}
	if in.Status != nil {
		switch news.ArticleStatus(*in.Status) {
		case news.StatusDraft, news.StatusReview:
			a.Status = news.ArticleStatus(*in.Status)
		default:
			return 0, nil, unprocessable("A new article is a draft or in review (status draft or review); publish or schedule it afterwards. Nothing was saved.")
		}
	}
	if !u.CanMove(a, a.Status) {
		return 0, nil, forbidden(fmt.Sprintf("This token's role (%s) may not write articles, so nothing was saved.", u.Role))
	}
	if a.IsPage() {
		a.CommentsClosed = true // a page has no comments unless asked
	}
	// A new story is its writer's unless the byline says otherwise (as the admin's).
	a.Author = &news.Author{Name: u.Name, Slug: news.Slugify(u.Name)}
	if err := s.apply(r, u, a, &in); err != nil {
		return 0, nil, err
	}
	if err := s.takeSave(r, u, news.SaveRate, "This account is saving very often"); err != nil {
		return 0, nil, err
	}
	a.CreateKey = createKeyOf(r)
	if err := s.write(r, a); errors.Is(err, news.ErrAlreadyCreated) && a.ID != 0 {
		// A keyed create whose answer was lost (its server killed after the commit):
		// the article it made is the answer, as a replay's.
		if w := responseWriterOf(r); w != nil {
			w.Header().Set(ReplayedHeader, "true")
		}
		return s.currentArticle(r, st, news.IdempotentReply{Status: http.StatusCreated, Body: []byte(fmt.Sprintf(`{"id":%d}`, a.ID))})
	} else if err != nil {
		return 0, nil, err
	}
	s.cfg.Logger.Info("article created through the API", "article", a.ID, "token", st.token.ID)
	return http.StatusCreated, s.staffArticleOf(a), nil
}

// patchArticle is PATCH /articles/{id}: the fields sent change, the status stays.
func (s *Server) patchArticle(r *http.Request, st *staff) (int, any, error) {
	w := responseWriterOf(r)
	var in ArticleInput
	if err := decode(w, r, &in); err != nil {
		return 0, nil, err
	}
	if in.Version == nil {
		return 0, nil, unprocessable("Send the version the change is based on (\"version\", as read): nothing was changed.")
	}
	if in.Kind != nil || in.Status != nil || in.PublishedAt != nil {
		return 0, nil, unprocessable("kind cannot change, and status and time change by their own operations (publish, schedule, unpublish, submit): nothing was changed.")
	}
	a, err := s.editable(r, st, true)
	if err != nil {
		return 0, nil, err
	}
	if *in.Version != a.Version {
		return 0, nil, stale(a.Version)
	}
	// Saving keeps the status: the same rule as the admin's Save (User.CanMove to it).
	if !st.user.CanMove(a, a.Status) {
		return 0, nil, forbidden(fmt.Sprintf("This token's role (%s) may not change this %s article, so nothing was changed.", st.user.Role, a.Status))
	}
	wasPublished, before := a.Status == news.StatusPublished, *a
	if err := s.apply(r, st.user, a, &in); err != nil {
		return 0, nil, err
	}
	if errors.Is(news.CheckStory(a.Title, a.BodyMarkdown, a.Status), news.ErrNoBody) {
		return 0, nil, unprocessable("A published article needs a body: nothing was changed.")
	}
	now := s.cfg.Now()
	if wasPublished && (before.Title != a.Title || before.Standfirst != a.Standfirst || before.BodyMarkdown != a.BodyMarkdown ||
		before.CorrectionNote != a.CorrectionNote) && now.Sub(a.PublishedAt) > time.Minute {
		a.UpdatedAt = now.Truncate(time.Second) // readers are told of the update, as by the admin
	}
	if err := s.takeSave(r, st.user, news.SaveRate, "This account is saving very often"); err != nil {
		return 0, nil, err
	}
	a.EditedBy, a.Version = st.user.ID, *in.Version
	if err := s.write(r, a); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.staffArticleOf(a), nil
}

// MoveInput is the body of the moves: the version they are based on, and a schedule's
// time.
type MoveInput struct {
	Version     *int64  `json:"version"`
	PublishedAt *string `json:"published_at"`
}

// moveArticle is POST /articles/{id}/{publish,schedule,unpublish,submit}.
func (s *Server) moveArticle(op string) func(r *http.Request, st *staff) (int, any, error) {
	target := map[string]news.ArticleStatus{"publish": news.StatusPublished, "schedule": news.StatusScheduled,
		"unpublish": news.StatusUnpublished, "submit": news.StatusReview}[op]
	return func(r *http.Request, st *staff) (int, any, error) {
		var in MoveInput
		if err := decode(responseWriterOf(r), r, &in); err != nil {
			return 0, nil, err
		}
		if in.Version == nil {
			return 0, nil, unprocessable("Send the version the change is based on (\"version\", as read): nothing was changed.")
		}
		now := s.cfg.Now()
		var at time.Time
		switch {
		case op == "schedule" && in.PublishedAt == nil:
			return 0, nil, unprocessable("Send the time to publish at (\"published_at\", RFC 3339): nothing was changed.")
		case op != "schedule" && in.PublishedAt != nil:
			return 0, nil, unprocessable("Only schedule takes a time: nothing was changed.")
		case in.PublishedAt != nil:
			t, err := time.Parse(time.RFC3339, *in.PublishedAt)
			if err != nil {
				return 0, nil, unprocessable(fmt.Sprintf("published_at must be a time in RFC 3339 form, such as 2026-06-02T09:00:00Z; it is %q. Nothing was changed.", *in.PublishedAt))
			}
			if !t.After(now) {
				return 0, nil, unprocessable("A schedule's time must be to come; to publish now, use publish. Nothing was changed.")
			}
			at = t.UTC().Truncate(time.Second)
		}
		a, err := s.editable(r, st, true)
		if err != nil {
			return 0, nil, err
		}
		if *in.Version != a.Version {
			return 0, nil, stale(a.Version)
		}
		if target == news.StatusUnpublished && a.Status != news.StatusPublished && a.Status != news.StatusScheduled {
			return 0, nil, &problem{Status: http.StatusConflict, CurrentVersion: a.Version, Detail: fmt.Sprintf("The article is %s, not published or scheduled: nothing was changed.", a.Status)}
		}
		to := target
		if op == "publish" {
			// Published now, or at the time it was published at before (a page keeps it).
			at = a.PublishedAt
			if at.IsZero() || at.After(now) {
				at = now.Truncate(time.Second)
			}
		}
		if !at.IsZero() {
			to = news.StatusAt(to, at, now) // the one rule of a status and a time
		}
		if !st.user.CanMove(a, to) {
			return 0, nil, forbidden(fmt.Sprintf("This token's role (%s) may not make this article %s, so nothing was changed.", st.user.Role, to))
		}
		if errors.Is(news.CheckStory(a.Title, a.BodyMarkdown, to), news.ErrNoBody) {
			return 0, nil, unprocessable("An article needs a body before it is published: nothing was changed.")
		}
		if err := s.takeSave(r, st.user, news.SaveRate, "This account is saving very often"); err != nil {
			return 0, nil, err
		}
		if !at.IsZero() {
			a.PublishedAt = at
		}
		a.Status, a.EditedBy, a.Version = to, st.user.ID, *in.Version
		if err := s.write(r, a); err != nil {
			return 0, nil, err
		}
		s.cfg.Logger.Info("article moved through the API", "article", a.ID, "status", a.Status, "token", st.token.ID)
		return http.StatusOK, s.staffArticleOf(a), nil
	}
}

// MediaItem is an uploaded image.
type MediaItem struct {
	ID      int64  `json:"id"`
	URL     string `json:"url"`
	Alt     string `json:"alt"`
	Caption string `json:"caption"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Bytes   int    `json:"bytes"`
	Srcset  string `json:"srcset"`
}

// Bounds of an image's words, as the admin's library (alt text a sentence or two).
const (
	maxAltRunes     = 1000
	maxCaptionRunes = 2000
)

// uploadMedia is POST /media: an image (multipart field "file", with "alt" and
// "caption") through the media pipeline (re-encoded, variants), counted by the
// writer's upload bucket (news.UploadRate, the admin's) before it is read. With an
// Idempotency-Key the role was checked and the form parsed before (mayUpload,
// uploadFingerprint).
func (s *Server) uploadMedia(r *http.Request, st *staff) (int, any, error) {
	u := st.user
	if err := s.mayUpload(st); err != nil {
		return 0, nil, err
	}
	if err := parseUpload(r); err != nil {
		return 0, nil, err
	}
	defer r.MultipartForm.RemoveAll()
	alt, _ := news.CleanLine(r.PostFormValue("alt"))
	caption, _ := news.CleanLine(r.PostFormValue("caption"))
	switch {
	case !news.Visible(alt):
		return 0, nil, unprocessable("Describe the image (alt) for people who cannot see it: nothing was uploaded.")
	case utf8.RuneCountInString(alt) > maxAltRunes || utf8.RuneCountInString(caption) > maxCaptionRunes:
		return 0, nil, unprocessable(fmt.Sprintf("alt may have at most %d characters and caption %d: nothing was uploaded.", maxAltRunes, maxCaptionRunes))
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return 0, nil, unprocessable("Send the image in the field \"file\": nothing was uploaded.")
	}
	defer file.Close()
	if err := s.takeSave(r, u, news.UploadRate, "This account is uploading very many images"); err != nil {
		return 0, nil, err
	}
	im, err := media.Process(r.Context(), s.cfg.Media, file)
	var refused *media.Error
	switch {
	case errors.Is(err, media.ErrBusy):
		return 0, nil, &problem{Status: http.StatusServiceUnavailable, Detail: media.ErrBusy.Reason + " Nothing was uploaded."}
	case errors.As(err, &refused):
		return 0, nil, unprocessable(refused.Reason + " Nothing was uploaded.")
	case err != nil:
		return 0, nil, fmt.Errorf("store upload: %w", err)
	}
	m := &news.Media{Name: im.Name, ContentType: im.ContentType, Width: im.Width, Height: im.Height, Bytes: im.Bytes,
		Srcset: im.Srcset(mediaURL), Alt: alt, Caption: caption, UserID: u.ID, CreateKey: createKeyOf(r)}
	if err := s.stillAllowed(r); err != nil {
		im.Remove(s.cfg.Media)
		return 0, nil, err
	}
	// Recorded whatever becomes of the connection now that the files are stored (the
	// admin's rule: no file left that no library item names), removed if it cannot be.
	if err := s.store.CreateMedia(context.WithoutCancel(r.Context()), m); errors.Is(err, news.ErrAlreadyCreated) && m.ID != 0 {
		// A keyed upload whose answer was lost (its server killed after the item was
		// written): that item is the answer, as a replay's, and these files go.
		im.Remove(s.cfg.Media)
		if w := responseWriterOf(r); w != nil {
			w.Header().Set(ReplayedHeader, "true")
		}
		made, err := s.store.MediaItem(r.Context(), m.ID)
		if err != nil {
			return 0, nil, fmt.Errorf("read the key's upload: %w", err)
		}
		return http.StatusCreated, s.mediaItemOf(made), nil
	} else if err != nil {
		im.Remove(s.cfg.Media)
		return 0, nil, fmt.Errorf("store upload: %w", err)
	}
	s.cfg.Logger.Info("image uploaded through the API", "media", m.ID, "bytes", m.Bytes, "token", st.token.ID)
	return http.StatusCreated, s.mediaItemOf(m), nil
}

// mayWrite refuses a role that may write no article at all (a moderator's), before a
// keyed create reads its body and claims its key; createArticle decides the rest (a
// page, a status) from the body.
func mayWrite(st *staff) error {
	if !st.user.Role.Can(news.PermWriteDrafts) {
		return forbidden(fmt.Sprintf("This token's role (%s) may not write articles, so nothing was saved.", st.user.Role))
	}
	return nil
}

// mayUpload refuses a role that may not upload, or a server that keeps no media.
func (s *Server) mayUpload(st *staff) error {
	if !st.user.Role.Can(news.PermWriteDrafts) {
		return forbidden(fmt.Sprintf("This token's role (%s) may not upload images.", st.user.Role))
	}
	if s.cfg.Media == nil {
		return &problem{Status: http.StatusServiceUnavailable, Detail: "This server keeps no media."}
	}
	return nil
}

// mediaItemOf is a library item as the API shows it.
func (s *Server) mediaItemOf(m *news.Media) MediaItem {
	return MediaItem{ID: m.ID, URL: s.abs(mediaURL + m.Name), Alt: m.Alt, Caption: m.Caption,
		Width: m.Width, Height: m.Height, Bytes: m.Bytes, Srcset: s.srcset(m.Srcset)}
}

// parseUpload parses a multipart upload once (a second call finds it parsed): at most
// maxUploadBody bytes, files past 1 MiB kept on disk until r.MultipartForm.RemoveAll.
func parseUpload(r *http.Request) error {
	if r.MultipartForm != nil {
		return nil
	}
	r.Body = http.MaxBytesReader(responseWriterOf(r), r.Body, maxUploadBody)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		if r.MultipartForm != nil {
			r.MultipartForm.RemoveAll()
			r.MultipartForm = nil
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &problem{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf("An image may have at most %d MB: nothing was uploaded.", media.MaxBytes>>20)}
		}
		return &problem{Status: http.StatusBadRequest, Detail: "Send the image as multipart/form-data with the fields file, alt and caption: nothing was uploaded."}
	}
	return nil
}

// mediaURL is where the site serves media files (admin.MediaURL).
const mediaURL = "/media/"

// ModeratedComment is a comment's new state.
type ModeratedComment struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
}

// moderate is POST /comments/{id}/{approve,spam,trash}: news.PermModerate, as the
// admin's comment queue.
func (s *Server) moderate(op string) func(r *http.Request, st *staff) (int, any, error) {
	to := map[string]news.CommentStatus{"approve": news.CommentApproved, "spam": news.CommentSpam, "trash": news.CommentTrash}[op]
	return func(r *http.Request, st *staff) (int, any, error) {
		if !st.user.Role.Can(news.PermModerate) {
			return 0, nil, forbidden(fmt.Sprintf("This token's role (%s) may not moderate comments, so nothing was changed.", st.user.Role))
		}
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			return 0, nil, &problem{Status: http.StatusBadRequest, Detail: fmt.Sprintf("A comment ID is a positive whole number; %q is not.", r.PathValue("id"))}
		}
		if err := s.stillAllowed(r); err != nil {
			return 0, nil, err
		}
		if err := s.store.SetCommentStatus(r.Context(), id, to); errors.Is(err, news.ErrNotFound) {
			return 0, nil, notFound(fmt.Sprintf("There is no comment with the ID %d.", id))
		} else if err != nil {
			return 0, nil, err
		}
		s.sync(r.Context())
		return http.StatusOK, ModeratedComment{ID: id, Status: string(to)}, nil
	}
}

type writerKey struct{}

// responseWriterOf is the request's ResponseWriter, for http.MaxBytesReader (which
// closes the connection after an answer to a body it cut).
func responseWriterOf(r *http.Request) http.ResponseWriter {
	w, _ := r.Context().Value(writerKey{}).(http.ResponseWriter)
	return w
}

func kindOf(a *news.Article) string {
	if a.IsPage() {
		return string(news.KindPage)
	}
	return string(news.KindArticle)
}
