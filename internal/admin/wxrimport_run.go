package admin

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"

	"broadsheet/internal/news"
	"broadsheet/internal/wxr"
)

// importOptions are wxr's options for this server: attachments' images copied from
// the configured copy of wp-content/uploads, or kept at their original URLs.
func (s *Server) importOptions(prog *importProgress) wxr.Options {
	opt := wxr.Options{Progress: func(stage wxr.Stage, done, total int64) { prog.set(string(stage), done, total) }, Site: s.store}
	if s.cfg.WXRUploads != "" && s.cfg.Media != nil {
		opt.Uploads, opt.Media = os.DirFS(s.cfg.WXRUploads), s.cfg.Media
	}
	return opt
}

// checkFile runs the import's first pass (wxr.CheckImport) over the uploaded file.
func (s *Server) checkFile(ctx context.Context, path string, prog *importProgress) (*checkView, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open the upload: %w", err)
	}
	defer f.Close()
	if err := wxr.Archived(f); err != nil {
		return nil, err
	}
	plan, err := wxr.CheckImport(ctx, f, s.importOptions(prog))
	if err != nil {
		return nil, err
	}
	return newCheckView(plan.Counts, s.cfg.WXRUploads != "" && s.cfg.Media != nil), nil
}

// importFile runs the import (wxr.Import: the check again, then the one transaction)
// on the checked file and makes its report's view.
func (s *Server) importFile(ctx context.Context, runID int64, path string, prog *importProgress) (*reportView, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open the upload: %w", err)
	}
	defer f.Close()
	rep, err := wxr.Import(ctx, heldStore{s.store, runID}, f, s.importOptions(prog))
	if err != nil {
		return nil, err
	}
	return s.newReportView(rep), nil
}

func (s *Server) newReportView(r *wxr.ImportReport) *reportView {
	v := &reportView{}
	for _, row := range r.Rows() {
		v.Rows = append(v.Rows, reportRow{Kind: row.Kind, InFile: row.InFile, Added: row.Added, There: row.There})
	}
	v.Notes = append(v.Notes, fmt.Sprintf("Attachments added to the media library: %d images copied, %d files copied (PDF, audio, video), %d kept at their original URLs.", r.Copied, r.FilesCopied, r.Linked))
	if r.NavPages > 0 {
		v.Notes = append(v.Notes, fmt.Sprintf("Pages put in the navigation at their menu order: %d.", r.NavPages))
	}
	if r.Protected > 0 {
		v.Notes = append(v.Notes, fmt.Sprintf("%d password-protected posts and pages kept unpublished (stories here have no passwords).", r.Protected))
	}
	if r.ExtraSections+r.ExtraTags+r.ExtraAuthors > 0 {
		v.Notes = append(v.Notes, fmt.Sprintf("Named by posts but not listed in the file's header, and added: %d categories, %d tags, %d authors (bylines without an account).", r.ExtraSections, r.ExtraTags, r.ExtraAuthors))
	}
	if r.Lead != "" {
		v.Notes = append(v.Notes, fmt.Sprintf("The front page leads with the sticky post %q.", r.Lead))
	}
	v.Notes = append(v.Notes, fmt.Sprintf("Old addresses recorded, leading to the new ones: %d.", r.Redirects))
	for _, k := range slices.Sorted(maps.Keys(r.Changes)) { // made to fit the site (wxr.Fit…)
		v.Notes = append(v.Notes, fmt.Sprintf("Changed to fit the site: %d %s.", r.Changes[k], k))
	}
	for _, c := range r.Changed {
		v.Notes = append(v.Notes, c+".")
	}
	for _, k := range slices.Sorted(maps.Keys(r.Skipped)) {
		v.Skipped = append(v.Skipped, countRow{Kind: k, N: r.Skipped[k]})
	}
	for _, k := range slices.Sorted(maps.Keys(r.Unknown)) {
		v.Unknown = append(v.Unknown, countRow{Kind: k, N: r.Unknown[k]})
	}
	sort.SliceStable(v.Unknown, func(i, j int) bool { return v.Unknown[i].N > v.Unknown[j].N })
	base := strings.TrimSuffix(s.cfg.BaseURL, "/")
	for _, l := range r.Links {
		v.Accounts = append(v.Accounts, accountLink{Name: l.Name, Link: base + l.Path})
	}
	return v
}

// heldStore is the store an admin's import writes through: its transaction commits
// only while the import's run is still running (news.WXRTx.StillRunning, read in the
// transaction). A run can be released while its import is still on its way to the
// write (its first pass, copying the attachments: another server took it for
// stopped); the release says nothing of it was written and frees the site's one
// import slot, so that import must then write nothing.
type heldStore struct {
	news.WXRStore
	run int64
}

func (h heldStore) BeginWXR(ctx context.Context) (news.WXRTx, error) {
	tx, err := h.WXRStore.BeginWXR(ctx)
	if err != nil {
		return nil, err
	}
	return heldTx{tx, h.run}, nil
}

type heldTx struct {
	news.WXRTx
	run int64
}

func (h heldTx) Commit(ctx context.Context, changed bool) error {
	if err := h.StillRunning(ctx, h.run); err != nil {
		h.Rollback()
		return fmt.Errorf("the import was released while it ran, so nothing was written: %w", err)
	}
	return h.WXRTx.Commit(ctx, changed)
}
