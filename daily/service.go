package daily

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/settings"
)

// The daily report is the statistics group's module (信息统计组).
const ownerGroup = fugong.GroupStatistics

// Submission is one PUT of a report, as the store receives it.
type Submission struct {
	USCC    string
	Town    string // the enterprise's town, for the lock and the counters
	Date    string
	Figures Figures
	// Key is the client's Idempotency-Key ("" for none); Hash identifies the
	// request body, so a replay with another body is told apart.
	Key, Hash string
	OnTime    func(first time.Time) bool
}

// Result is what a stored submission answers.
type Result struct {
	Report  Report
	Created bool // the day's first version
}

// Counts are completeness and the day's figures for an area.
type Counts struct {
	Expected  int `json:"expected"`
	Received  int `json:"received"`
	OnTime    int `json:"on_time"`
	Late      int `json:"late"`
	Totals    `json:"totals"`
	SignedOff bool `json:"signed_off"`
}

// Totals add up the figures of the received reports.
type Totals struct {
	StaffTotal     int `json:"staff_total"`
	StaffInCity    int `json:"staff_in_city"`
	Returned       int `json:"returned_today"`
	Persuaded      int `json:"persuaded_today"`
	Refunded       int `json:"tickets_refunded_today"`
	HubeiStaff     int `json:"hubei_staff"`
	HubeiContacted int `json:"hubei_contacted_today"`
	Quarantined    int `json:"quarantined"`
	Fever          int `json:"fever"`
	OnDuty         int `json:"on_duty"`
	LettersSigned  int `json:"commitment_signed"`
}

// Rate is received as a share of expected, in percent.
func (c Counts) Rate() float64 { return pct(c.Received, c.Expected) }

// OnTimeRate is on-time reports as a share of expected, in percent.
func (c Counts) OnTimeRate() float64 { return pct(c.OnTime, c.Expected) }

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) * 100 / float64(d)
}

// TownCounts are one town's counts for a day.
type TownCounts struct {
	Town registry.Town
	Counts
	SignedBy string
	SignedAt time.Time
	Sent     *Counts // the figures sent at the sign-off, when signed
}

// LateAfterSignOff is how many reports came in after the town's sign-off.
func (t TownCounts) LateAfterSignOff() int {
	if !t.SignedOff || t.Sent == nil {
		return 0
	}
	return t.Received - t.Sent.Received
}

// Missing is an enterprise without a report for the day: a line of the call list.
type Missing struct {
	USCC         string `json:"uscc"`
	Name         string `json:"name"`
	Town         string `json:"town"`
	TownName     string `json:"town_name"`
	ContactPhone string `json:"contact_phone"`
	LegalRep     string `json:"legal_rep"`
	Cadre        string `json:"cadre"`
	LastReport   string `json:"last_report"`
	Followups    int    `json:"followups"`
}

// Store is what the daily report needs from storage.
type Store interface {
	Submit(ctx context.Context, a fugong.Actor, s Submission) (Result, error)
	// SubmitAll stores every submission in one transaction, all or nothing.
	SubmitAll(ctx context.Context, a fugong.Actor, subs []Submission) ([]Result, error)
	Report(ctx context.Context, uscc, date string) (Report, error)
	Versions(ctx context.Context, uscc, date string) ([]Report, error)
	LastReport(ctx context.Context, uscc, before string) (Report, error)
	Completeness(ctx context.Context, a fugong.Actor, date string) ([]TownCounts, error)
	Trend(ctx context.Context, a fugong.Actor, from, to string) (days map[string]Counts, expected int, err error)
	Missing(ctx context.Context, a fugong.Actor, date string, among Among, page, perPage int) ([]Missing, int, error)
	AddFollowup(ctx context.Context, a fugong.Actor, f Followup) (Followup, error)
	Followups(ctx context.Context, uscc string) ([]Followup, error)
	SignOff(ctx context.Context, a fugong.Actor, town, date string) (SignOff, error)
	Reopen(ctx context.Context, a fugong.Actor, town, date, reason string) (SignOff, error)
	SignOffOf(ctx context.Context, town, date string) (SignOff, error)
	// The settings table, where DeadlineConfig is kept.
	settings.Store
}

