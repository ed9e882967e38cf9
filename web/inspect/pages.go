package inspect

import (
	"cmp"
	"fugong/account"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/inspect"
	"fugong/registry"
	"fugong/web"
)

// The inspections' pages (M3): the visit form an inspector fills in on a
// phone at the factory gate, the visit, the enterprise's visits, the
// rectifications with their counts per town, and the checklist templates.

// inspectNav is the nav entry the inspections' pages sit under.
const inspectNav = "/rectifications"

// datetimeLocal is the value of an <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

// choice is an option of a select or a radio group.
type choice struct{ Value, Label string }

var resultChoices = func() []choice {
	var out []choice
	for _, r := range inspect.Results {
		out = append(out, choice{r, inspect.ResultNames[r]})
	}
	return out
}()

var statusChoices = func() []choice {
	var out []choice
	for _, st := range inspect.Statuses {
		out = append(out, choice{st, inspect.StatusNames[st]})
	}
	return out
}()

// needSee refuses the pages to roles the inspections do not concern.
func needSee(ss *web.Session) error {
	if !inspect.CanSee(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	return nil
}

// ---- Rectifications ---------------------------------------------------------

// rectRow is a rectification as the lists show it.
type rectRow struct {
	inspect.Rectification
	StatusName string
	DaysLate   int
}

func rectRowOf(r inspect.Rectification, today string) rectRow {
	return rectRow{Rectification: r, StatusName: inspect.StatusNames[r.Status], DaysLate: r.DaysLate(today)}
}

type rectificationListPage struct {
	web.Base
	Pager       web.Pager
	Today       string
	City        inspect.TownCounts
	Towns       []inspect.TownCounts
	Filter      inspect.Filter
	TownChoices []registry.Town
	Statuses    []choice
	Items       []rectRow
	Total       int
	Pages       int
	Query       template.URL // the filters without the page
	FilterError string
	CanRecord   bool
}

// rectificationList is the rectifications of the actor's scope: the counts
// per town, overdue ones standing out, and the list the filters select.
func (m *module) rectificationList(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if err := needSee(ss); err != nil {
		return err
	}
	a := ss.Actor()
	p := rectificationListPage{Base: ss.Base("督导检查", inspectNav), Today: m.svc.Today(),
		TownChoices: web.TownsFor(a), Statuses: statusChoices, CanRecord: inspect.CanRecord(a)}
	var err error
	if p.City, p.Towns, err = m.svc.TownCounts(r.Context(), a); err != nil {
		return err
	}
	f, err := rectificationFilter(r)
	if err == nil {
		err = f.Normalize()
	}
	if err != nil {
		if fugong.ErrorCode(err) != fugong.EInvalid {
			return err
		}
		p.FilterError = fugong.AsError(err).Message
		f = inspect.Filter{}
		_ = f.Normalize()
	}
	p.Filter = f
	items, total, err := m.svc.Rectifications(r.Context(), a, f)
	if err != nil {
		return err
	}
	for _, it := range items {
		p.Items = append(p.Items, rectRowOf(it, p.Today))
	}
	p.Total, p.Pages = total, web.Paging{Page: f.Page, PerPage: f.PerPage}.Pages(total)
	p.Pager = web.Paging{Page: f.Page, PerPage: f.PerPage}.Pager(r, total)
	q := r.URL.Query()
	q.Del("page")
	p.Query = template.URL(q.Encode())
	ss.Render(w, r, http.StatusOK, "rectifications", p)
	return nil
}

func (m *module) rectificationExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if err := needSee(ss); err != nil {
		return err
	}
	return m.exportRectifications(w, r, ss.Actor())
}

type eventView struct {
	inspect.Event
	ToName string
}

// moveForm is one move the user may make from a rectification's page.
type moveForm struct {
	To, Button string
	NeedNote   bool
	Photo      bool
	Note       string
	Error      string
}

