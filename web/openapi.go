package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
)

// openAPIDoc is openapi.json with each module's fragment (openapi/*.json:
// its "paths" and "components"."schemas") merged in, so that the modules
// document their routes beside each other without sharing one file.
var openAPIDoc = mustBuildOpenAPI()

func mustBuildOpenAPI() []byte {
	doc, err := buildOpenAPI(assets)
	if err != nil {
		panic(err)
	}
	return doc
}

type openAPIFragment struct {
	Paths      map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func buildOpenAPI(fsys fs.FS) ([]byte, error) {
	base, err := fs.ReadFile(fsys, "openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var frag openAPIFragment
		if err := json.Unmarshal(b, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := mergeInto(paths, frag.Paths, name, "path"); err != nil {
			return nil, err
		}
		if err := mergeInto(schemas, frag.Components.Schemas, name, "schema"); err != nil {
			return nil, err
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

// mergeInto adds a fragment's entries; a name defined twice is a mistake.
func mergeInto(dst map[string]any, src map[string]json.RawMessage, file, what string) error {
	for _, k := range slices.Sorted(maps.Keys(src)) {
		if _, dup := dst[k]; dup {
			return fmt.Errorf("%s: %s %q is already defined", file, what, k)
		}
		var v any
		if err := json.Unmarshal(src[k], &v); err != nil {
			return fmt.Errorf("%s: %s %q: %w", file, what, k, err)
		}
		dst[k] = v
	}
	return nil
}
