package people

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/pii"
	"fugong/registry"
)

// Service applies the module's rules over its store, the registry (whose
// enterprises decide the scope) and the personal-data keys.
type Service struct {
	Store    Store
	Registry *registry.Service
	// Keys seal ID numbers and phones. Nil when no key file is configured:
	// the roster can still be read (masked), but nothing personal can be
	// written, looked up or revealed.
	Keys *pii.Keyring
	Now  func() time.Time
}

// ErrNoKeys is every write or full view of personal data without a key file.
var ErrNoKeys = fugong.Errorf(fugong.EConflict, "",
	"系统未配置个人信息密钥文件，暂不能录入、查找或查看身份证号码和电话；请系统管理员以 --key-file 启动服务")

func (s *Service) keys() (*pii.Keyring, error) {
	if s.Keys == nil {
		return nil, ErrNoKeys
	}
	return s.Keys, nil
}

// Today is the bureau's day on the service's clock.
func (s *Service) Today() string { return Today(s.Now()) }

// Settings returns the current settings (the defaults until changed).
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	v, ok, err := s.Store.Setting(ctx, SettingsKey)
	if err != nil || !ok {
		return Defaults, err
	}
	return ParseSettings(v)
}

// SettingsPatch changes some settings; a nil field is left as it is.
type SettingsPatch struct {
	QuarantineDays *int     `json:"quarantine_days"`
	FeverThreshold *float64 `json:"fever_threshold"`
}

// SetSettings changes some settings: the prevention group and the admin.
func (s *Service) SetSettings(ctx context.Context, a fugong.Actor, p SettingsPatch) (Settings, error) {
	if !CanManage(a) {
		return Settings{}, fugong.Errorf(fugong.EForbidden, "", "只有联防联控组和系统管理员可以修改人员健康设置")
	}
	var next Settings
	err := s.Store.UpdateSetting(ctx, a, SettingsKey, func(v string, ok bool) (string, error) {
		next = Defaults
		if ok {
			var err error
			if next, err = ParseSettings(v); err != nil {
				return "", err
			}
		}
		if p.QuarantineDays != nil {
			next.QuarantineDays = *p.QuarantineDays
		}
		if p.FeverThreshold != nil {
			next.FeverThreshold = *p.FeverThreshold
		}
		if err := fugong.Invalid(next.Normalize()); err != nil {
			return "", err
		}
		b, err := json.Marshal(next)
		return string(b), err
	})
	return next, err
}

// pageOf checks a page request: the first page by default, per_page 1–500
// with registry.DefaultPerPage by default.
func pageOf(page, perPage int) (int, int, error) {
	if perPage < 0 || perPage > registry.MaxPerPage {
		return 0, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–%d 之间", registry.MaxPerPage)
	}
	if perPage == 0 {
		perPage = registry.DefaultPerPage
	}
	return max(page, 1), perPage, nil
}

// enterprise reads an enterprise in the actor's scope that they may keep
// the roster of: 404 out of scope, 403 for a role that only reads.
func (s *Service) editable(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return e, err
	}
	if !CanEdit(a) {
		return e, fugong.Errorf(fugong.EForbidden, "", "无权登记或修改该企业的人员")
	}
	return e, nil
}

// duplicate is the conflict of an ID number already on the enterprise's
// roster, as other's record.
func duplicate(idNumber string, other Person) error {
	return fugong.Errorf(fugong.EConflict, "id_number", "该企业已登记身份证号码为 %s 的人员（%s）", pii.MaskID(idNumber), other.Name)
}

// Add registers a person on the roster of an enterprise in the actor's
// scope. It returns the person as stored, masked.
func (s *Service) Add(ctx context.Context, a fugong.Actor, uscc string, p Person) (Person, error) {
	e, err := s.editable(ctx, a, uscc)
	if err != nil {
		return Person{}, err
	}
	keys, err := s.keys()
	if err != nil {
		return Person{}, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return Person{}, err
	}
	p.ID, p.Enterprise = 0, e.USCC
	if err := fugong.Invalid(p.Normalize(s.Today(), set)); err != nil {
		return Person{}, err
	}
	if err := s.notTaken(ctx, keys, p, 0); err != nil {
		return Person{}, err
	}
	rows, err := s.Store.AddPeople(ctx, a, []Person{p}, func(_ int, id int64) (Sealed, error) {
		q := p
		q.ID = id
		return Seal(keys, q)
	})
	if err != nil {
		return Person{}, err
	}
	out := rows[0].Masked()
	out.EnterpriseName = e.Name
	return out, nil
}

