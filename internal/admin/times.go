package admin

import (
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"time"

	"broadsheet/internal/news"
)

// Times in the admin. Every time the newsroom reads is shown in the site's zone, as it
// is when the page is made (nothing is kept in wall time, so a change of the zone
// shows everything in the new one), with the zone's abbreviation or UTC offset
// (news.ZoneLabel), in a <time> element whose datetime is the instant in UTC.

// Layouts of shown times; the zone's label follows each.
const (
	layoutShort   = "2 Jan 2006 15:04"             // lists: the articles, the dashboard, the comments
	layoutSeconds = "2 Jan 2006 15:04:05"          // the history, where saves are seconds apart
	layoutLong    = "Monday 2 January 2006, 15:04" // confirmations: "Scheduled for …"
	layoutClock   = "15:04"                        // within a sentence about one day
)

// timeText is t in loc in the layout, with the zone's label: "14 Mar 2027 03:30 EDT".
func timeText(t time.Time, loc *time.Location, layout string) string {
	t = t.In(loc)
	return t.Format(layout) + " " + news.ZoneLabel(t)
}

// timeHTML is t as a <time> element: the instant in UTC (RFC 3339) for machines, the
// time in the site's zone with its label for people.
func (s *Server) timeHTML(t time.Time, layout string) template.HTML {
	if t.IsZero() {
		return ""
	}
	return template.HTML(`<time datetime="` + t.UTC().Format(time.RFC3339) + `">` +
		html.EscapeString(timeText(t, s.location(), layout)) + "</time>")
}

// when is a list's time (layoutShort) as a <time> element.
func (s *Server) when(t time.Time) template.HTML { return s.timeHTML(t, layoutShort) }

// Messages (a confirmation carried in the address, an error) name instants with
// markers, so that they are shown, like every other time, in the zone of the moment
// they are read and as <time> elements: {at:RFC3339} in layoutLong, {clock:RFC3339}
// in layoutClock (in a sentence that names the day), {soon:RFC3339} in layoutClock
// when it is today where and when the message is read, else in layoutLong (a lockout's
// end: "try again at 14:05 CET", or at "Tuesday 3 March 2026, 00:05 CET" past
// midnight).
var markerRe = regexp.MustCompile(`\{(at|clock|soon):([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)\}`)

// atMarker, clockMarker and soonMarker name t in a message.
func atMarker(t time.Time) string    { return "{at:" + t.UTC().Format(time.RFC3339) + "}" }
func clockMarker(t time.Time) string { return "{clock:" + t.UTC().Format(time.RFC3339) + "}" }
func soonMarker(t time.Time) string  { return "{soon:" + t.UTC().Format(time.RFC3339) + "}" }

// messageHTML escapes a message and shows its markers' instants as <time> elements.
func (s *Server) messageHTML(msg string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range markerRe.FindAllStringSubmatchIndex(msg, -1) {
		t, err := time.Parse(time.RFC3339, msg[m[4]:m[5]])
		if err != nil {
			continue
		}
		layout := layoutLong
		switch msg[m[2]:m[3]] {
		case "clock":
			layout = layoutClock
		case "soon":
			if loc := s.location(); sameDay(t.In(loc), s.cfg.Now().In(loc)) {
				layout = layoutClock
			}
		}
		b.WriteString(html.EscapeString(msg[last:m[0]]))
		b.WriteString(string(s.timeHTML(t, layout)))
		last = m[1]
	}
	b.WriteString(html.EscapeString(msg[last:]))
	return template.HTML(b.String())
}

// sameDay reports whether a and b (in one zone) fall on the same calendar day.
func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// The editor's publication time.
//
// The field is a datetime-local input: a date and a time to the minute in the site's
// zone, with no offset. Beside it the form carries the instant it was loaded with
// (published_at, RFC 3339 in UTC) and the zone it was shown in (published_zone), and,
// when the time it shows happens twice or not at all, a choice between the instants it
// may mean (published_choice). So an unchanged save keeps the stored instant exactly —
// its seconds, which the field cannot show, and which of two 01:30s it was — and a
// time typed while the site's zone changed means the zone the editor saw.

// localLayout is the field's value: minutes; seconds are accepted (a browser sends them
// when it shows them).
const (
	localLayout        = "2006-01-02T15:04"
	localLayoutSeconds = "2006-01-02T15:04:05"
)

// timeChoice is one instant a wall-clock time may mean, for the editor's select.
type timeChoice struct {
	Value, Label string
	Selected     bool
}

// pubTime is what the editor's form says of the publication time.
type pubTime struct {
	At   time.Time      // zero: none (now, when published)
	Zone *time.Location // the zone the form was shown in
	// Note tells the editor which of two instants was chosen (an overlap), with markers.
	Note string
	// Refusal says why the time cannot be saved (a gap, or no time at all), with
	// markers; the form is shown again with the choices.
	Refusal string
}

// formZone is the zone the form was shown in: its published_zone when that is a zone
// of the tz database, else the site's.
func (s *Server) formZone(name string) *time.Location {
	loc := s.location()
	if name == "" || name == loc.String() || name == "Local" || len(name) > 64 { // "Local" is the server's, not a zone
		return loc
	}
	if other, err := time.LoadLocation(name); err == nil {
		return other
	}
	return loc
}

