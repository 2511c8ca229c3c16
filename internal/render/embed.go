package render

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"broadsheet/internal/news"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Embeds: video, audio, maps and charts from other sites, shown in an <iframe>.
//
// A writer pastes either the provider's address on a paragraph of its own (as
// WordPress's oEmbed does: "https://youtu.be/ID" alone on a line) or the provider's
// embed code ("<iframe src=…>"). Both become the same canonical markup, built from the
// address's parsed parts and nothing else of the paste (no attribute is passed through:
// not srcdoc, not an event handler, not a sandbox token):
//
//	<figure class="embed embed-youtube embed-16x9"><iframe src="https://www.youtube-nocookie.com/embed/ID?start=90"
//	 title="…" width="560" height="315" loading="lazy" sandbox="…" referrerpolicy="strict-origin-when-cross-origin"
//	 allow="…"></iframe></figure>
//
// The providers are a fixed list (embedProviders) chosen because each works as an
// iframe from one host without the provider's scripts in our page; a site adds hosts of
// its own with news.SettingEmbedHosts (their https iframes are kept as pasted, address
// rebuilt, attributes ours). Anything else — an iframe from another host, one with
// inline content (srcdoc) or a javascript: or data: address — is removed and named in
// the Report. The public pages' Content-Security-Policy names exactly the same hosts in
// frame-src (FrameHosts), so that no other host can ever be framed even if markup
// slipped through; feeds, whose readers drop iframes, get a link instead (EmbedLinks).

// Embeds is the set of embed hosts a render allows beyond the built-in providers: the
// site's news.SettingEmbedHosts, as news.ParseEmbedHosts returns them (lower-case ASCII
// names). The zero value allows the providers only.
type Embeds struct {
	Hosts []string
	// Self is the site's own host (lower-case ASCII, as news.ASCIIHost gives it; ""
	// when unknown). It is never allowed, whatever Hosts says, nor named in frame-src:
	// an embed of the site's own origin, with the sandbox's allow-scripts and
	// allow-same-origin, could lift its own sandbox and act as the page.
	Self string
}

func (e Embeds) allows(host string) bool {
	return host != e.Self && slices.Contains(e.Hosts, host)
}

// embed is one parsed embed: the iframe's canonical address and what the page and the
// feeds say of it.
type embed struct {
	provider string // class suffix: "youtube", "vimeo", …, "site" for a settings host
	name     string // the provider's name for people: "YouTube"
	src      string // the iframe's address, rebuilt from the parsed parts
	link     string // the address to give where an iframe cannot be shown (feeds)
	verb     string // "Watch", "Listen", "View"
	ratio    string // "16x9", "9x16", "4x3", "1x1", "audio", "audio-tall"
	title    string // the iframe's accessible name
}

// The iframe's fixed attributes. The sandbox lets the player run its scripts, keep its
// own origin, go full screen and open the provider's page in a new tab (not navigate
// ours). allow-same-origin is needed: YouTube's and Vimeo's players read and write
// their own origin's storage and refuse to play in an opaque origin. The HTML checker
// flags allow-scripts with allow-same-origin because a frame of the page's OWN origin
// could then reach into its parent and lift its sandbox (WHATWG HTML §4.8.5); an embed
// is never of the page's origin (https on port 443 from a provider or a host of the
// setting, and Embeds.Self, the site's own host, is refused), so the warning does not
// apply. referrerpolicy sends the provider our origin only (YouTube refuses to play
// without one); allow grants nothing beyond playback.
const (
	embedSandbox        = "allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox"
	embedReferrerPolicy = "strict-origin-when-cross-origin"
	embedAllow          = "fullscreen; picture-in-picture; encrypted-media"
)

// EmbedSandbox is the sandbox attribute of every embed's iframe, for the browser
// tests' HTML checks, which let exactly this value through (see embedSandbox).
const EmbedSandbox = embedSandbox

// embedProvider is one built-in provider: the hosts its addresses come from, the host
// its iframes are served from, and how to read an address of it.
type embedProvider struct {
	name      string
	hosts     []string // hosts of the addresses a writer may paste
	frameHost string   // the one host the iframe is served from (frame-src)
	// bare: an address on a paragraph of its own becomes an embed (not only an iframe).
	bare  bool
	parse func(u *url.URL) (embed, bool)
}

