package admin

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"broadsheet/internal/news"
)

// Webhooks (issue 9, §9), for administrators (news.PermManageSettings): addresses told
// of the site's events, each with a secret shown once when it is added (in the
// one-time message, sealed in its cookie), the permission to reach private addresses,
// and the recent deliveries with their status, attempts and last answer, each to be
// sent again at once. The deliveries are queued by the store and sent by package jobs.

// deliveriesShown is how many of the newest deliveries the screen lists.
const deliveriesShown = 50

type webhooksBody struct {
	Hooks        []*news.Webhook
	Deliveries   []deliveryView
	Events       []eventChoice
	URL          string
	AllowPrivate bool
}

type eventChoice struct {
	Name, Label string
	Checked     bool
}

type deliveryView struct {
	*news.WebhookDelivery
	State   string // in words
	Sending bool
}

// eventLabels are the events in words.
var eventLabels = map[string]string{
	news.EventArticlePublished:   "An article is published",
	news.EventArticleUpdated:     "A published article is updated",
	news.EventArticleUnpublished: "An article is unpublished",
	news.EventCommentPosted:      "A comment is posted",
	news.EventCommentApproved:    "A comment is approved",
	news.EventPing:               "Test event",
}

func (s *Server) routeWebhooks(mux *http.ServeMux) {
	mux.Handle("GET /admin/webhooks", s.require(news.PermManageSettings, s.webhooks))
	mux.Handle("POST /admin/webhooks", s.require(news.PermManageSettings, s.addWebhook))
	mux.Handle("POST /admin/webhooks/private", s.require(news.PermManageSettings, s.setWebhooksPrivate))
	mux.Handle("POST /admin/webhooks/{id}/enabled", s.require(news.PermManageSettings, s.enableWebhook))
	mux.Handle("POST /admin/webhooks/{id}/delete", s.require(news.PermManageSettings, s.deleteWebhook))
	mux.Handle("POST /admin/webhooks/{id}/ping", s.require(news.PermManageSettings, s.pingWebhook))
	mux.Handle("POST /admin/webhooks/deliveries/{id}/retry", s.require(news.PermManageSettings, s.retryDelivery))
}

func (s *Server) webhooks(w http.ResponseWriter, r *http.Request, u *news.User) {
	s.webhooksPage(w, r, u, http.StatusOK, "", nil, "")
}

// webhooksPage renders the screen; url and events are a refused form's, given back.
func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request, u *news.User, status int, url string, events []string, msg string) {
	ctx := r.Context()
	hooks, err := s.store.Webhooks(ctx)
	if err != nil {
		s.log.Error("read webhooks", "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The webhooks could not be read.")
		return
	}
	ds, err := s.store.WebhookDeliveries(ctx, 0, deliveriesShown)
	if err != nil {
		s.log.Error("read webhook deliveries", "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The webhooks' deliveries could not be read.")
		return
	}
	settings, _ := s.store.Settings(ctx)
	body := &webhooksBody{Hooks: hooks, URL: url, AllowPrivate: settings[news.SettingWebhooksAllowPrivate] == "yes"}
	for _, e := range news.WebhookEvents {
		body.Events = append(body.Events, eventChoice{Name: e, Label: eventLabels[e], Checked: events == nil || slices.Contains(events, e)})
	}
	now := s.cfg.Now()
	for _, d := range ds {
		v := deliveryView{WebhookDelivery: d}
		switch {
		case d.Status == news.DeliveryDelivered:
			v.State = "Delivered"
		case d.Status == news.DeliveryFailed:
			v.State = "Given up"
		case !d.LeasedUntil.IsZero() && d.LeasedUntil.After(now):
			v.State, v.Sending = "Sending", true
		case d.Attempts == 0:
			v.State = "Waiting to be sent"
		default:
			v.State = "Failed; next attempt"
		}
		body.Deliveries = append(body.Deliveries, v)
	}
	s.render(w, r, status, "webhooks", &page{Title: "Webhooks", Nav: "webhooks", User: u, CSRF: s.csrfToken(r),
		SiteTitle: siteTitle(settings), Error: msg, Body: body})
}

