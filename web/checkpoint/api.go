package checkpoint

import (
	"net/http"

	"fugong"
	"fugong/checkpoint"
	"fugong/qrcode"
	"fugong/web"
)

// The API (M8): posts and their codes, a post's registrations of a day,
// the staff's confirmation, the counts and the duty roster.

// postJSON is a post with where its code is drawn.
type postJSON struct {
	checkpoint.Post
	QRPNG string `json:"qr_png"`
	QRSVG string `json:"qr_svg"`
}

func postOut(p checkpoint.Post) postJSON {
	base := "/api/v1/checkpoints/" + idStr(p.ID)
	return postJSON{Post: p, QRPNG: base + "/qr.png", QRSVG: base + "/qr.svg"}
}

type postInput struct {
	Name     string `json:"name"`
	Town     string `json:"town"`
	Kind     string `json:"kind"`
	Location string `json:"location"`
}

func (m *module) apiAddPost(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in postInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := m.svc.AddPost(r.Context(), a, checkpoint.Post{Name: in.Name, Town: in.Town, Kind: checkpoint.Kind(in.Kind), Location: in.Location})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, postOut(p))
	return nil
}

func (m *module) apiPosts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ps, total, err := m.svc.Posts(r.Context(), a, checkpoint.PostFilter{Town: q.Get("town"), Kind: checkpoint.Kind(q.Get("kind")),
		Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	out := make([]postJSON, len(ps))
	for i, p := range ps {
		out[i] = postOut(p)
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(out, total, pg))
	return nil
}

func (m *module) apiPost(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	p, err := m.post(r, a)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, postOut(p))
	return nil
}

func (m *module) post(r *http.Request, a fugong.Actor) (checkpoint.Post, error) {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return checkpoint.Post{}, err
	}
	return m.svc.Post(r.Context(), a, id)
}

// scanURL is the absolute address a post's code carries: on the
// configured public address, or on the scheme and host of the request.
func (m *module) scanURL(r *http.Request, p checkpoint.Post) string {
	base := m.svc.PublicURL
	if base == "" {
		base = web.RequestBase(r)
	}
	return p.Token.URL(base)
}

// apiQRPNG draws a post's code as a PNG, ?scale= pixels a module.
func (m *module) apiQRPNG(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	p, err := m.post(r, a)
	if err != nil {
		return err
	}
	scale, err := web.QueryInt(r, "scale")
	if err != nil {
		return err
	}
	if scale != 0 && (scale < qrcode.MinScale || scale > qrcode.MaxScale) {
		return fugong.Errorf(fugong.EInvalid, "scale", "scale 应在 %d–%d 之间", qrcode.MinScale, qrcode.MaxScale)
	}
	b, err := qrcode.PNG(m.scanURL(r, p), scale)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	_, err = w.Write(b)
	return err
}

func (m *module) apiQRSVG(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	p, err := m.post(r, a)
	if err != nil {
		return err
	}
	b, err := qrcode.SVG(m.scanURL(r, p))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, err = w.Write(b)
	return err
}

func (m *module) apiReplaceToken(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	p, err := m.svc.ReplaceToken(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, postOut(p))
	return nil
}

type assignInput struct {
	User int64 `json:"user"`
}

func (m *module) apiAssign(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	var in assignInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	as := checkpoint.Assignment{User: in.User, Post: id}
	if err := m.svc.Assign(r.Context(), a, as); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, as)
	return nil
}

// registrationJSON is a registration as the lists give it: masked.
type registrationJSON struct {
	ID          int64                `json:"id"`
	Post        int64                `json:"post"`
	Day         string               `json:"day"`
	Number      string               `json:"number"`
	Name        string               `json:"name"`
	IDNumber    string               `json:"id_number"`
	Phone       string               `json:"phone"`
	Plate       string               `json:"plate"`
	Origin      string               `json:"origin"`
	Destination string               `json:"destination"`
	Direction   checkpoint.Direction `json:"direction"`
	Health      checkpoint.Health    `json:"health"`
	Flags       []string             `json:"flags"`
	Status      string               `json:"status"`
	At          string               `json:"at"`
	ConfirmedAt *string              `json:"confirmed_at"`
	ConfirmedBy string               `json:"confirmed_by"`
	Celsius     *float64             `json:"celsius"`
	FeverAlert  bool                 `json:"fever_alert"`
}