var embedProviders = []*embedProvider{
	{name: "YouTube", hosts: []string{"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be", "youtube-nocookie.com", "www.youtube-nocookie.com"},
		frameHost: "www.youtube-nocookie.com", bare: true, parse: parseYouTube},
	{name: "Vimeo", hosts: []string{"vimeo.com", "www.vimeo.com", "player.vimeo.com"},
		frameHost: "player.vimeo.com", bare: true, parse: parseVimeo},
	{name: "Spotify", hosts: []string{"open.spotify.com"}, frameHost: "open.spotify.com", bare: true, parse: parseSpotify},
	{name: "Datawrapper", hosts: []string{"datawrapper.dwcdn.net"}, frameHost: "datawrapper.dwcdn.net", bare: true, parse: parseDatawrapper},
	{name: "OpenStreetMap", hosts: []string{"www.openstreetmap.org", "openstreetmap.org"}, frameHost: "www.openstreetmap.org", bare: true, parse: parseOpenStreetMap},
}

// FrameHosts returns the hosts a page's Content-Security-Policy frame-src must name for
// the embeds e allows: every built-in provider's iframe host, then e's hosts, each
// once, in that order.
func FrameHosts(e Embeds) []string {
	var out []string
	for _, p := range embedProviders {
		out = append(out, p.frameHost)
	}
	for _, h := range e.Hosts {
		if e.allows(h) && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// FrameSrc is the frame-src directive naming exactly FrameHosts(e), as https sources:
// "frame-src https://www.youtube-nocookie.com https://player.vimeo.com …".
func FrameSrc(e Embeds) string {
	var b strings.Builder
	b.WriteString("frame-src")
	for _, h := range FrameHosts(e) {
		b.WriteString(" https://" + h)
	}
	return b.String()
}

func providerOf(host string) *embedProvider {
	for _, p := range embedProviders {
		if slices.Contains(p.hosts, host) {
			return p
		}
	}
	return nil
}

var (
	youTubeID   = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)
	youTubeList = regexp.MustCompile(`^[A-Za-z0-9_-]{2,64}$`)
	vimeoID     = regexp.MustCompile(`^[0-9]{1,12}$`)
	vimeoHash   = regexp.MustCompile(`^[0-9a-f]{6,32}$`)
	spotifyID   = regexp.MustCompile(`^[A-Za-z0-9]{22}$`)
	dwID        = regexp.MustCompile(`^[A-Za-z0-9]{5}$`)
	// A start time as YouTube and Vimeo write it: "90", "90s", "1m30s", "1h2m3s".
	startTime = regexp.MustCompile(`^(?:(\d{1,2})h)?(?:(\d{1,4})m)?(?:(\d{1,6})s?)?$`)
)

// seconds reads a start time; 0 for none or one it cannot read.
func seconds(t string) int {
	m := startTime.FindStringSubmatch(t)
	if t == "" || m == nil {
		return 0
	}
	n := 0
	for i, mult := range []int{3600, 60, 1} {
		if m[i+1] != "" {
			v, _ := strconv.Atoi(m[i+1])
			n += v * mult
		}
	}
	return n
}

// pathParts splits a path into its non-empty segments.
func pathParts(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// parseYouTube reads every form of a YouTube address (watch?v=, youtu.be/, /embed/,
// /shorts/, /live/, /v/, a playlist) with its start time (t= or start=, in the query or
// after #), its end time (end=) and the playlist it is played in (list=), and serves it from youtube-nocookie.com, YouTube's privacy-enhanced mode,
// which sets no cookie until the reader plays the video.
func parseYouTube(u *url.URL) (embed, bool) {
	q := u.Query()
	parts := pathParts(u.Path)
	var id string
	ratio := "16x9"
	switch {
	case u.Hostname() == "youtu.be" && len(parts) == 1:
		id = parts[0]
	case len(parts) == 1 && parts[0] == "watch":
		id = q.Get("v")
	case len(parts) == 2 && slices.Contains([]string{"embed", "shorts", "live", "v", "e"}, parts[0]):
		id = parts[1]
		if parts[0] == "shorts" {
			ratio = "9x16"
		}
	}
	list := q.Get("list")
	e := embed{provider: "youtube", name: "YouTube", verb: "Watch", ratio: ratio, title: "YouTube video"}
	if id == "" || id == "videoseries" || len(parts) == 1 && parts[0] == "playlist" {
		if !youTubeList.MatchString(list) || !(id == "videoseries" || len(parts) == 1 && parts[0] == "playlist") {
			return embed{}, false
		}
		e.src = "https://www.youtube-nocookie.com/embed/videoseries?list=" + list
		e.link = "https://www.youtube.com/playlist?list=" + list
		e.title = "YouTube playlist"
		return e, true
	}
	if !youTubeID.MatchString(id) {
		return embed{}, false
	}
	start := seconds(q.Get("start"))
	if start == 0 {
		start = seconds(q.Get("t"))
	}
	if start == 0 && strings.HasPrefix(u.Fragment, "t=") {
		start = seconds(u.Fragment[2:])
	}
	// The player's documented parameters a writer means by the address they pasted
	// (developers.google.com/youtube/player_parameters): the playlist the video was
	// watched in (list), and the part to play (start, end, in seconds). Nothing else is
	// passed on — not autoplay, which would play as the page loads.
	end := seconds(q.Get("end"))
	if end <= start {
		end = 0
	}
	if !youTubeList.MatchString(list) {
		list = ""
	}
	params := url.Values{}
	e.link = "https://www.youtube.com/watch?v=" + id
	if start > 0 {
		params.Set("start", strconv.Itoa(start))
		e.link += "&t=" + strconv.Itoa(start) + "s"
	}
	if end > 0 {
		params.Set("end", strconv.Itoa(end))
	}
	if list != "" {
		params.Set("list", list)
		e.link += "&list=" + list // youTubeList: nothing to escape
	}
	e.src = "https://www.youtube-nocookie.com/embed/" + id
	if len(params) > 0 {
		e.src += "?" + params.Encode()
	}
	return e, true
}

// parseVimeo reads vimeo.com/ID, vimeo.com/ID/HASH (an unlisted video's key),
// vimeo.com/channels/NAME/ID and other pages of one video, and player.vimeo.com/video/ID
// with its h= key; a start time (#t=) is kept. The player is asked not to track the
// reader (dnt=1, Vimeo's "do not track" parameter).
func parseVimeo(u *url.URL) (embed, bool) {
	parts := pathParts(u.Path)
	var id, hash string
	if u.Hostname() == "player.vimeo.com" {
		if len(parts) != 2 || parts[0] != "video" {
			return embed{}, false
		}
		id, hash = parts[1], u.Query().Get("h")
	} else {
		// The last number in the path is the video; a hex key may follow it.
		for i, p := range parts {
			if vimeoID.MatchString(p) {
				id, hash = p, ""
				if i+1 < len(parts) && vimeoHash.MatchString(parts[i+1]) {
					hash = parts[i+1]
				}
			}
		}
		if h := u.Query().Get("h"); h != "" {
			hash = h
		}
	}
	if !vimeoID.MatchString(id) || hash != "" && !vimeoHash.MatchString(hash) {
		return embed{}, false
	}
	e := embed{provider: "vimeo", name: "Vimeo", verb: "Watch", ratio: "16x9", title: "Vimeo video"}
	e.src = "https://player.vimeo.com/video/" + id
	e.link = "https://vimeo.com/" + id
	if hash != "" {
		e.src += "?h=" + hash + "&dnt=1"
		e.link += "/" + hash
	} else {
		e.src += "?dnt=1"
	}
	if strings.HasPrefix(u.Fragment, "t=") {
		if t := seconds(u.Fragment[2:]); t > 0 {
			e.src += "#t=" + strconv.Itoa(t) + "s"
		}
	}
	return e, true
}

// parseSpotify reads open.spotify.com/TYPE/ID and its /embed/ form.
func parseSpotify(u *url.URL) (embed, bool) {
	parts := pathParts(u.Path)
	if len(parts) == 3 && parts[0] == "embed" {
		parts = parts[1:]
	}
	if len(parts) == 3 && strings.HasPrefix(parts[0], "intl-") { // open.spotify.com/intl-de/track/ID
		parts = parts[1:]
	}
	if len(parts) != 2 || !slices.Contains([]string{"track", "album", "playlist", "episode", "show", "artist"}, parts[0]) || !spotifyID.MatchString(parts[1]) {
		return embed{}, false
	}
	ratio := "audio-tall"
	if parts[0] == "track" || parts[0] == "episode" {
		ratio = "audio"
	}
	return embed{provider: "spotify", name: "Spotify", verb: "Listen", ratio: ratio, title: "Spotify " + parts[0],
		src:  "https://open.spotify.com/embed/" + parts[0] + "/" + parts[1],
		link: "https://open.spotify.com/" + parts[0] + "/" + parts[1]}, true
}

// parseDatawrapper reads a published Datawrapper chart: datawrapper.dwcdn.net/ID/ or
// /ID/VERSION/.
func parseDatawrapper(u *url.URL) (embed, bool) {
	parts := pathParts(u.Path)
	if len(parts) < 1 || len(parts) > 2 || !dwID.MatchString(parts[0]) || len(parts) == 2 && !vimeoID.MatchString(parts[1]) {
		return embed{}, false
	}
	src := "https://datawrapper.dwcdn.net/" + strings.Join(parts, "/") + "/"
	return embed{provider: "datawrapper", name: "Datawrapper", verb: "View", ratio: "4x3", title: "Chart", src: src, link: src}, true
}

var (
	osmNumber = regexp.MustCompile(`^-?[0-9]{1,3}(?:\.[0-9]{1,12})?$`)
	osmLayer  = regexp.MustCompile(`^[a-z]{1,20}$`)
)

// parseOpenStreetMap reads OpenStreetMap's embed address (Share → HTML):
// /export/embed.html?bbox=W,S,E,N&layer=mapnik&marker=LAT,LON.
func parseOpenStreetMap(u *url.URL) (embed, bool) {
	q := u.Query()
	if u.Path != "/export/embed.html" {
		return embed{}, false
	}
	numbers := func(s string, n int) bool {
		f := strings.Split(s, ",")
		if len(f) != n {
			return false
		}
		for _, x := range f {
			if !osmNumber.MatchString(x) {
				return false
			}
		}
		return true
	}
	bbox, layer, marker := q.Get("bbox"), q.Get("layer"), q.Get("marker")
	if !numbers(bbox, 4) || layer != "" && !osmLayer.MatchString(layer) || marker != "" && !numbers(marker, 2) {
		return embed{}, false
	}
	v := url.Values{"bbox": {bbox}}
	if layer != "" {
		v.Set("layer", layer)
	}
	link := "https://www.openstreetmap.org/export/embed.html?" + v.Encode()
	if marker != "" {
		v.Set("marker", marker)
		ll := strings.Split(marker, ",")
		link = "https://www.openstreetmap.org/?mlat=" + ll[0] + "&mlon=" + ll[1]
	}
	return embed{provider: "openstreetmap", name: "OpenStreetMap", verb: "View", ratio: "4x3", title: "Map",
		src: "https://www.openstreetmap.org/export/embed.html?" + strings.ReplaceAll(v.Encode(), "%2C", ","), link: link}, true
}

// embedRefusal says why an address is no embed, in words for the writer: the host is
// named when there is one.
type embedRefusal struct {
	what, why string
}

// parseEmbed reads an embed's address: an iframe's src (iframe) or a paragraph's
// address (not iframe, where only built-in providers with bare addresses count). It
// returns the embed, or why not.
func parseEmbed(raw string, e Embeds, iframe bool) (embed, *embedRefusal) {
	raw = strings.TrimSpace(raw)
	if strings.HasPrefix(raw, "//") { // old embed codes are protocol-relative
		raw = "https:" + raw
	}
	if raw == "" {
		return embed{}, &embedRefusal{"an embed without an address", "only embeds from allowed providers are kept"}
	}
	if len(raw) > MaxWebURLBytes || !utf8.ValidString(raw) {
		return embed{}, &embedRefusal{"an embed with an address that is too long or not text", "only embeds from allowed providers are kept"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return embed{}, &embedRefusal{"an embed whose address cannot be read", "only embeds from allowed providers are kept"}
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		what := "an embed with a relative address"
		if scheme != "" {
			what = "an embed with a " + scheme + ": address"
		}
		return embed{}, &embedRefusal{what, "only https embeds from allowed providers are kept"}
	}
	host, ok := news.ASCIIHost(u.Hostname())
	if !ok {
		return embed{}, &embedRefusal{"an embed from " + strconv.Quote(u.Hostname()), "that is not a valid host name"}
	}
	from := "an embed from " + host
	if u.User != nil || u.Port() != "" && u.Port() != "443" {
		return embed{}, &embedRefusal{from, "its address holds a user name or a port, which no embed provider uses"}
	}
	if p := providerOf(host); p != nil && (iframe || p.bare) {
		if emb, ok := p.parse(u); ok {
			return emb, nil
		}
		if e.allows(host) && iframe && scheme == "https" {
			return siteEmbed(u, host)
		}
		return embed{}, &embedRefusal{from, "not an address of one " + p.name + " item that can be embedded"}
	}
	if host == e.Self && e.Self != "" {
		return embed{}, &embedRefusal{from, "that is this site's own address, whose pages an article cannot embed"}
	}
	if iframe && e.allows(host) {
		if scheme != "https" {
			return embed{}, &embedRefusal{from, "its address is not https"}
		}
		return siteEmbed(u, host)
	}
	return embed{}, &embedRefusal{from, "not an allowed embed provider (an administrator can allow its host in Settings, under Embeds)"}
}

// IsBareEmbed reports whether address (http or https), alone in a paragraph of an
// article, becomes a provider's player: the same test as the renderer's for a bare
// address (a host of the site's embed_hosts setting is embedded only from its iframe
// code, never from a bare address).
func IsBareEmbed(address string) bool {
	address = strings.TrimSpace(address)
	_, refused := parseEmbed(address, Embeds{}, false)
	return refused == nil && strings.HasPrefix(strings.ToLower(address), "http")
}

// siteEmbed is an iframe from a host of the site's setting: its address is kept,
// normalised (NormalizeWebURL), with every attribute ours.
func siteEmbed(u *url.URL, host string) (embed, *embedRefusal) {
	u.Scheme = "https"
	src, err := NormalizeWebURL(u.String())
	if err != nil {
		return embed{}, &embedRefusal{"an embed from " + host, err.Error()}
	}
	return embed{provider: "site", name: host, verb: "View", ratio: "16x9", title: "Embedded content from " + host, src: src, link: src}, nil
}

// ratioOf picks the aspect-ratio class nearest a pasted width and height (pixels); ""
// when they are not two positive numbers.
func ratioOf(w, h string) string {
	x, err1 := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(w), "px"))
	y, err2 := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(h), "px"))
	if err1 != nil || err2 != nil || x <= 0 || y <= 0 || x > 10000 || y > 10000 {
		return ""
	}
	r := float64(x) / float64(y)
	best, bestD := "", 1e9
	for _, c := range []struct {
		name string
		r    float64
	}{{"16x9", 16.0 / 9}, {"4x3", 4.0 / 3}, {"1x1", 1}, {"9x16", 9.0 / 16}} {
		d := r/c.r + c.r/r
		if d < bestD {
			best, bestD = c.name, d
		}
	}
	return best
}