var moveButtons = map[string]string{inspect.StatusRectified: "提交整改", inspect.StatusVerified: "验收通过", inspect.StatusOpen: "退回重新整改"}

type rectificationPage struct {
	web.Base
	R         rectRow
	History   []eventView
	Moves     []moveForm
	FormError string
	Done      string
}

func (m *module) rectificationPageOf(ss *web.Session, rec inspect.Rectification) rectificationPage {
	p := rectificationPage{Base: ss.Base("整改", inspectNav), R: rectRowOf(rec, m.svc.Today())}
	withEventURLs(&rec)
	for _, ev := range rec.History {
		p.History = append(p.History, eventView{Event: ev, ToName: inspect.StatusNames[ev.To]})
	}
	for _, to := range inspect.NextMoves(ss.Actor(), rec.Status) {
		p.Moves = append(p.Moves, moveForm{To: to, Button: moveButtons[to], NeedNote: inspect.NoteRequired(rec.Status, to),
			Photo: to == inspect.StatusRectified})
	}
	return p
}

func (m *module) rectificationDetail(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "整改")
	if err != nil {
		return err
	}
	rec, err := m.svc.Rectification(r.Context(), ss.Actor(), id)
	if err != nil {
		return err
	}
	p := m.rectificationPageOf(ss, rec)
	if st := r.URL.Query().Get("done"); st != "" {
		p.Done = inspect.StatusNames[st]
	}
	ss.Render(w, r, http.StatusOK, "rectification", p)
	return nil
}

// rectificationMove makes the move a form on the rectification's page posts:
// a plain multipart form with status, note and an optional photo.
func (m *module) rectificationMove(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "整改")
	if err != nil {
		return err
	}
	to, note := r.FormValue("status"), r.FormValue("note")
	var photo *inspect.Photo
	photos, err := movePhotos(r)
	if err == nil {
		photo, err = inspect.OnePhoto(photos)
	}
	if err == nil {
		_, err = m.svc.Move(r.Context(), ss.Actor(), id, to, note, photo)
		if err == nil {
			return web.SeeOther(w, r, "/rectifications/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(to))
		}
	}
	e := fugong.AsError(err)
	if e == nil || e.Code == fugong.ENotFound || e.Code == fugong.EInternal {
		return err
	}
	rec, rerr := m.svc.Rectification(r.Context(), ss.Actor(), id)
	if rerr != nil {
		return rerr
	}
	p := m.rectificationPageOf(ss, rec)
	p.FormError = e.Message
	for i := range p.Moves {
		if p.Moves[i].To == to {
			p.Moves[i].Note, p.Moves[i].Error = note, e.Message
		}
	}
	ss.Render(w, r, web.Status(e.Code), "rectification", p)
	return nil
}

// ---- Visits -----------------------------------------------------------------

type visitsPage struct {
	web.Base
	Pager     web.Pager
	E         registry.Enterprise
	Items     []inspect.VisitSummary
	Total     int
	Page      int
	Pages     int
	Lists     []inspect.Checklist
	CanRecord bool
}