// notTaken refuses an ID number another record (than self) of the
// enterprise has, under any key of the ring.
func (s *Service) notTaken(ctx context.Context, keys *pii.Keyring, p Person, self int64) error {
	idx, err := keys.IDIndexes(p.IDNumber)
	if err != nil {
		return err
	}
	taken, err := s.Store.IndexesTaken(ctx, p.Enterprise, idx)
	if err != nil {
		return err
	}
	for _, other := range taken {
		if other.ID != self {
			return duplicate(p.IDNumber, other)
		}
	}
	return nil
}

// Patch changes some fields of a person; a nil field is left as it is.
type Patch struct {
	Name             *string     `json:"name"`
	IDNumber         *string     `json:"id_number"`
	Phone            *string     `json:"phone"`
	Origin           *string     `json:"origin"`
	Hubei            *bool       `json:"hubei"`
	ReturnedOn       *string     `json:"returned_on"`
	QuarantineStart  *string     `json:"quarantine_start"`
	QuarantineDays   *int        `json:"quarantine_days"`
	QuarantineEnd    *string     `json:"quarantine_end"`
	HealthCode       *HealthCode `json:"health_code"`
	CodeSince        *string     `json:"code_since"`
	CodeHeldByFamily *bool       `json:"code_held_by_family"`
	OnPost           *bool       `json:"on_post"`
}

// Apply changes p. A quarantine's end is recomputed unless given; given
// without the days, it sets them. A code turning another colour needs the
// day it turned, unless it turned green.
func (pt Patch) Apply(p *Person) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.Name, pt.Name)
	set(&p.IDNumber, pt.IDNumber)
	set(&p.Phone, pt.Phone)
	set(&p.Origin, pt.Origin)
	set(&p.ReturnedOn, pt.ReturnedOn)
	set(&p.QuarantineStart, pt.QuarantineStart)
	if pt.Hubei != nil {
		p.Hubei = *pt.Hubei
	}
	if pt.QuarantineDays != nil {
		p.QuarantineDays = *pt.QuarantineDays
	}
	if pt.QuarantineEnd != nil {
		p.QuarantineEnd = *pt.QuarantineEnd
		if pt.QuarantineDays == nil {
			p.QuarantineDays = 0
		}
	} else {
		p.QuarantineEnd = ""
	}
	if pt.HealthCode != nil {
		if c, _ := ParseHealthCode(string(*pt.HealthCode)); c != p.HealthCode {
			p.CodeSince = ""
		}
		p.HealthCode = *pt.HealthCode
	}
	set(&p.CodeSince, pt.CodeSince)
	if c, ok := ParseHealthCode(string(p.HealthCode)); ok && c == CodeGreen && pt.CodeSince == nil {
		p.CodeSince = ""
	}
	if pt.CodeHeldByFamily != nil {
		p.CodeHeldByFamily = *pt.CodeHeldByFamily
	}
	if pt.OnPost != nil {
		p.OnPost = *pt.OnPost
	}
}

// person reads a person in the actor's scope that they may change.
func (s *Service) changeable(ctx context.Context, a fugong.Actor, id int64) (Row, error) {
	r, err := s.Store.Person(ctx, a, id)
	if err != nil {
		return r, err
	}
	if !CanEdit(a) {
		return r, fugong.Errorf(fugong.EForbidden, "", "无权修改该企业的人员")
	}
	return r, nil
}

// Update changes a person in the actor's scope; every field is checked
// again, and the ID number and phone sealed again under the current key.
func (s *Service) Update(ctx context.Context, a fugong.Actor, id int64, pt Patch) (Person, error) {
	cur, err := s.changeable(ctx, a, id)
	if err != nil {
		return Person{}, err
	}
	keys, err := s.keys()
	if err != nil {
		return Person{}, err
	}
	if pt.IDNumber != nil {
		// The unique index holds under one key; the look-up also finds a
		// record still under an older key while a rotation runs.
		if n, msg := pii.NormalizeIDNumber(*pt.IDNumber); msg == "" {
			if err := s.notTaken(ctx, keys, Person{Enterprise: cur.Enterprise, IDNumber: n}, id); err != nil {
				return Person{}, err
			}
		}
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return Person{}, err
	}
	today := s.Today()
	r, err := s.Store.UpdatePerson(ctx, a, id, func(r *Row) error {
		p := r.Person
		if err := r.Sealed.Open(keys, id, &p); err != nil {
			return err
		}
		pt.Apply(&p)
		if err := fugong.Invalid(p.Normalize(today, set)); err != nil {
			return err
		}
		sealed, err := Seal(keys, p)
		if err != nil {
			return err
		}
		r.Person, r.Sealed = p, sealed
		return nil
	})
	if err != nil {
		return Person{}, err
	}
	return r.Masked(), nil
}

