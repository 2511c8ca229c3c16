//go:build unix

package media

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names
}

// A process killed (SIGKILL) while storing a file leaves its temporary file; the next
// server's RemoveAbandoned removes it, at once, while a file another process or
// goroutine is storing at that moment is left alone and stored whole.
func TestRemoveAbandonedTemporaryFiles(t *testing.T) {
	if dir := os.Getenv("MEDIA_KILL_HELPER"); dir != "" {
		Dir(dir).Create("killed.jpg", func(w io.Writer) error {
			w.Write(bytes.Repeat([]byte("x"), 100<<10))
			w.(interface{ Flush() error }).Flush()
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		})
		t.Fatal("not killed")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRemoveAbandonedTemporaryFiles$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MEDIA_KILL_HELPER="+dir)
	out, _ := cmd.CombinedOutput()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the helper was not killed: %s", out)
	}
	left := tempFiles(t, dir)
	if len(left) != 1 {
		t.Fatalf("the killed store left %v", left)
	}
	// Written just now, it might be an earlier version's store under way (it takes no
	// lock): it is left until it has gone unwritten for a while.
	if n, err := Dir(dir).RemoveAbandoned(); err != nil || n != 0 || len(tempFiles(t, dir)) != 1 {
		t.Errorf("a temporary file written just now: %d removed (%v)", n, err)
	}
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(filepath.Join(dir, left[0]), hourAgo, hourAgo)

	// A store under way here, holding its temporary file while RemoveAbandoned runs.
	writing, finish, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- Dir(dir).Create("live.jpg", func(w io.Writer) error {
			w.Write([]byte("live"))
			close(writing)
			<-finish
			return nil
		})
	}()
	<-writing
	// The live store's file as quiet as the killed one's (a stalled upload): its lock
	// keeps it.
	for _, name := range tempFiles(t, dir) {
		os.Chtimes(filepath.Join(dir, name), hourAgo, hourAgo)
	}
	n, err := Dir(dir).RemoveAbandoned()
	if err != nil || n != 1 {
		t.Errorf("RemoveAbandoned: %d, %v; want the killed store's one file", n, err)
	}
	if got := tempFiles(t, dir); len(got) != 1 || got[0] == left[0] {
		t.Errorf("temporary files after: %v (the killed one was %s)", got, left[0])
	}
	close(finish)
	if err := <-done; err != nil {
		t.Fatalf("the live store: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "live.jpg")); err != nil || string(b) != "live" {
		t.Errorf("the live store's file: %q %v", b, err)
	}
	if got := tempFiles(t, dir); len(got) != 0 {
		t.Errorf("temporary files at the end: %v", got)
	}
}

// A store that has written its file whole is never taken for an abandoned one: its
// temporary file was unlocked (closed) before it was renamed to its name, and a
// RemoveAbandoned at that moment (serve runs it hourly) removed it, failing the
// upload with "no such file or directory".
func TestRemoveAbandonedNeverTakesAFinishingStore(t *testing.T) {
	// Every temporary file counts as quiet: only the lock tells the stores' apart.
	defer func(q time.Duration) { quietFor = q }(quietFor)
	quietFor = 0
	dir := t.TempDir()
	stop := make(chan struct{})
	swept := make(chan struct{})
	go func() {
		defer close(swept)
		for {
			select {
			case <-stop:
				return
			default:
			}
			Dir(dir).RemoveAbandoned()
		}
	}()
	defer func() { close(stop); <-swept }()
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := range 100 {
				if err := Dir(dir).Create(fmt.Sprintf("f%d-%d.jpg", g, i), func(w io.Writer) error {
					_, err := w.Write([]byte("x"))
					return err
				}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("a store failed: %v", err)
		}
	}
}

// RemoveAbandoned reads the media folder in batches: the folder of a large library
// holds a million files (each image has its sizes), and reading every name at once,
// sorted, each hour held memory in proportion (over 100 MB), where a few temporary
// files are all it looks for. The heap is sampled while it runs, collected after
// nearly every allocation so that it holds little more than what is live.
func TestRemoveAbandonedMemoryIsBounded(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	peak := func(files int) uint64 {
		dir := t.TempDir()
		for i := range files {
			f, err := os.Create(filepath.Join(dir, fmt.Sprintf("image-%08d-640w.jpg", i)))
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		runtime.GC()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(sample)
		base := sample[0].Value.Uint64()
		var top atomic.Uint64
		done := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			for {
				metrics.Read(s)
				if v := s[0].Value.Uint64(); v > base && v-base > top.Load() {
					top.Store(v - base)
				}
				select {
				case <-done:
					return
				default:
				}
			}
		}()
		if _, err := Dir(dir).RemoveAbandoned(); err != nil {
			t.Fatal(err)
		}
		close(done)
		<-sampled
		return top.Load()
	}
	// 100,000 names held at once take about 12 MB (os.ReadDir's entries, sorted); a
	// batch of them takes tens of kilobytes, and the collector's lag adds about a
	// megabyte.
	const files = 100000
	if held := peak(files); held > files*32 {
		t.Errorf("the memory held grows with the folder: %d bytes for %d files", held, files)
	} else {
		t.Logf("heap above the start while it ran: %d bytes for %d files", held, files)
	}
}