// visitList is an enterprise's visits, newest first, with the buttons that
// start a visit with each checklist.
func (m *module) visitList(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	a := ss.Actor()
	pg := web.PageOf(r, registry.DefaultPerPage)
	e, items, total, err := m.svc.EnterpriseVisits(r.Context(), a, r.PathValue("uscc"), pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	p := visitsPage{Base: ss.Base(e.Name+" · 督导检查", inspectNav), E: e, Items: items, Total: total, Page: pg.Page,
		Pages: pg.Pages(total), CanRecord: inspect.CanRecord(a), Pager: pg.Pager(r, total)}
	if p.CanRecord {
		if p.Lists, err = m.svc.Checklists(r.Context(), false); err != nil {
			return err
		}
	}
	ss.Render(w, r, http.StatusOK, "visits", p)
	return nil
}

// visitItem is one item of the visit form. Owner and DueDate are the
// rectification a failure opens, prefilled with inspect's suggestions.
type visitItem struct {
	N          int
	ID         int64
	Text       string
	Result     string
	Note       string
	Owner      string
	DueDate    string
	Error      string
	OwnerError string
	DueError   string
}

type visitFormPage struct {
	web.Base
	E          registry.Enterprise
	Lists      []inspect.Checklist
	C          inspect.Checklist
	VisitedAt  string
	Max        string
	Inspectors string
	Findings   string
	Items      []visitItem
	Results    []choice
	Errors     map[string]string
	FormError  string
	// Key is the form's idempotency key: a form sent twice (a retry, or
	// sent again from the phone's offline queue) stores one visit.
	Key string
}

// visitForm is the form of a new visit of e with checklist c, the time
// set to now and the user as the inspector.
func (m *module) visitForm(ss *web.Session, e registry.Enterprise, lists []inspect.Checklist, c inspect.Checklist) visitFormPage {
	at := m.svc.Now()
	now := at.In(fugong.Location).Format(datetimeLocal)
	p := visitFormPage{Base: ss.Base("督导检查 · "+e.Name, inspectNav), E: e, Lists: lists, C: c,
		VisitedAt: now, Max: now, Inspectors: cmp.Or(ss.User().DisplayName, ss.User().Username),
		Results: resultChoices, Errors: map[string]string{}, Key: account.NewToken()}
	for i, it := range c.Items {
		p.Items = append(p.Items, visitItem{N: i + 1, ID: it.ID, Text: it.Text,
			Owner: inspect.Owner(e), DueDate: inspect.DueDate(at, it.DueDays)})
	}
	return p
}

// visitNew is the visit form; ?checklist= picks the template (the first by
// default), as inspect's StartVisit allows.
func (m *module) visitNew(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	var pick *int64
	if id, err := strconv.ParseInt(r.URL.Query().Get("checklist"), 10, 64); err == nil {
		pick = &id
	}
	st, err := m.svc.StartVisit(r.Context(), ss.Actor(), r.PathValue("uscc"), pick)
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "visit_form", m.visitForm(ss, st.Enterprise, st.Checklists, st.Checklist))
	return nil
}

var answerField = regexp.MustCompile(`^answers\[(\d+)\]\.`)

