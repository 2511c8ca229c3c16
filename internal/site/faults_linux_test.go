//go:build linux

package site_test

import (
	"strings"
	"syscall"
	"testing"
)

// When the database cannot be written (the disk is full), a reader's comment is not
// lost: the form comes back with everything typed and a clear message, and the log
// says why. The fault is the operating system's own: the process may not write past the
// first 4 KiB of any file, as when a disk fills.
func TestFullDiskKeepsTheReadersComment(t *testing.T) {
	e := newEnv(t, 2, nil)
	a := e.arts[1]
	form := e.commentForm(a, "Ada Reader", "ada@readers.example", "A long, careful comment that took a while to write.")
	form.Set("url", "https://ada.example/blog")
	before := e.countComments()

	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: 4096, Max: old.Max}); err != nil {
		t.Fatal(err)
	}
	p := e.post("/comments/", form, "X-Forwarded-For", "198.51.100.30")
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}

	if p.status != 503 {
		t.Errorf("status %d, want 503", p.status)
	}
	mustContain(t, "the answer", p.body, "<title>Error: ", `<form action="/comments/#respond"`, "We could not save your comment; please try again",
		"A long, careful comment that took a while to write.", `value="Ada Reader"`, `value="ada@readers.example"`, `value="https://ada.example/blog"`)
	if e.countComments() != before {
		t.Errorf("a comment was stored on a full disk")
	}
	if log := e.log.String(); !strings.Contains(log, "level=ERROR") || !strings.Contains(log, "disk") {
		t.Errorf("the log does not say why:\n%s", log)
	}
	// Once there is room again, the same form posts.
	if p := e.post("/comments/", form, "X-Forwarded-For", "198.51.100.30"); p.status != 303 {
		t.Errorf("posting again: %d", p.status)
	}
}
