//go:build browser

package admin_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"broadsheet/internal/browsertest"
	"broadsheet/internal/news"
)

// Two editors in a browser: Ben sees that Ana has the story open; Ana saves; Ben's
// autosave tells him who saved and offers the conflict, which keeps his text and shows
// the diff; the presence notice and the conflict screen pass axe-core's WCAG 2.2 AA
// rules.
func TestTwoEditorsInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.addNamed("Ana Reyes", "ana@newsroom.example", news.RoleEditor)
	e.addNamed("Ben Okafor", "ben@newsroom.example", news.RoleEditor)
	ana := e.browser()
	ana.login("ana@newsroom.example")
	anaForm, _ := ana.openEditor(e.article.ID)
	path := "/admin/articles/" + itoa(e.article.ID)

	ben := browsertest.Start(t)
	signInAs(t, ben, e, "ben@newsroom.example")
	browsertest.Do(t, ben, chromedp.Navigate(e.http.URL+path), chromedp.WaitVisible(chromedp.ID("title")))
	if notice := browsertest.Get(t, ben, chromedp.Text(chromedp.ID("presence"))); !strings.Contains(notice, "Ana Reyes is also editing this story (since ") {
		t.Errorf("Ben's presence notice: %q", notice)
	}
	browsertest.CheckAxe(t, ben, "editor with a presence notice")

	anaForm["correction"] = "Correction: the line is 4, not 14."
	if _, r := ana.write(path, "save", anaForm); r.status != 303 {
		t.Fatalf("Ana's save: %d", r.status)
	}
	// Ben types a new headline (as a person would: the field changes and says so).
	browsertest.Get(t, ben, chromedp.Evaluate[bool](`(() => { const f = document.getElementById("title"); f.value = "Ben's headline";
		f.dispatchEvent(new Event("input", {bubbles: true})); return true })()`))
	browsertest.Do(t, ben, chromedp.WaitVisible(chromedp.CSS(`#autosave-status button[value="save"]`)))
	if msg := browsertest.Get(t, ben, chromedp.Text(chromedp.ID("autosave-status"))); !strings.Contains(msg, "Ana Reyes saved this story at") ||
		!strings.Contains(msg, "your changes are not saved — review the conflict") {
		t.Errorf("Ben's autosave message: %q", msg)
	}
	browsertest.Do(t, ben, chromedp.Click(chromedp.CSS(`#autosave-status button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS("section.conflict")))
	if title := browsertest.Get(t, ben, chromedp.Value(chromedp.ID("title"))); title != "Ben's headline" {
		t.Errorf("Ben's headline in the conflict: %q", title)
	}
	if diff := browsertest.Get(t, ben, chromedp.Text(chromedp.CSS("section.conflict"))); !strings.Contains(diff, "Correction: the line is 4, not 14.") {
		t.Errorf("the conflict does not show Ana's correction: %q", diff)
	}
	browsertest.CheckAxe(t, ben, "conflict")
	// The conflict's comparison at a desktop's and a phone's width (issue 8's history).
	for _, w := range []int64{1280, 390} {
		browsertest.Do(t, ben, chromedp.EmulateViewport(w, 900))
		browsertest.CheckAxe(t, ben, fmt.Sprintf("conflict at %d px", w))
		os.MkdirAll("/tmp/shots", 0o755)
		os.WriteFile(fmt.Sprintf("/tmp/shots/history-conflict-%d.png", w), browsertest.Get(t, ben, chromedp.Screenshot(chromedp.CSS("section.conflict"))), 0o644)
	}
	browsertest.Do(t, ben, chromedp.Click(chromedp.CSS(`button[value="merge"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if a := e.stored(e.article.ID); a.Title != "Ben's headline" || a.CorrectionNote != "Correction: the line is 4, not 14." {
		t.Errorf("after the merge in the browser: %q, %q", a.Title, a.CorrectionNote)
	}
}

// The conflict screen, "keep theirs" and the presence notice are valid HTML.
func TestConflictPagesAreValidHTML(t *testing.T) {
	jar := os.Getenv("VNU_JAR")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu HTML Checker (set VNU_JAR to vnu.jar): %v", err)
	}
	x := twoEditorsOpen(t)
	_, presence := x.ben.openEditor(x.e.article.ID)
	x.anaSaves(t)
	x.benForm["title"] = "Ben's headline"
	_, conflict := x.ben.write(x.path, "save", x.benForm)
	f := conflictForm(t, conflict.body)
	_, theirs := x.ben.write(x.path, "theirs", f)
	x.benForm["correction"] = "Ben's own note"
	_, noMerge := x.ben.write(x.path, "save", x.benForm)
	pages := map[string]string{"presence": presence, "conflict": conflict.body, "theirs": theirs.body, "no-merge": noMerge.body}
	dir := t.TempDir()
	var files []string
	for name, body := range pages {
		if !strings.Contains(body, "<main") {
			t.Fatalf("%s: not a page", name)
		}
		file := filepath.Join(dir, name+".html")
		os.WriteFile(file, []byte(body), 0o644)
		files = append(files, file)
	}
	out, err := exec.Command("java", append([]string{"-jar", jar, "--errors-only", "--format", "text"}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("the Nu HTML Checker: %v\n%s", err, out)
	}
}