// Delete takes a person off the roster, with their readings; their alerts
// stay, without the person.
func (s *Service) Delete(ctx context.Context, a fugong.Actor, id int64) error {
	if _, err := s.changeable(ctx, a, id); err != nil {
		return err
	}
	return s.Store.DeletePerson(ctx, a, id)
}

// Get returns a person in the actor's scope, masked.
func (s *Service) Get(ctx context.Context, a fugong.Actor, id int64) (Person, error) {
	r, err := s.Store.Person(ctx, a, id)
	if err != nil {
		return Person{}, err
	}
	return r.Masked(), nil
}

// Roster returns a page of an enterprise's staff by name, masked.
func (s *Service) Roster(ctx context.Context, a fugong.Actor, uscc string, page, perPage int) ([]Person, int, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, 0, err
	}
	if page, perPage, err = pageOf(page, perPage); err != nil {
		return nil, 0, err
	}
	rows, total, err := s.Store.Roster(ctx, a, e.USCC, page, perPage)
	return maskedAll(rows), total, err
}

func maskedAll(rows []Row) []Person {
	out := make([]Person, len(rows))
	for i, r := range rows {
		out[i] = r.Masked()
	}
	return out
}

// Find looks a whole ID number up through the keyed index, without
// decrypting anything: the records with that number in the actor's scope,
// masked.
func (s *Service) Find(ctx context.Context, a fugong.Actor, idNumber string) ([]Person, error) {
	n, msg := pii.NormalizeIDNumber(idNumber)
	if msg != "" {
		return nil, fugong.Errorf(fugong.EInvalid, "id_number", "%s%s", FieldLabels["id_number"], msg)
	}
	keys, err := s.keys()
	if err != nil {
		return nil, err
	}
	idx, err := keys.IDIndexes(n)
	if err != nil {
		return nil, err
	}
	rows, err := s.Store.FindByIDNumber(ctx, a, idx)
	return maskedAll(rows), err
}

// MaxReason is the longest reason for a full view.
const MaxReason = 200

// Reveal opens a person's whole ID number and phone for an actor who may
// see them (CanViewFull), with a reason; the view is audited before it is
// returned. Out of scope is 404, a role that may not 403, no reason 400.
func (s *Service) Reveal(ctx context.Context, a fugong.Actor, id int64, reason string) (Person, error) {
	r, err := s.Store.Person(ctx, a, id)
	if err != nil {
		return Person{}, err
	}
	if !CanViewFull(a) {
		return Person{}, fugong.Errorf(fugong.EForbidden, "", "无权查看完整的身份证号码和电话")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Person{}, fugong.Errorf(fugong.EInvalid, "reason", "请填写查看完整信息的原因")
	case !utf8.ValidString(reason) || utf8.RuneCountInString(reason) > MaxReason:
		return Person{}, fugong.Errorf(fugong.EInvalid, "reason", "查看原因不能超过%d个字", MaxReason)
	}
	keys, err := s.keys()
	if err != nil {
		return Person{}, err
	}
	p := r.Person
	if err := r.Sealed.Open(keys, id, &p); err != nil {
		return Person{}, err
	}
	if err := s.Store.AuditFullView(ctx, a, r.Masked(), pii.Redact(reason)); err != nil {
		return Person{}, err
	}
	return p, nil
}

// maxReadingAge is how far back a reading may be recorded.
const maxReadingAge = 30 * 24 * time.Hour

