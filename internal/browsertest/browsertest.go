//go:build browser

// Package browsertest drives a real headless Chromium (Debian's chromium package) for
// the tests built with -tags browser, and runs axe-core in the pages it shows. The
// CHROMIUM and AXE_JS environment variables name the files; .ci/run sets them up.
package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Start starts a headless Chromium for the test and returns its context.
func Start(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no Chromium at %s (install Debian's chromium, or set CHROMIUM): %v", path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// The pages' CSP forbids scripts; the checkers are the test's, not the page's.
	if _, err := chromedp.Call(ctx, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	// A page that asks before it is left (the editor with unsaved text) is left, as a
	// person who goes to another page chooses: a headless browser would otherwise wait
	// on the question for ever. Tests check the warning itself by its event.
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			if ev.Type == cdppage.DialogTypeBeforeunload {
				chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
			}
		}
	}()
	return ctx
}

// StepTimeout bounds one call of Do or Get, so that a page that never shows what a
// step waits for fails the test instead of hanging it.
const StepTimeout = 30 * time.Second

// Do runs the steps or fails the test.
func Do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// Get runs an action that returns a value, or fails the test.
func Get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Violation is one failed axe-core rule.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// Axe runs axe-core's WCAG 2.2 A and AA rules on the page the browser shows.
func Axe(t *testing.T, ctx context.Context) []Violation {
	t.Helper()
	src, err := os.ReadFile(os.Getenv("AXE_JS"))
	if err != nil {
		t.Fatalf("axe-core (set AXE_JS to axe.min.js): %v", err)
	}
	Get(t, ctx, chromedp.Evaluate[bool](string(src)+"\n;true"))
	out := Get(t, ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	var v []Violation
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// CheckAxe fails the test for every violation axe-core finds on the page shown.
func CheckAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, v := range Axe(t, ctx) {
		t.Errorf("%s: %s (%s): %s", what, v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			t.Logf("    %v %s", n.Target, n.HTML)
		}
	}
}

// NuArgs are the arguments of a run of the Nu HTML Checker (java ARGS…) with
// --errors-only over files, with exactly one message filtered out: the one for an
// iframe's sandbox of exactly embedSandbox (render.EmbedSandbox, passed in: this
// package cannot import render, whose own tests import it), "Bad value “…” for
// attribute “sandbox” on element “iframe”", which the checker gives for allow-scripts
// with allow-same-origin. That pair undoes the sandbox only for a frame of the page's
// OWN origin; an embed never is one (render.Embeds.Self), and YouTube's and Vimeo's
// players do not work without allow-same-origin. Any other bad sandbox still fails.
func NuArgs(jar, embedSandbox string, files ...string) []string {
	filter := regexp.QuoteMeta("Bad value “" + embedSandbox + "” for attribute “sandbox” on element “iframe”.")
	return append([]string{"-jar", jar, "--errors-only", "--filterpattern", filter, "--format", "text"}, files...)
}