// Service applies the daily report's rules over its store and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
	Now      func() time.Time
}

// CanReport reports whether the actor may submit for an enterprise already
// read in their scope: the clerk, the town, the paired cadre, the
// statistics group.
func CanReport(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleEnterprise, fugong.RoleTown, fugong.RoleCadre:
		return true
	}
	return a.WritesFor(ownerGroup)
}

// Submit validates and stores a report (a correction when the day already
// has one), replaying the stored answer for a repeated Idempotency-Key.
func (s *Service) Submit(ctx context.Context, a fugong.Actor, uscc, date string, f Figures, key string) (Result, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Result{}, err
	}
	if !CanReport(a) {
		return Result{}, fugong.Errorf(fugong.EForbidden, "", "无权填报日报")
	}
	if err := checkActive(e); err != nil {
		return Result{}, err
	}
	if err := CheckDay(date, s.Now(), e.CreatedAt); err != nil {
		return Result{}, err
	}
	if err := fugong.Invalid(f.Normalize()); err != nil {
		return Result{}, err
	}
	if len(key) > 200 {
		return Result{}, fugong.Errorf(fugong.EInvalid, "Idempotency-Key", "Idempotency-Key 不能超过200个字符")
	}
	deadline, err := s.Deadline(ctx)
	if err != nil {
		return Result{}, err
	}
	body, _ := json.Marshal(struct {
		USCC, Date string
		Figures
	}{e.USCC, date, f})
	sum := sha256.Sum256(body)
	return s.Store.Submit(ctx, a, Submission{USCC: e.USCC, Town: e.Town, Date: date, Figures: f,
		Key: key, Hash: hex.EncodeToString(sum[:]), OnTime: func(first time.Time) bool { return deadline.OnTime(date, first) }})
}

// Get returns the latest version of a report, with its derived totals.
func (s *Service) Get(ctx context.Context, a fugong.Actor, uscc, date string) (Report, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Report{}, err
	}
	if _, err := ParseDay("date", date, s.Now()); err != nil {
		return Report{}, err
	}
	return s.Store.Report(ctx, e.USCC, date)
}

// Versions returns every version of a day's report, oldest first.
func (s *Service) Versions(ctx context.Context, a fugong.Actor, uscc, date string) ([]Report, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, err
	}
	if _, err := ParseDay("date", date, s.Now()); err != nil {
		return nil, err
	}
	return s.Store.Versions(ctx, e.USCC, date)
}

// Completeness is a day's reporting in the actor's scope: the city (the sum
// of the towns in scope) and each town.
type Completeness struct {
	Date     string
	Deadline Deadline
	City     Counts
	Towns    []TownCounts
}

// Completeness returns the day's completeness and timeliness.
func (s *Service) Completeness(ctx context.Context, a fugong.Actor, date string) (Completeness, error) {
	if _, err := ParseDay("date", date, s.Now()); err != nil {
		return Completeness{}, err
	}
	d, err := s.Deadline(ctx)
	if err != nil {
		return Completeness{}, err
	}
	towns, err := s.Store.Completeness(ctx, a, date)
	if err != nil {
		return Completeness{}, err
	}
	c := Completeness{Date: date, Deadline: d, Towns: towns}
	for _, t := range towns {
		c.City.add(t.Counts)
	}
	c.City.SignedOff = len(towns) > 0
	for _, t := range towns {
		c.City.SignedOff = c.City.SignedOff && t.SignedOff
	}
	return c, nil
}

func (c *Counts) add(o Counts) {
	c.Expected += o.Expected
	c.Received += o.Received
	c.OnTime += o.OnTime
	c.Late += o.Late
	t, u := &c.Totals, o.Totals
	t.StaffTotal += u.StaffTotal
	t.StaffInCity += u.StaffInCity
	t.Returned += u.Returned
	t.Persuaded += u.Persuaded
	t.Refunded += u.Refunded
	t.HubeiStaff += u.HubeiStaff
	t.HubeiContacted += u.HubeiContacted
	t.Quarantined += u.Quarantined
	t.Fever += u.Fever
	t.OnDuty += u.OnDuty
	t.LettersSigned += u.LettersSigned
}

// DayCounts are one day of a trend.
type DayCounts struct {
	Date string `json:"date"`
	Counts
}

