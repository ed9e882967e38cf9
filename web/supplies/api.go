package supplies

import (
	"math"
	"net/http"
	"time"

	"fugong"
	"fugong/sheet"
	"fugong/supplies"
	"fugong/web"
)

// The API (M6): an enterprise's stock, its history and its matches; the
// shortage and undeclared lists and the per-town counts; the bureau's own
// stock, receipts and allocations; the settings.

// stockInput is a declaration of stock. Every item is required: one left
// out must not be stored as a zero nobody counted.
type stockInput struct {
	Masks         *float64 `json:"masks"`
	Thermometers  *float64 `json:"thermometers"`
	DisinfectantL *float64 `json:"disinfectant_l"`
	Suits         *float64 `json:"suits"`
	Gloves        *float64 `json:"gloves"`
	Note          string   `json:"note"`
}

func (in stockInput) values() map[supplies.Item]*float64 {
	return map[supplies.Item]*float64{supplies.Masks: in.Masks, supplies.Thermometers: in.Thermometers,
		supplies.Disinfectant: in.DisinfectantL, supplies.Suits: in.Suits, supplies.Gloves: in.Gloves}
}

// round2 keeps two decimals of a derived amount (a daily use in litres).
func round2(v float64) float64 { return math.Round(v*100) / 100 }

type itemCoverJSON struct {
	Item        supplies.Item `json:"item"`
	Name        string        `json:"name"`
	Unit        string        `json:"unit"`
	Stock       float64       `json:"stock"`
	DailyUse    *float64      `json:"daily_use"`
	DaysOfCover *float64      `json:"days_of_cover"`
	Need        float64       `json:"need"`
}

func coverJSON(c supplies.Cover) itemCoverJSON {
	out := itemCoverJSON{Item: c.Item, Name: c.Item.Name(), Unit: c.Item.Unit(), Stock: supplies.Amount(c.Item, c.Stock),
		DaysOfCover: c.Days, Need: supplies.Amount(c.Item, c.Need)}
	if c.DailyUse != nil {
		u := round2(supplies.AmountOf(c.Item, *c.DailyUse))
		out.DailyUse = &u
	}
	return out
}

// stockJSON is an enterprise's supplies: the declared figures in the PUT
// body's shape, the masks' cover that decides the shortage list, and every
// item's use and cover.
type stockJSON struct {
	USCC          string          `json:"uscc"`
	Name          string          `json:"name"`
	Town          string          `json:"town"`
	TownName      string          `json:"town_name"`
	Declared      bool            `json:"declared"`
	Masks         float64         `json:"masks"`
	Thermometers  float64         `json:"thermometers"`
	DisinfectantL float64         `json:"disinfectant_l"`
	Suits         float64         `json:"suits"`
	Gloves        float64         `json:"gloves"`
	StaffOnPost   int             `json:"staff_on_post"`
	DaysOfCover   *float64        `json:"days_of_cover"`
	Shortage      bool            `json:"shortage"`
	ThresholdDays int             `json:"threshold_days"`
	Items         []itemCoverJSON `json:"items"`
	UpdatedAt     *time.Time      `json:"updated_at"`
	UpdatedBy     string          `json:"updated_by"`
}

func stockJSONOf(v supplies.View) stockJSON {
	q := v.Quantities
	out := stockJSON{USCC: v.USCC, Name: v.Name, Town: v.Town, TownName: v.TownName, Declared: v.Declared,
		Masks: supplies.Amount(supplies.Masks, q.Masks), Thermometers: supplies.Amount(supplies.Thermometers, q.Thermometers),
		DisinfectantL: supplies.Amount(supplies.Disinfectant, q.Disinfectant), Suits: supplies.Amount(supplies.Suits, q.Suits),
		Gloves: supplies.Amount(supplies.Gloves, q.Gloves), StaffOnPost: v.StaffOnPost, DaysOfCover: v.MasksCover().Days,
		Shortage: v.Short, ThresholdDays: v.Settings.ShortageDays, UpdatedBy: v.UpdatedBy}
	for _, c := range v.Covers {
		out.Items = append(out.Items, coverJSON(c))
	}
	if v.Declared {
		at := v.UpdatedAt
		out.UpdatedAt = &at
	}
	return out
}

func (m *module) apiGetSupplies(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	v, err := m.svc.Get(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, stockJSONOf(v))
	return nil
}

// apiPutSupplies records a count of an enterprise's stock: 201 for its
// first record, 200 after.
func (m *module) apiPutSupplies(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in stockInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, created, err := m.svc.Declare(r.Context(), a, r.PathValue("uscc"), in.values(), in.Note)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	web.WriteJSON(w, status, stockJSONOf(v))
	return nil
}

