package admin_test

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"

	"broadsheet/internal/news"
)

// WordPress.com's export arrives as a ZIP: uploaded as it is, the administrator is
// told to unzip it and upload the .xml inside, not that line 1 holds an illegal
// character code U+0003.
func TestImportOfAZippedExportSaysToUnzipIt(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	xml, err := os.ReadFile(themeUnitTest)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("site.wordpress.2026-12-01.000.xml")
	w.Write(xml)
	zw.Close()
	b.upload(csrf, "site.wordpress.2026-12-01.000.zip", &buf)
	e.admin.WaitImports()
	page := pageText(b.get("/admin/import").body)
	if !strings.Contains(page, "ZIP archive") || !strings.Contains(page, "unzip it") || strings.Contains(page, "illegal character") {
		t.Errorf("the import page does not say to unzip the file:\n%s", page)
	}
	if names := filesIn(t, dir); len(names) != 0 {
		t.Errorf("the refused file is left on disk: %v", names)
	}
}
