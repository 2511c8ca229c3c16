package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"broadsheet/internal/news"
)

const docURL = "https://broadsheet.invalid/api/v1/openapi.json"

// openAPIDoc is the part of the OpenAPI document the test walks.
type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Servers []struct{ URL string }                `json:"servers"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

type operation struct {
	OperationID string            `json:"operationId"`
	Parameters  []json.RawMessage `json:"parameters"`
	Responses   map[string]struct {
		Ref     string                     `json:"$ref"`
		Content map[string]json.RawMessage `json:"content"`
	} `json:"responses"`
}

type parameter struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

// TestOpenAPIMatchesTheServer walks the document the server publishes and calls every
// operation on the demo site — with no parameters, with each query parameter, and in
// each error it documents — checking that every answer's status and content type are
// documented for the operation and that its body is valid against the operation's
// schema for that status (JSON Schema 2020-12, formats asserted).
func TestOpenAPIMatchesTheServer(t *testing.T) {
	e := newEnv(t)
	_, raw := e.do(t, "GET", "/api/v1/openapi.json", nil)
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1.") || len(doc.Servers) != 1 {
		t.Fatalf("the document: %v, openapi %q", err, doc.OpenAPI)
	}
	base := doc.Servers[0].URL
	whole, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	compiler.AssertFormat()
	if err := compiler.AddResource(docURL, whole); err != nil {
		t.Fatal(err)
	}
	var components struct {
		Components struct {
			Parameters map[string]parameter       `json:"parameters"`
			Responses  map[string]json.RawMessage `json:"responses"`
		} `json:"components"`
	}
	json.Unmarshal(raw, &components)

	// Values of each parameter the document may name: a test for a new parameter must
	// say what to send.
	withComments := e.public[0]
	for _, a := range e.public {
		if a.CommentCount > withComments.CommentCount {
			withComments = a
		}
	}
	good := map[string]string{
		"id":             fmt.Sprint(withComments.ID),
		"slug":           e.public[1].Slug,
		"section":        e.public[0].Section.Slug,
		"tag":            e.public[0].Tags[0].Slug,
		"author":         e.public[0].Author.Slug,
		"modified_since": e.public[6].PublishedAt.Format(time.RFC3339),
		"limit":          "2",
		"cursor":         "", // taken from the operation's first page
		// The writes' (their cases send them, openapi_writes_test.go).
		"force":           "false",
		"Idempotency-Key": "walk",
	}
	// The static pages' operations take a page's ID and slug.
	pages := e.addPages(t)
	pageGood := map[string]string{"id": fmt.Sprint(pages[0].ID), "slug": pages[1].Slug}
	bad := map[string]string{"id": "abc", "limit": "0", "modified_since": "soon", "section": "no-such-desk",
		"tag": "no-such-tag", "author": "nobody", "slug": strings.Repeat("x", 201), "cursor": "bad"}

	ptr := func(parts ...string) string {
		for i, p := range parts {
			parts[i] = strings.NewReplacer("~", "~0", "/", "~1").Replace(p)
		}
		return docURL + "#/" + strings.Join(parts, "/")
	}
	called := 0
	var reqBody []byte // the body of the request check sends (writes)
	writeCases, writes := e.writeCases(), map[string]bool{}
	for _, path := range sortedKeys(doc.Paths) {
		for _, method := range sortedKeys(doc.Paths[path]) {
			var op operation
			if err := json.Unmarshal(doc.Paths[path][method], &op); err != nil {
				t.Fatal(err)
			}
			var params []parameter
			for _, pr := range op.Parameters {
				var p parameter
				json.Unmarshal(pr, &p)
				if p.Ref != "" {
					p = components.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				if _, ok := good[p.Name]; !ok {
					t.Fatalf("%s: the test has no value for the parameter %q", op.OperationID, p.Name)
				}
				params = append(params, p)
			}
			// check calls the operation and validates what it answers.
			check := func(pathVals, query map[string]string, header map[string]string) (*http.Response, []byte) {
				t.Helper()
				u := base + path
				for k, v := range pathVals {
					u = strings.ReplaceAll(u, "{"+k+"}", url.PathEscape(v))
				}
				if len(query) > 0 {
					q := url.Values{}
					for k, v := range query {
						q.Set(k, v)
					}
					u += "?" + q.Encode()
				}
				res, body := e.send(t, strings.ToUpper(method), u, header, reqBody)
				called++
				status := fmt.Sprint(res.StatusCode)
				resp, ok := op.Responses[status]
				if !ok {
					t.Errorf("%s %s: status %s is not documented: %s", op.OperationID, u, status, body)
					return res, body
				}
				if resp.Ref != "" {
					json.Unmarshal(components.Components.Responses[strings.TrimPrefix(resp.Ref, "#/components/responses/")], &resp)
				}
				if res.StatusCode == http.StatusNotModified {
					return res, body
				}
				ctype := res.Header.Get("Content-Type")
				if _, ok := resp.Content[ctype]; !ok {
					t.Errorf("%s %s: %s answered as %s, documented as %v", op.OperationID, u, status, ctype, sortedKeys(resp.Content))
					return res, body
				}
				loc := ptr("paths", path, method, "responses", status, "content", ctype, "schema")
				if op.Responses[status].Ref != "" {
					loc = ptr("components", "responses", strings.TrimPrefix(op.Responses[status].Ref, "#/components/responses/"), "content", ctype, "schema")
				}
				schema, err := compiler.Compile(loc)
				if err != nil {
					t.Fatalf("%s: compile %s: %v", op.OperationID, loc, err)
				}
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
				if err != nil {
					t.Errorf("%s %s: not JSON: %v", op.OperationID, u, err)
					return res, body
				}
				if err := schema.Validate(inst); err != nil {
					t.Errorf("%s %s (%s): the answer does not match its schema: %v\n%.300s", op.OperationID, u, status, err, body)
				}
				return res, body
			}
			if method != "get" {
				writes[op.OperationID] = true
				walk, ok := writeCases[op.OperationID]
				if !ok {
					t.Errorf("%s %s: the test has no cases for this write", method, path)
					continue
				}
				// Without a token: 401, documented.
				reqBody = nil
				if r, _ := check(map[string]string{"id": "1"}, nil, nil); r.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s without a token: %d", op.OperationID, r.StatusCode)
				}
				for _, c := range walk(t) {
					reqBody = c.body
					header := map[string]string{"Authorization": "Bearer " + c.token, "Content-Type": c.ctype}
					if c.ctype == "" {
						header["Content-Type"] = "application/json"
					}
					if k, ok := c.path["Idempotency-Key"]; ok {
						header["Idempotency-Key"] = k
					}
					if r, b := check(c.path, nil, header); r.StatusCode != c.want {
						t.Errorf("%s %s: %d, want %d: %s", op.OperationID, c.what, r.StatusCode, c.want, b)
					}
				}
				reqBody = nil
				continue
			}
			pathVals := map[string]string{}
			var query []parameter
			for _, p := range params {
				if p.In == "path" {
					pathVals[p.Name] = good[p.Name]
					if strings.HasPrefix(path, "/pages/") {
						pathVals[p.Name] = pageGood[p.Name]
					}
				} else {
					query = append(query, p)
				}
			}
			// Without parameters (a small page when paged), then with each, then each
			// refused.
			var plain map[string]string
			if slices.ContainsFunc(query, func(p parameter) bool { return p.Name == "limit" }) {
				plain = map[string]string{"limit": "1"}
			}
			res, body := check(pathVals, plain, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", op.OperationID, res.StatusCode, body)
			}
			if _, ok := op.Responses["304"]; ok {
				if r304, _ := check(pathVals, plain, map[string]string{"If-None-Match": res.Header.Get("ETag")}); r304.StatusCode != 304 {
					t.Errorf("%s: a matching ETag gave %d", op.OperationID, r304.StatusCode)
				}
			}
			var first struct {
				NextCursor string `json:"next_cursor"`
			}
			json.Unmarshal(body, &first)
			for _, p := range query {
				v := good[p.Name]
				if p.Name == "cursor" {
					if v = first.NextCursor; v == "" {
						t.Errorf("%s: no second page to test the cursor with", op.OperationID)
						continue
					}
				}
				if r, b := check(pathVals, map[string]string{p.Name: v}, nil); r.StatusCode != http.StatusOK {
					t.Errorf("%s with %s=%s: %d %s", op.OperationID, p.Name, v, r.StatusCode, b)
				}
				if r, b := check(pathVals, map[string]string{p.Name: bad[p.Name]}, nil); r.StatusCode != http.StatusBadRequest {
					t.Errorf("%s with %s=%s: %d %s, want 400", op.OperationID, p.Name, bad[p.Name], r.StatusCode, b)
				}
			}
			// An unknown parameter: refused where the operation documents a 400, and
			// whatever the answer, documented (check).
			_, refuses := op.Responses["400"]
			if r, _ := check(pathVals, map[string]string{"unknown": "1"}, nil); r.StatusCode != 400 && refuses {
				t.Errorf("%s: an unknown parameter gave %d", op.OperationID, r.StatusCode)
			}
			if _, hasID := pathVals["id"]; hasID {
				if r, _ := check(map[string]string{"id": "abc"}, nil, nil); r.StatusCode != 400 {
					t.Errorf("%s: the ID abc gave %d", op.OperationID, r.StatusCode)
				}
			}
			if _, ok := op.Responses["404"]; ok {
				missing := map[string]string{}
				for k := range pathVals {
					missing[k] = map[string]string{"id": "999999", "slug": "no-such-story"}[k]
				}
				if r, _ := check(missing, nil, nil); r.StatusCode != 404 {
					t.Errorf("%s: a missing item gave %d", op.OperationID, r.StatusCode)
				}
			}
			if _, ok := op.Responses["406"]; ok {
				if r, _ := check(pathVals, nil, map[string]string{"Accept": "text/html"}); r.StatusCode != 406 {
					t.Errorf("%s: Accept text/html gave %d", op.OperationID, r.StatusCode)
				}
			}
		}
	}
	for id := range writeCases {
		if !writes[id] {
			t.Errorf("the test walks %s, which the document does not have", id)
		}
	}
	if len(writes) < 10 {
		t.Errorf("only %d write operations in the document", len(writes))
	}
	// A staff read: the same operation with a token, answered as StaffArticlePage.
	staffPage, err := compiler.Compile(docURL + "#/components/schemas/StaffArticlePage")
	if err != nil {
		t.Fatal(err)
	}
	res, body := e.send(t, "GET", base+"/articles?status=draft", map[string]string{"Authorization": "Bearer " + e.token(t, news.RoleEditor)}, nil)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if res.StatusCode != 200 || err != nil {
		t.Fatalf("a staff read: %d %v", res.StatusCode, err)
	}
	if err := staffPage.Validate(inst); err != nil || !strings.Contains(string(body), "Secret Draft Story") {
		t.Errorf("a staff read does not match StaffArticlePage: %v\n%.300s", err, body)
	}
	if called < 40 {
		t.Errorf("only %d calls: the document's operations were not walked", called)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
