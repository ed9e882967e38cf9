package supplies

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/registry"
	"fugong/supplies"
	"fugong/web"
	"fugong/web/chart"
)

// The pages (M6, 防疫物资): the shortage list with the per-town
// counts and charts, matching and the bureau's allocations; an
// enterprise's stock form with its cover and history; the settings.

// stockPath is an enterprise's stock page.
func stockPath(uscc string) string { return web.EnterprisePath(uscc) + "/supplies" }

// days writes a number of days of cover, "—" when there is none.
func days(d *float64) string {
	if d == nil {
		return "—"
	}
	return strconv.FormatFloat(*d, 'f', 1, 64)
}

// coverClass bands days of cover for the stylesheet and the charts: short
// below the threshold, fair up to the surplus line, good above.
func coverClass(d *float64, set supplies.Settings) string {
	switch {
	case d == nil:
		return "none"
	case *d < float64(set.ShortageDays):
		return "poor"
	case *d <= float64(set.SurplusDays()):
		return "fair"
	}
	return "good"
}

var coverColors = map[string]string{"poor": chart.Red, "fair": chart.Amber, "good": chart.Green, "none": chart.Grey}

// amount writes a stored amount of an item in its unit with the unit.
func amount(i supplies.Item, n int64) string { return supplies.Format(i, n) + i.Unit() }

// ---- The shortage page ---------------------------------------------------------

type supplyTownRow struct {
	supplies.TownCount
	Days, Class string
	DailyUse    string
}

type shortageRow struct {
	supplies.Shortage
	Days, DailyUse, Updated string
	Alloc                   allocView
	Open                    bool
}

// allocationForm is what was typed into an allocation form.
type allocationForm struct {
	Enterprise, Item, Quantity, Note string
}

// allocView is an allocation form as shown: its values and errors, and the
// shortage page's state to come back to.
type allocView struct {
	CSRF       string
	Form       allocationForm
	Errors     map[string]string
	Town, List string
	Page       int
	Match      string
	Items      []itemChoice
}

type receiptForm struct {
	Item, Quantity, Source, Note string
}

type bureauRow struct {
	Item     supplies.Item
	Quantity string
}

type itemChoice struct {
	Value, Label string
}

var itemChoices = func() []itemChoice {
	var out []itemChoice
	for _, i := range supplies.Items {
		out = append(out, itemChoice{string(i), i.Label()})
	}
	return out
}()

// matchView is the matching card: the enterprise in need and its donors.
// On the shortage page it switches items and allocates; on the stock page
// it links there.
type matchView struct {
	Item      supplies.Item
	Need      supplies.View
	Cover     supplies.Cover
	Days      string
	Short     bool // of the item: need above zero
	NeedText  string
	UseText   string
	Donors    []donorRow
	Surplus   int
	Items     []itemChoice
	CanManage bool
	// OnShortagePage: the card switches items and allocates there; on the
	// stock page it links there.
	OnShortagePage bool
	Town, List     string
	Alloc          allocView
}

type donorRow struct {
	supplies.Donor
	Near, Days, Spare, Stock string
}

type suppliesPageView struct {
	web.Base
	Pager       web.Pager
	Settings    supplies.Settings
	Surplus     int
	City        supplyTownRow
	Towns       []supplyTownRow
	CountChart  template.HTML
	CoverChart  template.HTML
	TownChoices []registry.Town
	Town        string
	List        string // "" for the shortages, "undeclared"
	Shortages   []shortageRow
	Undeclared  []supplies.Undeclared
	Total       int
	Page, Pages int
	Query       template.URL // town and list, for the pager and the export
	CityWide    bool
	CanManage   bool
	Bureau      []bureauRow
	Receipts    []supplies.Receipt
	Allocations []supplies.Allocation
	Items       []itemChoice
	Receipt     receiptForm
	ReceiptErrs map[string]string
	ReceiptOpen bool
	Match       *matchView
	OK, Alert   string
	FilterError string
}

// recentRows is how many receipts and allocations the page shows.
const recentRows = 10

func (m *module) suppliesPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showSupplies(w, r, ss, http.StatusOK, nil)
}

// pageFailure is a refused form shown again on the shortage page.
type pageFailure struct {
	alert   string
	alloc   *allocationForm
	errs    map[string]string
	receipt *receiptForm
}

