package news

import (
	"strings"
	"testing"
	"time"
)

// A change of offset under one abbreviation: the label carries the offset near it, so
// the two sides (and the two 01:30s of an overlap) read differently; far from it, and
// in zones whose abbreviation changes with the offset, the label stays short.
func TestZoneLabelSameAbbreviationBothSides(t *testing.T) {
	msk, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Skip(err)
	}
	// 26 October 2014, 02:00 MSK (+0400) became 01:00 MSK (+0300): 01:30 happened twice.
	first, second := time.Date(2014, 10, 25, 21, 30, 0, 0, time.UTC).In(msk), time.Date(2014, 10, 25, 22, 30, 0, 0, time.UTC).In(msk)
	if first.Format("15:04") != "01:30" || second.Format("15:04") != "01:30" {
		t.Fatalf("tz data: %v %v", first, second)
	}
	if a, b := ZoneLabel(first), ZoneLabel(second); a != "MSK, +0400" || b != "MSK, +0300" {
		t.Errorf("the two 01:30s of 26 October 2014 in Moscow read %q and %q", a, b)
	}
	// 27 March 2011: 02:00 MSK (+0300) became 03:00 MSK (+0400).
	gap := ResolveLocal(time.Date(2011, 3, 27, 2, 30, 0, 0, time.UTC), msk)
	if gap.Kind != LocalGap {
		t.Fatalf("2011-03-27 02:30 in Moscow: %v", gap.Kind)
	}
	if got := gap.Explain(); !strings.Contains(got, "from 02:00 MSK, +0300 to 03:00 MSK, +0400") {
		t.Errorf("gap: %q", got)
	}
	overlap := ResolveLocal(time.Date(2014, 10, 26, 1, 30, 0, 0, time.UTC), msk)
	if got := overlap.Explain(); !strings.Contains(got, "from 02:00 MSK, +0400 to 01:00 MSK, +0300") {
		t.Errorf("overlap: %q", got)
	}
	// Far from any such change, and for the ordinary daylight-saving zones: short.
	ny, _ := time.LoadLocation("America/New_York")
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2020, 6, 1, 12, 0, 0, 0, msk), "MSK"},
		{time.Date(2012, 6, 1, 12, 0, 0, 0, msk), "MSK"},
		{time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC).In(ny), "EDT"},
		{time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC).In(ny), "EST"},
	} {
		if got := ZoneLabel(c.t); got != c.want {
			t.Errorf("%v: %q, want %q", c.t, got, c.want)
		}
	}
}
