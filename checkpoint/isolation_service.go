package checkpoint

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
)

// Isolation is the isolation points' service (隔离点): points and their
// rooms, residents admitted and released, the twice-daily rounds, meals,
// and occupancy. The fever threshold, the default stay and the
// personal-data keys are package people's, read through People.
type Isolation struct {
	Store  ResidentStore
	People *people.Service
	Now    func() time.Time
}

// Today is the bureau's day on the service's clock.
func (s *Isolation) Today() string { return people.Today(s.Now()) }

func (s *Isolation) keys() (*pii.Keyring, error) {
	if s.People == nil || s.People.Keys == nil {
		return nil, people.ErrNoKeys
	}
	return s.People.Keys, nil
}

func (s *Isolation) settings(ctx context.Context) (people.Settings, error) {
	if s.People == nil {
		return people.Defaults, nil
	}
	return s.People.Settings(ctx)
}

// day checks a day the user asks about: a valid date, not after today;
// "" is today.
func (s *Isolation) day(field, d string) (string, error) {
	d = strings.TrimSpace(d)
	if d == "" {
		return s.Today(), nil
	}
	if people.AddDays(d, 0) != d {
		return "", fugong.Errorf(fugong.EInvalid, field, "日期应为 YYYY-MM-DD 格式的有效日期")
	}
	if d > s.Today() {
		return "", fugong.Errorf(fugong.EInvalid, field, "日期不能晚于今天（%s）", s.Today())
	}
	return d, nil
}

func townFilter(t string) (string, error) {
	if t = strings.TrimSpace(t); t == "" {
		return "", nil
	}
	town, ok := registry.TownByNameOrCode(t)
	if !ok {
		return "", fugong.Errorf(fugong.EInvalid, "town", "不是瑞安市的乡镇街道")
	}
	return town.Code, nil
}

var errCannotManage = fugong.Errorf(fugong.EForbidden, "", "只有所在乡镇街道、联防联控组和系统管理员可以设立和修改隔离点")

// workable reads a point in scope that the actor works (CanWorkPoint):
// out of scope is not found, a role that may only read is forbidden.
func (s *Isolation) workable(ctx context.Context, a fugong.Actor, id int64) (Point, error) {
	p, err := s.Store.Point(ctx, a, id)
	if err != nil {
		return Point{}, err
	}
	if !CanWorkPoint(a, Assignment{}, p) {
		return Point{}, fugong.Errorf(fugong.EForbidden, "", "只有隔离点所在乡镇街道、联防联控组和系统管理员可以登记")
	}
	return p, nil
}

// AddPoint sets up an isolation point: a town for itself, the prevention
// group and the admin for any town.
func (s *Isolation) AddPoint(ctx context.Context, a fugong.Actor, p Point) (Point, error) {
	if !CanManage(a) {
		return Point{}, errCannotManage
	}
	p.ID, p.Closed = 0, false
	if err := fugong.Invalid(p.Normalize()); err != nil {
		return Point{}, err
	}
	if a.Role == fugong.RoleTown && p.Town != a.Town {
		return Point{}, fugong.Errorf(fugong.EForbidden, "town", "只能设立本乡镇街道的隔离点")
	}
	return s.Store.AddPoint(ctx, a, p)
}

// PointPatch changes some of a point; a nil field is left as it is.
// Capacity, when given, replaces the rooms' capacities.
type PointPatch struct {
	Name     *string         `json:"name"`
	Address  *string         `json:"address"`
	Rooms    *int            `json:"rooms"`
	Capacity *map[string]int `json:"capacity"`
	Closed   *bool           `json:"closed"`
}

// UpdatePoint changes a point in scope: its rooms and capacities only as
// far as the residents in them allow (CheckPointChange).
func (s *Isolation) UpdatePoint(ctx context.Context, a fugong.Actor, id int64, pt PointPatch) (Point, error) {
	today := s.Today()
	return s.Store.UpdatePoint(ctx, a, id, func(p *Point, current []Resident) error {
		if !CanManage(a) {
			return errCannotManage
		}
		next := *p
		if pt.Name != nil {
			next.Name = *pt.Name
		}
		if pt.Address != nil {
			next.Address = *pt.Address
		}
		if pt.Rooms != nil {
			next.Rooms = *pt.Rooms
		}
		if pt.Capacity != nil {
			next.Capacity = *pt.Capacity
		}
		if pt.Closed != nil {
			next.Closed = *pt.Closed
		}
		ps := next.Normalize()
		if len(ps) == 0 {
			ps = CheckPointChange(next, today, current)
		}
		if err := fugong.Invalid(ps); err != nil {
			return err
		}
		next.ID, next.Town = p.ID, p.Town
		*p = next
		return nil
	})
}