func (m *module) showSupplies(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, failed *pageFailure) error {
	a := ss.Actor()
	if a.Role == fugong.RoleEnterprise {
		http.Redirect(w, r, stockPath(a.Enterprise), http.StatusSeeOther)
		return nil
	}
	if nav(a) == nil {
		return fugong.NotFound("页面")
	}
	ctx := r.Context()
	q := r.URL.Query()
	p := suppliesPageView{Base: ss.Base("防疫物资", "/supplies"), TownChoices: web.TownsFor(a), CityWide: a.CityWide(),
		CanManage: supplies.CanManage(a), Items: itemChoices, Receipt: receiptForm{Item: string(supplies.Masks)}}
	if t, ok := registry.TownByNameOrCode(q.Get("town")); ok {
		p.Town = t.Code
	} else if q.Get("town") != "" {
		p.FilterError = "不是本市的乡镇街道，已显示全部"
	}
	if q.Get("list") == "undeclared" {
		p.List = "undeclared"
	}
	pg := web.PageOf(r, registry.DefaultPerPage)
	p.Page = pg.Page
	sum, err := m.svc.Summary(ctx, a)
	if err != nil {
		return err
	}
	p.Settings, p.Surplus = sum.Settings, sum.Settings.SurplusDays()
	p.City = supplyTown(sum.City, sum.Settings)
	counts := chart.HBar{Title: "各乡镇街道缺口企业数（家）", Legend: []chart.Swatch{{Color: chart.Red, Label: "有缺口"}, {Color: chart.Green, Label: "无缺口"}}}
	cover := chart.HBar{Title: "各乡镇街道口罩可用天数", Unit: "天", Legend: []chart.Swatch{
		{Color: chart.Red, Label: fmt.Sprintf("<%d天", sum.Settings.ShortageDays)},
		{Color: chart.Amber, Label: fmt.Sprintf("%d–%d天", sum.Settings.ShortageDays, p.Surplus)},
		{Color: chart.Green, Label: fmt.Sprintf(">%d天", p.Surplus)}}}
	for _, t := range sum.Towns {
		row := supplyTown(t, sum.Settings)
		p.Towns = append(p.Towns, row)
		href := "/supplies?" + url.Values{"town": {t.Town}}.Encode()
		fill := chart.Green
		if t.Shortages > 0 {
			fill = chart.Red
		}
		counts.Bars = append(counts.Bars, chart.Bar{Label: t.Name, Value: float64(t.Shortages), Fill: fill, Href: href,
			Title: fmt.Sprintf("%s 缺口企业 %d 家，未申报 %d 家，点击查看", t.Name, t.Shortages, t.Undeclared)})
		d := 0.0
		if t.DaysOfCover != nil {
			d = *t.DaysOfCover
		}
		cover.Bars = append(cover.Bars, chart.Bar{Label: t.Name, Value: d, Text: row.Days, Fill: coverColors[row.Class], Href: href,
			Title: fmt.Sprintf("%s 已申报企业口罩 %d 只，日耗 %s 只，可用 %s 天", t.Name, t.Masks, row.DailyUse, row.Days)})
	}
	p.CountChart, p.CoverChart = counts.HTML(), cover.HTML()

	f := supplies.ListFilter{Town: p.Town, Page: pg.Page, PerPage: pg.PerPage}
	if p.List == "undeclared" {
		if p.Undeclared, p.Total, err = m.svc.Undeclared(ctx, a, f); err != nil {
			return err
		}
	} else {
		items, total, _, err := m.svc.Shortages(ctx, a, f)
		if err != nil {
			return err
		}
		p.Total = total
		for _, it := range items {
			d := it.DaysOfCover
			row := shortageRow{Shortage: it, Days: days(&d), DailyUse: chart.Format(it.DailyUse), Updated: it.UpdatedAt.Format("01-02 15:04"),
				Alloc: p.allocView(allocationForm{Enterprise: it.USCC, Item: string(supplies.Masks), Quantity: strconv.FormatInt(it.Need, 10)})}
			if failed != nil && failed.alloc != nil && failed.alloc.Enterprise == it.USCC && q.Get("match") == "" {
				row.Alloc.Form, row.Alloc.Errors, row.Open = *failed.alloc, failed.errs, true
			}
			p.Shortages = append(p.Shortages, row)
		}
	}
	p.Pages = pg.Pages(p.Total)
	v := url.Values{}
	if p.Town != "" {
		v.Set("town", p.Town)
	}
	if p.List != "" {
		v.Set("list", p.List)
	}
	p.Query = template.URL(v.Encode())
	if n := q.Get("per_page"); n == strconv.Itoa(pg.PerPage) {
		v.Set("per_page", n)
	}
	p.Pager = pg.PagerAt("/supplies", v, p.Total)
	p.Pager.Anchor = "#list"

	if uscc := q.Get("match"); uscc != "" {
		mv, err := m.matchView(ctx, a, uscc, q.Get("item"))
		if err != nil {
			return err
		}
		mv.OnShortagePage, mv.Town, mv.List = true, p.Town, p.List
		form := allocationForm{Enterprise: mv.Need.USCC, Item: string(mv.Item), Quantity: supplies.Format(mv.Item, mv.Cover.Need)}
		mv.Alloc = p.allocView(form)
		mv.Alloc.Match = mv.Need.USCC
		if failed != nil && failed.alloc != nil && failed.alloc.Enterprise == mv.Need.USCC {
			mv.Alloc.Form, mv.Alloc.Errors = *failed.alloc, failed.errs
		}
		p.Match = mv
	}
	if p.CityWide {
		if err := m.loadBureau(ctx, a, &p); err != nil {
			return err
		}
	}
	m.flash(ctx, a, q, &p)
	if failed != nil {
		p.Alert = failed.alert
		if failed.receipt != nil {
			p.Receipt, p.ReceiptErrs, p.ReceiptOpen = *failed.receipt, failed.errs, true
		}
	}
	ss.Render(w, r, status, "supplies", p)
	return nil
}

