package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
)

type openAPIFragment struct {
	Tags       []json.RawMessage          `json:"tags"`
	Paths      map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

// buildOpenAPI is openapi.json with the fragments merged in: this
// package's (openapi/*.json) and each module's (Module.OpenAPI), each its
// "tags" (the module's tag, named after it, described once), "paths" and
// "components"."schemas", so that the modules document their
// routes beside each other without sharing one file.
func buildOpenAPI(fsys fs.FS, modules []Module) ([]byte, error) {
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
	frags := map[string][]byte{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		frags[name] = b
	}
	for _, m := range modules {
		if m.OpenAPI != nil {
			name := "web/" + m.Name + "/openapi.json"
			if _, dup := frags[name]; dup {
				return nil, fmt.Errorf("web: two modules are named %s", m.Name)
			}
			names, frags[name] = append(names, name), m.OpenAPI
		}
	}
	for _, name := range names {
		b := frags[name]
		var frag openAPIFragment
		if err := json.Unmarshal(b, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := mergeTags(doc, frag.Tags, name); err != nil {
			return nil, err
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

// mergeTags appends a fragment's tags to the document's; a tag named
// twice is a mistake.
func mergeTags(doc map[string]any, tags []json.RawMessage, file string) error {
	have, _ := doc["tags"].([]any)
	for _, raw := range tags {
		var tag map[string]any
		if err := json.Unmarshal(raw, &tag); err != nil {
			return fmt.Errorf("%s: tag: %w", file, err)
		}
		name, _ := tag["name"].(string)
		if name == "" {
			return fmt.Errorf("%s: a tag has no name", file)
		}
		for _, t := range have {
			if t.(map[string]any)["name"] == name {
				return fmt.Errorf("%s: tag %q is already defined", file, name)
			}
		}
		have = append(have, tag)
	}
	if have != nil {
		doc["tags"] = have
	}
	return nil
}
