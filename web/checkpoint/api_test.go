package checkpoint_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fugong/cmd/fugong/wiring"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// The contract the outside checks use: a post made through the API, its
// code decoded by a real decoder (ZBar) to an absolute URL on this
// server, the public form it opens without a session, its submission to
// the number page, the staff's list and confirmation, and the fever alert
// in the town's alerts.

// zbarimg is ZBar's decoder (Debian's zbar-tools); as qrcode's tests do,
// a missing decoder fails rather than skips.
func zbarimg(t *testing.T) string {
	t.Helper()
	p := os.Getenv("FUGONG_ZBARIMG")
	if p == "" {
		p = "zbarimg"
	}
	path, err := exec.LookPath(p)
	if err != nil {
		t.Fatalf("the QR decode test needs zbarimg (apt-get install zbar-tools, or set FUGONG_ZBARIMG): %v", err)
	}
	return path
}

func decodeQR(t *testing.T, png []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(f, png, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbarimg(t), "--quiet", "--raw", f).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimRight(string(out), "\n")
}

// phone is a traveller's browser: no session, its own cookies, redirects
// not followed.
type phone struct {
	c *http.Client
}

func newPhone(t *testing.T) *phone {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &phone{c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *phone) do(t *testing.T, method, u string, form url.Values) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := p.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

type postOut struct {
	ID    int64  `json:"id"`
	Town  string `json:"town"`
	Kind  string `json:"kind"`
	QRPNG string `json:"qr_png"`
}

func addPost(t *testing.T, e *webtest.Env, role string, town string) postOut {
	t.Helper()
	r := e.As(t, role, "POST", "/api/v1/checkpoints", webtest.JSON(map[string]string{"name": "飞云江大桥卡口", "town": town, "kind": "road"}))
	if r.Status != 201 {
		t.Fatalf("add post: %d %s", r.Status, r.Body)
	}
	var p postOut
	r.Decode(t, &p)
	if p.ID <= 0 || p.Kind != "road" {
		t.Fatalf("post %+v", p)
	}
	return p
}

// scanURL is where the post's code points, read from its PNG by ZBar.
func scanURL(t *testing.T, e *webtest.Env, role string, p postOut) string {
	t.Helper()
	r := e.As(t, role, "GET", p.QRPNG, webtest.Payload{})
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	return decodeQR(t, r.Body)
}

var numberRe = regexp.MustCompile(`id="number">([2-9A-Z]{6})<`)

func TestScanToConfirm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		p := addPost(t, e, webtest.RoleTown, "塘下镇")
		u := scanURL(t, e, webtest.RoleTown, p)
		if !strings.HasPrefix(u, e.Server.URL+"/scan/") {
			t.Fatalf("the code reads %q, not an absolute URL on %s", u, e.Server.URL)
		}
		ph := newPhone(t)
		status, h, page := ph.do(t, "GET", u, nil)
		if status != 200 || !strings.Contains(page, `name="id_number"`) || !strings.Contains(page, "飞云江大桥卡口") {
			t.Fatalf("the scanned URL: %d %.300s", status, page)
		}
		checkLight(t, h, page)

		status, h, _ = ph.do(t, "POST", u, travellerForm())
		if status != 303 {
			t.Fatalf("submit: %d", status)
		}
		status, h, page = ph.do(t, "GET", e.Server.URL+h.Get("Location"), nil)
		m := numberRe.FindStringSubmatch(page)
		if status != 200 || m == nil {
			t.Fatalf("number page: %d %.500s", status, page)
		}
		checkLight(t, h, page)
		number := m[1]
		// The number's code, drawn as the page's style shows it (square
		// pixels, 180 wide), reads as the number.
		if got := decodeQR(t, scaledDataPNG(t, page)); got != number {
			t.Errorf("the number page's code reads %q, want %s", got, number)
		}

		// The staff's list: masked, pending.
		r := e.As(t, webtest.RoleTown, "GET", "/api/v1/checkpoints/"+id(p.ID)+"/registrations?date="+e.Today()+"&status=pending", webtest.Payload{})
		var list struct {
			Items []struct {
				ID        int64  `json:"id"`
				Number    string `json:"number"`
				Name      string `json:"name"`
				IDNumber  string `json:"id_number"`
				Direction string `json:"direction"`
				Status    string `json:"status"`
			} `json:"items"`
			Total int `json:"total"`
		}
		r.Decode(t, &list)
		if r.Status != 200 || list.Total != 1 || len(list.Items) != 1 {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		it := list.Items[0]
		if it.Number != number || it.Name != "张三" || it.IDNumber != "330381********1230" || it.Direction != "in" || it.Status != "pending" {
			t.Errorf("item %+v", it)
		}
		if bytes.Contains(r.Body, []byte(idA)) || bytes.Contains(r.Body, []byte("13812345678")) {
			t.Error("the list holds a whole ID number or phone")
		}

		// Confirmed at 37.5: the town's alert; none for another town.
		r = e.As(t, webtest.RoleTown, "POST", "/api/v1/registrations/"+id(it.ID)+"/confirm", webtest.JSON(map[string]float64{"celsius": 37.5}))
		if r.Status != 200 || !bytes.Contains(r.Body, []byte(`"status":"confirmed"`)) {
			t.Fatalf("confirm: %d %s", r.Status, r.Body)
		}
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/alerts", webtest.Payload{})
		var alerts struct {
			Items []struct {
				Kind      string  `json:"kind"`
				Town      string  `json:"town"`
				Reference string  `json:"reference"`
				Celsius   float64 `json:"celsius"`
			} `json:"items"`
		}
		r.Decode(t, &alerts)
		if len(alerts.Items) != 1 || alerts.Items[0].Kind != "fever" || alerts.Items[0].Town != webtest.TownTangxia ||
			alerts.Items[0].Reference != "registration:"+id(it.ID) || alerts.Items[0].Celsius != 37.5 {
			t.Errorf("塘下's alerts: %s", r.Body)
		}
		// A fever at a 仙降 post is 仙降's, not 塘下's.
		f := fx(e)
		reg := register(e, f.xian)
		if r := e.As(t, webtest.RoleCheckpoint, "POST", "/api/v1/registrations/"+id(reg.ID)+"/confirm",
			webtest.JSON(map[string]float64{"celsius": 38.2})); r.Status != 200 {
			t.Fatalf("staff confirm: %d %s", r.Status, r.Body)
		}
		r = e.As(t, webtest.RoleTown, "GET", "/api/v1/alerts", webtest.Payload{})
		if bytes.Contains(r.Body, []byte("registration:"+id(reg.ID))) {
			t.Errorf("塘下 sees 仙降's alert: %s", r.Body)
		}
		r = e.As(t, webtest.RoleAdmin, "GET", "/api/v1/alerts?town="+webtest.TownXianjiang, webtest.Payload{})
		if !bytes.Contains(r.Body, []byte("registration:"+id(reg.ID))) {
			t.Errorf("the admin does not see 仙降's alert: %s", r.Body)
		}
	})
}

