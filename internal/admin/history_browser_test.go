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
	"broadsheet/internal/render"
)

// An editor opens the history at desktop and phone widths, chooses two versions that
// are not next to each other and compares them: side by side on the desktop, old above
// new on the phone, each side labelled there; removed words struck through and added
// ones underlined (not told by colour alone); no sideways scrolling; axe-core's WCAG
// 2.2 AA rules pass on both screens at both widths. Screenshots go to /tmp/shots.
func TestHistoryInABrowser(t *testing.T) {
	e := newEnv(t)
	e.clock.Real()
	e.inZone("Europe/Berlin")
	editor := e.addNamed("Ana Reyes", "ana@newsroom.example", news.RoleEditor)
	revs := e.storyVersions(editor)
	ctx := browsertest.Start(t)
	signInAs(t, ctx, e, "ana@newsroom.example")
	shot := func(name string) { shoot(t, ctx, "history-"+name) }
	oldest, newest := revs[len(revs)-2], revs[0] // the draft's body, and the last
	for _, size := range []struct {
		name string
		w    int64
	}{{"1280", 1280}, {"390", 390}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size.w, 900),
			chromedp.Navigate(fmt.Sprintf("%s/admin/articles/%d/history", e.http.URL, e.article.ID)), chromedp.WaitVisible(chromedp.CSS("ol.history")))
		browsertest.CheckAxe(t, ctx, "history at "+size.name)
		shot("list-" + size.name)
		if scrollsSideways(t, ctx) {
			t.Errorf("%s px: the history scrolls sideways", size.name)
		}
		// The person chooses the two versions and presses Compare.
		browsertest.Do(t, ctx,
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#r%d input[name=from]`, oldest.ID))),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#r%d input[name=to]`, newest.ID))),
			chromedp.Click(chromedp.CSS(`#compare button[type=submit]`)),
			chromedp.WaitVisible(chromedp.ID("compared")))
		browsertest.CheckAxe(t, ctx, "comparison at "+size.name)
		shot("compare-" + size.name)
		// The comparison's first screen, at the size a person sees it.
		browsertest.Do(t, ctx, chromedp.ScrollIntoView(chromedp.ID("compared")))
		os.WriteFile(filepath.Join("/tmp/shots", "history-compare-"+size.name+"-top.png"), browsertest.Get(t, ctx, chromedp.Screenshot(chromedp.ID("compared"))), 0o644)
		if scrollsSideways(t, ctx) {
			t.Errorf("%s px: the comparison scrolls sideways", size.name)
		}
		text := browsertest.Get(t, ctx, chromedp.Text(chromedp.ID("compared")))
		for _, want := range []string{fmt.Sprintf("Older: version %d", oldest.Version), fmt.Sprintf("Newer: version %d", newest.Version),
			"Headline:", "Standfirst:", "Featured image:", "Status changed from draft to published."} {
			if !strings.Contains(text, want) {
				t.Errorf("%s px: the comparison does not say %q:\n%s", size.name, want, text)
			}
		}
		// The changed words, and how they look: the row with "Monday" → "Sunday".
		layout := browsertest.Get(t, ctx, chromedp.Evaluate[string](`(() => {
			const del = [...document.querySelectorAll("#compared td.old del")].find(d => d.textContent === "Monday");
			const ins = [...document.querySelectorAll("#compared td.new ins")].find(d => d.textContent === "Sunday");
			if (!del || !ins) return "no marks";
			const o = del.closest("td").getBoundingClientRect(), n = ins.closest("td").getBoundingClientRect();
			const side = getComputedStyle(del.closest("td").querySelector(".side")).display;
			const dl = getComputedStyle(del).textDecorationLine, il = getComputedStyle(ins).textDecorationLine;
			const said = getComputedStyle(del, "::before").content + getComputedStyle(ins, "::before").content;
			const where = Math.abs(o.top - n.top) < 2 && o.right <= n.left + 1 ? "side by side" : n.top >= o.bottom - 1 ? "stacked" : "overlapping";
			return [where, side, dl, il, said].join("|");
		})()`))
		want := "side by side|none|line-through|underline|\" [removed: \"\" [added: \""
		if size.name == "390" {
			want = "stacked|block|line-through|underline|\" [removed: \"\" [added: \""
		}
		if layout != want {
			t.Errorf("%s px: the changed words are %q, want %q", size.name, layout, want)
		}
	}
}

// The history and a comparison of two versions are valid HTML.
func TestHistoryPagesAreValidHTML(t *testing.T) {
	jar := os.Getenv("VNU_JAR")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the Nu HTML Checker (set VNU_JAR to vnu.jar): %v", err)
	}
	e := newEnv(t)
	editor := e.addUser(news.RoleEditor)
	revs := e.storyVersions(editor)
	b := e.browser()
	b.login("editor@newsroom.example")
	path := fmt.Sprintf("/admin/articles/%d/history", e.article.ID)
	pages := map[string]string{"history": b.get(path).body,
		"compare": b.get(fmt.Sprintf("%s?from=%d&to=%d", path, revs[len(revs)-1].ID, revs[0].ID)).body,
		"same":    b.get(fmt.Sprintf("%s?from=%d&to=%d", path, revs[0].ID, revs[0].ID)).body}
	dir := t.TempDir()
	var files []string
	for name, body := range pages {
		f := filepath.Join(dir, name+".html")
		os.WriteFile(f, []byte(body), 0o644)
		files = append(files, f)
	}
	out, err := exec.Command("java", browsertest.NuArgs(jar, render.EmbedSandbox, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("the Nu HTML Checker: %v\n%s", err, out)
	}
}