// MaxTrendDays bounds a trend's range.
const MaxTrendDays = 366

// Trend returns the scope's counts for every day of [from, to], days
// without reports included as zeros.
func (s *Service) Trend(ctx context.Context, a fugong.Actor, from, to string) ([]DayCounts, error) {
	days, err := ParseRange(from, to, s.Now(), MaxTrendDays)
	if err != nil {
		return nil, err
	}
	f, _ := ParseDate(from)
	byDay, expected, err := s.Store.Trend(ctx, a, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]DayCounts, 0, days)
	for i := range days {
		day := f.AddDate(0, 0, i).Format(DateLayout)
		c, ok := byDay[day]
		if !ok {
			c.Expected = expected
		}
		out = append(out, DayCounts{Date: day, Counts: c})
	}
	return out, nil
}

// Among narrows the call list: a town (name or code), part of the
// enterprise's name or the start of its USCC, part of the paired cadre's
// name. Empty is any.
type Among struct {
	Town, Q, Cadre string
}

// check normalises the values and names the first that is not one.
func (m *Among) check() error {
	if m.Town != "" {
		t, ok := registry.TownByNameOrCode(m.Town)
		if !ok {
			return fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
		}
		m.Town = t.Code
	}
	m.Q, m.Cadre = strings.TrimSpace(m.Q), strings.TrimSpace(m.Cadre)
	if len([]rune(m.Q)) > 100 {
		return fugong.Errorf(fugong.EInvalid, "q", "企业名称关键词不超过 100 个字")
	}
	if len([]rune(m.Cadre)) > 50 {
		return fugong.Errorf(fugong.EInvalid, "cadre", "结对干部姓名不超过 50 个字")
	}
	return nil
}

// Missing returns a page of the enterprises in scope (and town, if given)
// that have not reported for the day.
func (s *Service) Missing(ctx context.Context, a fugong.Actor, date, town string, page, perPage int) ([]Missing, int, error) {
	return s.MissingAmong(ctx, a, date, Among{Town: town}, page, perPage)
}

// MissingAmong is Missing narrowed by among.
func (s *Service) MissingAmong(ctx context.Context, a fugong.Actor, date string, among Among, page, perPage int) ([]Missing, int, error) {
	if _, err := ParseDay("date", date, s.Now()); err != nil {
		return nil, 0, err
	}
	if err := among.check(); err != nil {
		return nil, 0, err
	}
	if page < 1 {
		page = 1
	}
	if perPage < 0 || perPage > registry.MaxPerPage {
		return nil, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–500 之间")
	}
	if perPage == 0 {
		perPage = registry.DefaultPerPage
	}
	return s.Store.Missing(ctx, a, date, among, page, perPage)
}

// SetDeadline changes the daily deadline; only the admin may.
func (s *Service) SetDeadline(ctx context.Context, a fugong.Actor, hhmm string) error {
	if err := DeadlineConfig.CheckSetter(a); err != nil {
		return err
	}
	d, err := ParseDeadline(hhmm)
	if err != nil {
		return err
	}
	_, err = DeadlineConfig.Set(ctx, s.Store, a, d)
	return err
}

// Deadline is the daily deadline: 16:00 until the admin changes it.
func (s *Service) Deadline(ctx context.Context) (Deadline, error) {
	return DeadlineConfig.Get(ctx, s.Store)
}

// AllMissing returns every enterprise in scope (and town) without a report
// for the day, for the call list download.
func (s *Service) AllMissing(ctx context.Context, a fugong.Actor, date, town string) ([]Missing, error) {
	if _, _, err := s.Missing(ctx, a, date, town, 1, 1); err != nil {
		return nil, err
	}
	if t, ok := registry.TownByNameOrCode(town); ok {
		town = t.Code
	}
	items, _, err := s.Store.Missing(ctx, a, date, Among{Town: town}, 1, 0)
	return items, err
}

// checkActive refuses reports for a closed enterprise: it is not expected to
// report, so its reports would count beyond the expected.
func checkActive(e registry.Enterprise) error {
	if e.Status != registry.StatusActive {
		return fugong.Errorf(fugong.EConflict, "uscc", "%s 已注销或停业，无需填报日报", e.Name)
	}
	return nil
}
