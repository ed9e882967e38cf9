package qrcode

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	goqr "github.com/piglig/go-qr"
)

// urls are what the checkpoints put in their codes: a post's scan URL
// with a 22-character token, behind hosts of several lengths.
var urls = []string{
	"https://fugong.ruian.gov.cn/scan/3q2-7wEVR4-cAeT0QW_9kA",
	"http://127.0.0.1:8080/scan/AAAAAAAAAAAAAAAAAAAAAA",
	"https://a.example/scan/_-_-_-_-_-_-_-_-_-_-_-",
}

func TestPNGDecodes(t *testing.T) {
	for _, u := range urls {
		for _, scale := range []int{0, 2, 8} {
			b, err := PNG(u, scale)
			if err != nil {
				t.Fatalf("PNG(%q, %d): %v", u, scale, err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("PNG(%q, %d) is not a PNG: %v", u, scale, err)
			}
			if s := max(scale, 1); scale != 0 && img.Bounds().Dx()%s != 0 {
				t.Errorf("PNG at scale %d is %d pixels wide", scale, img.Bounds().Dx())
			}
			if got, err := goqr.Decode(img); err != nil || got != u {
				t.Errorf("PNG(%q, %d) decodes to %q, %v", u, scale, got, err)
			}
		}
	}
}

// svgModules reads the dark modules back from an SVG as the library
// writes it (a unit square "Mx,yh1v1h-1z" per module) into an image, 8
// pixels a module.
func svgModules(t *testing.T, svg []byte) image.Image {
	t.Helper()
	vb := regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`).FindSubmatch(svg)
	if vb == nil || string(vb[1]) != string(vb[2]) {
		t.Fatalf("no square viewBox in %.200s", svg)
	}
	n, _ := strconv.Atoi(string(vb[1]))
	const px = 8
	img := image.NewGray(image.Rect(0, 0, n*px, n*px))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	squares := regexp.MustCompile(`M(\d+),(\d+)h1v1h-1z`).FindAllSubmatch(svg, -1)
	if len(squares) == 0 {
		t.Fatalf("no modules in %.200s", svg)
	}
	for _, m := range squares {
		x, _ := strconv.Atoi(string(m[1]))
		y, _ := strconv.Atoi(string(m[2]))
		if x < Border || y < Border || x >= n-Border || y >= n-Border {
			t.Fatalf("module (%d,%d) in the quiet zone of %d", x, y, n)
		}
		for dy := range px {
			for dx := range px {
				img.SetGray(x*px+dx, y*px+dy, color.Gray{})
			}
		}
	}
	return img
}

func TestSVGDecodes(t *testing.T) {
	for _, u := range urls {
		b, err := SVG(u)
		if err != nil {
			t.Fatalf("SVG(%q): %v", u, err)
		}
		if !bytes.HasPrefix(b, []byte("<svg ")) || !bytes.Contains(b, []byte(`xmlns="http://www.w3.org/2000/svg"`)) {
			t.Errorf("SVG(%q) does not start as an SVG: %.80s", u, b)
		}
		if got, err := goqr.Decode(svgModules(t, b)); err != nil || got != u {
			t.Errorf("SVG(%q) decodes to %q, %v", u, got, err)
		}
	}
}

func TestRefused(t *testing.T) {
	long := "https://x.example/" + strings.Repeat("a", MaxText)
	for _, tc := range []struct {
		text  string
		scale int
	}{{"", 0}, {long, 0}, {urls[0], -1}, {urls[0], MaxScale + 1}} {
		if _, err := PNG(tc.text, tc.scale); err == nil {
			t.Errorf("PNG(%.20q, %d) drew a code", tc.text, tc.scale)
		}
	}
	if _, err := SVG(""); !errors.Is(err, ErrText) {
		t.Errorf("SVG of nothing: %v", err)
	}
	if _, err := SVG(long); !errors.Is(err, ErrText) {
		t.Errorf("SVG of %d bytes: %v", len(long), err)
	}
}

// zbarimg is ZBar's decoder (Debian's zbar-tools), independent of the
// library that drew the code: a code both read is a code phones read.
// FUGONG_ZBARIMG names it elsewhere than on the PATH. As the browser test
// does with Chromium, a missing decoder fails the test rather than
// skipping it: scripts/test-deps.sh installs it.
func zbarimg(t *testing.T) string {
	t.Helper()
	p := os.Getenv("FUGONG_ZBARIMG")
	if p == "" {
		p = "zbarimg"
	}
	path, err := exec.LookPath(p)
	if err != nil {
		t.Fatalf("the QR decode test needs zbarimg, not found as %q (apt-get install zbar-tools, or set FUGONG_ZBARIMG): %v", p, err)
	}
	return path
}

func TestZBarReadsPNGAndSVG(t *testing.T) {
	bin := zbarimg(t)
	dir := t.TempDir()
	for i, u := range urls {
		p, err := PNG(u, 0)
		if err != nil {
			t.Fatal(err)
		}
		s, err := SVG(u)
		if err != nil {
			t.Fatal(err)
		}
		var fromSVG bytes.Buffer
		if err := png.Encode(&fromSVG, svgModules(t, s)); err != nil {
			t.Fatal(err)
		}
		for kind, b := range map[string][]byte{"png": p, "svg": fromSVG.Bytes()} {
			f := filepath.Join(dir, strconv.Itoa(i)+"-"+kind+".png")
			if err := os.WriteFile(f, b, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, "--quiet", "--raw", f).Output()
			if got := strings.TrimRight(string(out), "\n"); err != nil || got != u {
				t.Errorf("zbarimg reads the %s of %q as %q (%v)", kind, u, got, err)
			}
		}
	}
}
