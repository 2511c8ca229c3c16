// Package rerender brings stored article HTML up to date with the running renderer and
// the site's embed hosts. Each article keeps the fingerprint of the render its HTML came
// from (render.Fingerprint); Run renders again, from its Markdown (or from its stored
// HTML when an import brought no Markdown), every article stamped with another one, in
// bounded batches, and stores the result through news.RerenderStore's conditional write,
// which is not an edit: no new version, no revision, no "Updated" note. The server's
// scheduler runs it every tick with a bound; `broadsheet rerender` runs it to the end.
package rerender

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"broadsheet/internal/news"
	"broadsheet/internal/render"
)

// Store is what Run needs: the stale articles, the write, and the settings (for the
// embed hosts).
type Store interface {
	news.RerenderStore
	Settings(ctx context.Context) (map[string]string, error)
}

// DefaultBatch is how many articles one transaction writes: big enough that the
// transaction's cost is shared, small enough that the single writer is not held long
// (the renders happen before it, outside the transaction).
const DefaultBatch = 100

// Options bound a run.
type Options struct {
	// Batch is how many articles are read, rendered and written together (one
	// transaction); 0 is DefaultBatch.
	Batch int
	// Max is the most articles one run renders; 0 renders until none is stale.
	Max int
	// Log gets one line for each article that cannot be rendered (which keeps its HTML
	// and is not tried again under this fingerprint); nil discards them.
	Log *slog.Logger
}

// Result counts what a run did.
type Result struct {
	Fingerprint string // the fingerprint the run rendered for
	news.RerenderCount
	// Kept are the articles that could not be rendered (over the render budget) and
	// keep their HTML, stamped so as not to be tried again (counted in Unchanged too,
	// unless saved meanwhile).
	Kept int
}

// Rendered is how many articles the run rendered and stamped (Changed + Unchanged).
func (r Result) Rendered() int { return r.Changed + r.Unchanged }

// Run renders again the articles whose fingerprint is not the one of this renderer
// under the site's embed hosts, Batch at a time, until none is left or Max were
// rendered. It stops early, with the counts so far, when ctx ends or a batch made no
// progress (every article in it was saved meanwhile: the next run takes them). An
// embed hosts setting that does not parse is an error and renders nothing: rendering
// under no hosts would strip every site embed.
func Run(ctx context.Context, st Store, opt Options) (Result, error) {
	stored, err := st.Settings(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("re-render: %w", err)
	}
	hosts, err := news.ParseEmbedHosts(news.Setting(stored, news.SettingEmbedHosts))
	if err != nil {
		return Result{}, fmt.Errorf("re-render: %w", err)
	}
	e := render.Embeds{Hosts: hosts}
	res := Result{Fingerprint: render.Fingerprint(e)}
	batch := opt.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for opt.Max <= 0 || res.Rendered() < opt.Max {
		limit := batch
		if opt.Max > 0 {
			limit = min(limit, opt.Max-res.Rendered())
		}
		stale, err := st.StaleRenders(ctx, res.Fingerprint, limit)
		if err != nil {
			return res, fmt.Errorf("re-render: %w", err)
		}
		if len(stale) == 0 {
			return res, nil
		}
		items := make([]news.Rendered, 0, len(stale))
		for _, a := range stale {
			it, reason, err := renderOne(ctx, a, e)
			if err != nil {
				return res, fmt.Errorf("re-render article %d: %w", a.ID, err)
			}
			if it.Keep {
				res.Kept++
				// Logged once: the article is stamped with this fingerprint and not
				// tried again until the renderer or the hosts change.
				log.Warn("an article cannot be rendered again within the render budget; it keeps its HTML", "article", a.ID, "reason", reason)
			}
			items = append(items, it)
		}
		n, err := st.SetRenderedHTML(ctx, res.Fingerprint, items)
		if err != nil {
			return res, fmt.Errorf("re-render: %w", err)
		}
		res.Changed += n.Changed
		res.Unchanged += n.Unchanged
		res.Skipped += n.Skipped
		if n.Changed+n.Unchanged == 0 {
			return res, nil // all saved meanwhile: the next run takes them
		}
	}
	return res, nil
}

// renderOne renders one article as a save would: its Markdown through ArticleMarkdown,
// or, when it has none (an import of HTML), its stored HTML through ArticleHTML (the
// HTML it was imported with is not kept: an embed removed then is not brought back).
// A body over the render budget, or whose HTML the store would refuse, gives Keep and
// the reason (for the log). Only an ended ctx is an error.
func renderOne(ctx context.Context, a *news.StaleRender, e render.Embeds) (it news.Rendered, reason string, err error) {
	it = news.Rendered{ID: a.ID, Version: a.Version, Fingerprint: a.Fingerprint}
	var html string
	over := "over the render budget: "
	if a.Markdown != "" {
		html, _, err = render.ArticleMarkdown(ctx, a.Markdown, e)
	} else {
		html, _, err = render.ArticleHTMLContext(ctx, a.HTML, e)
		over = "its HTML is over the render budget: "
	}
	if err != nil {
		if ctx.Err() != nil {
			return it, "", context.Cause(ctx)
		}
		var tc *render.TooComplexError
		if !errors.As(err, &tc) {
			return it, "", err
		}
		it.Keep = true
		return it, over + string(tc.Limit), nil
	}
	if err := news.CheckText("the body's HTML", html); err != nil {
		it.Keep = true
		return it, err.Error(), nil
	}
	it.HTML = html
	return it, "", nil
}
