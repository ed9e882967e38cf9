package web

import (
	"math"
	"net/http"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/sheet"
	"fugong/supplies"
)

// The supplies module's API (M6): an enterprise's stock, its history and
// its matches; the shortage and undeclared lists and the per-town counts;
// the bureau's own stock, receipts and allocations; the settings.

func (s *Server) suppliesRoutes() []route {
	return []route{
		{"GET", "/api/v1/enterprises/{uscc}/supplies", s.api(s.apiGetSupplies)},
		{"PUT", "/api/v1/enterprises/{uscc}/supplies", s.api(s.apiPutSupplies)},
		{"GET", "/api/v1/enterprises/{uscc}/supplies/history", s.api(s.apiSupplyHistory)},
		{"GET", "/api/v1/enterprises/{uscc}/supplies/matches", s.api(s.apiSupplyMatches)},
		{"GET", "/api/v1/supplies/shortages", s.api(s.apiShortages)},
		{"GET", "/api/v1/supplies/shortages/export", s.api(s.exportShortages)},
		{"GET", "/api/v1/supplies/undeclared", s.api(s.apiUndeclared)},
		{"GET", "/api/v1/supplies/summary", s.api(s.apiSuppliesSummary)},
		{"GET", "/api/v1/supplies/bureau-stock", s.api(s.apiBureauStock)},
		{"GET", "/api/v1/supplies/receipts", s.api(s.apiReceipts)},
		{"POST", "/api/v1/supplies/receipts", s.api(s.apiAddReceipt)},
		{"GET", "/api/v1/supplies/allocations", s.api(s.apiAllocations)},
		{"POST", "/api/v1/supplies/allocations", s.api(s.apiAllocate)},
		{"GET", "/api/v1/settings/supplies", s.api(s.apiGetSuppliesSettings)},
		{"PUT", "/api/v1/settings/supplies", s.api(s.apiPutSuppliesSettings)},
	}
}

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

func (s *Server) apiGetSupplies(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	v, err := s.Supplies.Get(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stockJSONOf(v))
	return nil
}

// apiPutSupplies records a count of an enterprise's stock: 201 for its
// first record, 200 after.
func (s *Server) apiPutSupplies(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in stockInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	v, created, err := s.Supplies.Declare(r.Context(), a, r.PathValue("uscc"), in.values(), in.Note)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, stockJSONOf(v))
	return nil
}

// queryPage reads the page and per_page parameters.
func queryPage(r *http.Request) (page, perPage int, err error) {
	if page, err = queryInt(r, "page"); err != nil {
		return 0, 0, err
	}
	perPage, err = queryInt(r, "per_page")
	return page, perPage, err
}

// pageEcho is the page and per_page a list answers with, the defaults
// filled in as the service applied them.
func pageEcho(page, perPage int) (int, int) {
	if perPage == 0 {
		perPage = registry.DefaultPerPage
	}
	return max(page, 1), perPage
}

