package admin_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"broadsheet/internal/admin"
	"broadsheet/internal/news"
)

// An import's upload is recorded by its absolute path, whatever the import folder was
// given as (serve's default is "imports" beside a --db that may be relative): a server
// restarted from another working directory after a crash must find the file to remove
// it when the run is released or taken for abandoned. A relative path left it forever.
func TestImportUploadRecordedByAbsolutePath(t *testing.T) {
	t.Chdir(t.TempDir())
	e, _ := importEnv(t, func(c *admin.Config) { c.ImportDir = "imports" })
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	small := `<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version></channel></rss>`
	if r := b.upload(b.csrf(), "small.xml", strings.NewReader(small)); r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.status, pageText(r.body))
	}
	e.admin.WaitImports()
	run, err := e.db.LatestImportRun(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if run.Path == "" || !filepath.IsAbs(run.Path) {
		t.Errorf("the upload is recorded as %q", run.Path)
	}
}