func (p *suppliesPageView) allocView(f allocationForm) allocView {
	return allocView{CSRF: p.CSRF, Form: f, Town: p.Town, List: p.List, Page: p.Page, Items: p.Items}
}

func supplyTown(c supplies.TownCount, set supplies.Settings) supplyTownRow {
	return supplyTownRow{TownCount: c, Days: days(c.DaysOfCover), Class: coverClass(c.DaysOfCover, set), DailyUse: web.Thousands(math.Round(c.DailyUse*10) / 10)}
}

// loadBureau fills the bureau's stock and its recent movements.
func (m *module) loadBureau(ctx context.Context, a fugong.Actor, p *suppliesPageView) error {
	stock, err := m.svc.BureauStock(ctx, a)
	if err != nil {
		return err
	}
	for _, i := range supplies.Items {
		p.Bureau = append(p.Bureau, bureauRow{i, amount(i, stock.Get(i))})
	}
	if p.Receipts, _, err = m.svc.Receipts(ctx, a, 1, recentRows); err != nil {
		return err
	}
	p.Allocations, _, err = m.svc.Allocations(ctx, a, supplies.AllocationFilter{Page: 1, PerPage: recentRows})
	return err
}

// flash says what the last action on the page did.
func (m *module) flash(ctx context.Context, a fugong.Actor, q url.Values, p *suppliesPageView) {
	if id := q.Get("allocated"); id != "" {
		for _, al := range p.Allocations {
			if strconv.FormatInt(al.ID, 10) == id {
				p.OK = fmt.Sprintf("已向%s调拨%s%s。", al.EnterpriseName, amount(al.Item, al.Quantity), al.Item.Name())
			}
		}
		if p.OK == "" {
			p.OK = "调拨已完成。"
		}
	}
	if q.Get("received") != "" {
		p.OK = "入库已登记。"
	}
}

func (m *module) matchView(ctx context.Context, a fugong.Actor, uscc, item string) (*matchView, error) {
	mt, err := m.svc.Match(ctx, a, uscc, item)
	if err != nil {
		return nil, err
	}
	mv := &matchView{Item: mt.Item, Need: mt.Need, Days: days(mt.Cover.Days), Short: mt.Cover.Need > 0, NeedText: amount(mt.Item, mt.Cover.Need),
		Surplus: mt.Settings.SurplusDays(), CanManage: supplies.CanManage(a), Cover: mt.Cover}
	if mt.Cover.DailyUse != nil {
		mv.UseText = chart.Format(supplies.AmountOf(mt.Item, *mt.Cover.DailyUse)) + mt.Item.Unit()
	}
	for _, i := range supplies.Items {
		if i.Consumed() {
			mv.Items = append(mv.Items, itemChoice{string(i), i.Name()})
		}
	}
	for _, d := range mt.Donors {
		mv.Donors = append(mv.Donors, donorRow{Donor: d, Near: supplies.NearnessNames[d.Nearness], Days: days(d.DaysOfCover),
			Spare: chart.Format(d.Spare) + mt.Item.Unit(), Stock: chart.Format(d.Stock) + mt.Item.Unit()})
	}
	return mv, nil
}

