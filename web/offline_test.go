package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"io/fs"
	"net/url"
	"strings"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

// The installable app: the manifest with the Chinese name, the role's home
// page as the start and icons Android accepts (PNG 192 and 512 that decode
// to their size); the service worker as JavaScript at the root; every page
// linking the manifest, and a signed-in page the offline scripts.
func TestInstallableApp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browserLogin(t, roleClerk)
		m := b.get(t, "/manifest.webmanifest")
		var man struct {
			Name     string `json:"name"`
			StartURL string `json:"start_url"`
			Display  string `json:"display"`
			Icons    []struct {
				Src, Sizes, Type string
			} `json:"icons"`
		}
		if err := json.Unmarshal(m.body, &man); err != nil || m.status != 200 || !strings.HasPrefix(m.header.Get("Content-Type"), "application/manifest+json") {
			t.Fatalf("manifest: %d %q %v", m.status, m.header.Get("Content-Type"), err)
		}
		if man.Name != "瑞安市经信局复工复产指挥平台" || man.StartURL != "/" || man.Display != "standalone" {
			t.Errorf("manifest %+v", man)
		}
		sizes := map[string]bool{}
		for _, ic := range man.Icons {
			if ic.Type != "image/png" {
				continue
			}
			r := b.get(t, ic.Src)
			img, err := png.Decode(bytes.NewReader(r.body))
			if err != nil || r.status != 200 {
				t.Fatalf("icon %s: %d %v", ic.Src, r.status, err)
			}
			if got := img.Bounds(); ic.Sizes != fmt.Sprintf("%dx%d", got.Dx(), got.Dy()) {
				t.Errorf("icon %s is %v, the manifest says %s", ic.Src, got, ic.Sizes)
			}
			sizes[ic.Sizes] = true
		}
		if !sizes["192x192"] || !sizes["512x512"] {
			t.Errorf("icon sizes %v", sizes)
		}
		if r := b.get(t, "/icons/64.png"); r.status != 404 {
			t.Errorf("an icon not listed: %d", r.status)
		}

		sw := b.get(t, "/sw.js")
		if sw.status != 200 || !strings.HasPrefix(sw.header.Get("Content-Type"), "text/javascript") || !bytes.Contains(sw.body, []byte("importScripts('/static/offline-queue.js')")) {
			t.Errorf("sw.js: %d %q", sw.status, sw.header.Get("Content-Type"))
		}
		home := b.get(t, "/")
		for _, want := range []string{`<link rel="manifest" href="/manifest.webmanifest">`, `<script src="/static/offline.js" defer></script>`} {
			if !bytes.Contains(home.body, []byte(want)) {
				t.Errorf("the home page lacks %s", want)
			}
		}
		login := send(t, e.srv.Client(), "GET", e.srv.URL+"/login", payload{}, nil)
		if !bytes.Contains(login.body, []byte(`rel="manifest"`)) || bytes.Contains(login.body, []byte("offline.js")) {
			t.Errorf("the login page links the manifest and no offline script")
		}

		// Logging out clears what the phone kept for offline use.
		out := b.postForm(t, "/logout", url.Values{"csrf": {csrfOf(t, home.body)}})
		if out.status != 303 || out.header.Get("Clear-Site-Data") != `"cache", "storage"` {
			t.Errorf("logout: %d Clear-Site-Data %q", out.status, out.header.Get("Clear-Site-Data"))
		}
	})
}

// The offline scripts stay small: tens of KB, no build step.
func TestOfflineScriptsSmall(t *testing.T) {
	total := 0
	for _, name := range []string{"static/sw.js", "static/offline-queue.js", "static/offline.js"} {
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("http://")) || bytes.Contains(b, []byte("https://")) {
			t.Errorf("%s loads something from elsewhere", name)
		}
		total += len(b)
	}
	if total > 30<<10 {
		t.Errorf("the offline scripts are %d bytes", total)
	}
	t.Logf("offline scripts: %d bytes", total)
}