// Point is a point in scope.
func (s *Isolation) Point(ctx context.Context, a fugong.Actor, id int64) (Point, error) {
	return s.Store.Point(ctx, a, id)
}

// Points are a page of the points in scope, by town and name.
func (s *Isolation) Points(ctx context.Context, a fugong.Actor, f PointFilter) ([]Point, int, error) {
	var err error
	if f.Town, err = townFilter(f.Town); err != nil {
		return nil, 0, err
	}
	if f.Page, f.PerPage, err = pageOf(f.Page, f.PerPage); err != nil {
		return nil, 0, err
	}
	return s.Store.Points(ctx, a, f)
}

// Admit admits a resident to a point in scope: the rules of Normalize,
// nobody already in isolation anywhere in the city, and the room's
// capacity (Place), checked again in the store's transaction with the
// point's row locked, so that two admissions at once cannot both take a
// room's last bed. The resident comes back masked.
func (s *Isolation) Admit(ctx context.Context, a fugong.Actor, point int64, r Resident) (Resident, error) {
	p, err := s.workable(ctx, a, point)
	if err != nil {
		return Resident{}, err
	}
	set, err := s.settings(ctx)
	if err != nil {
		return Resident{}, err
	}
	today := s.Today()
	r.ID, r.Point, r.ReleasedOn, r.ReleasedBy, r.ReleaseNote = 0, point, "", "", ""
	if err := fugong.Invalid(r.Normalize(today, p, set)); err != nil {
		return Resident{}, err
	}
	keys, err := s.keys()
	if err != nil {
		return Resident{}, err
	}
	idx, err := keys.IDIndexes(r.IDNumber)
	if err != nil {
		return Resident{}, err
	}
	for _, day := range []string{r.AdmittedOn, today} {
		there, err := s.Store.InResidence(ctx, idx, day)
		if err != nil {
			return Resident{}, err
		}
		if len(there) > 0 {
			return Resident{}, fugong.Errorf(fugong.EConflict, "id_number", "该人员%s已在隔离点隔离，同一人不能同时入住两处", dayWord(day, today))
		}
	}
	rows, err := s.Store.Admit(ctx, a, point, []Resident{r}, func(p Point, current []Resident) error { return placeFrom(p, current, r) },
		func(_ int, id int64) (Sealed, error) { return Seal(keys, TableResidents, id, r.IDNumber, r.Phone) })
	if err != nil {
		return Resident{}, err
	}
	return rows[0].Masked(), nil
}

// placeFrom is Place for a resident who stays from their admission on: an
// admission entered late (a week ago) must fit the room on that day and on
// every later day someone else came into it.
func placeFrom(p Point, current []Resident, r Resident) error {
	days := []string{r.AdmittedOn}
	for _, c := range current {
		if c.Room == r.Room && c.AdmittedOn > r.AdmittedOn {
			days = append(days, c.AdmittedOn)
		}
	}
	for _, day := range days {
		probe := r
		probe.AdmittedOn = day
		if err := fugong.Invalid(Place(p, current, []Resident{probe})); err != nil {
			return err
		}
	}
	return nil
}

func dayWord(day, today string) string {
	if day == today {
		return "目前"
	}
	return " " + day + " "
}

// Resident is a resident in scope, masked.
func (s *Isolation) Resident(ctx context.Context, a fugong.Actor, id int64) (Resident, error) {
	r, err := s.Store.Resident(ctx, a, id)
	return r.Masked(), err
}

