package checkpoint

import (
	"bytes"
	"errors"
	"fugong/account"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/checkpoint"
	"fugong/people"
	"fugong/qrcode"
	"fugong/registry"
	"fugong/web"
)

// The pages (M8, 卡口): the posts with the day's counts, a post's page
// (its registrations, the week's counts, its staff, its code), the A4
// poster, the staff's phone page (the pending registrations, finding one
// by number or ID card, confirming with the temperature, registering a
// traveller without a phone) and the week's duty roster.

func postPath(id int64) string { return "/checkpoints/" + idStr(id) }

// countRow is a post's counts of a day, both directions.
type countRow struct {
	Post                               checkpoint.Post
	KindName                           string
	In, Out, Confirmed, Fever, Flagged int
}

func (c countRow) Total() int { return c.In + c.Out }

// tally sums counts by post, in the order of posts.
func tally(posts []checkpoint.Post, counts []checkpoint.Count) []countRow {
	byPost := map[int64]*countRow{}
	out := make([]countRow, len(posts))
	for i, p := range posts {
		out[i] = countRow{Post: p, KindName: checkpoint.KindNames[p.Kind]}
		byPost[p.ID] = &out[i]
	}
	for _, c := range counts {
		row := byPost[c.Post]
		if row == nil {
			continue
		}
		if c.Direction == checkpoint.DirIn {
			row.In += c.Registered
		} else {
			row.Out += c.Registered
		}
		row.Confirmed += c.Confirmed
		row.Fever += c.Fever
		row.Flagged += c.Flagged
	}
	return out
}

type postForm struct {
	Name, Kind, Town, Location string
}

type postsPage struct {
	web.Base
	Day       string
	Town      string
	Towns     []registry.Town
	Rows      []countRow
	Total     countRow
	Page      int
	Pages     int
	CanManage bool
	Kinds     []option
	Form      postForm
	Errors    map[string]string
	Message   string
}

var kindOptions = func() []option {
	var out []option
	for _, k := range checkpoint.Kinds {
		out = append(out, option{string(k), checkpoint.KindNames[k]})
	}
	return out
}()

func (m *module) postsPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !checkpoint.SeesPosts(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	return m.renderPosts(w, r, ss, http.StatusOK, postForm{}, nil, "")
}

