package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openFile(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Two handles on one file are two servers sharing the database: the limits hold
// across them, not only within one.
func TestLimitsHoldAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	dbs := []*DB{openFile(t, path), openFile(t, path)}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	attempts, tokens := 0, 0
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := dbs[i%2]
			wa, err1 := db.TakeAttempt(context.Background(), "account:shared", 5, 15*time.Minute, now)
			wt, err2 := db.TakeToken(context.Background(), "address:shared", 3, time.Minute, now)
			mu.Lock()
			defer mu.Unlock()
			if err1 != nil || err2 != nil {
				t.Error(err1, err2)
				return
			}
			if wa == 0 {
				attempts++
			}
			if wt == 0 {
				tokens++
			}
		}()
	}
	wg.Wait()
	if attempts != 5 || tokens != 3 {
		t.Errorf("60 requests on two servers at once: %d attempts recorded (limit 5), %d tokens taken (burst 3)", attempts, tokens)
	}
}

func (db *DB) rows(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := db.write.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The tables stay at the size of what still counts: an attacker's thousands of keys
// are gone once their window has passed, a few at every later call.
func TestLimitTablesAreBounded(t *testing.T) {
	db := openFile(t, filepath.Join(t.TempDir(), "bounded.db"))
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for i := range 1000 {
		db.TakeAttempt(ctx, fmt.Sprintf("address:%d", i), 20, 15*time.Minute, now)
		db.TakeToken(ctx, fmt.Sprintf("address:%d", i), 5, 30*time.Second, now)
	}
	if a, b := db.rows(t, "attempts"), db.rows(t, "buckets"); a != 1000 || b != 1000 {
		t.Fatalf("after 1000 keys: %d attempts, %d buckets", a, b)
	}
	later := now.Add(time.Hour)
	for i := range 20 {
		db.TakeAttempt(ctx, fmt.Sprintf("later:%d", i), 20, 15*time.Minute, later)
		db.TakeToken(ctx, fmt.Sprintf("later:%d", i), 5, 30*time.Second, later)
	}
	if a, b := db.rows(t, "attempts"), db.rows(t, "buckets"); a != 20 || b != 20 {
		t.Errorf("an hour later, after 20 calls: %d attempts and %d buckets kept, want only the 20 that count", a, b)
	}
}

// The cost of a limit step: recorded (a write), refused (nothing written), and a
// token taken.
func BenchmarkLimits(b *testing.B) {
	db, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	b.Run("attempt recorded", func(b *testing.B) {
		for i := range b.N {
			db.TakeAttempt(ctx, fmt.Sprintf("k%d", i), 5, time.Minute, now)
		}
	})
	b.Run("attempt refused", func(b *testing.B) {
		for range 5 {
			db.TakeAttempt(ctx, "full", 5, time.Minute, now)
		}
		for range b.N {
			if w, _ := db.TakeAttempt(ctx, "full", 5, time.Minute, now); w == 0 {
				b.Fatal("not refused")
			}
		}
	})
	b.Run("token", func(b *testing.B) {
		for i := range b.N {
			db.TakeToken(ctx, fmt.Sprintf("k%d", i%1000), 5, time.Minute, now.Add(time.Duration(i)*time.Second))
		}
	})
}
