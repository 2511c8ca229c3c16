package news

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Wall-clock times typed in the site's time zone.
//
// A date and time of day read off a clock in a zone ("2027-03-14 02:30 in
// America/New_York") names one instant on most days, none when the clocks jump forward
// past it (a gap: spring forward, or a zone moving its standard offset east) and two
// when they go back over it (an overlap: fall back, or a standard offset moving west).
// Go's time.Date picks one instant in every case without saying so, which is how a
// story scheduled for 02:30 on the day of the gap was stored at 01:30 EST, and an
// unchanged save of a story at the second 01:30 moved it to the first. ResolveLocal
// says which case a reading is and gives every candidate, so that the newsroom's form
// can say what it chose.
//
// The default choice is the rule of iCalendar (RFC 5545, section 3.3.5, "FORM #2"),
// also that of java.time's ZonedDateTime.of and of TC39 Temporal's "compatible"
// disambiguation: a time that occurs twice is its first occurrence (the offset before
// the change), and a time that does not occur is read with the offset before the gap,
// which puts it as far after the gap's start as it was typed after it (02:30 in the
// New York gap is 03:30 EDT).

// LocalKind says how many instants a wall-clock reading names in a zone.
type LocalKind int

const (
	// LocalNormal: the reading names exactly one instant.
	LocalNormal LocalKind = iota
	// LocalGap: no instant reads so, the clocks jumped over it.
	LocalGap
	// LocalOverlap: two instants read so, the clocks went back over it.
	LocalOverlap
)

func (k LocalKind) String() string {
	switch k {
	case LocalGap:
		return "gap"
	case LocalOverlap:
		return "overlap"
	}
	return "normal"
}

// LocalTime is what a wall-clock reading means in a zone (see ResolveLocal).
type LocalTime struct {
	Kind LocalKind
	// Wall is the reading itself, as a time whose clock fields are the reading (in
	// UTC, so with no offset of its own).
	Wall time.Time
	// Zone is the zone it was read in.
	Zone *time.Location
	// Candidates are the instants the reading may mean, earlier first, in Zone: one
	// for LocalNormal; the two occurrences for LocalOverlap; for LocalGap the reading
	// taken with the offset in effect before the gap (the later instant, which shows
	// Wall plus the gap's length) and with the offset after it (the earlier instant,
	// which shows Wall minus the gap's length).
	Candidates []time.Time
	// Transition is, for a gap or an overlap, the instant the clocks changed, in Zone;
	// OffsetBefore and OffsetAfter are the zone's offsets east of UTC, in seconds,
	// just before and at it. Zero for LocalNormal.
	Transition                time.Time
	OffsetBefore, OffsetAfter int
}

// localSearch bounds the instants a reading can be: every offset of the tz database
// lies within ±26 hours (the widest are the local mean times of the 1800s, about
// ±16 hours; today's lie within −12 and +14).
const localSearch = 26 * time.Hour

// ResolveLocal reads wall's date and clock (as shown in wall's own location, usually
// UTC from time.Parse; its offset is ignored, nanoseconds kept) in loc, a zone of the
// tz database, and says which instants it names. It compares the zone's offsets around
// the reading instead of trusting time.Date, so it holds for any zone and any change of
// offset: daylight saving of an hour or of 30 minutes (Australia/Lord_Howe), half-hour
// and quarter-hour standard offsets (Asia/Kolkata, Asia/Kathmandu), and historic
// changes of the standard offset (Pacific/Apia skipping 30 December 2011).
func ResolveLocal(wall time.Time, loc *time.Location) LocalTime {
	if loc == nil {
		loc = time.UTC
	}
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	w := time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), time.UTC)
	lt := LocalTime{Wall: w, Zone: loc}
	// Each span of the zone with one offset, from well before to well after the
	// reading (a handful of spans at most: the walk is bounded all the same). A reading
	// taken with a span's offset is a candidate when the instant it gives lies in that
	// span; a change between two spans makes a gap or an overlap where the wall-clock
	// ranges the two offsets give around it do not meet or do overlap.
	type span struct {
		start, end time.Time // end zero: forever
		offset     int
	}
	var spans []span
	at, last := w.Add(-localSearch), w.Add(localSearch)
	for range 64 {
		t := at.In(loc)
		_, off := t.Zone()
		start, end := t.ZoneBounds()
		if n := len(spans); n > 0 && spans[n-1].offset == off {
			spans[n-1].end = end // a change of name or of DST flag only: one span
		} else {
			spans = append(spans, span{start, end, off})
		}
		if end.IsZero() || end.After(last) || !end.After(at) {
			break
		}
		at = end
	}
	for _, sp := range spans {
		t := w.Add(-time.Duration(sp.offset) * time.Second)
		if (sp.start.IsZero() || !t.Before(sp.start)) && (sp.end.IsZero() || t.Before(sp.end)) {
			lt.Candidates = append(lt.Candidates, t.In(loc))
		}
	}
	sort.Slice(lt.Candidates, func(i, j int) bool { return lt.Candidates[i].Before(lt.Candidates[j]) })
	// The change that made the gap or the overlap: the one whose wall-clock range,
	// from the change read with the offset before to the change read with the offset
	// after, holds the reading.
	for i := 1; i < len(spans); i++ {
		change, before, after := spans[i].start, spans[i-1].offset, spans[i].offset
		lo, hi := change.Add(time.Duration(min(before, after))*time.Second), change.Add(time.Duration(max(before, after))*time.Second)
		// lo and hi are instants whose UTC clock is the wall-clock time of the change
		// read with each offset.
		if !w.Before(lo.UTC()) && w.Before(hi.UTC()) {
			lt.Transition, lt.OffsetBefore, lt.OffsetAfter = change.In(loc), before, after
			break
		}
	}
	switch {
	case len(lt.Candidates) == 0 && !lt.Transition.IsZero():
		lt.Kind = LocalGap
		lt.Candidates = []time.Time{
			w.Add(-time.Duration(lt.OffsetAfter) * time.Second).In(loc),
			w.Add(-time.Duration(lt.OffsetBefore) * time.Second).In(loc),
		}
	case len(lt.Candidates) > 1:
		lt.Kind = LocalOverlap
	case len(lt.Candidates) == 0:
		// Not reachable with a consistent zone; time.Date's choice is the answer.
		lt.Candidates = []time.Time{time.Date(y, mo, d, h, mi, s, wall.Nanosecond(), loc)}
	}
	return lt
}

