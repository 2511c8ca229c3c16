package news

import "context"

// Re-rendering. An article's BodyHTML is rendered once, when it is saved, by the
// renderer and under the embed hosts (SettingEmbedHosts) of that moment. Each stored
// article carries the fingerprint of that render (render.Fingerprint: the renderer's
// version and the hosts); when the running server's differs, the article is rendered
// again from its Markdown (or, for an import that brought only HTML, from its stored
// HTML), in the background (package rerender). That is not an edit: the version,
// UpdatedAt, the revisions and the "Updated" note stay as they are.

// StaleRender is a stored article whose HTML was rendered under another fingerprint,
// with what a render needs.
type StaleRender struct {
	ID          int64
	Version     int64  // the version read; a write of the article since makes the store skip it
	Fingerprint string // the stored fingerprint; "" when none (before fingerprints, or after any other write of the body)
	Markdown    string
	HTML        string
}

// Rendered is the outcome of one StaleRender's render, for SetRenderedHTML.
type Rendered struct {
	ID          int64
	Version     int64  // StaleRender.Version
	Fingerprint string // StaleRender.Fingerprint: the stored one it replaces
	HTML        string
	// Keep marks the article as rendered but keeps its stored HTML: it cannot be
	// rendered now (over the render budget), and is not to be tried again under this
	// fingerprint.
	Keep bool
}

// RerenderCount says what SetRenderedHTML did with the articles it was given.
type RerenderCount struct {
	Changed   int // new HTML stored, the pages showing it made stale
	Unchanged int // the same HTML (or Keep): only the fingerprint stored
	Skipped   int // written since they were read (their save rendered them), or gone
}

// RerenderStore is what the re-render pass needs of a store. Every engine implements
// it. A fingerprint has the form render.Fingerprint gives it: a renderer part, "/",
// a settings part; renderer parts are ordered as strings.
type RerenderStore interface {
	// StaleRenders returns at most limit articles (of any status) whose stored
	// fingerprint is none, has a lower renderer part than fingerprint's, or has the
	// same renderer part and another settings part. An article stamped by a higher
	// renderer (a newer server sharing the database) is not returned. Its cost follows
	// limit, not the number of articles (an index on the fingerprint).
	StaleRenders(ctx context.Context, fingerprint string, limit int) ([]*StaleRender, error)
	// SetRenderedHTML stores, in one transaction, each article's new HTML (or, with
	// Keep, only the fingerprint) with fingerprint, if its version and stored
	// fingerprint are still those it was read with (a conditional write: of several
	// servers doing the same, one writes, the others skip it). It changes nothing else:
	// not the version, UpdatedAt or revisions. The articles whose HTML changed are named
	// in one Change with their pages' keys (as an edit of them would name), so every
	// node's page cache drops them. Any other write of an article's body (UpdateArticle)
	// forgets its fingerprint, so that the next pass renders it again.
	SetRenderedHTML(ctx context.Context, fingerprint string, items []Rendered) (RerenderCount, error)
}
