package web

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"strconv"
	"sync"
)

// The installable app: the manifest an Android phone installs fugong with
// (the Chinese name, the icons, opening on the role's home page), and the
// service worker that keeps the field forms working without a network
// (static/sw.js, static/offline-queue.js, static/offline.js). Both are
// served from the root, so the worker's scope is the whole site.

// iconSizes are the icons the manifest lists (Android asks for 192 and 512).
var iconSizes = []int{192, 512}

func (s *Server) manifest(w http.ResponseWriter, r *http.Request) {
	type icon struct {
		Src     string `json:"src"`
		Sizes   string `json:"sizes"`
		Type    string `json:"type"`
		Purpose string `json:"purpose,omitempty"`
	}
	icons := []icon{{Src: "/static/favicon.svg", Sizes: "any", Type: "image/svg+xml"}}
	for _, n := range iconSizes {
		sz := strconv.Itoa(n)
		icons = append(icons, icon{Src: "/icons/" + sz + ".png", Sizes: sz + "x" + sz, Type: "image/png", Purpose: "any maskable"})
	}
	b, err := json.Marshal(map[string]any{
		"name": "瑞安市经信局复工复产指挥平台", "short_name": "复工复产", "lang": "zh-CN",
		"start_url": "/", "scope": "/", "display": "standalone",
		"background_color": "#ffffff", "theme_color": "#b3261e", "icons": icons,
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/manifest+json; charset=utf-8")
	w.Write(b)
}

func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("static/sw.js")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Service-Worker-Allowed", "/")
	w.Write(b)
}

var (
	iconOnce sync.Once
	iconPNG  map[string][]byte
)

// appIcon serves the icon of a size the manifest lists, drawn once: the
// favicon's red square with a white bar chart, full bleed so Android's
// masks crop only the margin.
func (s *Server) appIcon(w http.ResponseWriter, r *http.Request) {
	iconOnce.Do(func() {
		iconPNG = map[string][]byte{}
		for _, n := range iconSizes {
			iconPNG[strconv.Itoa(n)+".png"] = drawIcon(n)
		}
	})
	b, ok := iconPNG[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(b)
}

func drawIcon(n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{0xb3, 0x26, 0x1e, 0xff}}, image.Point{}, draw.Src)
	white := &image.Uniform{color.White}
	// Three rising bars on a base line, inside the maskable safe zone.
	u := n / 16
	for i, h := range []int{3, 5, 7} {
		x := 5*u + i*2*u
		draw.Draw(img, image.Rect(x, 11*u-h*u, x+u+u/2, 11*u), white, image.Point{}, draw.Src)
	}
	draw.Draw(img, image.Rect(4*u, 11*u, 12*u, 11*u+u/2), white, image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
