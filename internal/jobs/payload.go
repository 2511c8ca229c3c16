package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// Payload is the JSON body of every delivery:
//
//	{
//	  "id": 42,                            // the delivery's ID, the same in every retry (Broadsheet-Delivery)
//	  "event": "article.published",        // see news.Event…; "ping" for the admin's test
//	  "occurred_at": "2026-11-30T17:02:11Z", // when the write happened (RFC 3339, UTC)
//	  "data": { … }                        // ArticleData, CommentData or PingData
//	}
//
// data is the article or comment as it stands when the delivery is first sent (a
// retry sends the same bytes), with its public fields only: never a commenter's email,
// IP address or browser. An article or comment deleted before the first attempt has
// data {"id": N, "deleted": true}.
type Payload struct {
	ID         int64     `json:"id"`
	Event      string    `json:"event"`
	OccurredAt time.Time `json:"occurred_at"`
	Data       any       `json:"data"`
}

// ArticleData is an article in a payload: what its public page shows.
type ArticleData struct {
	ID          int64      `json:"id"`
	Slug        string     `json:"slug"`
	Title       string     `json:"title"`
	Standfirst  string     `json:"standfirst"`
	Status      string     `json:"status"` // published, draft, review, scheduled or trash
	URL         string     `json:"url"`    // its permalink (where it is, or was, public)
	PublishedAt *time.Time `json:"published_at,omitempty"`
	UpdatedAt   *time.Time `json:"updated_at,omitempty"`
	Section     *Named     `json:"section,omitempty"`
	Authors     []Named    `json:"authors"` // the byline, in order (names and archive slugs, no email)
	Tags        []Named    `json:"tags"`
	Image       *Image     `json:"image,omitempty"`
	Correction  string     `json:"correction,omitempty"`
}

// Named is a section, an author or a tag.
type Named struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Image is an article's featured image.
type Image struct {
	URL     string `json:"url"`
	Alt     string `json:"alt"`
	Caption string `json:"caption,omitempty"`
}

// CommentData is a comment in a payload: what its article's page shows of it, and its
// status. Never the commenter's email, IP address or browser.
type CommentData struct {
	ID          int64     `json:"id"`
	ArticleID   int64     `json:"article_id"`
	ArticleURL  string    `json:"article_url"`
	ParentID    int64     `json:"parent_id,omitempty"`
	Status      string    `json:"status"` // pending, approved, spam or trash
	AuthorName  string    `json:"author_name"`
	AuthorURL   string    `json:"author_url,omitempty"`
	ContentHTML string    `json:"content_html"` // sanitised, as the page shows it
	Staff       bool      `json:"staff,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// PingData is the test event's data.
type PingData struct {
	WebhookID int64  `json:"webhook_id"`
	Message   string `json:"message"`
}

type deleted struct {
	ID      int64 `json:"id"`
	Deleted bool  `json:"deleted"`
}

// payload builds a delivery's body from what the store holds now; personal says it
// copies a comment's author or text (news.WebhookStore.KeepWebhookPayload).
func (w *Webhooks) payload(ctx context.Context, d *news.WebhookDelivery) (body []byte, personal bool, err error) {
	p := Payload{ID: d.ID, Event: d.Event, OccurredAt: d.OccurredAt.UTC()}
	switch d.Event {
	case news.EventPing:
		p.Data = PingData{WebhookID: d.HookID, Message: "A test event sent from the admin's Webhooks screen."}
	case news.EventArticlePublished, news.EventArticleUpdated, news.EventArticleUnpublished:
		a, err := w.store.Article(ctx, d.SubjectID)
		switch {
		case errors.Is(err, news.ErrNotFound):
			p.Data = deleted{d.SubjectID, true}
		case err != nil:
			return nil, false, fmt.Errorf("webhook payload: article %d: %w", d.SubjectID, err)
		default:
			p.Data = w.articleData(a)
		}
	case news.EventCommentPosted, news.EventCommentApproved:
		c, err := w.store.Comment(ctx, d.SubjectID)
		switch {
		case errors.Is(err, news.ErrNotFound):
			p.Data = deleted{d.SubjectID, true}
		case err != nil:
			return nil, false, fmt.Errorf("webhook payload: comment %d: %w", d.SubjectID, err)
		default:
			personal = !c.Removed
			data := CommentData{ID: c.ID, ArticleID: c.ArticleID, ParentID: c.ParentID, Status: string(c.Status),
				AuthorName: c.AuthorName, AuthorURL: c.AuthorURL, ContentHTML: c.BodyHTML, Staff: c.UserID != 0,
				CreatedAt: c.CreatedAt.UTC()}
			if c.Removed {
				data.AuthorName, data.AuthorURL, data.ContentHTML = "", "", news.CommentRemovedText
			}
			if a, err := w.store.Article(ctx, c.ArticleID); err == nil {
				data.ArticleURL = w.articleURL(a)
			}
			p.Data = data
		}
	default:
		return nil, false, fmt.Errorf("unknown webhook event %q", d.Event)
	}
	body, err = json.Marshal(p)
	return body, personal, err
}

func (w *Webhooks) articleURL(a *news.Article) string {
	if w.cfg.ArticlePath == nil || a.PublishedAt.IsZero() {
		return ""
	}
	return w.cfg.BaseURL + w.cfg.ArticlePath(a)
}

func (w *Webhooks) articleData(a *news.Article) ArticleData {
	data := ArticleData{ID: a.ID, Slug: a.Slug, Title: a.Title, Standfirst: a.Standfirst, Status: string(a.Status),
		URL: w.articleURL(a), Correction: a.CorrectionNote, Authors: []Named{}, Tags: []Named{}}
	if !a.PublishedAt.IsZero() {
		t := a.PublishedAt.UTC()
		data.PublishedAt = &t
	}
	if !a.UpdatedAt.IsZero() {
		t := a.UpdatedAt.UTC()
		data.UpdatedAt = &t
	}
	if a.Section != nil {
		data.Section = &Named{Slug: a.Section.Slug, Name: a.Section.Name}
	}
	for _, au := range a.Byline() {
		data.Authors = append(data.Authors, Named{Slug: au.Slug, Name: au.Name})
	}
	for _, t := range a.Tags {
		data.Tags = append(data.Tags, Named{Slug: t.Slug, Name: t.Name})
	}
	if img := a.FeaturedImage; img != nil {
		u := img.URL
		if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") { // the library's files: /media/…
			u = w.cfg.BaseURL + u
		}
		data.Image = &Image{URL: u, Alt: img.Alt, Caption: img.Caption}
	}
	return data
}