func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request, u *news.User) {
	ctx := r.Context()
	raw, events := r.PostForm.Get("url"), r.PostForm["event"]
	settings, err := s.store.Settings(ctx)
	if err != nil {
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The settings could not be read; no webhook was added.")
		return
	}
	addr, err := news.CheckWebhookURL(raw, settings[news.SettingWebhooksAllowPrivate] == "yes")
	if err == nil {
		events, err = news.CheckWebhookEvents(events)
	}
	if err != nil {
		s.webhooksPage(w, r, u, http.StatusUnprocessableEntity, raw, r.PostForm["event"], invalidMessage(err)+" No webhook was added.")
		return
	}
	h := &news.Webhook{URL: addr, Events: events, Secret: news.NewWebhookSecret(), Enabled: true}
	if err := s.store.CreateWebhook(ctx, h); err != nil {
		if errors.Is(err, news.ErrInvalid) {
			s.webhooksPage(w, r, u, http.StatusUnprocessableEntity, raw, r.PostForm["event"], invalidMessage(err)+" No webhook was added.")
			return
		}
		s.log.Error("add webhook", "by", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The webhook could not be added.")
		return
	}
	s.log.Info("webhook added", "by", u.ID, "webhook", h.ID)
	// The secret is shown this once, in the one-time message (sealed, bound to this
	// session, never in the address): the receiver needs it to check signatures.
	s.redirectWith(w, r, "/admin/webhooks#webhook-"+strconv.FormatInt(h.ID, 10),
		"Webhook added. Its signing secret, shown only this once — copy it to the receiver now: "+h.Secret)
}

// invalidMessage is a refusal's reason for the form, as a sentence, without the
// error chain's tail.
func invalidMessage(err error) string {
	msg := strings.TrimSuffix(err.Error(), ": "+news.ErrInvalid.Error())
	r, n := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[n:] + "."
}

// hookID reads the path's webhook, answering 404 when it is not one.
func (s *Server) hookID(w http.ResponseWriter, r *http.Request, u *news.User) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, u, http.StatusNotFound, "No such webhook", "That webhook does not exist.")
		return 0, false
	}
	return id, true
}

// hookWriteFailed answers a store error of a webhook's write.
func (s *Server) hookWriteFailed(w http.ResponseWriter, r *http.Request, u *news.User, what string, err error) {
	if errors.Is(err, news.ErrNotFound) {
		s.fail(w, r, u, http.StatusNotFound, "No such webhook", "That webhook (or delivery) does not exist any more.")
		return
	}
	s.log.Error(what, "by", u.ID, "err", err)
	s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "Nothing was changed: "+what+" failed.")
}

func (s *Server) enableWebhook(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, ok := s.hookID(w, r, u)
	if !ok {
		return
	}
	on := r.PostForm.Get("enabled") == "yes"
	if err := s.store.SetWebhookEnabled(r.Context(), id, on); err != nil {
		s.hookWriteFailed(w, r, u, "turn a webhook on or off", err)
		return
	}
	msg := "Webhook turned off: it gets no new event, and what it was due waits."
	if on {
		msg = "Webhook turned on."
	}
	s.redirectWith(w, r, "/admin/webhooks#webhook-"+strconv.FormatInt(id, 10), msg)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, ok := s.hookID(w, r, u)
	if !ok {
		return
	}
	if err := s.store.DeleteWebhook(r.Context(), id); err != nil {
		s.hookWriteFailed(w, r, u, "delete a webhook", err)
		return
	}
	s.log.Info("webhook deleted", "by", u.ID, "webhook", id)
	s.redirectWith(w, r, "/admin/webhooks", "Webhook deleted, with its deliveries.")
}

func (s *Server) pingWebhook(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, ok := s.hookID(w, r, u)
	if !ok {
		return
	}
	if _, err := s.store.EnqueueWebhookPing(r.Context(), id, s.cfg.Now()); err != nil {
		s.hookWriteFailed(w, r, u, "queue a test event", err)
		return
	}
	s.redirectWith(w, r, "/admin/webhooks#deliveries", "Test event queued: it is sent within seconds (while the webhook is on). Reload this page to see the answer.")
}

func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, ok := s.hookID(w, r, u)
	if !ok {
		return
	}
	if err := s.store.RetryWebhookDelivery(r.Context(), id, s.cfg.Now()); err != nil {
		s.hookWriteFailed(w, r, u, "send a delivery again", err)
		return
	}
	s.redirectWith(w, r, "/admin/webhooks#delivery-"+strconv.FormatInt(id, 10), "Delivery "+strconv.FormatInt(id, 10)+" will be sent again within seconds.")
}

func (s *Server) setWebhooksPrivate(w http.ResponseWriter, r *http.Request, u *news.User) {
	allow := "no"
	if r.PostForm.Get("allow") == "yes" {
		allow = "yes"
	}
	if err := s.store.SetSettings(r.Context(), map[string]string{news.SettingWebhooksAllowPrivate: allow}); err != nil {
		s.log.Error("save the webhooks' setting", "by", u.ID, "err", err)
		s.fail(w, r, u, http.StatusInternalServerError, "Something went wrong", "The setting could not be saved.")
		return
	}
	s.sync(r) // a setting's write names every page
	s.log.Info("webhooks' private addresses", "by", u.ID, "allowed", allow)
	msg := "Webhooks may no longer reach loopback, private or link-local addresses."
	if allow == "yes" {
		msg = "Webhooks may now reach loopback, private and link-local addresses: only do this for receivers you run."
	}
	s.redirectWith(w, r, "/admin/webhooks", msg)
}
