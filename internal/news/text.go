package news

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text that people write (headlines, bodies, names, comments) is stored in Unicode
// normalisation form C, so that one word typed with a precomposed letter and with a
// letter plus a combining mark is one word: one tag, one slug, one commenter. And it
// holds no code point that HTML forbids in documents (the "control" and "noncharacter"
// code points of the HTML Living Standard, §13.2.2; feeds, which are XML 1.0, refuse
// them too): they cannot be shown, and a page or feed carrying one is invalid.

// ForbiddenRune reports whether r may not appear in stored text: C0 controls other than
// tab, line feed and carriage return, DEL, the C1 controls (U+0080–U+009F), and the
// noncharacters (U+FDD0–U+FDEF and the last two code points of every plane).
func ForbiddenRune(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0xfdd0 && r <= 0xfdef:
		return true
	case r&0xfffe == 0xfffe:
		return true
	}
	return false
}

// TextError names the first character a text may not hold.
type TextError struct {
	Field string // what the text is, in words: "the headline"
	Rune  rune
	Valid bool // false: the text is not valid UTF-8 at all
}

func (e *TextError) Error() string {
	if !e.Valid {
		return e.Field + " holds bytes that are not valid text (UTF-8)"
	}
	return fmt.Sprintf("%s holds the control character %U, which cannot be shown", e.Field, e.Rune)
}

func (e *TextError) Unwrap() error { return ErrInvalid }

// CheckText returns a *TextError (which wraps ErrInvalid) when s is not valid UTF-8 or
// holds a forbidden code point; field names the text in the message.
func CheckText(field, s string) error {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return &TextError{Field: field}
			}
		}
		if ForbiddenRune(r) {
			return &TextError{Field: field, Rune: r, Valid: true}
		}
	}
	return nil
}

// CleanText is what the newsroom's and importers' text is stored as: valid UTF-8 (a
// broken byte becomes U+FFFD), the forbidden code points removed, in NFC. It returns
// the forbidden code points it removed, so that an editor can be told.
func CleanText(s string) (string, []rune) {
	var removed []rune
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.ContainsFunc(s, ForbiddenRune) {
		s = strings.Map(func(r rune) rune {
			if ForbiddenRune(r) {
				removed = append(removed, r)
				return -1
			}
			return r
		}, s)
	}
	return norm.NFC.String(s), removed
}

// CleanLine is CleanText for a one-line text (a headline, a name): line breaks and tabs
// become spaces, runs of white space one space, and the ends are trimmed.
func CleanLine(s string) (string, []rune) {
	s, removed := CleanText(s)
	return strings.Join(strings.Fields(s), " "), removed
}

// Visible reports whether s has at least one character that shows: a name made only
// of spaces, zero-width characters, joiners or direction marks is no name.
func Visible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.Mn, r) &&
			!unicode.Is(unicode.Me, r) && !unicode.Is(unicode.Cc, r) && !invisibleLetter[r] {
			return true
		}
	}
	return false
}

// invisibleLetter are letters and symbols that render as blank space (Hangul fillers,
// the Braille blank), a known way to make a "name" nobody can see.
var invisibleLetter = map[rune]bool{'\u115f': true, '\u1160': true, '\u3164': true, '\uffa0': true, '\u2800': true}

// NFC returns s in Unicode normalisation form C.
func NFC(s string) string { return norm.NFC.String(s) }