// visitCreate records the posted visit form: a plain multipart form with
// result.<item>, note.<item>, owner.<item>, due_date.<item> and
// photo.<item> per item.
func (m *module) visitCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	e, err := m.svc.RecordingAt(r.Context(), ss.Actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	lists, err := m.svc.Checklists(r.Context(), false)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.FormValue("checklist_id"), 10, 64)
	c, err := m.svc.Checklist(r.Context(), id)
	if err != nil {
		return err
	}
	p := m.visitForm(ss, e, lists, c)
	p.VisitedAt, p.Inspectors, p.Findings = r.FormValue("visited_at"), r.FormValue("inspectors"), r.FormValue("findings")
	p.Key = cmp.Or(r.FormValue("key"), p.Key)
	in := inspect.VisitInput{ChecklistID: c.ID, Inspectors: inspect.SplitNames(p.Inspectors), Findings: p.Findings, Key: r.FormValue("key")}
	if at, err := time.ParseInLocation(datetimeLocal, strings.TrimSpace(p.VisitedAt), fugong.Location); err == nil {
		in.VisitedAt = at.Format(time.RFC3339)
	}
	for i := range p.Items {
		it := &p.Items[i]
		key := strconv.FormatInt(it.ID, 10)
		it.Result, it.Note = r.FormValue("result."+key), r.FormValue("note."+key)
		it.Owner, it.DueDate = r.FormValue("owner."+key), r.FormValue("due_date."+key)
		in.Answers = append(in.Answers, inspect.AnswerInput{ItemID: it.ID, Result: it.Result, Note: it.Note,
			Owner: it.Owner, DueDate: it.DueDate})
	}
	photos, err := itemPhotos(r)
	if err == nil {
		var v inspect.Visit
		if v, err = m.svc.RecordVisit(r.Context(), ss.Actor(), e.USCC, in, photos); err == nil {
			return web.SeeOther(w, r, "/visits/"+strconv.FormatInt(v.ID, 10)+"?saved=1")
		}
	}
	fe := fugong.AsError(err)
	if fe == nil || (fe.Code != fugong.EInvalid && fe.Code != fugong.EConflict && fe.Code != fugong.ETooLarge) {
		return err
	}
	problems := fe.Problems
	if len(problems) == 0 {
		problems = []fugong.Problem{{Field: fe.Field, Message: fe.Message}}
	}
	byID := map[string]*visitItem{}
	for i := range p.Items {
		byID["photo."+strconv.FormatInt(p.Items[i].ID, 10)] = &p.Items[i]
	}
	for _, pr := range problems {
		var it *visitItem
		if match := answerField.FindStringSubmatch(pr.Field); match != nil {
			if i, err := strconv.Atoi(match[1]); err == nil && i < len(p.Items) {
				it = &p.Items[i]
			}
		} else {
			it = byID[pr.Field]
		}
		field, _, _ := strings.Cut(pr.Field, "[")
		switch {
		case it != nil && strings.HasSuffix(pr.Field, ".result") && it.Result == "":
			it.Error = cmp.Or(it.Error, "请选择合格、不合格或不适用")
		case it != nil && strings.HasSuffix(pr.Field, ".owner"):
			it.OwnerError = cmp.Or(it.OwnerError, pr.Message)
		case it != nil && strings.HasSuffix(pr.Field, ".due_date"):
			it.DueError = cmp.Or(it.DueError, pr.Message)
		case it != nil:
			it.Error = cmp.Or(it.Error, pr.Message)
		case field == "visited_at" || field == "inspectors" || field == "findings":
			if _, seen := p.Errors[field]; !seen {
				p.Errors[field] = pr.Message
			}
		default:
			p.FormError = pr.Message
		}
	}
	hint := "请修改标红的内容后再提交"
	if len(photos) > 0 || fe.Code == fugong.ETooLarge || strings.HasPrefix(fe.Field, "photo.") {
		hint += "；已选的照片需重新选择"
	}
	p.FormError = cmp.Or(p.FormError, hint)
	if p.FormError != hint {
		p.FormError += "。" + hint
	}
	ss.Render(w, r, web.Status(fe.Code), "visit_form", p)
	return nil
}

// answerView is one answer on the visit's page.
type answerView struct {
	inspect.Answer
	N          int
	ResultName string
}

type visitPage struct {
	web.Base
	V       inspect.Visit
	Answers []answerView
	Rects   []rectRow
	Saved   bool
}

func (m *module) visitDetail(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	id, err := web.PathID(r, "督导检查记录")
	if err != nil {
		return err
	}
	v, err := m.svc.Visit(r.Context(), ss.Actor(), id)
	if err != nil {
		return err
	}
	withPhotoURLs(&v)
	p := visitPage{Base: ss.Base("督导检查记录", inspectNav), V: v, Saved: r.URL.Query().Get("saved") == "1"}
	for i, a := range v.Answers {
		p.Answers = append(p.Answers, answerView{Answer: a, N: i + 1, ResultName: inspect.ResultNames[a.Result]})
	}
	today := m.svc.Today()
	for _, rec := range v.Rectifications {
		p.Rects = append(p.Rects, rectRowOf(rec, today))
	}
	ss.Render(w, r, http.StatusOK, "visit", p)
	return nil
}

// ---- Checklist templates ------------------------------------------------------

// itemRow is one row of a template's form.
type itemRow struct {
	Row     int
	ID      int64
	Order   int
	Text    string
	DueDays string
	Error   string
}

// blankRows are the empty rows a template's form offers for new items.
const blankRows = 3

