package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/qrcode"
	"fugong/registry"
	"fugong/web"
)

// The public pages a scanned code opens: the registration form, its
// submission and the page of the registration number. Nobody is signed
// in, so:
//
//   - each request passes the Limiter by its address and post (the post
//     of the token; every token that is no post's counts as one
//     UnknownPost) before the form is read, else 429;
//   - a body is at most maxScanBody bytes, and each value maxValue
//     (checkpoint.ParseForm);
//   - nothing on them reads a registration but the one the phone just
//     made, by its number (which says nothing of the traveller);
//   - a cross-site post is refused by the server's cross-origin
//     protection (the browser's Sec-Fetch-Site and Origin headers) and
//     the phone's cookie is SameSite=Lax: the form carries no token of its
//     own, since it has no session to bind one to, and a stale token
//     would cost a traveller in a queue their typing;
//   - the page is one document with its style inline (allowed by its
//     hash in the page's own Content-Security-Policy), no script, no
//     other request: a cheap phone on a slow network loads it in one
//     round trip.

// maxScanBody bounds a submitted form: twelve fields of at most 1 KB.
const maxScanBody = 16 << 10

// rememberCookie holds a phone's checkpoint.Ref, nothing else.
const rememberCookie = "fugong_traveller"

var publicCSS = mustRead("public/style.css")

// publicCSP lets the pages' one inline style run, and nothing else.
var publicCSP = func() string {
	sum := sha256.Sum256([]byte(publicCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}()

func mustRead(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(string(b))
}

func publicTemplates() *template.Template {
	funcs := template.FuncMap{
		"css":      func() template.CSS { return template.CSS(publicCSS) },
		"townName": func(code string) string { t, _ := registry.TownByNameOrCode(code); return t.Name },
	}
	return template.Must(template.New("public").Funcs(funcs).ParseFS(assets, "public/*.html"))
}

// option is a choice of a radio group.
type option struct{ Value, Label string }

var (
	directions  = []option{{"in", "进入"}, {"out", "离开"}}
	yesNo       = []option{{"no", "否"}, {"yes", "是"}}
	healthCodes = []option{{"green", "绿码"}, {"yellow", "黄码"}, {"red", "红码"}}
)

// field is one question of the form as shown.
type field struct {
	Name, Label, Value, Error, Type, Mode, Auto, Hint string
	Required                                          bool
	Options                                           []option
}

type scanPage struct {
	Title      string
	Post       checkpoint.Post
	Action     string
	Fields     []field
	Remembered bool
	Remember   bool
	Message    string
}

// fields are the form's questions with the values v and errors bad.
func fields(v map[string]string, bad map[string]string) []field {
	f := func(name, typ, mode, auto, hint string, required bool, opts []option) field {
		return field{Name: name, Label: checkpoint.FormLabels[name], Value: v[name], Error: bad[name], Type: typ,
			Mode: mode, Auto: auto, Hint: hint, Required: required, Options: opts}
	}
	return []field{
		f("name", "text", "text", "name", "", true, nil),
		f("id_number", "text", "text", "off", "18位，末位可为 X", true, nil),
		f("phone", "tel", "tel", "tel", "", true, nil),
		f("plate", "text", "text", "off", "步行或乘车可不填", false, nil),
		f("origin", "text", "text", "off", "如：温州市鹿城区", true, nil),
		f("destination", "text", "text", "off", "如：瑞安市塘下镇", true, nil),
		f("direction", "radio", "", "", "", true, directions),
		f("fever", "radio", "", "", "体温≥37.3℃", true, yesNo),
		f("cough", "radio", "", "", "", true, yesNo),
		f("high_risk_area", "radio", "", "", "", true, yesNo),
		f("health_code", "radio", "", "", "", true, healthCodes),
	}
}

// scanPost finds the post of the request's token and takes the request
// from its address's and the post's allowance: the post, or false when the
// request was answered (429 past the limit; a code that opens no form,
// with why).
func (m *module) scanPost(w http.ResponseWriter, r *http.Request) (checkpoint.Post, bool) {
	p, err := m.svc.Scan(r.Context(), r.PathValue("token"))
	if e := fugong.AsError(err); err != nil && (e == nil || e.Code != fugong.ENotFound) {
		m.publicError(w, r, err)
		return p, false
	}
	key := checkpoint.UnknownPost
	if p.ID > 0 {
		key = idStr(p.ID)
	}
	addr, ok := web.ClientAddr(r)
	if !ok {
		addr = netip.IPv4Unspecified()
	}
	if allowed, retry := m.limiter().Allow(addr, key); !allowed {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(1, retry.Round(time.Second)/time.Second))))
		m.message(w, http.StatusTooManyRequests, "请求过于频繁", "本设备提交过于频繁，请稍等片刻再试；如需帮助，请联系卡口工作人员。")
		return p, false
	}
	if err != nil {
		m.message(w, http.StatusNotFound, "二维码无法使用", fugong.AsError(err).Message)
		return p, false
	}
	return p, true
}