func (m *module) renderPosts(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, form postForm, bad map[string]string, msg string) error {
	a := ss.Actor()
	q := r.URL.Query()
	pg := web.PageOf(r, 50)
	town := q.Get("town")
	posts, total, err := m.svc.Posts(r.Context(), a, checkpoint.PostFilter{Town: town, Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	day := m.svc.Today()
	counts, err := m.svc.Counts(r.Context(), a, checkpoint.CountQuery{Town: town, From: day, To: day})
	if err != nil {
		return err
	}
	p := postsPage{Base: ss.Base("卡口", "/checkpoints"), Day: day, Town: town, Towns: web.TownsFor(a),
		Rows: tally(posts, counts), Page: pg.Page, Pages: pg.Pages(total), CanManage: checkpoint.CanManage(a),
		Kinds: kindOptions, Form: form, Errors: bad, Message: msg}
	if p.Form.Town == "" && a.Role == fugong.RoleTown {
		p.Form.Town = a.Town
	}
	for _, c := range counts {
		if c.Direction == checkpoint.DirIn {
			p.Total.In += c.Registered
		} else {
			p.Total.Out += c.Registered
		}
		p.Total.Confirmed += c.Confirmed
		p.Total.Fever += c.Fever
		p.Total.Flagged += c.Flagged
	}
	ss.Render(w, r, status, "checkpoints", p)
	return nil
}

func (m *module) postCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !checkpoint.SeesPosts(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	f := postForm{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Town: r.PostFormValue("town"),
		Location: r.PostFormValue("location")}
	p, err := m.svc.AddPost(r.Context(), ss.Actor(), checkpoint.Post{Name: f.Name, Kind: checkpoint.Kind(f.Kind), Town: f.Town, Location: f.Location})
	if err == nil {
		return web.SeeOther(w, r, postPath(p.ID))
	}
	fail, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.renderPosts(w, r, ss, fail.Status, f, fail.Fields, fail.Message)
}

// ---- A post's page ---------------------------------------------------------

type dayCount struct {
	Day                                string
	In, Out, Confirmed, Fever, Flagged int
}

type postPage struct {
	web.Base
	Post       checkpoint.Post
	KindName   string
	Day        string
	Status     string
	Items      []regView
	Total      int
	Days       []dayCount
	CanManage  bool
	CanReplace bool
	CanWork    bool
	Replaced   bool
	Assigned   bool
	Error      string
}

// regView is a registration as the pages list it, masked.
type regView struct {
	checkpoint.Registration
	Flags     []string
	DirName   string
	Time      string
	Confirmed string
}

func viewOf(g checkpoint.Registration) regView {
	v := regView{Registration: g, Flags: g.Flags(), DirName: checkpoint.DirectionNames[g.Direction],
		Time: g.At.In(fugong.Location).Format("15:04")}
	if g.Confirmed() {
		v.Confirmed = g.ConfirmedAt.In(fugong.Location).Format("15:04")
	}
	return v
}

func views(gs []checkpoint.Registration) []regView {
	out := make([]regView, len(gs))
	for i, g := range gs {
		out[i] = viewOf(g)
	}
	return out
}

func (m *module) postPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.renderPost(w, r, ss, http.StatusOK, "")
}

func (m *module) renderPost(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, msg string) error {
	a := ss.Actor()
	p, err := m.post(r, a)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	day := q.Get("date")
	items, total, err := m.svc.Registrations(r.Context(), a, p.ID, checkpoint.RegistrationQuery{Day: day, Status: q.Get("status"), PerPage: 200})
	if err != nil {
		return err
	}
	if day == "" {
		day = m.svc.Today()
	}
	counts, err := m.svc.Counts(r.Context(), a, checkpoint.CountQuery{Post: p.ID, From: people.AddDays(day, -6), To: day})
	if err != nil {
		return err
	}
	page := postPage{Base: ss.Base(p.Name, "/checkpoints"), Post: p, KindName: checkpoint.KindNames[p.Kind], Day: day,
		Status: q.Get("status"), Items: views(items), Total: total, CanManage: checkpoint.CanManage(a),
		CanReplace: checkpoint.CanReplaceToken(a), CanWork: m.svc.CanWork(r.Context(), a, p.ID),
		Replaced: q.Get("replaced") == "1", Assigned: q.Get("assigned") == "1", Error: msg}
	byDay := map[string]*dayCount{}
	for i := 6; i >= 0; i-- {
		d := people.AddDays(day, -i)
		page.Days = append(page.Days, dayCount{Day: d})
		byDay[d] = &page.Days[len(page.Days)-1]
	}
	for _, c := range counts {
		dc := byDay[c.Day]
		if dc == nil {
			continue
		}
		if c.Direction == checkpoint.DirIn {
			dc.In += c.Registered
		} else {
			dc.Out += c.Registered
		}
		dc.Confirmed += c.Confirmed
		dc.Fever += c.Fever
		dc.Flagged += c.Flagged
	}
	ss.Render(w, r, status, "checkpoint", page)
	return nil
}

func (m *module) tokenReplace(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	if _, err := m.svc.ReplaceToken(r.Context(), ss.Actor(), id); err != nil {
		return err
	}
	return web.SeeOther(w, r, postPath(id)+"?replaced=1")
}

func (m *module) staffAssign(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	user, perr := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("user")), 10, 64)
	if perr != nil || user <= 0 {
		err = fugong.Errorf(fugong.EInvalid, "user", "用户编号应为正整数（见用户管理）")
	} else {
		err = m.svc.Assign(r.Context(), ss.Actor(), checkpoint.Assignment{User: user, Post: id})
	}
	if err == nil {
		return web.SeeOther(w, r, postPath(id)+"?assigned=1")
	}
	fail, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.renderPost(w, r, ss, fail.Status, fail.Message)
}

// ---- The poster ----------------------------------------------------------------

type posterPage struct {
	web.Base
	Post     checkpoint.Post
	TownName string
	KindName string
	QR       template.HTML
}

// inlineSVG is a code's SVG for a page: without its XML declaration and
// doctype, which only a file has.
func inlineSVG(b []byte) template.HTML {
	if i := bytes.Index(b, []byte("<svg")); i >= 0 {
		b = b[i:]
	}
	return template.HTML(b) // drawn by package qrcode from a URL of ours: paths and rects only
}

func (m *module) posterPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p, err := m.post(r, ss.Actor())
	if err != nil {
		return err
	}
	svg, err := qrcode.SVG(m.scanURL(r, p))
	if err != nil {
		return err
	}
	t, _ := registry.TownByNameOrCode(p.Town)
	ss.Render(w, r, http.StatusOK, "checkpoint_poster", posterPage{Base: ss.Base(p.Name+" 登记二维码", "/checkpoints"),
		Post: p, TownName: t.Name, KindName: checkpoint.KindNames[p.Kind], QR: inlineSVG(svg)})
	return nil
}

// ---- The staff's phone page ------------------------------------------------

type deskPage struct {
	web.Base
	Post       checkpoint.Post
	Pending    []regCard
	Total      int
	Found      []regCard
	Searched   bool
	Number     string
	Errors     map[string]string
	Message    string
	Notice     string
	FeverAlert bool
}

