package news

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones, whatever the machine has
)

func TestResolveLocal(t *testing.T) {
	type want struct {
		kind LocalKind
		// the candidates in RFC 3339, earlier first
		candidates []string
	}
	cases := []struct {
		zone, wall string
		want       want
	}{
		// New York: 2027-03-14 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
		{"America/New_York", "2027-03-14T01:59:59", want{LocalNormal, []string{"2027-03-14T06:59:59Z"}}},
		{"America/New_York", "2027-03-14T02:00:00", want{LocalGap, []string{"2027-03-14T06:00:00Z", "2027-03-14T07:00:00Z"}}},
		{"America/New_York", "2027-03-14T02:30:00", want{LocalGap, []string{"2027-03-14T06:30:00Z", "2027-03-14T07:30:00Z"}}},
		{"America/New_York", "2027-03-14T02:59:59", want{LocalGap, []string{"2027-03-14T06:59:59Z", "2027-03-14T07:59:59Z"}}},
		{"America/New_York", "2027-03-14T03:00:00", want{LocalNormal, []string{"2027-03-14T07:00:00Z"}}},
		{"America/New_York", "2026-11-01T00:59:59", want{LocalNormal, []string{"2026-11-01T04:59:59Z"}}},
		{"America/New_York", "2026-11-01T01:00:00", want{LocalOverlap, []string{"2026-11-01T05:00:00Z", "2026-11-01T06:00:00Z"}}},
		{"America/New_York", "2026-11-01T01:30:00", want{LocalOverlap, []string{"2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"}}},
		{"America/New_York", "2026-11-01T01:59:00", want{LocalOverlap, []string{"2026-11-01T05:59:00Z", "2026-11-01T06:59:00Z"}}},
		{"America/New_York", "2026-11-01T01:59:59", want{LocalOverlap, []string{"2026-11-01T05:59:59Z", "2026-11-01T06:59:59Z"}}},
		{"America/New_York", "2026-11-01T02:00:00", want{LocalNormal, []string{"2026-11-01T07:00:00Z"}}},
		{"America/New_York", "2026-07-04T12:00:00", want{LocalNormal, []string{"2026-07-04T16:00:00Z"}}},
		// London: 2027-03-28 01:00 GMT → 02:00 BST; 2026-10-25 02:00 BST → 01:00 GMT.
		{"Europe/London", "2027-03-28T00:59:59", want{LocalNormal, []string{"2027-03-28T00:59:59Z"}}},
		{"Europe/London", "2027-03-28T01:00:00", want{LocalGap, []string{"2027-03-28T00:00:00Z", "2027-03-28T01:00:00Z"}}},
		{"Europe/London", "2027-03-28T01:59:59", want{LocalGap, []string{"2027-03-28T00:59:59Z", "2027-03-28T01:59:59Z"}}},
		{"Europe/London", "2027-03-28T02:00:00", want{LocalNormal, []string{"2027-03-28T01:00:00Z"}}},
		{"Europe/London", "2026-10-25T01:00:00", want{LocalOverlap, []string{"2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z"}}},
		{"Europe/London", "2026-10-25T01:59:00", want{LocalOverlap, []string{"2026-10-25T00:59:00Z", "2026-10-25T01:59:00Z"}}},
		{"Europe/London", "2026-10-25T02:00:00", want{LocalNormal, []string{"2026-10-25T02:00:00Z"}}},
		// Lord Howe Island moves by 30 minutes: 2026-10-04 02:00 +1030 → 02:30 +11;
		// 2027-04-04 02:00 +11 → 01:30 +1030.
		{"Australia/Lord_Howe", "2026-10-04T01:59:59", want{LocalNormal, []string{"2026-10-03T15:29:59Z"}}},
		{"Australia/Lord_Howe", "2026-10-04T02:00:00", want{LocalGap, []string{"2026-10-03T15:00:00Z", "2026-10-03T15:30:00Z"}}},
		{"Australia/Lord_Howe", "2026-10-04T02:29:59", want{LocalGap, []string{"2026-10-03T15:29:59Z", "2026-10-03T15:59:59Z"}}},
		{"Australia/Lord_Howe", "2026-10-04T02:30:00", want{LocalNormal, []string{"2026-10-03T15:30:00Z"}}},
		{"Australia/Lord_Howe", "2027-04-04T01:29:59", want{LocalNormal, []string{"2027-04-03T14:29:59Z"}}},
		{"Australia/Lord_Howe", "2027-04-04T01:30:00", want{LocalOverlap, []string{"2027-04-03T14:30:00Z", "2027-04-03T15:00:00Z"}}},
		{"Australia/Lord_Howe", "2027-04-04T01:59:00", want{LocalOverlap, []string{"2027-04-03T14:59:00Z", "2027-04-03T15:29:00Z"}}},
		{"Australia/Lord_Howe", "2027-04-04T02:00:00", want{LocalNormal, []string{"2027-04-03T15:30:00Z"}}},
		// Kolkata: +0530 all year; UTC never changes.
		{"Asia/Kolkata", "2027-03-14T02:30:00", want{LocalNormal, []string{"2027-03-13T21:00:00Z"}}},
		{"Asia/Kolkata", "2026-11-01T01:30:00", want{LocalNormal, []string{"2026-10-31T20:00:00Z"}}},
		{"UTC", "2027-03-14T02:30:00", want{LocalNormal, []string{"2027-03-14T02:30:00Z"}}},
		{"UTC", "2026-11-01T01:30:00", want{LocalNormal, []string{"2026-11-01T01:30:00Z"}}},
		// A change of standard offset: Samoa skipped 30 December 2011 (−10 → +14), and
		// Kathmandu moved from +0530 to +0545 in 1986.
		{"Pacific/Apia", "2011-12-30T12:00:00", want{LocalGap, []string{"2011-12-29T22:00:00Z", "2011-12-30T22:00:00Z"}}},
		{"Pacific/Apia", "2011-12-31T00:00:00", want{LocalNormal, []string{"2011-12-30T10:00:00Z"}}},
		{"Asia/Kathmandu", "1986-01-01T00:10:00", want{LocalGap, []string{"1985-12-31T18:25:00Z", "1985-12-31T18:40:00Z"}}},
		// New York's clocks went from local mean time (−4:56:02) to EST at noon on
		// 18 November 1883: 3 minutes 58 seconds happened twice.
		{"America/New_York", "1883-11-18T12:02:00", want{LocalOverlap, []string{"1883-11-18T16:58:02Z", "1883-11-18T17:02:00Z"}}},
		{"America/New_York", "0001-01-01T00:00:00", want{LocalNormal, []string{"0001-01-01T04:56:02Z"}}},
		{"America/New_York", "9999-12-31T23:59:59", want{LocalNormal, []string{"10000-01-01T04:59:59Z"}}},
	}
	for _, c := range cases {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		wall, err := time.Parse("2006-01-02T15:04:05", c.wall)
		if err != nil {
			t.Fatal(err)
		}
		lt := ResolveLocal(wall, loc)
		var got []string
		for _, x := range lt.Candidates {
			got = append(got, x.UTC().Format(time.RFC3339))
			if x.Location() != loc {
				t.Errorf("%s %s: candidate %v not in the zone", c.zone, c.wall, x)
			}
		}
		if lt.Kind != c.want.kind || strings.Join(got, " ") != strings.Join(c.want.candidates, " ") {
			t.Errorf("%s %s: %s %v, want %s %v", c.zone, c.wall, lt.Kind, got, c.want.kind, c.want.candidates)
			continue
		}
		// A normal or overlapping reading's candidates read back as typed; a gap's do not.
		for _, x := range lt.Candidates {
			if reads := x.Format("2006-01-02T15:04:05") == c.wall; reads == (lt.Kind == LocalGap) {
				t.Errorf("%s %s: candidate %v reads %v", c.zone, c.wall, x, x.Format(time.DateTime))
			}
		}
		if (lt.Kind == LocalNormal) != lt.Transition.IsZero() || (lt.Kind == LocalNormal) != (lt.Explain() == "") {
			t.Errorf("%s %s: transition %v, explanation %q", c.zone, c.wall, lt.Transition, lt.Explain())
		}
	}
}

