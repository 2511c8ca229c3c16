package admin_test

import (
	"bytes"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"broadsheet/internal/news"
)

// preview asks for a live preview as the editor's script does (a multipart form).
func (b *browser) preview(csrf, body string) resp {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	mw.WriteField("body", body)
	mw.Close()
	req := bodyRequest(b.e, "POST", "/admin/preview", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(req)
}

// One writer's previews are a token bucket: 10 at once, then one a second, past which
// the answer is 429 with a line the editor shows instead of the preview; other writers
// are not held back. Before, any number of previews from one contributor queued for
// the process's few renders, and an editor's trivial saves waited 3.4–3.8 s behind
// them.
func TestPreviewsAreLimitedPerWriter(t *testing.T) {
	e := newEnv(t)
	e.addUser(news.RoleContributor)
	e.addUser(news.RoleEditor)
	heavy := e.browser()
	heavy.login("contributor@newsroom.example")
	csrf := heavy.csrf()
	for i := range 10 {
		if r := heavy.preview(csrf, "A **bold** claim"); r.status != 200 || !strings.Contains(r.body, "<strong>bold</strong>") {
			t.Fatalf("preview %d of the burst: %d", i+1, r.status)
		}
	}
	r := heavy.preview(csrf, "A **bold** claim")
	if r.status != 429 || !strings.Contains(r.body, `class="preview-error"`) || !strings.Contains(r.body, "too fast") ||
		strings.Contains(r.body, "<strong>") || r.header.Get("Retry-After") == "" {
		t.Errorf("preview 11 at once: %d %q", r.status, r.body)
	}
	// Someone else's preview is not held back.
	editor := e.browser()
	editor.login("editor@newsroom.example")
	if r := editor.preview(editor.csrf(), "*mine*"); r.status != 200 || !strings.Contains(r.body, "<em>mine</em>") {
		t.Errorf("another writer's preview: %d", r.status)
	}
	// A second later, the writer has one more.
	e.clock.Add(time.Second)
	if r := heavy.preview(csrf, "A **bold** claim"); r.status != 200 {
		t.Errorf("a preview a second later: %d", r.status)
	}
	if r := heavy.preview(csrf, "A **bold** claim"); r.status != 429 {
		t.Errorf("the next one at once: %d", r.status)
	}
}