func (m *module) deskPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	p, err := m.post(r, a)
	if err != nil {
		return err
	}
	d := deskPage{Errors: map[string]string{}}
	q := r.URL.Query()
	if n := strings.TrimSpace(q.Get("number")); n != "" {
		d.Number, d.Searched = n, true
		g, err := m.svc.ByNumber(r.Context(), a, p.ID, n)
		switch {
		case err == nil:
			d.Found = cards([]regView{viewOf(g)}, ss.CSRF())
		case fugong.ErrorCode(err) == fugong.EInvalid || fugong.ErrorCode(err) == fugong.ENotFound:
			d.Errors["number"] = fugong.AsError(err).Message
		default:
			return err
		}
	}
	if c := q.Get("confirmed"); c != "" {
		d.Notice = "登记号 " + c + " 已确认。"
		d.FeverAlert = q.Get("fever") == "1"
	}
	if c := q.Get("registered"); c != "" {
		d.Notice = "已代为登记，登记号 " + c + "，请核对后测温确认。"
	}
	return m.renderDesk(w, r, ss, p, http.StatusOK, d)
}

func (m *module) renderDesk(w http.ResponseWriter, r *http.Request, ss *web.Session, p checkpoint.Post, status int, d deskPage) error {
	pending, total, err := m.svc.Registrations(r.Context(), ss.Actor(), p.ID, checkpoint.RegistrationQuery{Status: checkpoint.StatusPending, PerPage: 100})
	if err != nil {
		return err
	}
	d.Base, d.Post, d.Pending, d.Total = ss.Base(p.Name+" 登记核验", "/checkpoints"), p, cards(views(pending), ss.CSRF()), total
	ss.Render(w, r, status, "checkpoint_desk", d)
	return nil
}

// deskFind finds today's registrations at the post by the ID number on
// the traveller's card (posted, so that it is in no URL or log).
func (m *module) deskFind(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	p, err := m.post(r, a)
	if err != nil {
		return err
	}
	d := deskPage{Errors: map[string]string{}, Searched: true}
	found, err := m.svc.ByIDNumber(r.Context(), a, p.ID, r.PostFormValue("id_number"))
	status := http.StatusOK
	if err != nil {
		fail, err := web.FormError(err)
		if err != nil {
			return err
		}
		d.Errors, status = fail.Fields, fail.Status
	}
	d.Found = cards(views(found), ss.CSRF())
	return m.renderDesk(w, r, ss, p, status, d)
}

func (m *module) deskConfirm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	id, err := web.PathID(r, "登记")
	if err != nil {
		return err
	}
	g, err := m.svc.Registration(r.Context(), a, id)
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(web.HalfWidth(r.PostFormValue("celsius")))
	c, perr := strconv.ParseFloat(raw, 64)
	if perr != nil {
		err = fugong.Errorf(fugong.EInvalid, "celsius", "体温应为数字，如 36.5")
	} else {
		done, alert, cerr := m.svc.Confirm(r.Context(), a, id, c)
		if err = cerr; err == nil {
			next := postPath(done.Post) + "/desk?confirmed=" + url.QueryEscape(done.Number)
			if alert != nil {
				next += "&fever=1"
			}
			return web.SeeOther(w, r, next)
		}
	}
	fail, err := web.FormError(err)
	if err != nil {
		return err
	}
	p, err := m.svc.Post(r.Context(), a, g.Post)
	if err != nil {
		return err
	}
	d := deskPage{Errors: map[string]string{}, Message: "登记号 " + g.Number + "：" + fail.Message, Found: cards([]regView{viewOf(g)}, ss.CSRF()), Searched: true}
	return m.renderDesk(w, r, ss, p, fail.Status, d)
}

// regCard is a registration on the staff's page, with the form token of
// its confirmation.
type regCard struct {
	Reg  regView
	CSRF string
}

func cards(vs []regView, csrf string) []regCard {
	out := make([]regCard, len(vs))
	for i, v := range vs {
		out[i] = regCard{Reg: v, CSRF: csrf}
	}
	return out
}

// ---- Registering a traveller without a phone ------------------------------

type staffPage struct {
	web.Base
	Post    checkpoint.Post
	Fields  []field
	Message string
	// Key is the form's key: sent twice (a retry, the phone's offline
	// outbox) it stores one registration.
	Key string
}

func (m *module) staffForm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p, err := m.post(r, ss.Actor())
	if err != nil {
		return err
	}
	if !m.svc.CanWork(r.Context(), ss.Actor(), p.ID) {
		return fugong.Errorf(fugong.EForbidden, "", "只有本卡口工作人员、所属乡镇街道、联防联控组和系统管理员可以代为登记")
	}
	ss.Render(w, r, http.StatusOK, "checkpoint_register", staffPage{Base: ss.Base(p.Name+" 代为登记", "/checkpoints"), Post: p,
		Fields: fields(map[string]string{}, nil), Key: account.NewToken()})
	return nil
}