type checklistsPage struct {
	web.Base
	Lists     []inspect.Checklist
	CanEdit   bool
	Name      string
	Rows      []itemRow
	NameError string
	FormError string
}

func blankItemRows(from, n int) []itemRow {
	var out []itemRow
	for i := range n {
		out = append(out, itemRow{Row: from + i, Order: from + i + 1})
	}
	return out
}

func (m *module) checklistsPage(ss *web.Session, r *http.Request) (checklistsPage, error) {
	lists, err := m.svc.Checklists(r.Context(), false)
	return checklistsPage{Base: ss.Base("检查表", inspectNav), Lists: lists,
		CanEdit: inspect.CanEditChecklists(ss.Actor()), Rows: blankItemRows(0, 6)}, err
}

func (m *module) checklistList(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if err := needSee(ss); err != nil {
		return err
	}
	p, err := m.checklistsPage(ss, r)
	if err != nil {
		return err
	}
	ss.Render(w, r, http.StatusOK, "checklists", p)
	return nil
}

// formItems reads a template form's rows: a row left without text is not
// an item (that is how an item is dropped), the items go in the order typed
// into their order boxes. rowOf maps each item back to its row.
func formItems(r *http.Request) (items []inspect.ItemInput, rows []itemRow, rowOf []int, bad bool) {
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	n = min(max(n, 0), inspect.MaxItems+blankRows)
	for i := range n {
		k := strconv.Itoa(i)
		row := itemRow{Row: i, Text: r.PostFormValue("text." + k), DueDays: strings.TrimSpace(r.PostFormValue("due." + k))}
		row.ID, _ = strconv.ParseInt(r.PostFormValue("id."+k), 10, 64)
		var err error
		if row.Order, err = strconv.Atoi(cmp.Or(strings.TrimSpace(r.PostFormValue("order."+k)), strconv.Itoa(i+1))); err != nil {
			row.Error, bad = "顺序应为数字", true
		}
		rows = append(rows, row)
	}
	order := make([]int, 0, n)
	for i, row := range rows {
		if strings.TrimSpace(row.Text) != "" {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return rows[a].Order - rows[b].Order })
	for _, i := range order {
		row := &rows[i]
		due := 0
		if row.DueDays != "" {
			var err error
			if due, err = strconv.Atoi(row.DueDays); err != nil {
				row.Error, bad = "整改期限应为天数", true
			}
		}
		items = append(items, inspect.ItemInput{ID: row.ID, Text: row.Text, DueDays: due})
		rowOf = append(rowOf, i)
	}
	return items, rows, rowOf, bad
}

var itemField = regexp.MustCompile(`^items\[(\d+)\]`)

// showItemErrors puts an error's problems on the rows of the items they
// name; it returns the message for the form as a whole, if any.
func showItemErrors(err error, rows []itemRow, rowOf []int) (name, form string) {
	e := fugong.AsError(err)
	problems := e.Problems
	if len(problems) == 0 {
		problems = []fugong.Problem{{Field: e.Field, Message: e.Message}}
	}
	for _, pr := range problems {
		if match := itemField.FindStringSubmatch(pr.Field); match != nil {
			if i, err := strconv.Atoi(match[1]); err == nil && i < len(rowOf) {
				rows[rowOf[i]].Error = cmp.Or(rows[rowOf[i]].Error, pr.Message)
				continue
			}
		}
		if pr.Field == "name" {
			name = pr.Message
			continue
		}
		form = cmp.Or(form, pr.Message)
	}
	return name, form
}

// formFailed reports whether err is one a form shows next to its fields.
func formFailed(err error) bool {
	switch fugong.ErrorCode(err) {
	case fugong.EInvalid, fugong.EConflict:
		return true
	}
	return false
}

