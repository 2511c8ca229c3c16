package backup_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"broadsheet/internal/backup"
)

const header = `{"format":"broadsheet-backup","version":1,"created":"2026-11-30T18:00:00Z","with_secrets":false,"with_media":false,"kinds":["tag"]}` + "\n"

// Every record's values come back with their types; a line that is not one clean JSON
// object of stored values is an error naming it.
func TestReaderTakesOnlyCleanRecords(t *testing.T) {
	rd, err := backup.NewReader(strings.NewReader(header + `{"kind":"tag","data":{"id":9007199254740993,"slug":"a\u00e9","name":null,"w":1.5}}` + "\n" + `{"end":true,"records":1}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	it, err := rd.Next()
	if err != nil {
		t.Fatal(err)
	}
	f := it.Record.Fields
	if f["id"] != int64(9007199254740993) || f["slug"] != "aé" || f["name"] != nil || f["w"] != 1.5 {
		t.Errorf("fields: %#v", f)
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}

	for name, line := range map[string]string{
		"a name twice":             `{"kind":"tag","data":{"id":1,"id":2}}`,
		"invalid UTF-8":            "{\"kind\":\"tag\",\"data\":{\"slug\":\"\xff\"}}",
		"a boolean":                `{"kind":"tag","data":{"id":true}}`,
		"an object in a field":     `{"kind":"tag","data":{"id":{"x":1}}}`,
		"two objects":              `{"kind":"tag","data":{"id":1}} {"kind":"tag","data":{"id":2}}`,
		"an unknown member":        `{"kind":"tag","data":{"id":1},"colour":"red"}`,
		"a kind not in the header": `{"kind":"user","data":{"id":1}}`,
		"no data":                  `{"kind":"tag"}`,
	} {
		rd, err := backup.NewReader(strings.NewReader(header + line + "\n" + `{"end":true,"records":1}` + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = rd.Next()
		var le *backup.LineError
		if !errors.As(err, &le) || le.Line != 2 {
			t.Errorf("%s: %v, want an error of line 2", name, err)
		}
	}
}
