package news

import (
	"strings"
	"testing"
	"time"
)

// A retention typed huge to mean "for ever" keeps everything: before, a billion billion
// days wrapped the cutoff round to the future, and the next run emptied the whole
// trash and dropped every IP hash. The settings refuse it, negative values too.
func TestRetentionHugeNeverWraps(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, days := range []int{36526, 1e15, 1 << 62, int(^uint(0) >> 1)} {
		empty, traces := Retention{EmptyTrashDays: days, TraceDays: days}.Cutoffs(now)
		if empty.After(now) || traces.After(now) || !empty.IsZero() || !traces.IsZero() {
			t.Errorf("retention of %d days: cutoffs %v, %v; want never", days, empty, traces)
		}
	}
	if empty, _ := (Retention{EmptyTrashDays: MaxRetentionDays}).Cutoffs(now); empty.IsZero() || !empty.Before(now.AddDate(-99, 0, 0)) {
		t.Errorf("retention of %d days: cutoff %v, want a hundred years back", MaxRetentionDays, empty)
	}
	for _, key := range []string{SettingEmptyTrashDays, SettingCommentTraceDays} {
		for _, v := range []string{"9223372036854775807", "1000000000000000", "36526", "-1", "-30", "ten"} {
			if err := CheckSettings(nil, map[string]string{key: v}); err == nil || !strings.Contains(err.Error(), key) {
				t.Errorf("%s = %s: %v, want refused naming the setting", key, v, err)
			}
		}
		for _, v := range []string{"0", "1", "36525"} {
			if err := CheckSettings(nil, map[string]string{key: v}); err != nil {
				t.Errorf("%s = %s: %v, want taken", key, v, err)
			}
		}
	}
}
