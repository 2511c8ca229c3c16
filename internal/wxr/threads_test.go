package wxr

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestThreaded(t *testing.T) {
	cm := func(id, parent int64) *Comment { return &Comment{ID: id, Parent: parent, Line: int(id)} }
	// Replies before their parents, a reply to a spam comment left out of the export,
	// and a cycle.
	in := []*Comment{cm(5, 2), cm(2, 1), cm(1, 0), cm(3, 0), cm(4, 1), cm(6, 99), cm(7, 8), cm(8, 7)}
	out, warnings := Threaded(in)
	var ids []int64
	for _, c := range out {
		ids = append(ids, c.ID)
	}
	if want := []int64{1, 2, 5, 4, 3, 6, 7, 8}; !slices.Equal(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
	if len(warnings) != 2 || warnings[0].Line != 6 || warnings[1].Line != 7 {
		t.Errorf("warnings %v", warnings)
	}
	if in[0].Parent != 2 || in[5].Parent != 99 {
		t.Error("the comments were changed")
	}
}

// The theme unit test export's threads come out parents first, none lost.
func TestThreadedExport(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testdataDir(t), "themeunittestdata.wordpress.xml"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, _, _, items, _ := readAll(t, raw)
	replies := 0
	for _, it := range items {
		out, warnings := Threaded(it.Comments)
		if len(out) != len(it.Comments) || len(warnings) != 0 {
			t.Fatalf("post %d: %d of %d comments, %v", it.PostID, len(out), len(it.Comments), warnings)
		}
		seen := map[int64]bool{}
		for _, c := range out {
			if c.Parent != 0 {
				replies++
				if !seen[c.Parent] {
					t.Errorf("post %d: comment %d before its parent %d", it.PostID, c.ID, c.Parent)
				}
			}
			seen[c.ID] = true
		}
	}
	if replies == 0 {
		t.Fatal("no replies: the test reads the wrong file")
	}
}
