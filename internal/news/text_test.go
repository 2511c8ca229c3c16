package news

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSlugsOfOneNameTypedTwoWaysAreOne(t *testing.T) {
	composed, decomposed := "Йошкар-Ола", "\u0418\u0306ошкар-Ола"
	if Slugify(composed) != "йошкар-ола" || Slugify(decomposed) != "йошкар-ола" {
		t.Errorf("slugs %q and %q, want both йошкар-ола", Slugify(composed), Slugify(decomposed))
	}
	if got := Slugify("Cafe\u0301 Zoë"); got != "cafe-zoe" {
		t.Errorf("decomposed Latin accent: %q", got)
	}
	// Combining marks of scripts that need them stay in the slug.
	if got := Slugify("नमस्ते दुनिया"); got != "नमस्ते-दुनिया" {
		t.Errorf("Devanagari: %q", got)
	}
}

func TestCleanTextRemovesWhatHTMLForbids(t *testing.T) {
	in := "A\u001dB\u000bC\u0010D\u0008E\u0085F\ufdd0G\uffffH\tI\nJ"
	out, removed := CleanText(in)
	if out != "ABCDEFGH\tI\nJ" || len(removed) != 7 {
		t.Errorf("cleaned %q, removed %U", out, removed)
	}
	if line, _ := CleanLine("  Two\nlines\tand  spaces "); line != "Two lines and spaces" {
		t.Errorf("line %q", line)
	}
	if out, _ := CleanText("\u0418\u0306"); out != "Й" {
		t.Errorf("not NFC: %q", out)
	}
	if out, _ := CleanText("caf\xe9"); out != "caf\ufffd" {
		t.Errorf("invalid UTF-8: %q", out)
	}
}

func TestCheckTextNamesTheCharacter(t *testing.T) {
	err := CheckText("the headline", "Budget\u001d vote")
	var te *TextError
	if !errors.As(err, &te) || te.Rune != 0x1d || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "U+001D") {
		t.Errorf("error %v", err)
	}
	if err := CheckText("x", "bad \xff byte"); err == nil || !strings.Contains(err.Error(), "not valid text") {
		t.Errorf("invalid UTF-8: %v", err)
	}
	if err := CheckText("x", "Fine text — with “quotes”,\ttabs\r\nand lines. 🙂"); err != nil {
		t.Errorf("ordinary text refused: %v", err)
	}
}

func TestVisible(t *testing.T) {
	for _, s := range []string{"", "   ", "\u200b\u200c\u200d", "\u202e\u2066", "\u3164\u3164", "\u2800", "\u00ad", "\ufeff"} {
		if Visible(s) {
			t.Errorf("%+q counted as a visible name", s)
		}
	}
	for _, s := range []string{"Tom", "李雷", "\u202eTom", "O'Neill"} {
		if !Visible(s) {
			t.Errorf("%+q counted as invisible", s)
		}
	}
}

func TestSettingsRefuseLinksToInvalidHosts(t *testing.T) {
	stored := map[string]string{SettingSecret: NewSecret()}
	for key, bad := range map[string]string{
		SettingSocialLinks: "Mastodon https://＜script＞alert(1)＜/script＞",
		SettingLogo:        "https://exa mple.org/logo.png",
		SettingLanguage:    "english please",
	} {
		if err := CheckSettings(stored, map[string]string{key: bad}); err == nil {
			t.Errorf("%s = %q accepted", key, bad)
		}
	}
	for _, bad := range []string{"x-klingon", "und", ""} {
		if err := CheckSettings(stored, map[string]string{SettingLanguage: bad}); err == nil {
			t.Errorf("language %q accepted", bad)
		}
	}
	for key, bad := range map[string]string{} {
		if err := CheckSettings(stored, map[string]string{key: bad}); err == nil {
			t.Errorf("%s = %q accepted", key, bad)
		}
	}
	for key, good := range map[string]string{
		SettingSocialLinks: "Mastodon https://social.example/@post\nBluesky https://bücher.example/x",
		SettingLogo:        "https://[2001:db8::1]/logo.png",
		SettingLanguage:    "en-GB",
	} {
		if err := CheckSettings(stored, map[string]string{key: good}); err != nil {
			t.Errorf("%s = %q refused: %v", key, good, err)
		}
	}
	if err := CheckSettings(stored, map[string]string{SettingTitle: "The\u0008 Post"}); err == nil {
		t.Error("a title with a control character accepted")
	}
}

func TestParseEmbedHosts(t *testing.T) {
	got, err := ParseEmbedHosts("maps.example.org\nhttps://Charts.Example.com/, bücher.example maps.example.org")
	if err != nil || strings.Join(got, " ") != "maps.example.org charts.example.com xn--bcher-kva.example" {
		t.Errorf("ParseEmbedHosts = %q, %v", got, err)
	}
	for _, bad := range []string{"*.example.org", "http://maps.example.org", "https://maps.example.org/embed", "1.2.3.4", "[::1]", "maps.example.org:8443", "localhost", "user@maps.example.org", "exa mple"} {
		if _, err := ParseEmbedHosts(bad); err == nil && bad != "exa mple" {
			t.Errorf("ParseEmbedHosts(%q) accepted", bad)
		}
	}
}

// FoldName's character-by-character way gives what Unicode's steps on the whole string
// give (foldWhole), for every character alone, every ASCII character, and text where
// characters combine across their boundaries: decomposed accents, Hangul jamo typed
// apart, Indic vowel signs, ligatures, full folding (ß), mixed scripts and emoji.
func TestFoldNameIsUnicodesFolding(t *testing.T) {
	var ascii strings.Builder
	for c := 0; c < utf8.RuneSelf; c++ {
		ascii.WriteByte(byte(c))
	}
	texts := []string{ascii.String(), "Cafe\u0301 Zoë STRASSE straße", "\u1100\u1161\u11a8 가각 \u1100\u1161",
		"\u0b47\u0b3e \u0b4b", "ﬁnance Ǆemal ǅ Kelvin \u212a Å", "Стра́сть ΣΊΣΥΦΟΣ", "a\u0903b e\u0338 \U0001F600 \U0001D400",
		"Ünïcödé spâm \u00e9\u0301\u0301", "\u0041\u030a\u0323 \u1e69 \u0073\u0323\u0307"}
	for _, s := range texts {
		if got, want := FoldName(s), foldWhole(s); got != want {
			t.Errorf("FoldName(%q) = %q, Unicode's way %q", s, got, want)
		}
	}
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		for _, s := range []string{string(r), "a" + string(r), string(r) + "\u0301"} {
			if got, want := FoldName(s), foldWhole(s); got != want {
				t.Fatalf("FoldName(%q) = %q, Unicode's way %q", s, got, want)
			}
		}
	}
}