// parseWall reads the field: a wall-clock time (in UTC, as news.ResolveLocal takes it)
// and whether it gave seconds.
func parseWall(v string) (t time.Time, seconds bool, err error) {
	if t, err = time.Parse(localLayout, v); err == nil {
		return t, false, nil
	}
	t, err = time.Parse(localLayoutSeconds, v)
	return t.Truncate(time.Second), true, err
}

// publicationTime reads the form's publication time. stored is the article's (zero
// for none); the form's published_at, when it parses, stands for it (the instant this
// form was loaded with).
//
// The rule, in order: a field that shows the loaded instant (to the minute, or to the
// second when it gives seconds) keeps it, seconds and offset included; a choice the
// editor made among the typed time's instants is taken; a typed time that exists once
// is that instant; one that happens twice is the instant with the loaded one's offset
// when only its seconds changed, else the first (RFC 5545, see news.ResolveLocal), and
// the editor is told and offered the other; one that does not exist is refused, with
// the two nearest instants offered.
func (s *Server) publicationTime(f url.Values, stored time.Time) pubTime {
	p := pubTime{Zone: s.formZone(f.Get("published_zone"))}
	typed := strings.TrimSpace(f.Get("published"))
	if typed == "" {
		return p
	}
	kept := stored
	if t, err := time.Parse(time.RFC3339, f.Get("published_at")); err == nil {
		kept = t
	}
	wall, seconds, err := parseWall(typed)
	if err != nil {
		p.Refusal = "The publication time is not a date and time: nothing was saved."
		return p
	}
	keptWall := time.Time{}
	if !kept.IsZero() {
		k := kept.In(p.Zone)
		keptWall = time.Date(k.Year(), k.Month(), k.Day(), k.Hour(), k.Minute(), k.Second(), 0, time.UTC)
		if !seconds && keptWall.Truncate(time.Minute).Equal(wall) {
			wall = keptWall // the field could not show the seconds: they are kept
		}
	}
	lt := news.ResolveLocal(wall, p.Zone)
	if choice, err := time.Parse(time.RFC3339, f.Get("published_choice")); err == nil && lt.Has(choice) {
		p.At = choice
		return p
	}
	if !kept.IsZero() && lt.Kind != news.LocalGap {
		if lt.Has(kept) {
			p.At = kept
			return p
		}
		// Only the seconds changed: the same offset as before.
		if keptWall.Truncate(time.Minute).Equal(wall.Truncate(time.Minute)) {
			_, off := kept.In(p.Zone).Zone()
			for _, c := range lt.Candidates {
				if _, o := c.Zone(); o == off {
					p.At = c
					return p
				}
			}
		}
	}
	switch lt.Kind {
	case news.LocalNormal:
		p.At = lt.Candidates[0]
	case news.LocalOverlap:
		p.At = lt.Instant()
		other := lt.Candidates[len(lt.Candidates)-1]
		p.Note = lt.Explain() + ": the first, " + clockMarker(p.At) + ", was chosen. If you meant the second, " +
			clockMarker(other) + ", choose it beside the publication time and save again."
	case news.LocalGap:
		p.Refusal = lt.Explain() + ". Choose " + clockMarker(lt.Instant()) + " or " + clockMarker(lt.Candidates[0]) +
			" beside the publication time, or type another time. Nothing was saved."
	}
	return p
}

// publishedChoices are the instants the editor's field may mean, offered when there is
// more than one (the field's time happens twice or not at all); selected is the one
// the form had chosen, else the loaded instant, else the default of news.ResolveLocal.
// explain says why.
func (s *Server) publishedChoices(b *editBody, loaded time.Time) (choices []timeChoice, explain string) {
	wall, seconds, err := parseWall(b.Published)
	if err != nil {
		return nil, ""
	}
	zone := s.formZone(b.Zone)
	if !loaded.IsZero() && !seconds {
		k := loaded.In(zone)
		if kw := time.Date(k.Year(), k.Month(), k.Day(), k.Hour(), k.Minute(), k.Second(), 0, time.UTC); kw.Truncate(time.Minute).Equal(wall) {
			wall = kw
		}
	}
	lt := news.ResolveLocal(wall, zone)
	if lt.Kind == news.LocalNormal {
		return nil, ""
	}
	selected := lt.Instant()
	if t, err := time.Parse(time.RFC3339, b.Choice); err == nil && lt.Has(t) {
		selected = t
	} else if lt.Has(loaded) {
		selected = loaded
	}
	for i, c := range lt.Candidates {
		label := timeText(c, zone, layoutLong)
		switch {
		case lt.Kind == news.LocalOverlap && i == 0:
			label += " (the first)"
		case lt.Kind == news.LocalOverlap:
			label += " (the second)"
		case c.Equal(lt.Instant()):
			label += " (after the clocks changed)"
		default:
			label += " (before the clocks changed)"
		}
		choices = append(choices, timeChoice{Value: c.UTC().Format(time.RFC3339), Label: label, Selected: c.Equal(selected)})
	}
	return choices, lt.Explain() + "."
}