// ratioSize is the width and height written on the iframe for each ratio class: the
// size a reader without the stylesheet (a feed reader, a reading mode) sees.
var ratioSize = map[string][2]int{
	"16x9": {560, 315}, "4x3": {560, 420}, "1x1": {560, 560}, "9x16": {315, 560}, "audio": {560, 152}, "audio-tall": {560, 352},
}

// maxEmbedTitle bounds a pasted title, in runes.
const maxEmbedTitle = 200

// html writes the canonical markup of e, titled title when the paste gave one.
func (e embed) html(title, ratio string) string {
	if t := strings.Join(strings.Fields(title), " "); t != "" {
		if utf8.RuneCountInString(t) > maxEmbedTitle {
			t = string([]rune(t)[:maxEmbedTitle]) + "…"
		}
		e.title = t
	}
	// Players of fixed height (audio) and portrait videos keep their shape; for the
	// others the paste's proportions win.
	if ratio != "" && !strings.HasPrefix(e.ratio, "audio") && e.ratio != "9x16" {
		e.ratio = ratio
	}
	size := ratioSize[e.ratio]
	return fmt.Sprintf(`<figure class="embed embed-%s embed-%s"><iframe src="%s" title="%s" width="%d" height="%d" loading="lazy" sandbox="%s" referrerpolicy="%s" allow="%s"></iframe></figure>`,
		e.provider, e.ratio, html.EscapeString(e.src), html.EscapeString(e.title), size[0], size[1], embedSandbox, embedReferrerPolicy, embedAllow)
}

