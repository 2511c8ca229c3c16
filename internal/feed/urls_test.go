package feed

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func TestToURI(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://news.example/2026/11/30/story/", "https://news.example/2026/11/30/story/"},
		{"https://news.example/2026/11/30/проверка-связи/", "https://news.example/2026/11/30/%D0%BF%D1%80%D0%BE%D0%B2%D0%B5%D1%80%D0%BA%D0%B0-%D1%81%D0%B2%D1%8F%D0%B7%D0%B8/"},
		{"https://новости.example/tag/йошкар-ола/", "https://xn--b1amnebsh.example/tag/%D0%B9%D0%BE%D1%88%D0%BA%D0%B0%D1%80-%D0%BE%D0%BB%D0%B0/"},
		{"https://новости.example:8443/?q=я#ф", "https://xn--b1amnebsh.example:8443/?q=%D1%8F#%D1%84"},
		// A host already percent-encoded is the same name: punycode too.
		{"https://%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8.example/", "https://xn--b1amnebsh.example/"},
		{"https://news.example/a%20b/100%/x y", "https://news.example/a%20b/100%25/x%20y"},
		{"http://[::1]:8080/я", "http://[::1]:8080/%D1%8F"},
	} {
		got := ToURI(tc.in)
		if got != tc.want {
			t.Errorf("ToURI(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := ToURI(got); again != got {
			t.Errorf("ToURI(%q) = %q, not stable", got, again)
		}
	}
}

func TestBaseURL(t *testing.T) {
	for _, tc := range []struct{ base, path, want string }{
		{"https://news.example.org", "/", "https://news.example.org/"},
		{"https://news.example.org/", "/sitemap.xml", "https://news.example.org/sitemap.xml"},
		{"https://новости.example", "/tag/йошкар-ола/", "https://xn--b1amnebsh.example/tag/%D0%B9%D0%BE%D1%88%D0%BA%D0%B0%D1%80-%D0%BE%D0%BB%D0%B0/"},
		{"HTTPS://News.Example.ORG:8443/paper/", "/section/world/", "https://news.example.org:8443/paper/section/world/"},
		{"https://Bücher.example", "/a", "https://xn--bcher-kva.example/a"},
		{"http://[::1]:8080", "/x", "http://[::1]:8080/x"},
		// A path is a path: what would end it or start an escape is encoded.
		{"https://news.example.org", "/2026/01/02/what?-#1-100%/", "https://news.example.org/2026/01/02/what%3F-%231-100%25/"},
	} {
		if got := NewBase(tc.base).URL(tc.path); got != tc.want {
			t.Errorf("NewBase(%q).URL(%q) = %q, want %q", tc.base, tc.path, got, tc.want)
		}
	}
}

// Google News wants ISO 639 codes, with a region only for Chinese.
func TestNewsLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"en": "en", "en-GB": "en", "en_US": "en", "EN-gb": "en", "pt-BR": "pt", "fr-CA": "fr", "sr-Latn": "sr",
		"iw": "he", "fil": "fil", "cmn-Hans": "zh-cn",
		"zh": "zh-cn", "zh-Hans": "zh-cn", "zh-CN": "zh-cn", "zh-SG": "zh-cn", "zh-Hans-HK": "zh-cn",
		"zh-Hant": "zh-tw", "zh-TW": "zh-tw", "zh-HK": "zh-tw", "zh-MO": "zh-tw", "zh-Hant-CN": "zh-tw",
		"": "und", "not a language": "und", "x-private": "und",
	} {
		if got := NewsLanguage(in); got != want {
			t.Errorf("NewsLanguage(%q) = %q, want %q", in, got, want)
		}
	}
	out := string(NewsSitemap("The Post", "en-GB", []NewsArticle{{Loc: "https://news.example/a/", Title: "A", Published: time.Unix(0, 0)}}))
	if !strings.Contains(out, "<news:language>en</news:language>") {
		t.Errorf("news sitemap for en-GB:\n%s", out)
	}
}

// The writers give URIs whatever they are given: a caller that forgets to encode an
// address still writes valid documents.
func TestWritersWriteURIs(t *testing.T) {
	iri := "https://новости.example/2026/11/30/проверка-связи/"
	f := Feed{Title: "Новости", SiteURL: "https://новости.example/tag/йошкар-ола/", FeedURL: "https://новости.example/tag/йошкар-ола/feed.xml",
		Items: []Item{{ID: iri, URL: iri, Title: "Проверка связи", Image: "https://новости.example/media/фото.png", Published: time.Unix(1e9, 0)}}}
	docs := map[string]string{
		"RSS": string(RSS(f)), "Atom": string(Atom(f)), "JSON": string(JSON(f)),
		"sitemap":       string(Sitemap([]URL{{Loc: iri}})),
		"sitemap index": string(SitemapIndex([]URL{{Loc: "https://новости.example/карта.xml"}})),
		"news sitemap":  string(NewsSitemap("Новости", "ru", []NewsArticle{{Loc: iri, Title: "Проверка связи", Published: time.Unix(1e9, 0)}})),
	}
	for name, doc := range docs {
		addrs := addresses(t, name, doc)
		if len(addrs) == 0 {
			t.Errorf("%s: no addresses found in\n%s", name, doc)
		}
		for _, a := range addrs {
			if !isURIClean(a) || !strings.HasPrefix(a, "https://xn--b1amnebsh.example/") {
				t.Errorf("%s: address %q is not the site's URI", name, a)
			}
		}
	}
	if !strings.Contains(docs["RSS"], `type="image/png"`) {
		t.Errorf("RSS enclosure of a PNG:\n%s", docs["RSS"])
	}
}

// addresses returns every address of a feed or sitemap: the text of loc, link, guid, id
// and uri elements, href and url attributes, and JSON Feed's URL members.
func addresses(t *testing.T, name, doc string) []string {
	t.Helper()
	var out []string
	if strings.HasPrefix(doc, "{") {
		var jf struct {
			Home  string `json:"home_page_url"`
			Feed  string `json:"feed_url"`
			Items []struct {
				ID, URL, Image string
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(doc), &jf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, jf.Home, jf.Feed)
		for _, it := range jf.Items {
			out = append(out, it.ID, it.URL, it.Image)
		}
		return out
	}
	d := xml.NewDecoder(strings.NewReader(doc))
	var inAddr bool
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "loc", "link", "guid", "id", "uri", "icon", "logo":
				inAddr = true
			}
			for _, a := range tok.Attr {
				if a.Name.Local == "href" || a.Name.Local == "url" {
					out = append(out, a.Value)
				}
			}
		case xml.CharData:
			if inAddr && strings.TrimSpace(string(tok)) != "" {
				out = append(out, strings.TrimSpace(string(tok)))
			}
		case xml.EndElement:
			inAddr = false
		}
	}
}
