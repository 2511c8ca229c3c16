package admin

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A message longer than a cookie holds is cut where a reader expects (a sentence, a
// word), in valid UTF-8, never inside a time marker, which would show as raw text.
func TestCutMessage(t *testing.T) {
	if got := cutMessage("Draft saved.", 100); got != "Draft saved." {
		t.Errorf("a short message changed: %q", got)
	}
	long := "Draft saved. " + strings.Repeat("Removed an embed of évil.example. ", 100)
	got := cutMessage(long, 200)
	if len(got) > 200 || !utf8.ValidString(got) || !strings.HasPrefix(got, "Draft saved.") || !strings.HasSuffix(got, ". …") {
		t.Errorf("cut at a sentence: %q (%d bytes)", got, len(got))
	}
	marker := strings.Repeat("é", 90) + " Scheduled for {at:2027-03-14T07:30:00Z} and more"
	for n := 185; n < 230; n++ {
		got := cutMessage(marker, n)
		if len(got) > n || !utf8.ValidString(got) {
			t.Fatalf("cut to %d: %d bytes, valid %v", n, len(got), utf8.ValidString(got))
		}
		if i := strings.Index(got, "{"); i >= 0 && !strings.Contains(got[i:], "}") {
			t.Errorf("cut to %d: a marker cut in two: %q", n, got)
		}
	}
}