// checkEmbed is balance's second look at an iframe the policy kept: its address must be
// an embed allowed (embeds; nil allows none), and its attributes become exactly those
// of the canonical markup (the title and size kept from it). It reports whether the
// iframe stays.
func checkEmbed(n *xhtml.Node, embeds *Embeds) bool {
	if embeds == nil {
		return false
	}
	var src, title, width, height string
	for _, a := range n.Attr {
		switch a.Key {
		case "src":
			src = a.Val
		case "title":
			title = scrubAttr(a.Val)
		case "width":
			width = a.Val
		case "height":
			height = a.Val
		}
	}
	emb, refused := parseEmbed(src, *embeds, true)
	if refused != nil {
		return false
	}
	if title == "" {
		title = emb.title
	}
	if _, err := strconv.Atoi(width); err != nil {
		width = strconv.Itoa(ratioSize[emb.ratio][0])
	}
	if _, err := strconv.Atoi(height); err != nil {
		height = strconv.Itoa(ratioSize[emb.ratio][1])
	}
	n.Attr = []xhtml.Attribute{{Key: "src", Val: emb.src}, {Key: "title", Val: title}, {Key: "width", Val: width}, {Key: "height", Val: height},
		{Key: "loading", Val: "lazy"}, {Key: "sandbox", Val: embedSandbox}, {Key: "referrerpolicy", Val: embedReferrerPolicy}, {Key: "allow", Val: embedAllow}}
	for c := n.FirstChild; c != nil; c = n.FirstChild {
		n.RemoveChild(c)
	}
	return true
}