// Residents are a page of the residents of a point in scope (in residence
// on f.Day when it is set), masked.
func (s *Isolation) Residents(ctx context.Context, a fugong.Actor, f ResidentFilter) ([]Resident, int, error) {
	var err error
	if f.Town, err = townFilter(f.Town); err != nil {
		return nil, 0, err
	}
	if f.Day != "" {
		if f.Day, err = s.day("date", f.Day); err != nil {
			return nil, 0, err
		}
	}
	if f.Page, f.PerPage, err = pageOf(f.Page, f.PerPage); err != nil {
		return nil, 0, err
	}
	if f.Point > 0 {
		if _, err := s.Store.Point(ctx, a, f.Point); err != nil {
			return nil, 0, err
		}
	}
	rows, total, err := s.Store.Residents(ctx, a, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Resident, len(rows))
	for i, r := range rows {
		out[i] = r.Masked()
	}
	return out, total, nil
}

// MaxReason is the longest reason for a full view.
const MaxReason = 200

// Reveal opens a resident's whole ID number and phone for an actor who
// may see them (CanViewFull), with a reason, audited before it is
// returned.
func (s *Isolation) Reveal(ctx context.Context, a fugong.Actor, id int64, reason string) (Resident, error) {
	row, err := s.Store.Resident(ctx, a, id)
	if err != nil {
		return Resident{}, err
	}
	if !CanViewFull(a) {
		return Resident{}, fugong.Errorf(fugong.EForbidden, "", "无权查看完整的身份证号码和电话")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return Resident{}, fugong.Errorf(fugong.EInvalid, "reason", "请填写查看完整信息的原因")
	case utf8.RuneCountInString(reason) > MaxReason:
		return Resident{}, fugong.Errorf(fugong.EInvalid, "reason", "查看原因不能超过%d个字", MaxReason)
	}
	keys, err := s.keys()
	if err != nil {
		return Resident{}, err
	}
	r := row.Resident
	if r.IDNumber, r.Phone, err = row.Sealed.Open(keys, TableResidents, id); err != nil {
		return Resident{}, err
	}
	if err := s.Store.AuditResidentView(ctx, a, row.Masked(), pii.Redact(reason)); err != nil {
		return Resident{}, err
	}
	return r, nil
}

// AddRound records a resident's temperature on a round. A second reading
// of a round on a day is a correction, stored as the round's next version;
// a fever (people's threshold) raises an alert to the point's town.
func (s *Isolation) AddRound(ctx context.Context, a fugong.Actor, resident int64, t Reading) (Reading, *Alert, error) {
	row, err := s.Store.Resident(ctx, a, resident)
	if err != nil {
		return Reading{}, nil, err
	}
	p, err := s.workable(ctx, a, row.Point)
	if err != nil {
		return Reading{}, nil, err
	}
	now := s.Now()
	t.ID, t.Resident, t.By, t.Version, t.At = 0, resident, a.Username, 0, time.Time{}
	ps := t.Normalize(now, row.Resident)
	for i := range ps {
		if ps[i].Field == "day" {
			ps[i].Field = "date"
		}
	}
	if err := fugong.Invalid(ps); err != nil {
		return Reading{}, nil, err
	}
	set, err := s.settings(ctx)
	if err != nil {
		return Reading{}, nil, err
	}
	var fever *Alert
	if al, ok := ResidentAlert(p, row.Masked(), t, set); ok {
		al.IDNumber = row.Sealed.IDMasked
		fever = &al
	}
	got, err := s.Store.AddReading(ctx, a, t, fever)
	if err != nil {
		return Reading{}, nil, err
	}
	return got, fever, nil
}

// AddMeal records a meal delivered to a resident; a second of a kind on a
// day is a conflict.
func (s *Isolation) AddMeal(ctx context.Context, a fugong.Actor, resident int64, m Meal) (Meal, error) {
	row, err := s.Store.Resident(ctx, a, resident)
	if err != nil {
		return Meal{}, err
	}
	if _, err := s.workable(ctx, a, row.Point); err != nil {
		return Meal{}, err
	}
	m.ID, m.Resident, m.By, m.DeliveredAt = 0, resident, a.Username, time.Time{}
	ps := m.Normalize(s.Now(), row.Resident)
	for i := range ps {
		if ps[i].Field == "day" {
			ps[i].Field = "date"
		}
	}
	if err := fugong.Invalid(ps); err != nil {
		return Meal{}, err
	}
	return s.Store.AddMeal(ctx, a, m)
}