func (m *module) suppliesExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.exportShortages(w, r, ss.Actor())
}

// formAmount reads a quantity typed into a form: "" is nil (not filled in),
// full-width digits are accepted; text that is no number is reported.
func formAmount(v string) (*float64, bool) {
	v = strings.TrimSpace(web.HalfWidth(v))
	if v == "" {
		return nil, true
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, false
	}
	return &n, true
}

// backTo is the shortage page with the town, list and page a form was
// posted from, plus extra.
func backTo(r *http.Request, extra url.Values) url.Values {
	v := url.Values{}
	for _, k := range []string{"town", "list", "page", "match", "item"} {
		if x := r.PostFormValue("back_" + k); x != "" {
			v.Set(k, x)
		}
	}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func (m *module) allocationCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	form := allocationForm{Enterprise: r.PostFormValue("enterprise"), Item: r.PostFormValue("item"),
		Quantity: r.PostFormValue("quantity"), Note: r.PostFormValue("note")}
	qty, ok := formAmount(form.Quantity)
	var err error
	if !ok {
		err = fugong.Errorf(fugong.EInvalid, "quantity", "数量应为数字")
	} else {
		var al supplies.Allocation
		al, err = m.svc.Allocate(r.Context(), ss.Actor(), supplies.Movement{Enterprise: form.Enterprise, Item: form.Item, Quantity: qty, Note: form.Note})
		if err == nil {
			back := backTo(r, url.Values{"allocated": {strconv.FormatInt(al.ID, 10)}})
			return web.SeeOther(w, r, "/supplies?"+back.Encode())
		}
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	r.URL.RawQuery = backTo(r, nil).Encode()
	return m.showSupplies(w, r, ss, f.Status, &pageFailure{alert: "调拨未完成：" + f.Message, alloc: &form, errs: f.Fields})
}

func (m *module) receiptCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	form := receiptForm{Item: r.PostFormValue("item"), Quantity: r.PostFormValue("quantity"),
		Source: r.PostFormValue("source"), Note: r.PostFormValue("note")}
	qty, ok := formAmount(form.Quantity)
	var err error
	if !ok {
		err = fugong.Errorf(fugong.EInvalid, "quantity", "数量应为数字")
	} else if _, err = m.svc.Receive(r.Context(), ss.Actor(), supplies.Movement{Item: form.Item, Quantity: qty,
		Source: form.Source, Note: form.Note}); err == nil {
		return web.SeeOther(w, r, "/supplies?"+backTo(r, url.Values{"received": {"1"}}).Encode()+"#bureau")
	}
	f, err := web.FormError(err)
	if err != nil {
		return err
	}
	r.URL.RawQuery = backTo(r, nil).Encode()
	return m.showSupplies(w, r, ss, f.Status, &pageFailure{alert: "入库未登记：" + f.Message, receipt: &form, errs: f.Fields})
}

// ---- An enterprise's stock -------------------------------------------------------

type coverRow struct {
	Item                        supplies.Item
	Stock, DailyUse, Days, Need string
	Class                       string
}

type stockField struct {
	Name, Label, Value, Error, Mode, Hint string
}

type historyRow struct {
	When, By, Source, Note string
	Cells                  []historyCell
}

type historyCell struct {
	Value   string
	Changed bool
}

type stockPageView struct {
	web.Base
	V                     supplies.View
	Rows                  []coverRow
	Status, Class, Detail string
	CanDeclare            bool
	Fields                []stockField
	Note                  string
	FormError             string
	Saved                 bool
	Headers               []string
	History               []historyRow
	HistoryTotal          int
	Allocations           []supplies.Allocation
	Match                 *matchView
}

// stockStatus is the line at the top of the stock page.
func stockStatus(v supplies.View) (text, class, detail string) {
	set := v.Settings
	mc := v.MasksCover()
	switch {
	case !v.Declared:
		return "尚未申报防疫物资库存", "due", "请按实际盘点填写下列各项，没有的填 0。"
	case mc.Days == nil:
		return "口罩库存 " + amount(supplies.Masks, v.Masks), "locked", "企业暂无在岗人员，不计可用天数。"
	case v.Short:
		return fmt.Sprintf("口罩仅够 %s 天，低于 %d 天预警线", days(mc.Days), set.ShortageDays), "overdue",
			fmt.Sprintf("已列入防疫物资缺口名单；达到 %d 天还需口罩 %s。", set.ShortageDays, amount(supplies.Masks, mc.Need))
	}
	return fmt.Sprintf("口罩可用 %s 天", days(mc.Days)), "ok", fmt.Sprintf("按在岗 %d 人、每人每天 %s 只计算。", v.StaffOnPost, chart.Format(set.MasksPerPerson))
}