// AddTemperature records a reading of a person in the actor's scope; a
// fever raises (or keeps open) an alert to the enterprise's town and cadre.
func (s *Service) AddTemperature(ctx context.Context, a fugong.Actor, id int64, t Temperature) (Temperature, *Alert, error) {
	r, err := s.changeable(ctx, a, id)
	if err != nil {
		return Temperature{}, nil, err
	}
	now := s.Now()
	t.ID, t.Person, t.By = 0, id, a.Username
	ps := t.Normalize(now)
	if !t.At.IsZero() && t.At.Before(now.Add(-maxReadingAge)) {
		ps = append(ps, fugong.Problem{Field: "measured_at", Message: "测温时间不能早于 30 天前"})
	}
	for i := range ps {
		if ps[i].Field == "at" {
			ps[i].Field = "measured_at"
		}
	}
	if err := fugong.Invalid(ps); err != nil {
		return Temperature{}, nil, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return Temperature{}, nil, err
	}
	var fever *Alert
	if al, ok := FeverAlert(r.Masked(), t, set); ok {
		al.OpenedBy = a.Username
		fever = &al
	}
	return s.Store.AddTemperature(ctx, a, t, fever)
}

// History is a person's readings of the last days, newest first, with the
// day their yellow or red code is expected to turn green.
type History struct {
	Readings      []Temperature
	CheckIns      []CheckIn
	GreenExpected string
	Settings      Settings
}

// historyDays is how far back a person's page shows readings: a red
// code's fortnight and a little more.
const historyDays = 20

// Temperatures returns a person's recent readings in the actor's scope.
func (s *Service) Temperatures(ctx context.Context, a fugong.Actor, id int64) (Person, History, error) {
	r, err := s.Store.Person(ctx, a, id)
	if err != nil {
		return Person{}, History{}, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return Person{}, History{}, err
	}
	today := s.Today()
	from := AddDays(today, -historyDays)
	if r.CodeSince != "" && r.CodeSince < from {
		from = r.CodeSince
	}
	ts, err := s.Store.PersonTemperatures(ctx, id, from)
	if err != nil {
		return Person{}, History{}, err
	}
	h := History{Readings: ts, CheckIns: DailyCheckIns(ts, set), Settings: set}
	h.GreenExpected, _ = ExpectedGreen(r.HealthCode, r.CodeSince, h.CheckIns, today)
	return r.Masked(), h, nil
}

// SummaryFilter selects the people of a day's lists: the actor's scope,
// narrowed to a town or an enterprise.
type SummaryFilter struct {
	Day        string
	Town       string // a code, name or short name; "" for every town in scope
	Enterprise string // a USCC; "" for every enterprise
}

// Summary makes the day's lists of the people in the actor's scope.
func (s *Service) Summary(ctx context.Context, a fugong.Actor, f SummaryFilter) (Summary, SummaryFilter, error) {
	f, set, err := s.summaryFilter(ctx, a, f)
	if err != nil {
		return Summary{}, f, err
	}
	ps, readings, err := s.Store.HealthPeople(ctx, a, f, set)
	if err != nil {
		return Summary{}, f, err
	}
	return Summarize(f.Day, ps, readings, set), f, nil
}

// Counts counts the day's lists of the people in the actor's scope, as
// Summary(…).Counts() would, without reading them.
func (s *Service) Counts(ctx context.Context, a fugong.Actor, f SummaryFilter) (Counts, SummaryFilter, error) {
	f, set, err := s.summaryFilter(ctx, a, f)
	if err != nil {
		return Counts{}, f, err
	}
	c, err := s.Store.HealthCounts(ctx, a, f, set)
	return c, f, err
}

// summaryFilter checks a filter (the day today by default, not in the
// future; a town of the city; an enterprise in scope) and reads the
// settings.
func (s *Service) summaryFilter(ctx context.Context, a fugong.Actor, f SummaryFilter) (SummaryFilter, Settings, error) {
	today := s.Today()
	f.Day = strings.TrimSpace(f.Day)
	switch _, ok := parseDay(f.Day); {
	case f.Day == "":
		f.Day = today
	case !ok:
		return f, Settings{}, fugong.Errorf(fugong.EInvalid, "date", "日期应为 YYYY-MM-DD 格式的有效日期")
	case f.Day > today:
		return f, Settings{}, fugong.Errorf(fugong.EInvalid, "date", "不能查看未来日期（%s）的情况", f.Day)
	}
	if f.Town != "" {
		t, ok := registry.TownByNameOrCode(f.Town)
		if !ok {
			return f, Settings{}, fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
		}
		f.Town = t.Code
	}
	if f.Enterprise != "" {
		e, err := s.Registry.Get(ctx, a, f.Enterprise)
		if err != nil {
			return f, Settings{}, err
		}
		f.Enterprise = e.USCC
	}
	set, err := s.Settings(ctx)
	return f, set, err
}