// EmbedLinks returns article HTML (as this package made it) with each embed written as
// a link to the embedded item, for feeds: feed readers drop iframes, so a reader would
// otherwise see nothing where the video is. A canonical embed
// (<figure class="embed …"><iframe …></iframe></figure>) becomes
// <p class="embed-link"><a href="https://www.youtube.com/watch?v=ID">Watch “title” on YouTube</a></p>;
// any other iframe becomes such a link to its address. HTML without "<iframe" is
// returned as it is.
func EmbedLinks(s string) string {
	if !strings.Contains(s, "<iframe") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	ts := &tokenStream{z: xhtml.NewTokenizer(strings.NewReader(s))}
	var held []token // an embed's <figure> start tag, until its iframe is seen
	for {
		t := ts.next()
		switch {
		case t.tt == xhtml.ErrorToken:
			for _, h := range held {
				b.Write(h.raw)
			}
			return b.String()
		case t.tt == xhtml.StartTagToken && t.a == atom.Figure && held == nil:
			if class, _ := tokenAttr(t.attrs, "class"); strings.HasPrefix(class, "embed ") {
				held = append(held, t.keep())
				continue
			}
		case t.tt == xhtml.StartTagToken && t.a == atom.Iframe:
			src, _ := tokenAttr(t.attrs, "src")
			title, _ := tokenAttr(t.attrs, "title")
			for c := ts.next(); c.tt != xhtml.ErrorToken && !(c.tt == xhtml.EndTagToken && c.a == atom.Iframe); c = ts.next() {
			}
			link := embedLink(src, title)
			if held != nil {
				// The whole figure becomes the paragraph: skip to its end.
				if end := ts.next(); end.tt == xhtml.EndTagToken && end.a == atom.Figure {
					held = nil
					b.WriteString(link)
					continue
				} else {
					ts.pushBack(end.keep())
				}
				for _, h := range held {
					b.Write(h.raw)
				}
				held = nil
			}
			b.WriteString(link)
			continue
		}
		for _, h := range held {
			b.Write(h.raw)
		}
		held = nil
		b.Write(t.raw)
	}
}

// embedLink is the paragraph that stands for an embed of address src in a feed.
func embedLink(src, title string) string {
	emb, refused := parseEmbed(src, Embeds{}, true)
	if refused != nil {
		// A host of the site's setting: its address, if it is a web address at all.
		u, err := NormalizeWebURL(src)
		if err != nil || !strings.HasPrefix(u, "https://") {
			return ""
		}
		host, _ := url.Parse(u)
		emb = embed{name: host.Hostname(), verb: "View", link: u, title: "Embedded content"}
	}
	text := emb.verb + " on " + emb.name
	if t := strings.Join(strings.Fields(title), " "); t != "" && t != emb.title {
		text = emb.verb + " “" + t + "” on " + emb.name
	}
	return `<p class="embed-link"><a href="` + html.EscapeString(emb.link) + `">` + html.EscapeString(text) + "</a></p>"
}