func (s *Server) apiSupplyHistory(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := queryPage(r)
	if err != nil {
		return err
	}
	items, total, err := s.Supplies.History(r.Context(), a, r.PathValue("uscc"), page, perPage)
	if err != nil {
		return err
	}
	page, perPage = pageEcho(page, perPage)
	writeJSON(w, http.StatusOK, listResponse[supplies.Change]{Items: items, Total: total, Page: page, PerPage: perPage})
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

func (s *Server) apiSupplyMatches(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	m, err := s.Supplies.Match(r.Context(), a, r.PathValue("uscc"), r.URL.Query().Get("item"))
	if err != nil {
		return err
	}
	c := coverJSON(m.Cover)
	writeJSON(w, http.StatusOK, matchJSON{Item: m.Item, ItemName: m.Item.Name(), Unit: m.Item.Unit(),
		Enterprise: matchNeedJSON{USCC: m.Need.USCC, Name: m.Need.Name, Town: m.Need.Town, TownName: m.Need.TownName,
			StaffOnPost: m.Need.StaffOnPost, Stock: c.Stock, DailyUse: c.DailyUse, DaysOfCover: c.DaysOfCover, Need: c.Need},
		SurplusDays: m.Settings.SurplusDays(), Items: m.Donors, Total: len(m.Donors)})
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
func (s *Server) apiShortages(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := queryPage(r)
	if err != nil {
		return err
	}
	items, total, set, err := s.Supplies.Shortages(r.Context(), a, supplies.ListFilter{Town: r.URL.Query().Get("town"), Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	page, perPage = pageEcho(page, perPage)
	writeJSON(w, http.StatusOK, shortagesJSON{Items: items, Total: total, Page: page, PerPage: perPage,
		ThresholdDays: set.ShortageDays, MasksPerPersonDay: set.MasksPerPerson})
	return nil
}

// exportShortages writes the whole shortage list of the caller's scope (and
// town) as a spreadsheet; the page's export link is served by it too.
func (s *Server) exportShortages(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	format, err := exportFormat(r)
	if err != nil {
		return err
	}
	items, _, err := s.Supplies.AllShortages(r.Context(), a, r.URL.Query().Get("town"))
	if err != nil {
		return err
	}
	day := s.Supplies.Now().In(fugong.Location).Format("20060102")
	name := "防疫物资缺口名单-" + day + "." + format
	download(w, name, "supply-shortages-"+day, format)
	return sheet.WriteShortages(w, name, items)
}

func (s *Server) apiUndeclared(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := queryPage(r)
	if err != nil {
		return err
	}
	items, total, err := s.Supplies.Undeclared(r.Context(), a, supplies.ListFilter{Town: r.URL.Query().Get("town"), Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	page, perPage = pageEcho(page, perPage)
	writeJSON(w, http.StatusOK, listResponse[supplies.Undeclared]{Items: items, Total: total, Page: page, PerPage: perPage})
	return nil
}

type summaryJSON struct {
	ThresholdDays     int                  `json:"threshold_days"`
	MasksPerPersonDay float64              `json:"masks_per_person_day"`
	City              supplies.TownCount   `json:"city"`
	Towns             []supplies.TownCount `json:"towns"`
}

func (s *Server) apiSuppliesSummary(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	sum, err := s.Supplies.Summary(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, summaryJSON{ThresholdDays: sum.Settings.ShortageDays, MasksPerPersonDay: sum.Settings.MasksPerPerson,
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

func (s *Server) apiBureauStock(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	q, err := s.Supplies.BureauStock(r.Context(), a)
	if err != nil {
		return err
	}
	items := bureauItems(q)
	writeJSON(w, http.StatusOK, listResponse[bureauItemJSON]{Items: items, Total: len(items)})
	return nil
}

func (s *Server) apiReceipts(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := queryPage(r)
	if err != nil {
		return err
	}
	items, total, err := s.Supplies.Receipts(r.Context(), a, page, perPage)
	if err != nil {
		return err
	}
	page, perPage = pageEcho(page, perPage)
	writeJSON(w, http.StatusOK, listResponse[supplies.Receipt]{Items: items, Total: total, Page: page, PerPage: perPage})
	return nil
}

type receiptInput struct {
	Item     string   `json:"item"`
	Quantity *float64 `json:"quantity"`
	Source   string   `json:"source"`
	Note     string   `json:"note"`
}

func (s *Server) apiAddReceipt(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in receiptInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	rec, err := s.Supplies.Receive(r.Context(), a, supplies.Movement{Item: in.Item, Quantity: in.Quantity, Source: in.Source, Note: in.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rec)
	return nil
}

func (s *Server) apiAllocations(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	page, perPage, err := queryPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := s.Supplies.Allocations(r.Context(), a, supplies.AllocationFilter{Enterprise: q.Get("enterprise"),
		Town: q.Get("town"), Item: q.Get("item"), Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	page, perPage = pageEcho(page, perPage)
	writeJSON(w, http.StatusOK, listResponse[supplies.Allocation]{Items: items, Total: total, Page: page, PerPage: perPage})
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
func (s *Server) apiAllocate(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in allocationInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	al, err := s.Supplies.Allocate(r.Context(), a, supplies.Movement{Enterprise: in.Enterprise, Item: in.Item, Quantity: in.Quantity, Note: in.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, al)
	return nil
}

type suppliesSettingsJSON struct {
	supplies.Settings
	SurplusDays int `json:"surplus_days"`
}

func (s *Server) apiGetSuppliesSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	set, err := s.Supplies.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, suppliesSettingsJSON{set, set.SurplusDays()})
	return nil
}

func (s *Server) apiPutSuppliesSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var p supplies.SettingsPatch
	if err := decodeJSON(w, r, &p); err != nil {
		return err
	}
	set, err := s.Supplies.SetSettings(r.Context(), a, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, suppliesSettingsJSON{set, set.SurplusDays()})
	return nil
}