func (m *module) staffRegister(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	row, err := m.svc.StaffRegister(r.Context(), ss.Actor(), id, r.PostForm)
	if err == nil {
		return web.SeeOther(w, r, postPath(id)+"/desk?registered="+url.QueryEscape(row.Number))
	}
	var fe *checkpoint.FormError
	if !errors.As(err, &fe) {
		return err
	}
	p, err := m.svc.Post(r.Context(), ss.Actor(), id)
	if err != nil {
		return err
	}
	bad := map[string]string{}
	for _, pr := range fugong.AsError(fe.Err).Problems {
		bad[pr.Field] = pr.Message
	}
	v := map[string]string{}
	for _, name := range checkpoint.FormFields {
		v[name] = strings.TrimSpace(r.PostFormValue(name))
	}
	ss.Render(w, r, http.StatusBadRequest, "checkpoint_register", staffPage{Base: ss.Base(p.Name+" 代为登记", "/checkpoints"), Post: p,
		Fields: fields(v, bad), Message: "有 " + strconv.Itoa(len(bad)) + " 项需要修改", Key: r.PostFormValue("key")})
	return nil
}

// ---- The duty roster -----------------------------------------------------------

type rosterPage struct {
	web.Base
	Week      checkpoint.Week
	Prev      string
	Next      string
	CanManage bool
	Form      shiftForm
	Errors    map[string]string
	Message   string
	Gaps      int
}

type shiftForm struct{ Day, Start, End, People, Note string }

func (m *module) rosterPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.renderRoster(w, r, ss, http.StatusOK, r.URL.Query().Get("from"), shiftForm{}, nil, "")
}

func (m *module) renderRoster(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, from string, f shiftForm, bad map[string]string, msg string) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	a := ss.Actor()
	week, err := m.svc.Roster(r.Context(), a, id, from)
	if err != nil {
		if fugong.ErrorCode(err) == fugong.EInvalid {
			week, err = m.svc.Roster(r.Context(), a, id, "")
		}
		if err != nil {
			return err
		}
	}
	p := rosterPage{Base: ss.Base(week.Post.Name+" 值班表", "/checkpoints"), Week: week, Prev: people.AddDays(week.From, -7),
		Next: people.AddDays(week.From, 7), CanManage: checkpoint.CanManage(a), Form: f, Errors: bad, Message: msg}
	if p.Form.Day == "" {
		p.Form.Day = week.From
	}
	for _, d := range week.Days {
		if d.Flagged {
			p.Gaps++
		}
	}
	ss.Render(w, r, status, "checkpoint_roster", p)
	return nil
}

// splitPeople reads the names of a shift typed into one box: separated
// by commas, 、, spaces or lines.
func splitPeople(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\u3000' || r == '\n' || r == '\r' || r == '\t'
	})
}

func (m *module) shiftCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "卡口")
	if err != nil {
		return err
	}
	f := shiftForm{Day: r.PostFormValue("day"), Start: r.PostFormValue("start"), End: r.PostFormValue("end"),
		People: r.PostFormValue("people"), Note: r.PostFormValue("note")}
	names := splitPeople(f.People)
	if len(names) > 10*checkpoint.MaxShiftPeople {
		names = names[:10*checkpoint.MaxShiftPeople]
	}
	s, err := m.svc.SaveShift(r.Context(), ss.Actor(), checkpoint.Shift{Post: id, Day: f.Day, Start: f.Start, End: f.End,
		People: names, Note: f.Note})
	if err == nil {
		return web.SeeOther(w, r, postPath(id)+"/roster?from="+weekOf(s.Day))
	}
	fail, err := web.FormError(err)
	if err != nil {
		return err
	}
	return m.renderRoster(w, r, ss, fail.Status, weekOf(f.Day), f, fail.Fields, fail.Message)
}

// weekOf is the Monday of a day's week, "" for a day that is none.
func weekOf(day string) string {
	t, err := time.Parse(people.DateLayout, day)
	if err != nil || people.AddDays(day, 0) != day {
		return ""
	}
	return people.AddDays(day, -((int(t.Weekday()) + 6) % 7))
}

func (m *module) shiftDelete(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "值班")
	if err != nil {
		return err
	}
	post, perr := strconv.ParseInt(r.PostFormValue("post"), 10, 64)
	if err := m.svc.DeleteShift(r.Context(), ss.Actor(), id); err != nil {
		return err
	}
	if perr != nil || post <= 0 {
		return web.SeeOther(w, r, "/checkpoints")
	}
	from := r.PostFormValue("from")
	if weekOf(from) != from {
		from = ""
	}
	return web.SeeOther(w, r, postPath(post)+"/roster?from="+from)
}