// The default choice is RFC 5545's: the first of two, the offset before a gap.
func TestResolveLocalDefaultAndWords(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	gap := ResolveLocal(time.Date(2027, 3, 14, 2, 30, 0, 0, time.UTC), ny)
	if got := gap.Instant().UTC(); !got.Equal(time.Date(2027, 3, 14, 7, 30, 0, 0, time.UTC)) {
		t.Errorf("gap resolves to %v, want 03:30 EDT", got)
	}
	if got, want := gap.Explain(), "14 March 2027 02:30 does not exist in America/New_York (clocks go forward from 02:00 EST to 03:00 EDT)"; got != want {
		t.Errorf("gap: %q", got)
	}
	overlap := ResolveLocal(time.Date(2026, 11, 1, 1, 30, 0, 0, time.UTC), ny)
	if got := overlap.Instant(); got.Format("15:04 MST") != "01:30 EDT" {
		t.Errorf("overlap resolves to %v, want the first (EDT)", got)
	}
	if got, want := overlap.Explain(), "1 November 2026 01:30 happens twice in America/New_York (clocks go back from 02:00 EDT to 01:00 EST)"; got != want {
		t.Errorf("overlap: %q", got)
	}
	if !overlap.Has(time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)) || overlap.Has(time.Date(2026, 11, 1, 6, 31, 0, 0, time.UTC)) {
		t.Error("Has")
	}
	lh, _ := time.LoadLocation("Australia/Lord_Howe")
	if got, want := ResolveLocal(time.Date(2026, 10, 4, 2, 15, 0, 0, time.UTC), lh).Explain(),
		"4 October 2026 02:15 does not exist in Australia/Lord_Howe (clocks go forward from 02:00 +1030 to 02:30 +1100)"; got != want {
		t.Errorf("Lord Howe: %q", got)
	}
}

func TestZoneLabel(t *testing.T) {
	for zone, want := range map[string]string{"America/New_York": "EST", "Asia/Kolkata": "IST", "Asia/Dubai": "+0400",
		"America/Sao_Paulo": "-0300", "Asia/Kathmandu": "+0545", "UTC": "UTC", "Australia/Lord_Howe": "+1100"} {
		loc, _ := time.LoadLocation(zone)
		if got := ZoneLabel(time.Date(2027, 1, 10, 12, 0, 0, 0, loc)); got != want {
			t.Errorf("%s: %q, want %q", zone, got, want)
		}
	}
}

func BenchmarkResolveLocal(b *testing.B) {
	ny, _ := time.LoadLocation("America/New_York")
	wall := time.Date(2026, 11, 1, 1, 30, 0, 0, time.UTC)
	for b.Loop() {
		if ResolveLocal(wall, ny).Kind != LocalOverlap {
			b.Fatal("not an overlap")
		}
	}
}
