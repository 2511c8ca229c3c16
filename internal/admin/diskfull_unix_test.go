//go:build unix

package admin_test

import (
	"bytes"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"broadsheet/internal/news"
)

// An import's upload that the server's disk cannot hold (here the process's file-size
// limit, RLIMIT_FSIZE, which fails a write as a full disk does) is told as that, 507,
// not as a 400 blaming the request; nothing is kept and the site's import slot is free.
func TestImportUploadOnAFullDisk(t *testing.T) {
	e, dir := importEnv(t, nil)
	e.addUser(news.RoleAdministrator)
	b := e.browser()
	b.login("administrator@newsroom.example")
	csrf := b.csrf()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skip(err)
	}
	// Past 4 MiB a file cannot grow; the database is far smaller.
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 4 << 20, Max: old.Max}); err != nil {
		t.Skip(err)
	}
	big := `<?xml version="1.0"?><rss version="2.0"><channel>` + strings.Repeat("<!-- filler -->\n", 6<<20/16) + `</channel></rss>`
	r := b.upload(csrf, "export.xml", bytes.NewReader([]byte(big)))
	syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)
	if text := pageText(r.body); r.status != http.StatusInsufficientStorage || !strings.Contains(text, "disk is full") || !strings.Contains(text, "nothing was imported") {
		t.Errorf("an upload onto a full disk: %d\n%s", r.status, text)
	}
	if left := filesIn(t, dir); len(left) > 0 {
		t.Errorf("files kept: %v", left)
	}
	small := `<?xml version="1.0"?><rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version></channel></rss>`
	if r := b.upload(csrf, "small.xml", strings.NewReader(small)); r.status != http.StatusSeeOther {
		t.Errorf("a small file after the full disk: %d\n%s", r.status, pageText(r.body))
	}
}