func (m *module) checklistCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if err := needSee(ss); err != nil {
		return err
	}
	items, rows, rowOf, bad := formItems(r)
	name := r.PostFormValue("name")
	var err error
	if !bad {
		var c inspect.Checklist
		if c, err = m.svc.CreateChecklist(r.Context(), ss.Actor(), inspect.ChecklistInput{Name: name, Items: items}); err == nil {
			return web.SeeOther(w, r, "/checklists/"+strconv.FormatInt(c.ID, 10)+"?saved=created")
		}
		if !formFailed(err) {
			return err
		}
	}
	p, perr := m.checklistsPage(ss, r)
	if perr != nil {
		return perr
	}
	p.Name, p.Rows = name, rows
	status := http.StatusBadRequest
	if err != nil {
		p.NameError, p.FormError = showItemErrors(err, rows, rowOf)
		status = web.Status(fugong.ErrorCode(err))
	}
	p.FormError = cmp.Or(p.FormError, "请修改标红的内容后再提交")
	ss.Render(w, r, status, "checklists", p)
	return nil
}

type checklistPage struct {
	web.Base
	C         inspect.Checklist
	Versions  []inspect.Checklist
	CanEdit   bool
	Rows      []itemRow
	Saved     string
	FormError string
}

// checklistPageOf shows version c of a template with its other versions and,
// for the admin on the current version, the form that revises it.
func (m *module) checklistPageOf(ss *web.Session, r *http.Request, c inspect.Checklist) (checklistPage, error) {
	versions, err := m.svc.Versions(r.Context(), c)
	if err != nil {
		return checklistPage{}, err
	}
	p := checklistPage{Base: ss.Base(c.Name, inspectNav), C: c, Versions: versions,
		CanEdit: inspect.CanEditChecklists(ss.Actor()) && c.Current}
	for i, it := range c.Items {
		p.Rows = append(p.Rows, itemRow{Row: i, ID: it.ID, Order: i + 1, Text: it.Text, DueDays: strconv.Itoa(it.DueDays)})
	}
	p.Rows = append(p.Rows, blankItemRows(len(c.Items), blankRows)...)
	return p, nil
}

func (m *module) checklistDetail(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if err := needSee(ss); err != nil {
		return err
	}
	id, err := web.PathID(r, "检查表")
	if err != nil {
		return err
	}
	c, err := m.svc.Checklist(r.Context(), id)
	if err != nil {
		return err
	}
	p, err := m.checklistPageOf(ss, r, c)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("saved") {
	case "created":
		p.Saved = "检查表已新增。"
	case "version":
		p.Saved = "该检查表已有检查记录使用，修改已保存为第 " + strconv.Itoa(c.Version) + " 版；原有检查记录仍按旧版本显示。"
	case "1":
		p.Saved = "修改已保存。"
	}
	ss.Render(w, r, http.StatusOK, "checklist", p)
	return nil
}

func (m *module) checklistRevise(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if err := needSee(ss); err != nil {
		return err
	}
	id, err := web.PathID(r, "检查表")
	if err != nil {
		return err
	}
	items, rows, rowOf, bad := formItems(r)
	if !bad {
		var c inspect.Checklist
		if c, err = m.svc.ReviseChecklist(r.Context(), ss.Actor(), id, items); err == nil {
			saved := "1"
			if c.ID != id {
				saved = "version"
			}
			return web.SeeOther(w, r, "/checklists/"+strconv.FormatInt(c.ID, 10)+"?saved="+saved)
		}
		if !formFailed(err) {
			return err
		}
	}
	c, cerr := m.svc.Checklist(r.Context(), id)
	if cerr != nil {
		return cerr
	}
	p, perr := m.checklistPageOf(ss, r, c)
	if perr != nil {
		return perr
	}
	p.Rows = rows
	status := http.StatusBadRequest
	if err != nil {
		_, p.FormError = showItemErrors(err, rows, rowOf)
		status = web.Status(fugong.ErrorCode(err))
	}
	p.FormError = cmp.Or(p.FormError, "请修改标红的内容后再提交")
	ss.Render(w, r, status, "checklist", p)
	return nil
}