func (m *module) apiSupplyHistory(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.History(r.Context(), a, r.PathValue("uscc"), pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

type matchJSON struct {
	Item        supplies.Item    `json:"item"`
	ItemName    string           `json:"item_name"`
	Unit        string           `json:"unit"`
	Enterprise  matchNeedJSON    `json:"enterprise"`
	SurplusDays int              `json:"surplus_days"`
	Items       []supplies.Donor `json:"items"`
	Total       int              `json:"total"`
}

type matchNeedJSON struct {
	USCC        string   `json:"uscc"`
	Name        string   `json:"name"`
	Town        string   `json:"town"`
	TownName    string   `json:"town_name"`
	StaffOnPost int      `json:"staff_on_post"`
	Stock       float64  `json:"stock"`
	DailyUse    *float64 `json:"daily_use"`
	DaysOfCover *float64 `json:"days_of_cover"`
	Need        float64  `json:"need"`
}

func (m *module) apiSupplyMatches(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	mt, err := m.svc.Match(r.Context(), a, r.PathValue("uscc"), r.URL.Query().Get("item"))
	if err != nil {
		return err
	}
	c := coverJSON(mt.Cover)
	web.WriteJSON(w, http.StatusOK, matchJSON{Item: mt.Item, ItemName: mt.Item.Name(), Unit: mt.Item.Unit(),
		Enterprise: matchNeedJSON{USCC: mt.Need.USCC, Name: mt.Need.Name, Town: mt.Need.Town, TownName: mt.Need.TownName,
			StaffOnPost: mt.Need.StaffOnPost, Stock: c.Stock, DailyUse: c.DailyUse, DaysOfCover: c.DaysOfCover, Need: c.Need},
		SurplusDays: mt.Settings.SurplusDays(), Items: mt.Donors, Total: len(mt.Donors)})
	return nil
}

type shortagesJSON struct {
	Items             []supplies.Shortage `json:"items"`
	Total             int                 `json:"total"`
	Page              int                 `json:"page"`
	PerPage           int                 `json:"per_page"`
	ThresholdDays     int                 `json:"threshold_days"`
	MasksPerPersonDay float64             `json:"masks_per_person_day"`
}

// apiShortages is the shortage list of the caller's scope.
func (m *module) apiShortages(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	items, total, set, err := m.svc.Shortages(r.Context(), a, supplies.ListFilter{Town: r.URL.Query().Get("town"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	pg = pg.Echo()
	web.WriteJSON(w, http.StatusOK, shortagesJSON{Items: items, Total: total, Page: pg.Page, PerPage: pg.PerPage,
		ThresholdDays: set.ShortageDays, MasksPerPersonDay: set.MasksPerPerson})
	return nil
}

// exportShortages writes the whole shortage list of the caller's scope (and
// town) as a spreadsheet; the page's export link is served by it too.
func (m *module) exportShortages(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	items, _, err := m.svc.AllShortages(r.Context(), a, r.URL.Query().Get("town"))
	if err != nil {
		return err
	}
	day := m.svc.Now().In(fugong.Location).Format("20060102")
	name := "防疫物资缺口名单-" + day + "." + format
	web.Download(w, name, "supply-shortages-"+day, format)
	return sheet.WriteShortages(w, name, items)
}

func (m *module) apiUndeclared(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.Undeclared(r.Context(), a, supplies.ListFilter{Town: r.URL.Query().Get("town"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

type summaryJSON struct {
	ThresholdDays     int                  `json:"threshold_days"`
	MasksPerPersonDay float64              `json:"masks_per_person_day"`
	City              supplies.TownCount   `json:"city"`
	Towns             []supplies.TownCount `json:"towns"`
}

func (m *module) apiSuppliesSummary(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	sum, err := m.svc.Summary(r.Context(), a)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, summaryJSON{ThresholdDays: sum.Settings.ShortageDays, MasksPerPersonDay: sum.Settings.MasksPerPerson,
		City: sum.City, Towns: sum.Towns})
	return nil
}

type bureauItemJSON struct {
	Item     supplies.Item `json:"item"`
	Name     string        `json:"name"`
	Unit     string        `json:"unit"`
	Quantity float64       `json:"quantity"`
}

func bureauItems(q supplies.Quantities) []bureauItemJSON {
	out := make([]bureauItemJSON, 0, len(supplies.Items))
	for _, i := range supplies.Items {
		out = append(out, bureauItemJSON{Item: i, Name: i.Name(), Unit: i.Unit(), Quantity: supplies.Amount(i, q.Get(i))})
	}
	return out
}

func (m *module) apiBureauStock(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	q, err := m.svc.BureauStock(r.Context(), a)
	if err != nil {
		return err
	}
	items := bureauItems(q)
	web.WriteJSON(w, http.StatusOK, web.All(items))
	return nil
}

func (m *module) apiReceipts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	items, total, err := m.svc.Receipts(r.Context(), a, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

type receiptInput struct {
	Item     string   `json:"item"`
	Quantity *float64 `json:"quantity"`
	Source   string   `json:"source"`
	Note     string   `json:"note"`
}

func (m *module) apiAddReceipt(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in receiptInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rec, err := m.svc.Receive(r.Context(), a, supplies.Movement{Item: in.Item, Quantity: in.Quantity, Source: in.Source, Note: in.Note})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, rec)
	return nil
}

func (m *module) apiAllocations(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := m.svc.Allocations(r.Context(), a, supplies.AllocationFilter{Enterprise: q.Get("enterprise"),
		Town: q.Get("town"), Item: q.Get("item"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

type allocationInput struct {
	Enterprise string   `json:"enterprise"`
	Item       string   `json:"item"`
	Quantity   *float64 `json:"quantity"`
	Note       string   `json:"note"`
}

// apiAllocate gives an enterprise stock from the bureau's: 201, or 409 when
// the bureau holds less than asked (the request is sound, the stock is not
// there now; a receipt may make the same request succeed).
func (m *module) apiAllocate(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in allocationInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	al, err := m.svc.Allocate(r.Context(), a, supplies.Movement{Enterprise: in.Enterprise, Item: in.Item, Quantity: in.Quantity, Note: in.Note})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, al)
	return nil
}

type suppliesSettingsJSON struct {
	supplies.Settings
	SurplusDays int `json:"surplus_days"`
}

func (m *module) apiGetSuppliesSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	set, err := m.svc.Settings(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, suppliesSettingsJSON{set, set.SurplusDays()})
	return nil
}

func (m *module) apiPutSuppliesSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var p supplies.SettingsPatch
	if err := web.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	set, err := m.svc.SetSettings(r.Context(), a, p)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, suppliesSettingsJSON{set, set.SurplusDays()})
	return nil
}