// Counts are the sizes of the day's lists.
type Counts struct {
	Quarantined      int `json:"quarantined"`
	QuarantineEnding int `json:"quarantine_ending"`
	Yellow           int `json:"yellow"`
	Red              int `json:"red"`
	Fever            int `json:"fever"`
	FamilyHeld       int `json:"family_held"`
}

// Counts counts the lists.
func (sum Summary) Counts() Counts {
	return Counts{Quarantined: len(sum.Quarantined), QuarantineEnding: len(sum.QuarantineEnding), Yellow: len(sum.Yellow),
		Red: len(sum.Red), Fever: len(sum.Fever), FamilyHeld: len(sum.FamilyHeld)}
}

// AlertFilter selects a page of alerts in the actor's scope.
type AlertFilter struct {
	Kind    string // "" for every kind
	Status  string // open, closed or ""
	Town    string // a town code, name or short name
	USCC    string
	Page    int
	PerPage int
}

// Alerts returns a page of the alerts in the actor's scope, newest first.
func (s *Service) Alerts(ctx context.Context, a fugong.Actor, f AlertFilter) ([]Alert, int, error) {
	switch f.Kind {
	case "", KindFever:
	default:
		return nil, 0, fugong.Errorf(fugong.EInvalid, "kind", "预警类型应为 fever")
	}
	switch f.Status {
	case "", AlertOpen, AlertClosed:
	default:
		return nil, 0, fugong.Errorf(fugong.EInvalid, "status", "预警状态应为 open 或 closed")
	}
	if f.Town != "" {
		t, ok := registry.TownByNameOrCode(f.Town)
		if !ok {
			return nil, 0, fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
		}
		f.Town = t.Code
	}
	if f.USCC != "" {
		code, msg := registry.NormalizeUSCC(f.USCC)
		if msg != "" {
			return nil, 0, fugong.Errorf(fugong.EInvalid, "uscc", "统一社会信用代码%s", msg)
		}
		f.USCC = code
	}
	var err error
	if f.Page, f.PerPage, err = pageOf(f.Page, f.PerPage); err != nil {
		return nil, 0, err
	}
	return s.Store.Alerts(ctx, a, f)
}

// MaxNote is the longest note closing an alert.
const MaxNote = 500

// CloseAlert closes an alert in the actor's scope with a note of what was
// done (sent to the fever clinic, a normal reading on recheck).
func (s *Service) CloseAlert(ctx context.Context, a fugong.Actor, id int64, note string) (Alert, error) {
	if _, err := s.Store.Alert(ctx, a, id); err != nil {
		return Alert{}, err
	}
	if !CanCloseAlert(a) {
		return Alert{}, fugong.Errorf(fugong.EForbidden, "", "只有所在乡镇街道、驻企干部和联防联控组可以关闭预警")
	}
	note = strings.TrimSpace(note)
	switch {
	case note == "":
		return Alert{}, fugong.Errorf(fugong.EInvalid, "note", "请填写处置情况")
	case !utf8.ValidString(note) || utf8.RuneCountInString(note) > MaxNote:
		return Alert{}, fugong.Errorf(fugong.EInvalid, "note", "处置情况不能超过%d个字", MaxNote)
	}
	// A note is free text: an ID number or phone typed into it is masked.
	return s.Store.CloseAlert(ctx, a, id, pii.Redact(note))
}

// RosterFigures are what an enterprise's roster says of a day, for its
// daily report (M2): the report stays the firm's statement, and the page
// warns where the two disagree.
type RosterFigures struct {
	StaffTotal  int `json:"staff_total"`
	HubeiStaff  int `json:"hubei_staff"`
	Quarantined int `json:"quarantined"`
	Fever       int `json:"fever"`
}

// RosterFigures counts the roster of an enterprise in the actor's scope on
// a day; ok is false when the enterprise keeps no roster.
func (s *Service) RosterFigures(ctx context.Context, a fugong.Actor, uscc, day string) (f RosterFigures, ok bool, err error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return f, false, err
	}
	set, err := s.Settings(ctx)
	if err != nil {
		return f, false, err
	}
	f, err = s.Store.RosterCounts(ctx, e.USCC, day, set)
	return f, err == nil && f.StaffTotal > 0, err
}