func (m *module) stockPage(ctx context.Context, ss *web.Session, v supplies.View) (stockPageView, error) {
	a := ss.Actor()
	p := stockPageView{Base: ss.Base(v.Name+" · 防疫物资", "/supplies"), V: v, CanDeclare: supplies.CanDeclare(a) && v.Active}
	p.Status, p.Class, p.Detail = stockStatus(v)
	for _, c := range v.Covers {
		row := coverRow{Item: c.Item, Stock: amount(c.Item, c.Stock), DailyUse: "不按天消耗", Days: days(c.Days), Need: "—",
			Class: coverClass(c.Days, v.Settings)}
		if c.DailyUse != nil {
			row.DailyUse = chart.Format(supplies.AmountOf(c.Item, *c.DailyUse)) + c.Item.Unit()
		}
		if c.Need > 0 && v.Declared {
			row.Need = amount(c.Item, c.Need)
		}
		p.Rows = append(p.Rows, row)
	}
	for _, i := range supplies.Items {
		p.Headers = append(p.Headers, i.Name())
	}
	changes, total, err := m.svc.History(ctx, a, v.USCC, 1, registry.DefaultPerPage)
	if err != nil {
		return p, err
	}
	p.HistoryTotal = total
	for _, c := range changes {
		row := historyRow{When: c.At.Format("2006-01-02 15:04"), By: c.By, Source: supplies.SourceNames[c.Source], Note: c.Note}
		for _, i := range supplies.Items {
			cell := historyCell{Value: supplies.Format(i, c.After.Get(i))}
			if c.Before != nil && c.Before.Get(i) != c.After.Get(i) {
				cell.Value = supplies.Format(i, c.Before.Get(i)) + " → " + cell.Value
				cell.Changed = true
			}
			row.Cells = append(row.Cells, cell)
		}
		p.History = append(p.History, row)
	}
	if p.Allocations, _, err = m.svc.Allocations(ctx, a, supplies.AllocationFilter{Enterprise: v.USCC, Page: 1, PerPage: recentRows}); err != nil {
		return p, err
	}
	// Matching is the bureau's and the towns' tool: a clerk sees no other firm.
	if v.Short && a.Role != fugong.RoleEnterprise {
		if p.Match, err = m.matchView(ctx, a, v.USCC, string(supplies.Masks)); err != nil {
			return p, err
		}
	}
	return p, nil
}

// setFields fills the form: values as typed, or the stock as recorded.
func (p *stockPageView) setFields(values map[supplies.Item]string, errs map[string]string) {
	p.Fields = nil
	for _, i := range supplies.Items {
		f := stockField{Name: string(i), Label: i.Label(), Value: values[i], Error: errs[string(i)], Mode: "numeric"}
		if i == supplies.Disinfectant {
			f.Mode, f.Hint = "decimal", "以升计，可填一位小数"
		}
		p.Fields = append(p.Fields, f)
	}
}

func recordedValues(v supplies.View) map[supplies.Item]string {
	out := map[supplies.Item]string{}
	if v.Declared {
		for _, i := range supplies.Items {
			out[i] = supplies.Format(i, v.Get(i))
		}
	}
	return out
}

func (m *module) stockForm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	v, err := m.svc.Get(r.Context(), ss.Actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	p, err := m.stockPage(r.Context(), ss, v)
	if err != nil {
		return err
	}
	p.setFields(recordedValues(v), nil)
	p.Saved = r.URL.Query().Get("saved") == "1"
	ss.Render(w, r, http.StatusOK, "supply_stock", p)
	return nil
}