// Release records that a resident left on a day (today when on is "");
// before their release date a note says why.
func (s *Isolation) Release(ctx context.Context, a fugong.Actor, resident int64, on, note string) (Resident, error) {
	today := s.Today()
	if strings.TrimSpace(on) == "" {
		on = today
	}
	row, err := s.Store.UpdateResident(ctx, a, resident, func(r *ResidentRow, p Point, _ []Resident) error {
		if !CanWorkPoint(a, Assignment{}, p) {
			return fugong.Errorf(fugong.EForbidden, "", "只有隔离点所在乡镇街道、联防联控组和系统管理员可以解除隔离")
		}
		return r.Release(on, today, a.Username, note)
	})
	return row.Masked(), err
}

// Room is a room of a point on a day: its capacity and who is in it.
type Room struct {
	Name      string     `json:"name"`
	Capacity  int        `json:"capacity"`
	Residents []Resident `json:"residents"`
	Full      bool       `json:"full"`
}

// ResidentDay is a resident on a day: the day's readings (the current
// version of each round, with how many versions it had), meals, and the
// rounds flagged missing.
type ResidentDay struct {
	Resident  Resident            `json:"resident"`
	Morning   *Reading            `json:"morning"`
	Afternoon *Reading            `json:"afternoon"`
	Missing   []Round             `json:"missing"`
	Meals     DayMeals            `json:"meals"`
	Fever     bool                `json:"fever"`
	Versions  map[Round][]Reading `json:"versions"`
}

// Board is a point on a day: its rooms, its residents with their rounds
// and meals, the rounds missing, the releases due.
type Board struct {
	Point       Point         `json:"point"`
	Day         string        `json:"day"`
	Occupancy   Occupancy     `json:"occupancy"`
	Rooms       []Room        `json:"rooms"`
	Residents   []ResidentDay `json:"residents"`
	Missing     []Missing     `json:"missing"`
	ReleasesDue []Resident    `json:"releases_due"`
}

// Board is a point in scope on a day (today when "").
func (s *Isolation) Board(ctx context.Context, a fugong.Actor, point int64, day string) (Board, error) {
	// The day first: a day to come is refused whatever the point.
	day, err := s.day("date", day)
	if err != nil {
		return Board{}, err
	}
	p, err := s.Store.Point(ctx, a, point)
	if err != nil {
		return Board{}, err
	}
	rows, _, err := s.Store.Residents(ctx, a, ResidentFilter{Point: point, Day: day})
	if err != nil {
		return Board{}, err
	}
	residents := make([]Resident, len(rows))
	for i, r := range rows {
		residents[i] = r.Masked()
	}
	readings, err := s.Store.Readings(ctx, a, point, day, day)
	if err != nil {
		return Board{}, err
	}
	meals, err := s.Store.Meals(ctx, a, point, day)
	if err != nil {
		return Board{}, err
	}
	set, err := s.settings(ctx)
	if err != nil {
		return Board{}, err
	}
	b := Board{Point: p, Day: day, Missing: MissingRounds(day, s.Now(), residents, readings),
		ReleasesDue: ReleasesDue(day, residents)}
	if occ := PointOccupancy(day, []Point{p}, residents); len(occ) > 0 {
		b.Occupancy = occ[0]
	}
	inRoom := map[string][]Resident{}
	for _, r := range residents {
		inRoom[r.Room] = append(inRoom[r.Room], r)
	}
	for i := 1; i <= p.Rooms; i++ {
		name := strconv.Itoa(i)
		c, _ := p.RoomCapacity(name)
		b.Rooms = append(b.Rooms, Room{Name: name, Capacity: c, Residents: inRoom[name], Full: len(inRoom[name]) >= c})
	}
	current := map[roundKey]Reading{}
	for _, t := range Current(readings) {
		current[roundKey{t.Resident, t.Day, t.Round}] = t
	}
	missing := map[int64][]Round{}
	for _, m := range b.Missing {
		missing[m.Resident] = append(missing[m.Resident], m.Round)
	}
	mealsOf := map[int64]DayMeals{}
	for _, m := range MealsOn(day, residents, meals) {
		mealsOf[m.Resident] = m
	}
	slices.SortFunc(residents, func(x, y Resident) int {
		if c := compareRooms(x.Room, y.Room); c != 0 {
			return c
		}
		return int(x.ID - y.ID)
	})
	for _, r := range residents {
		d := ResidentDay{Resident: r, Missing: missing[r.ID], Meals: mealsOf[r.ID], Versions: map[Round][]Reading{}}
		for _, round := range Rounds {
			t, ok := current[roundKey{r.ID, day, round}]
			if !ok {
				continue
			}
			if round == Morning {
				d.Morning = &t
			} else {
				d.Afternoon = &t
			}
			d.Fever = d.Fever || set.Fever(t.Celsius)
		}
		for _, t := range readings {
			if t.Resident == r.ID {
				d.Versions[t.Round] = append(d.Versions[t.Round], t)
			}
		}
		b.Residents = append(b.Residents, d)
	}
	return b, nil
}