func registrationOut(g checkpoint.Registration) registrationJSON {
	out := registrationJSON{ID: g.ID, Post: g.Post, Day: g.Day, Number: g.Number, Name: g.Name, IDNumber: g.IDNumber,
		Phone: g.Phone, Plate: g.Plate, Origin: g.Origin, Destination: g.Destination, Direction: g.Direction,
		Health: g.Health, Flags: g.Flags(), Status: checkpoint.StatusPending, At: g.At.Format("2006-01-02T15:04:05-07:00"),
		ConfirmedBy: g.ConfirmedBy, FeverAlert: g.FeverAlert}
	if out.Flags == nil {
		out.Flags = []string{}
	}
	if g.Confirmed() {
		out.Status = checkpoint.StatusConfirmed
		at := g.ConfirmedAt.Format("2006-01-02T15:04:05-07:00")
		c := g.Celsius
		out.ConfirmedAt, out.Celsius = &at, &c
	}
	return out
}

func (m *module) apiRegistrations(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	regs, total, err := m.svc.Registrations(r.Context(), a, id, checkpoint.RegistrationQuery{Day: q.Get("date"),
		Status: q.Get("status"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	out := make([]registrationJSON, len(regs))
	for i, g := range regs {
		out[i] = registrationOut(g)
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(out, total, pg))
	return nil
}

func (m *module) apiRegistration(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "登记")
	if err != nil {
		return err
	}
	g, err := m.svc.Registration(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, registrationOut(g))
	return nil
}

type confirmInput struct {
	Celsius *float64 `json:"celsius"`
}

type confirmJSON struct {
	registrationJSON
	Alert *checkpoint.Alert `json:"alert"`
}

func (m *module) apiConfirm(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "登记")
	if err != nil {
		return err
	}
	var in confirmInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Celsius == nil {
		return fugong.Errorf(fugong.EInvalid, "celsius", "体温必填")
	}
	g, alert, err := m.svc.Confirm(r.Context(), a, id, *in.Celsius)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, confirmJSON{registrationJSON: registrationOut(g), Alert: alert})
	return nil
}

func (m *module) apiCounts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	q := r.URL.Query()
	var post int64
	if v := q.Get("post"); v != "" {
		n, err := web.QueryInt(r, "post")
		if err != nil || n <= 0 {
			return fugong.Errorf(fugong.EInvalid, "post", "卡口编号应为正整数")
		}
		post = int64(n)
	}
	counts, err := m.svc.Counts(r.Context(), a, checkpoint.CountQuery{Post: post, Town: q.Get("town"), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(counts))
	return nil
}

func (m *module) apiRoster(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	week, err := m.svc.Roster(r.Context(), a, id, r.URL.Query().Get("from"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, week)
	return nil
}

type shiftInput struct {
	Day    string   `json:"day"`
	Start  string   `json:"start"`
	End    string   `json:"end"`
	People []string `json:"people"`
	Note   string   `json:"note"`
}

func (m *module) apiAddShift(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	var in shiftInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if len(in.People) > 10*checkpoint.MaxShiftPeople {
		return fugong.Errorf(fugong.EInvalid, "people", "值班人员不能超过%d人", checkpoint.MaxShiftPeople)
	}
	s, err := m.svc.SaveShift(r.Context(), a, checkpoint.Shift{Post: id, Day: in.Day, Start: in.Start, End: in.End,
		People: in.People, Note: in.Note})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, s)
	return nil
}

func (m *module) apiDeleteShift(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := web.PathID(r, "值班")
	if err != nil {
		return err
	}
	if err := m.svc.DeleteShift(r.Context(), a, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
