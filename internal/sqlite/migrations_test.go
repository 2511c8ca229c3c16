package sqlite

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"
)

// Every migration has a number of its own: two lines of work that each add "0014"
// would otherwise both run as version 14 on a new file, and one of them on no other.
func TestMigrationNumbersAreUnique(t *testing.T) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]string{}
	for _, name := range files {
		v, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, "migrations/"), "_", 2)[0])
		if err != nil {
			t.Errorf("%s: the name does not start with its number", name)
			continue
		}
		if other, dup := seen[v]; dup {
			t.Errorf("migration %d twice: %s and %s", v, other, name)
		}
		seen[v] = name
	}
}