// Instant is the instant the reading means by the rule of RFC 5545 (see above): the
// only one, the first of an overlap, or a gap's reading with the offset before it.
func (lt LocalTime) Instant() time.Time {
	switch lt.Kind {
	case LocalGap:
		return lt.Candidates[1]
	default:
		return lt.Candidates[0]
	}
}

// Has reports whether t is one of the reading's candidates (the same instant).
func (lt LocalTime) Has(t time.Time) bool {
	for _, c := range lt.Candidates {
		if c.Equal(t) {
			return true
		}
	}
	return false
}

// Explain says in words why the reading needs a choice ("" for LocalNormal), e.g.
// "14 March 2027 02:30 does not exist in America/New_York (clocks go forward from
// 02:00 EST to 03:00 EDT)" or "1 November 2026 01:30 happens twice in
// America/New_York (clocks go back from 02:00 EDT to 01:00 EST)".
func (lt LocalTime) Explain() string {
	if lt.Kind == LocalNormal {
		return ""
	}
	wall := lt.Wall.Format("2 January 2006 15:04")
	if lt.Wall.Second() != 0 {
		wall = lt.Wall.Format("2 January 2006 15:04:05")
	}
	clock := func(t time.Time) string {
		if t.Second() != 0 { // a local mean time's change, e.g. 12:03:58 LMT
			return t.Format("15:04:05")
		}
		return t.Format("15:04")
	}
	before := lt.Transition.Add(-time.Second).In(lt.Zone)
	from := clock(lt.Transition.In(time.FixedZone("", lt.OffsetBefore))) + " " + ZoneLabel(before)
	to := clock(lt.Transition.In(lt.Zone)) + " " + ZoneLabel(lt.Transition.In(lt.Zone))
	if lt.Kind == LocalGap {
		return fmt.Sprintf("%s does not exist in %s (clocks go forward from %s to %s)", wall, lt.Zone, from, to)
	}
	return fmt.Sprintf("%s happens twice in %s (clocks go back from %s to %s)", wall, lt.Zone, from, to)
}

// ZoneLabel is how t's zone is shown beside its time: the tz database's abbreviation
// (EST, EDT, GMT, BST, IST) or, for the zones that have none (the database writes
// their offset instead, e.g. "+0530", "+04", "-03"), the UTC offset as "+0530",
// "+0400", "-0300". Where the abbreviation alone would not tell two instants apart —
// within a day of a change of offset that kept the abbreviation, as Europe/Moscow's
// "MSK" went from +0300 to +0400 in 2011 and back in 2014, so that 01:30 MSK happened
// twice on 26 October 2014 — the offset follows it: "MSK, +0400". The common case
// stays short: EST and EDT differ by name, and a zone's label far from such a change
// is its abbreviation alone.
func ZoneLabel(t time.Time) string {
	name, off := t.Zone()
	if name == "" || strings.HasPrefix(name, "+") || strings.HasPrefix(name, "-") {
		return t.Format("-0700")
	}
	if sameNameNearby(t, name, off) {
		return name + ", " + t.Format("-0700")
	}
	return name
}

// labelWindow is how near a change of offset under one abbreviation makes the
// abbreviation ambiguous: a day, because the admin names a time by its clock alone
// in a sentence about one day, and the wall-clock times such a change repeats or
// skips (an overlap or a gap) lie within hours of it.
const labelWindow = 24 * time.Hour

// sameNameNearby reports whether, within labelWindow of t, t's zone uses the
// abbreviation name with another offset than off. It walks the zone's spans from t
// back and forth (a few at most within a day; bounded all the same).
func sameNameNearby(t time.Time, name string, off int) bool {
	loc := t.Location()
	differs := func(u time.Time) bool {
		n, o := u.In(loc).Zone()
		return n == name && o != off
	}
	at := t
	for range 8 { // back
		start, _ := at.ZoneBounds()
		if start.IsZero() || t.Sub(start) > labelWindow {
			break
		}
		prev := start.Add(-time.Nanosecond)
		if differs(prev) {
			return true
		}
		at = prev
	}
	at = t
	for range 8 { // forward
		_, end := at.ZoneBounds()
		if end.IsZero() || end.Sub(t) > labelWindow {
			break
		}
		if differs(end) {
			return true
		}
		at = end
	}
	return false
}
