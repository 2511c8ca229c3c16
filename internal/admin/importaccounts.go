package admin

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"broadsheet/internal/news"
)

// shownAccounts is how many new accounts' set-password links the import's report
// shows in the page; the rest are in its CSV (importAccountsCSV). A site of 20,000
// authors made a 3.8 MB page on every view of /admin/import.
const shownAccounts = 50

// importAccountsCSV is GET /admin/import/{id}/accounts.csv (administrators): every new
// account of that import, "name,link" after a header row, as a download. The links
// are secrets: the answer is private, no-store (as every admin answer), and neither
// the links nor the names are logged. A name that a spreadsheet would take for a
// formula (=, +, -, @ first) is written with an apostrophe before it (OWASP's CSV
// injection advice).
func (s *Server) importAccountsCSV(w http.ResponseWriter, r *http.Request, u *news.User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var run *news.ImportRun
	if err == nil {
		run, err = s.store.ImportRun(r.Context(), id)
	}
	if err != nil || run.Report == "" {
		s.fail(w, r, u, http.StatusNotFound, "No such import", "That import made no accounts, or it is no longer kept.")
		return
	}
	var rep reportView
	var links []accountLink
	if json.Unmarshal([]byte(run.Report), &rep) == nil && rep.Links != "" {
		plain, err := s.openSealed("import links", rep.Links)
		if err != nil {
			s.log.Error("open an import's account links", "run", run.ID, "err", err)
			s.fail(w, r, u, http.StatusInternalServerError, "Import", "The new accounts' links could not be read (the site's secret changed?). Make each a new link from Users.")
			return
		}
		json.Unmarshal(plain, &links)
	}
	if len(links) == 0 {
		s.fail(w, r, u, http.StatusNotFound, "No such import", "That import made no accounts, or it is no longer kept.")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="new-accounts-%d.csv"`, run.ID))
	h.Set("Cache-Control", "private, no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "link"})
	for _, l := range links {
		name := l.Name
		if name != "" && strings.ContainsRune("=+-@\t\r", rune(name[0])) {
			name = "'" + name
		}
		cw.Write([]string{name, l.Link})
	}
	cw.Flush()
	s.log.Info("import accounts downloaded", "run", run.ID, "accounts", len(links), "by", u.ID)
}