// checkLight checks a public page is what a cheap phone on a slow network
// loads at once: under 30 KB, no script, nothing else to fetch, its one
// style allowed by the hash its policy names.
func checkLight(t *testing.T, h http.Header, page string) {
	t.Helper()
	t.Logf("public page: %d bytes", len(page))
	if len(page) >= 30<<10 {
		t.Errorf("the public page is %d bytes", len(page))
	}
	low := strings.ToLower(page)
	for _, bad := range []string{"<script", "<link", "src=\"http", "src=\"/", "href=\"http", "@import", "url("} {
		if strings.Contains(low, bad) {
			t.Errorf("the public page has %q", bad)
		}
	}
	i, j := strings.Index(page, "<style>"), strings.Index(page, "</style>")
	if i < 0 || j < i {
		t.Fatal("no inline style")
	}
	sum := sha256.Sum256([]byte(page[i+len("<style>") : j]))
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the style's hash is not in the policy %q", csp)
	}
}

func TestScanForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		f := fx(e)
		u := e.Server.URL + "/scan/" + string(f.xian.Token)
		ph := newPhone(t)

		// A bad ID number: the form again, the error beside the field, the
		// other answers kept, nothing stored.
		v := travellerForm()
		v.Set("id_number", "330381199001011231")
		v.Set("direction", "out")
		v.Set("cough", "yes")
		status, h, page := ph.do(t, "POST", u, v)
		if status != 400 {
			t.Fatalf("bad ID: %d", status)
		}
		checkLight(t, h, page)
		for _, want := range []string{`id="e-id_number"`, "校验", `value="张三"`, `value="温州市鹿城区"`, `value="浙C3L580"`,
			`value="out" checked`, `name="cough" value="yes" checked`, `value="330381199001011231"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the refused form lacks %q", want)
			}
		}
		if i, j := strings.Index(page, `name="id_number"`), strings.Index(page, `id="e-id_number"`); j < i || j-i > 600 {
			t.Errorf("the ID number's error is not beside its field (%d, %d)", i, j)
		}
		if r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/checkpoints/"+id(f.xian.ID)+"/registrations", webtest.Payload{}); !bytes.Contains(r.Body, []byte(`"total":1`)) {
			t.Errorf("a refused form stored something: %s", r.Body)
		}

		// Remember me: the cookie holds a random reference only; the next
		// scan shows the details with the ID number masked, and submitted
		// unchanged they stand for the whole one.
		v = travellerForm()
		v.Set("remember", "on")
		if status, _, _ := ph.do(t, "POST", u, v); status != 303 {
			t.Fatalf("remember: %d", status)
		}
		pu, _ := url.Parse(u)
		var ref string
		for _, c := range ph.c.Jar.Cookies(pu) {
			if c.Name == "fugong_traveller" {
				ref = c.Value
			}
		}
		if len(ref) != 22 || strings.Contains(ref, "3303") {
			t.Fatalf("the cookie %q", ref)
		}
		_, _, page = ph.do(t, "GET", u, nil)
		if !strings.Contains(page, `value="330381********1230"`) || strings.Contains(page, idA) || !strings.Contains(page, `value="138****5678"`) {
			t.Fatalf("the remembered form: %.2000s", page)
		}
		again := url.Values{"name": {"张三"}, "id_number": {"330381********1230"}, "phone": {"138****5678"}, "origin": {"温州"},
			"destination": {"瑞安"}, "direction": {"out"}, "fever": {"no"}, "cough": {"no"}, "high_risk_area": {"no"},
			"health_code": {"green"}, "remember": {"on"}}
		if status, _, body := ph.do(t, "POST", u, again); status != 303 {
			t.Fatalf("the remembered traveller's second registration: %d %.500s", status, body)
		}

		// Another site's page cannot post the form from the traveller's
		// browser (the server's cross-origin protection).
		req, err := http.NewRequest("POST", u, strings.NewReader(travellerForm().Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		res, err := ph.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("a cross-site post: %d", res.StatusCode)
		}

		// Bounded: a body over 16 KB is refused.
		big := travellerForm()
		big.Set("origin", strings.Repeat("x", 20<<10))
		if status, _, _ := ph.do(t, "POST", u, big); status != 413 {
			t.Errorf("a 20 KB form: %d", status)
		}
	})
}

func TestReplacedToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		p := addPost(t, e, webtest.RoleAdmin, webtest.TownXianjiang)
		old := scanURL(t, e, webtest.RoleAdmin, p)
		if r := e.As(t, webtest.RoleAdmin, "POST", "/api/v1/checkpoints/"+id(p.ID)+"/token", webtest.Payload{}); r.Status != 200 {
			t.Fatalf("replace: %d %s", r.Status, r.Body)
		}
		ph := newPhone(t)
		status, _, page := ph.do(t, "GET", old, nil)
		if status != 404 || !strings.Contains(page, "此二维码已停用") || strings.Contains(page, "<form") {
			t.Errorf("the old code: %d %.400s", status, page)
		}
		if status, _, _ := ph.do(t, "POST", old, travellerForm()); status != 404 {
			t.Errorf("a registration through the old code: %d", status)
		}
		if status, _, page := ph.do(t, "GET", scanURL(t, e, webtest.RoleAdmin, p), nil); status != 200 || !strings.Contains(page, "<form") {
			t.Errorf("the new code: %d", status)
		}
	})
}

func TestScanRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db)
		f := fx(e)
		ph := newPhone(t)
		u := e.Server.URL + "/scan/" + string(f.xian.Token)
		limited := 0
		for i := range 70 {
			status, h, page := ph.do(t, "GET", u, nil)
			if status == 429 {
				limited++
				if h.Get("Retry-After") == "" || !strings.Contains(page, "请求过于频繁") {
					t.Errorf("429 without Retry-After or message: %q", h.Get("Retry-After"))
				}
				continue
			}
			if status != 200 {
				t.Fatalf("request %d: %d", i, status)
			}
		}
		if limited < 30 {
			t.Errorf("70 requests at once from one address: %d refused", limited)
		}
		// Guessing tokens is limited too: all wrong tokens are one post.
		guessed := 0
		for i := range 40 {
			tok := base64.RawURLEncoding.EncodeToString(append(bytes.Repeat([]byte{1}, 15), byte(i)))
			if status, _, _ := ph.do(t, "GET", e.Server.URL+"/scan/"+tok, nil); status == 429 {
				guessed++
			}
		}
		if guessed == 0 {
			t.Error("40 guessed tokens from one address, none refused")
		}
		// Another post from the same address is not refused.
		if status, _, _ := ph.do(t, "GET", e.Server.URL+"/scan/"+string(f.tang.Token), nil); status != 200 {
			t.Errorf("another post from the same address: %d", status)
		}
	})
}

// The code's address: the configured public URL when there is one, else
// the request's scheme (HTTPS when a trusted proxy says so) and host.
func TestScanURLBase(t *testing.T) {
	db := storetest.Open(t, storetest.DSN(t, "sqlite"))
	e := webtest.NewWith(t, db, time.Time{}, wiring.Options{PublicURL: "https://fugong.example.cn",
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	p := addPost(t, e, webtest.RoleAdmin, "塘下镇")
	if u := scanURL(t, e, webtest.RoleAdmin, p); !strings.HasPrefix(u, "https://fugong.example.cn/scan/") {
		t.Errorf("with a public URL the code reads %q", u)
	}
	e.Services.Checkpoints.PublicURL = ""
	// Through a trusted proxy that says the browser used HTTPS, on the
	// host the browser asked for.
	req, err := http.NewRequest("GET", e.Server.URL+p.QRPNG, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.Tokens[webtest.RoleAdmin])
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Host = "kakou.ruian.gov.cn"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("qr.png through the proxy: %d", res.StatusCode)
	}
	if u := decodeQR(t, b); !strings.HasPrefix(u, "https://kakou.ruian.gov.cn/scan/") {
		t.Errorf("through an HTTPS proxy the code reads %q", u)
	}
	png := e.As(t, webtest.RoleAdmin, "GET", p.QRPNG, webtest.Payload{})
	if u := decodeQR(t, png.Body); !strings.HasPrefix(u, e.Server.URL+"/scan/") {
		t.Errorf("without a public URL the code reads %q", u)
	}
}

var dataPNG = regexp.MustCompile(`src="data:image/png;base64,([^"]+)"`)

// scaledDataPNG is the page's one PNG data URI scaled 6 times with
// square pixels, as a phone shows it under image-rendering: pixelated.
func scaledDataPNG(t *testing.T, page string) []byte {
	t.Helper()
	m := dataPNG.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no PNG data URI on the page")
	}
	raw, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	const k = 6
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := range b.Dy() * k {
		for x := range b.Dx() * k {
			out.Set(x, y, img.At(b.Min.X+x/k, b.Min.Y+y/k))
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
