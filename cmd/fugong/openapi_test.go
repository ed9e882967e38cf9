package main

import (
	"encoding/json"
	"regexp"
	"testing"
)

// TestOpenAPICommand: fugong openapi prints the assembled document without
// a database: the kit's paths and the modules' alike, and every module
// operation with a unique lowerCamelCase operationId and a summary
// (scripts/lint-openapi.sh lints the rest).
func TestOpenAPICommand(t *testing.T) {
	out := mustRun(t, "", "openapi")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI == "" {
		t.Error("no openapi version")
	}
	for _, p := range []string{"/api/v1/sessions", "/api/v1/supplies/shortages", "/api/v1/tickets"} {
		if doc.Paths[p] == nil {
			t.Errorf("%s is missing", p)
		}
	}
	camel := regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
	seen := map[string]string{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			id, ok := op["operationId"].(string)
			if !ok {
				continue // the kit's and legacy parts: see the lint
			}
			if !camel.MatchString(id) {
				t.Errorf("%s %s: operationId %q is not lowerCamelCase", method, path, id)
			}
			if other, dup := seen[id]; dup {
				t.Errorf("%s %s: operationId %q is %s's too", method, path, id, other)
			}
			seen[id] = method + " " + path
			if s, _ := op["summary"].(string); s == "" {
				t.Errorf("%s %s: no summary", method, path)
			}
		}
	}
	if len(seen) == 0 {
		t.Error("no operationId at all")
	}
}