func (m *module) stockSubmit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	ctx := r.Context()
	a := ss.Actor()
	v, err := m.svc.Get(ctx, a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	raw := map[supplies.Item]string{}
	values := map[supplies.Item]*float64{}
	bad := map[string]string{}
	for _, i := range supplies.Items {
		raw[i] = r.PostFormValue(string(i))
		n, ok := formAmount(raw[i])
		if !ok {
			bad[string(i)] = i.Name() + "数量应为数字"
		}
		values[i] = n
	}
	note := r.PostFormValue("note")
	status, formError := http.StatusBadRequest, "请修改标红的项目后再提交"
	if len(bad) == 0 {
		_, _, err := m.svc.Declare(ctx, a, v.USCC, values, note)
		if err == nil {
			return web.SeeOther(w, r, stockPath(v.USCC)+"?saved=1")
		}
		e := fugong.AsError(err)
		switch {
		case e == nil || e.Code == fugong.EInternal || e.Code == fugong.ENotFound || e.Code == fugong.EForbidden:
			return err
		case len(e.Problems) > 0:
			for _, pr := range e.Problems {
				bad[pr.Field] = pr.Message
			}
		default:
			status, formError = web.Status(e.Code), e.Message
		}
	}
	p, err := m.stockPage(ctx, ss, v)
	if err != nil {
		return err
	}
	p.setFields(raw, bad)
	p.Note, p.FormError = note, formError
	if msg, ok := bad["note"]; ok {
		p.FormError = msg
	}
	ss.Render(w, r, status, "supply_stock", p)
	return nil
}

// ---- Settings --------------------------------------------------------------------

type suppliesSettingsPage struct {
	web.Base
	Fields []stockField
	Saved  bool
}

var settingFields = []string{"masks_per_person_day", "gloves_per_person_day", "disinfectant_l_per_person_day", "shortage_days"}

var settingHints = map[string]string{
	"masks_per_person_day":          "默认 2 只（约每 4 小时更换一次）；决定口罩日耗与缺口名单",
	"gloves_per_person_day":         "默认 1 副（食堂、保洁、搬运岗位为主，按全员平均）",
	"disinfectant_l_per_person_day": "默认 0.05 升原液（84 消毒液按 1:100 稀释，约 5 升消毒水）",
	"shortage_days":                 "口罩可用天数低于此值的企业列入缺口名单；可用天数超过其 3 倍的企业可调剂",
}

func settingValues(set supplies.Settings) map[string]string {
	return map[string]string{
		"masks_per_person_day":          chart.Format(set.MasksPerPerson),
		"gloves_per_person_day":         chart.Format(set.GlovesPerPerson),
		"disinfectant_l_per_person_day": strconv.FormatFloat(set.DisinfectantPerPerson, 'f', -1, 64),
		"shortage_days":                 strconv.Itoa(set.ShortageDays),
	}
}

func (p *suppliesSettingsPage) setFields(values, errs map[string]string) {
	for _, f := range settingFields {
		mode := "decimal"
		if f == "shortage_days" {
			mode = "numeric"
		}
		p.Fields = append(p.Fields, stockField{Name: f, Label: supplies.SettingLabels[f], Value: values[f], Error: errs[f],
			Mode: mode, Hint: settingHints[f]})
	}
}

func (m *module) suppliesSettingsForm(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !supplies.CanManage(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	set, err := m.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	p := suppliesSettingsPage{Base: ss.Base("防疫物资设置", "/supplies"), Saved: r.URL.Query().Get("saved") == "1"}
	p.setFields(settingValues(set), nil)
	ss.Render(w, r, http.StatusOK, "supply_settings", p)
	return nil
}

func (m *module) suppliesSettingsSave(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !supplies.CanManage(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	values := map[string]string{}
	bad := map[string]string{}
	nums := map[string]*float64{}
	for _, f := range settingFields {
		values[f] = r.PostFormValue(f)
		n, ok := formAmount(values[f])
		switch {
		case !ok:
			bad[f] = supplies.SettingLabels[f] + "应为数字"
		case n == nil:
			bad[f] = "请填写" + supplies.SettingLabels[f]
		}
		nums[f] = n
	}
	if len(bad) == 0 {
		_, err := m.svc.SetSettings(r.Context(), ss.Actor(), supplies.SettingsPatch{MasksPerPerson: nums["masks_per_person_day"],
			GlovesPerPerson: nums["gloves_per_person_day"], DisinfectantPerPerson: nums["disinfectant_l_per_person_day"], ShortageDays: nums["shortage_days"]})
		if err == nil {
			return web.SeeOther(w, r, "/supplies/settings?saved=1")
		}
		if bad, err = web.FieldErrors(err); err != nil {
			return err
		}
	}
	p := suppliesSettingsPage{Base: ss.Base("防疫物资设置", "/supplies")}
	p.setFields(values, bad)
	ss.Render(w, r, http.StatusBadRequest, "supply_settings", p)
	return nil
}