func (m *module) scanForm(w http.ResponseWriter, r *http.Request) {
	p, ok := m.scanPost(w, r)
	if !ok {
		return
	}
	page := scanPage{Title: p.Name + " 扫码登记", Post: p, Action: checkpoint.ScanPath + string(p.Token)}
	v := map[string]string{}
	if c, err := r.Cookie(rememberCookie); err == nil {
		if t := m.svc.Recall(r.Context(), c.Value); t != nil {
			shown := t.Masked()
			v = map[string]string{"name": shown.Name, "id_number": shown.IDNumber, "phone": shown.Phone,
				"plate": shown.Plate, "origin": shown.Origin, "destination": shown.Destination}
			page.Remembered, page.Remember = true, true
		}
	}
	page.Fields = fields(v, nil)
	m.render(w, http.StatusOK, "scan.html", page)
}

func (m *module) scanSubmit(w http.ResponseWriter, r *http.Request) {
	// The limit first: a refused request's body is not read.
	p, ok := m.scanPost(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxScanBody)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			m.message(w, http.StatusRequestEntityTooLarge, "提交内容过长", "请检查填写的内容后重新提交。")
			return
		}
		m.message(w, http.StatusBadRequest, "提交内容无法读取", "请返回重新扫码登记。")
		return
	}
	cookie := ""
	if c, err := r.Cookie(rememberCookie); err == nil {
		cookie = c.Value
	}
	reg, err := m.svc.Register(r.Context(), p, r.PostForm, cookie)
	var fe *checkpoint.FormError
	if errors.As(err, &fe) {
		bad := map[string]string{}
		for _, pr := range fugong.AsError(fe.Err).Problems {
			bad[pr.Field] = pr.Message
		}
		v := map[string]string{}
		for _, name := range checkpoint.FormFields {
			if s := r.PostForm.Get(name); len(s) <= 1024 {
				v[name] = strings.TrimSpace(s)
			}
		}
		page := scanPage{Title: p.Name + " 扫码登记", Post: p, Action: checkpoint.ScanPath + string(p.Token),
			Fields: fields(v, bad), Remember: fe.Form.Remember, Remembered: m.svc.Recall(r.Context(), cookie) != nil,
			Message: "有 " + strconv.Itoa(len(bad)) + " 项需要修改，请查看标红的内容"}
		m.render(w, http.StatusBadRequest, "scan.html", page)
		return
	}
	if err != nil {
		m.publicError(w, r, err)
		return
	}
	c := &http.Cookie{Name: rememberCookie, Path: checkpoint.ScanPath, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: web.SecureCookies(r)}
	switch {
	case reg.Ref != "":
		c.Value, c.MaxAge = string(reg.Ref), int(checkpoint.RememberFor/time.Second)
		http.SetCookie(w, c)
	case reg.Forget:
		c.MaxAge = -1
		http.SetCookie(w, c)
	}
	http.Redirect(w, r, checkpoint.ScanPath+string(p.Token)+"/"+reg.Row.Number, http.StatusSeeOther)
}

type numberPage struct {
	Title  string
	Post   checkpoint.Post
	Number string
	Day    string
	QR     template.URL
	Back   string
}

func (m *module) scanNumber(w http.ResponseWriter, r *http.Request) {
	p, ok := m.scanPost(w, r)
	if !ok {
		return
	}
	n, valid := checkpoint.ParseNumber(r.PathValue("number"))
	if !valid {
		m.message(w, http.StatusNotFound, "登记号无效", "请重新扫码登记。")
		return
	}
	g, err := m.svc.ByNumber(r.Context(), fugong.System, p.ID, n)
	if err != nil {
		if fugong.ErrorCode(err) == fugong.ENotFound {
			m.message(w, http.StatusNotFound, "没有这个登记号", "登记号只在登记当天有效，请重新扫码登记。")
			return
		}
		m.publicError(w, r, err)
		return
	}
	// One pixel a module: the page's style draws it 180 pixels wide with
	// square pixels, so the phone does the scaling and the server draws
	// 29 × 29 pixels (a sixth of the work of drawing it big).
	png, err := qrcode.PNG(g.Number, 1)
	if err != nil {
		m.publicError(w, r, err)
		return
	}
	m.render(w, http.StatusOK, "number.html", numberPage{Title: "登记号 " + g.Number, Post: p, Number: g.Number, Day: g.Day,
		QR:   template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)),
		Back: checkpoint.ScanPath + string(p.Token)})
}

type messagePage struct{ Title, Text string }

func (m *module) message(w http.ResponseWriter, status int, title, text string) {
	m.render(w, status, "message.html", messagePage{Title: title, Text: text})
}

// publicError answers an error of the public pages: its message when it
// is the user's to read, else a plain apology (the detail is logged).
func (m *module) publicError(w http.ResponseWriter, r *http.Request, err error) {
	e := fugong.AsError(err)
	if e == nil || e.Code == fugong.EInternal {
		slog.Error("checkpoint: public page", "path", r.URL.Path, "err", err)
		m.message(w, http.StatusInternalServerError, "系统繁忙", "登记暂时无法完成，请稍后再试，或请卡口工作人员代为登记。")
		return
	}
	m.message(w, web.Status(e.Code), "无法登记", e.Message)
}

func (m *module) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := m.public.ExecuteTemplate(&b, name, data); err != nil {
		slog.Error("checkpoint: render", "page", name, "err", err)
		http.Error(w, "页面出错", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", publicCSP)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