// Overview is the points in scope on a day: each point's occupancy, the
// towns' totals, and the releases due.
type Overview struct {
	Day         string          `json:"day"`
	Points      []Occupancy     `json:"points"`
	Towns       []TownOccupancy `json:"towns"`
	ReleasesDue []Resident      `json:"releases_due"`
}

// Occupancy is the overview of the points in scope (and town, when set)
// on a day (today when "").
func (s *Isolation) Occupancy(ctx context.Context, a fugong.Actor, town, day string) (Overview, error) {
	var err error
	if town, err = townFilter(town); err != nil {
		return Overview{}, err
	}
	if day, err = s.day("date", day); err != nil {
		return Overview{}, err
	}
	points, residents, err := s.Store.Occupancy(ctx, a, town, day)
	if err != nil {
		return Overview{}, err
	}
	occ := PointOccupancy(day, points, residents)
	return Overview{Day: day, Points: occ, Towns: TownTotals(occ), ReleasesDue: ReleasesDue(day, residents)}, nil
}

// Purge erases the personal data of the residents released before a day
// (see ResidentPurge), as the operator asks on the command line.
func (s *Isolation) Purge(ctx context.Context, a fugong.Actor, before string, dryRun bool) (ResidentPurge, error) {
	if a.Role != fugong.RoleAdmin {
		return ResidentPurge{}, fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以清除个人信息")
	}
	if people.AddDays(before, 0) != before {
		return ResidentPurge{}, fugong.Errorf(fugong.EInvalid, "ended_before", "日期应为 YYYY-MM-DD 格式的有效日期")
	}
	if before > people.AddDays(s.Today(), 1) {
		return ResidentPurge{}, fugong.Errorf(fugong.EInvalid, "ended_before", "不能晚于明天：只能清除已经结束的记录")
	}
	return s.Store.PurgeResidents(ctx, a, before, dryRun)
}

// UnknownKeys lists the keys residents are sealed under that the keyring
// lacks, with how many residents each.
func (s *Isolation) UnknownKeys(ctx context.Context) (map[pii.KeyID]int, error) {
	keys, err := s.keys()
	if err != nil {
		return nil, err
	}
	counts, err := s.Store.ResidentKeyIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := map[pii.KeyID]int{}
	for k, n := range counts {
		if !slices.Contains(keys.IDs(), k) {
			out[k] = n
		}
	}
	return out, nil
}

// ResealAll is a key rotation's second step for the residents, as
// people.Service.ResealAll is for the roster: every resident under an
// older key sealed again under the current one, batch a transaction.
func (s *Isolation) ResealAll(ctx context.Context, a fugong.Actor, batch int) (int, error) {
	keys, err := s.keys()
	if err != nil {
		return 0, err
	}
	unknown, err := s.UnknownKeys(ctx)
	if err != nil {
		return 0, err
	}
	for k, n := range unknown {
		return 0, fmt.Errorf("checkpoint: %d residents are sealed under key %s, which the key file lacks: it cannot rotate them", n, k)
	}
	moved := 0
	var after int64
	for {
		rows, err := s.Store.ResidentsNotUnder(ctx, keys.Current(), after, batch)
		if err != nil || len(rows) == 0 {
			return moved, err
		}
		out := make([]Resealed, 0, len(rows))
		for _, r := range rows {
			sealed, changed, err := Reseal(keys, TableResidents, r.ID, r.Sealed)
			if err != nil {
				return moved, fmt.Errorf("checkpoint: resident %d: %w", r.ID, err)
			}
			if changed {
				out = append(out, Resealed{ID: r.ID, Old: r.Sealed.KeyID, Sealed: sealed})
			}
			after = r.ID
		}
		n, err := s.Store.ResealResidents(ctx, a, out)
		if err != nil {
			return moved, err
		}
		moved += n
	}
}
