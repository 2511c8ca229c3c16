package news

import "unicode"

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// foldAccent maps the Latin letters with diacritics most often met in names to their
// plain forms, so that "Zoë Müller" becomes "zoe-muller" as readers expect in a URL.
var foldAccent = map[rune]rune{}

func init() {
	pairs := []struct{ from, to string }{
		{"àáâãäåā", "a"}, {"çćč", "c"}, {"ďđ", "d"}, {"èéêëēėęě", "e"}, {"ğ", "g"},
		{"ìíîïīį", "i"}, {"ł", "l"}, {"ñńň", "n"}, {"òóôõöøō", "o"}, {"ř", "r"},
		{"śšş", "s"}, {"ťţ", "t"}, {"ùúûüūůű", "u"}, {"ýÿ", "y"}, {"źżž", "z"},
	}
	for _, p := range pairs {
		for _, r := range p.from {
			foldAccent[r] = rune(p.to[0])
		}
	}
}
