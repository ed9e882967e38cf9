package checkpoint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
)

// Statuses of a registration, as the lists filter them.
const (
	StatusPending   = "pending"
	StatusConfirmed = "confirmed"
)

// MaxFound bounds the registrations a search by ID number returns.
const MaxFound = 200

// Service is the checkpoints' use cases over a PostStore: the posts and
// their codes, the public registration, the staff's confirmation, the
// counts and the duty roster. It is plain Go: the web layer reads the
// requests and the store keeps the rows.
type Service struct {
	Store PostStore
	// Seals are the sealed tables a key rotation moves (nil: no rotation).
	Seals SealedStore
	// Keys seal the travellers' ID numbers and phones; without them
	// nobody can register (people.ErrNoKeys). The remember key is derived
	// from them (RememberKeyOf).
	Keys *pii.Keyring
	Now  func() time.Time
	// PublicURL is the address travellers reach the service at
	// ("https://fugong.example.cn"), which the posts' codes carry; "" takes
	// the scheme and host of the request that draws the code.
	PublicURL string
	// Limiter bounds the public pages' requests per address and post (nil:
	// the web layer makes one with DefaultLimits).
	Limiter *Limiter
	// Random draws tokens, numbers and refs (crypto/rand when nil).
	Random io.Reader
}

// RememberPurpose is the purpose the remember key is derived under from
// the personal-data keys (pii.Keyring.DeriveSecret).
const RememberPurpose = "checkpoint remembered traveller"

// RememberKeyOf derives the remember key from the personal-data keys, so
// that it lives outside the database with them and no key file is added.
// A key rotation changes it: the phones remembered before type their
// details once more.
func RememberKeyOf(keys *pii.Keyring) (*RememberKey, error) {
	secret, err := keys.DeriveSecret(RememberPurpose, 32)
	if err != nil {
		return nil, err
	}
	return NewRememberKey(secret)
}

func (s *Service) keys() (*pii.Keyring, error) {
	if s.Keys == nil {
		return nil, people.ErrNoKeys
	}
	return s.Keys, nil
}

// Today is the bureau's day on the service's clock.
func (s *Service) Today() string { return people.Today(s.Now()) }

func (s *Service) settings(ctx context.Context) (people.Settings, error) {
	v, ok, err := s.Store.Setting(ctx, people.SettingsKey)
	if err != nil || !ok {
		return people.Defaults, err
	}
	return people.ParseSettings(v)
}

// AddPost sets up a post with its first token: a town for its own, the
// prevention group and the admin.
func (s *Service) AddPost(ctx context.Context, a fugong.Actor, p Post) (Post, error) {
	if !CanManage(a) {
		return Post{}, fugong.Errorf(fugong.EForbidden, "", "只有乡镇街道、联防联控组和系统管理员可以设置卡口")
	}
	p.ID, p.Closed = 0, false
	if err := fugong.Invalid(p.Normalize()); err != nil {
		return Post{}, err
	}
	if a.Role == fugong.RoleTown && p.Town != a.Town {
		return Post{}, fugong.Errorf(fugong.EInvalid, "town", "所属乡镇街道只能是本乡镇街道")
	}
	t, err := NewToken(s.Random)
	if err != nil {
		return Post{}, err
	}
	p.Token = t
	return s.Store.AddPost(ctx, a, p)
}

// Post is a post in the actor's scope.
func (s *Service) Post(ctx context.Context, a fugong.Actor, id int64) (Post, error) {
	return s.Store.Post(ctx, a, id)
}

// Posts are a page of the posts in scope.
func (s *Service) Posts(ctx context.Context, a fugong.Actor, f PostFilter) ([]Post, int, error) {
	var err error
	if f.Page, f.PerPage, err = pageOf(f.Page, f.PerPage); err != nil {
		return nil, 0, err
	}
	if f.Town != "" {
		t, ok := registry.TownByNameOrCode(f.Town)
		if !ok {
			return nil, 0, fugong.Errorf(fugong.EInvalid, "town", "不是瑞安市的乡镇街道")
		}
		f.Town = t.Code
	}
	if f.Kind != "" {
		k, ok := ParseKind(string(f.Kind))
		if !ok {
			return nil, 0, fugong.Errorf(fugong.EInvalid, "kind", "卡口类型应为 road、station、community 或 enterprise")
		}
		f.Kind = k
	}
	return s.Store.Posts(ctx, a, f)
}

// ReplaceToken gives a post a new token: every printed copy of its code
// then says it was replaced. The admin only.
func (s *Service) ReplaceToken(ctx context.Context, a fugong.Actor, id int64) (Post, error) {
	if _, err := s.Store.Post(ctx, a, id); err != nil {
		return Post{}, err
	}
	if !CanReplaceToken(a) {
		return Post{}, fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以更换卡口二维码")
	}
	t, err := NewToken(s.Random)
	if err != nil {
		return Post{}, err
	}
	return s.Store.ReplaceToken(ctx, a, id, t)
}

// Scan is the post a scanned token opens the form of, or why not: a
// token that is no token, no post's, a replaced one, a closed post's.
func (s *Service) Scan(ctx context.Context, token string) (Post, error) {
	t, ok := ParseToken(token)
	if !ok {
		return Post{}, ErrUnknownCode()
	}
	p, retired, err := s.Store.PostByToken(ctx, t)
	if err != nil {
		return Post{}, err
	}
	return p, ScanError(p, retired)
}

// Recall is the traveller a phone's cookie names, or nil: no cookie, no
// such traveller, expired, or sealed under a key since replaced (then
// they type their details again, which is no error).
func (s *Service) Recall(ctx context.Context, cookie string) *Traveller {
	ref, ok := ParseRef(cookie)
	if !ok || s.Keys == nil {
		return nil
	}
	rk, err := RememberKeyOf(s.Keys)
	if err != nil {
		return nil
	}
	m, err := s.Store.Remembered(ctx, rk.Lookup(ref), s.Now())
	if err != nil {
		return nil
	}
	t, err := m.Open(s.Keys)
	if err != nil {
		return nil
	}
	return &t
}

// Registered is a registration made on the public form, and what the
// phone's cookie must become: Ref to set (renewed for RememberFor), or
// Forget to clear it.
type Registered struct {
	Row    RegistrationRow
	Ref    Ref
	Forget bool
}

// FormError is a registration form refused: the form as the traveller
// filled it (ID number and phone shown masked when they came from the
// remembered details) and every rule it broke.
type FormError struct {
	Form Form
	Err  error
}

func (e *FormError) Error() string { return e.Err.Error() }
func (e *FormError) Unwrap() error { return e.Err }

// Register stores a traveller's own registration at post p from the
// public form's values; cookie is the phone's remembered reference ("" for
// none). A form that breaks a rule is a *FormError, nothing stored.
func (s *Service) Register(ctx context.Context, p Post, v url.Values, cookie string) (Registered, error) {
	keys, err := s.keys()
	if err != nil {
		return Registered{}, err
	}
	now := s.Now()
	remembered := s.Recall(ctx, cookie)
	f, ps := ParseForm(v, remembered, people.Today(now))
	if err := fugong.Invalid(ps); err != nil {
		return Registered{}, &FormError{Form: f, Err: err}
	}
	row, err := s.add(ctx, keys, p, f, now, "")
	if err != nil {
		return Registered{}, err
	}
	out := Registered{Row: row}
	rk, err := RememberKeyOf(keys)
	if err != nil {
		return out, err
	}
	ref, had := ParseRef(cookie)
	switch {
	case f.Remember:
		if !had || remembered == nil {
			if ref, err = NewRef(s.Random); err != nil {
				return out, err
			}
		}
		m, err := Remember(keys, rk.Lookup(ref), f.Traveller, now)
		if err != nil {
			return out, err
		}
		if err := s.Store.SaveRemembered(ctx, m); err != nil {
			return out, err
		}
		out.Ref = ref
	case had:
		out.Forget = true
		if err := s.Store.ForgetRemembered(ctx, rk.Lookup(ref)); err != nil {
			return out, err
		}
	}
	return out, nil
}

// add stores a normalised form's registration at p, sealed.
func (s *Service) add(ctx context.Context, keys *pii.Keyring, p Post, f Form, now time.Time, key string) (RegistrationRow, error) {
	if p.ID <= 0 {
		return RegistrationRow{}, errors.New("checkpoint: a registration needs its post")
	}
	if len(key) > 200 {
		return RegistrationRow{}, fugong.Errorf(fugong.EInvalid, "key", "表单编号不能超过200个字符")
	}
	g := NewRegistration(p, f, "", now)
	g.Key = key
	idn, phone := g.IDNumber, g.Phone
	g.IDNumber, g.Phone = "", ""
	return s.Store.AddRegistration(ctx, g, func() (string, error) { return NewNumber(s.Random) },
		func(id int64) (Sealed, error) { return Seal(keys, TableRegistrations, id, idn, phone) })
}

// workable reads post id in scope and checks the actor works there.
func (s *Service) workable(ctx context.Context, a fugong.Actor, id int64) (Post, error) {
	p, err := s.Store.Post(ctx, a, id)
	if err != nil {
		return Post{}, err
	}
	var at Assignment
	if a.Role == fugong.RoleCheckpoint {
		if at, err = s.Store.AssignmentOf(ctx, a.UserID); err != nil && fugong.ErrorCode(err) != fugong.ENotFound {
			return Post{}, err
		}
	}
	if !CanWorkPost(a, at, p) {
		return Post{}, fugong.Errorf(fugong.EForbidden, "", "只有本卡口工作人员、所属乡镇街道、联防联控组和系统管理员可以登记和确认")
	}
	return p, nil
}

// CanWork reports whether the actor registers and confirms at post id.
func (s *Service) CanWork(ctx context.Context, a fugong.Actor, id int64) bool {
	_, err := s.workable(ctx, a, id)
	return err == nil
}

// StaffRegister is a registration the staff make for a traveller who has
// no phone, from the same form (nothing is remembered).
func (s *Service) StaffRegister(ctx context.Context, a fugong.Actor, post int64, v url.Values) (RegistrationRow, error) {
	p, err := s.workable(ctx, a, post)
	if err != nil {
		return RegistrationRow{}, err
	}
	keys, err := s.keys()
	if err != nil {
		return RegistrationRow{}, err
	}
	v.Del("remember")
	now := s.Now()
	f, ps := ParseForm(v, nil, people.Today(now))
	if err := fugong.Invalid(ps); err != nil {
		return RegistrationRow{}, &FormError{Form: f, Err: err}
	}
	return s.add(ctx, keys, p, f, now, v.Get("key"))
}

// RegistrationQuery selects a post's registrations of a day.
type RegistrationQuery struct {
	Day     string // "" for today
	Status  string // StatusPending, StatusConfirmed or ""
	Page    int
	PerPage int
}

// Registrations are a page of post's registrations of a day, masked,
// newest first: the post's staff, its town, the bureau and the admin.
func (s *Service) Registrations(ctx context.Context, a fugong.Actor, post int64, q RegistrationQuery) ([]Registration, int, error) {
	f := RegistrationFilter{Post: post}
	var err error
	if f.From, err = s.day(q.Day, "date"); err != nil {
		return nil, 0, err
	}
	f.To = f.From
	if _, err := s.Store.Post(ctx, a, post); err != nil {
		return nil, 0, err
	}
	switch q.Status {
	case "", StatusPending, StatusConfirmed:
		f.Status = q.Status
	default:
		return nil, 0, fugong.Errorf(fugong.EInvalid, "status", "状态应为 pending（待确认）或 confirmed（已确认）")
	}
	if f.Page, f.PerPage, err = pageOf(q.Page, q.PerPage); err != nil {
		return nil, 0, err
	}
	rows, total, err := s.Store.Registrations(ctx, a, f)
	return masked(rows), total, err
}

func masked(rows []RegistrationRow) []Registration {
	out := make([]Registration, len(rows))
	for i, r := range rows {
		out[i] = r.Masked()
	}
	return out
}

// day reads a day the user asks about: "" is today; none after today.
func (s *Service) day(d, field string) (string, error) {
	today := s.Today()
	d = strings.TrimSpace(d)
	if d == "" {
		return today, nil
	}
	if people.AddDays(d, 0) != d {
		return "", fugong.Errorf(fugong.EInvalid, field, "日期应为 YYYY-MM-DD 格式的有效日期")
	}
	if d > today {
		return "", fugong.Errorf(fugong.EInvalid, field, "日期不能晚于今天")
	}
	return d, nil
}

// Registration is a registration in scope, masked.
func (s *Service) Registration(ctx context.Context, a fugong.Actor, id int64) (Registration, error) {
	r, err := s.Store.Registration(ctx, a, id)
	return r.Masked(), err
}

// Confirm records the staff's check of a registration with the
// traveller's temperature; at or above the fever threshold it raises an
// alert to the post's town.
func (s *Service) Confirm(ctx context.Context, a fugong.Actor, id int64, celsius float64) (Registration, *Alert, error) {
	r, err := s.Store.Registration(ctx, a, id)
	if err != nil {
		return Registration{}, nil, err
	}
	if _, err := s.workable(ctx, a, r.Post); err != nil {
		return Registration{}, nil, err
	}
	set, err := s.settings(ctx)
	if err != nil {
		return Registration{}, nil, err
	}
	now := s.Now()
	row, alert, err := s.Store.ConfirmRegistration(ctx, a, id, func(g *Registration) (*Alert, error) {
		return g.Confirm(Confirmation{Celsius: celsius, By: a.Username, At: now}, set, now)
	})
	return row.Masked(), alert, err
}

// ByNumber finds today's registration at a post by the number the
// traveller shows.
func (s *Service) ByNumber(ctx context.Context, a fugong.Actor, post int64, number string) (Registration, error) {
	if _, err := s.Store.Post(ctx, a, post); err != nil {
		return Registration{}, err
	}
	n, ok := ParseNumber(number)
	if !ok {
		return Registration{}, fugong.Errorf(fugong.EInvalid, "number", "登记号应为 %d 位字母或数字", NumberLen)
	}
	r, err := s.Store.RegistrationByNumber(ctx, a, post, s.Today(), n)
	return r.Masked(), err
}

// ByIDNumber finds today's registrations at a post of the ID number on
// the traveller's card, newest first.
func (s *Service) ByIDNumber(ctx context.Context, a fugong.Actor, post int64, idNumber string) ([]Registration, error) {
	if _, err := s.Store.Post(ctx, a, post); err != nil {
		return nil, err
	}
	keys, err := s.keys()
	if err != nil {
		return nil, err
	}
	idn, msg := pii.NormalizeIDNumber(idNumber)
	if msg != "" {
		return nil, fugong.Errorf(fugong.EInvalid, "id_number", "身份证号码%s", msg)
	}
	idx, err := keys.IDIndexes(idn)
	if err != nil {
		return nil, err
	}
	rows, err := s.Store.FindRegistrations(ctx, a, idx)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	out := []Registration{}
	for _, r := range rows {
		if r.Post == post && r.Day == today {
			out = append(out, r.Masked())
		}
	}
	return out, nil
}

// CountQuery selects the counts: the posts in scope (of a town, or one
// post), from one day to another (both included; "" is today).
type CountQuery struct {
	Post     int64
	Town     string
	From, To string
}

// MaxCountDays bounds the days one request of counts spans.
const MaxCountDays = 92

// Counts are the registrations in scope per post, day and direction.
func (s *Service) Counts(ctx context.Context, a fugong.Actor, q CountQuery) ([]Count, error) {
	f := RegistrationFilter{Post: q.Post}
	var err error
	if f.To, err = s.day(q.To, "to"); err != nil {
		return nil, err
	}
	if q.From == "" {
		f.From = f.To
	} else if f.From, err = s.day(q.From, "from"); err != nil {
		return nil, err
	}
	if f.From > f.To {
		return nil, fugong.Errorf(fugong.EInvalid, "from", "开始日期不能晚于结束日期")
	}
	if people.AddDays(f.From, MaxCountDays) <= f.To {
		return nil, fugong.Errorf(fugong.EInvalid, "from", "一次最多统计 %d 天", MaxCountDays)
	}
	if q.Town != "" {
		t, ok := registry.TownByNameOrCode(q.Town)
		if !ok {
			return nil, fugong.Errorf(fugong.EInvalid, "town", "不是瑞安市的乡镇街道")
		}
		f.Town = t.Code
	}
	if q.Post > 0 {
		if _, err := s.Store.Post(ctx, a, q.Post); err != nil {
			return nil, err
		}
	}
	return s.Store.Counts(ctx, a, f)
}

// Assign puts a checkpoint user at a post: a town (its own posts and
// staff), the prevention group and the admin.
func (s *Service) Assign(ctx context.Context, a fugong.Actor, as Assignment) error {
	if _, err := s.Store.Post(ctx, a, as.Post); err != nil {
		return err
	}
	if !CanManage(a) {
		return fugong.Errorf(fugong.EForbidden, "", "只有乡镇街道、联防联控组和系统管理员可以安排卡口工作人员")
	}
	return s.Store.Assign(ctx, a, as)
}

// SaveShift adds a shift (ID 0) or replaces one: those who manage posts.
func (s *Service) SaveShift(ctx context.Context, a fugong.Actor, sh Shift) (Shift, error) {
	if _, err := s.Store.Post(ctx, a, sh.Post); err != nil {
		return Shift{}, err
	}
	if !CanManage(a) {
		return Shift{}, fugong.Errorf(fugong.EForbidden, "", "只有乡镇街道、联防联控组和系统管理员可以排班")
	}
	if err := fugong.Invalid(sh.Normalize()); err != nil {
		return Shift{}, err
	}
	return s.Store.SaveShift(ctx, a, sh)
}

// SeesPosts reports whether the actor has posts in their scope at all:
// the city-wide roles, the towns and the checkpoint staff. For the others
// every post, shift and registration is not found.
func SeesPosts(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau, fugong.RoleTown, fugong.RoleCheckpoint:
		return true
	}
	return false
}

// DeleteShift deletes a shift: those who manage posts.
func (s *Service) DeleteShift(ctx context.Context, a fugong.Actor, id int64) error {
	if !SeesPosts(a) {
		return fugong.NotFound("值班")
	}
	if !CanManage(a) {
		return fugong.Errorf(fugong.EForbidden, "", "只有乡镇街道、联防联控组和系统管理员可以排班")
	}
	return s.Store.DeleteShift(ctx, a, id)
}

// Week is a post's duty roster of seven days from a day: each day's
// shifts and its coverage, a gap in its 24 hours flagged.
type Week struct {
	Post Post      `json:"post"`
	From string    `json:"from"`
	Days []DayDuty `json:"days"`
}

// DayDuty is a post's shifts of one day and their coverage.
type DayDuty struct {
	Day    string  `json:"day"`
	Shifts []Shift `json:"shifts"`
	Coverage
}

// MaxRosterAhead is how far ahead a roster is kept, in days.
const MaxRosterAhead = 366

// Roster is the week of post from a day ("" is the Monday of this week).
func (s *Service) Roster(ctx context.Context, a fugong.Actor, post int64, from string) (Week, error) {
	if from = strings.TrimSpace(from); from == "" {
		t := s.Now().In(fugong.Location)
		from = people.AddDays(people.Today(t), -((int(t.Weekday()) + 6) % 7))
	} else if people.AddDays(from, 0) != from {
		return Week{}, fugong.Errorf(fugong.EInvalid, "from", "日期应为 YYYY-MM-DD 格式的有效日期")
	} else if from > people.AddDays(s.Today(), MaxRosterAhead) {
		return Week{}, fugong.Errorf(fugong.EInvalid, "from", "值班表最多排到 %d 天以后", MaxRosterAhead)
	}
	p, err := s.Store.Post(ctx, a, post)
	if err != nil {
		return Week{}, err
	}
	to := people.AddDays(from, 6)
	shifts, err := s.Store.Shifts(ctx, a, post, people.AddDays(from, -1), to)
	if err != nil {
		return Week{}, err
	}
	w := Week{Post: p, From: from}
	for i := range 7 {
		d := people.AddDays(from, i)
		dd := DayDuty{Day: d, Shifts: []Shift{}, Coverage: DayCoverage(post, d, shifts)}
		for _, sh := range shifts {
			if sh.Day == d {
				dd.Shifts = append(dd.Shifts, sh)
			}
		}
		w.Days = append(w.Days, dd)
	}
	return w, nil
}

// ResealAll moves the registrations sealed under an older key under the
// current one, batch rows a transaction, as people.Service.ResealAll does
// for the staff; it returns how many it moved.
func (s *Service) ResealAll(ctx context.Context, a fugong.Actor, batch int) (int, error) {
	keys, err := s.keys()
	if err != nil {
		return 0, err
	}
	if s.Seals == nil {
		return 0, errors.New("checkpoint: no sealed store to rotate")
	}
	moved := 0
	var after int64
	for {
		rows, err := s.Seals.NotUnder(ctx, TableRegistrations, keys.Current(), after, batch)
		if err != nil || len(rows) == 0 {
			return moved, err
		}
		out := make([]Resealed, 0, len(rows))
		for _, r := range rows {
			sealed, changed, err := Reseal(keys, TableRegistrations, r.ID, r.Sealed)
			if err != nil {
				return moved, fmt.Errorf("checkpoint: registration %d: %w", r.ID, err)
			}
			if changed {
				out = append(out, Resealed{ID: r.ID, Old: r.Old, Sealed: sealed})
			}
			after = r.ID
		}
		n, err := s.Seals.Reseal(ctx, a, TableRegistrations, out)
		if err != nil {
			return moved, err
		}
		moved += n
	}
}

// RegistrationsByTown counts a day's registrations in scope per town (the
// posts' towns): the dashboard's figure.
func (s *Service) RegistrationsByTown(ctx context.Context, a fugong.Actor, day string) (map[string]int, error) {
	d, err := s.day(day, "date")
	if err != nil {
		return nil, err
	}
	posts, _, err := s.Store.Posts(ctx, a, PostFilter{PerPage: MaxPerPage * 10})
	if err != nil {
		return nil, err
	}
	town := map[int64]string{}
	for _, p := range posts {
		town[p.ID] = p.Town
	}
	counts, err := s.Store.Counts(ctx, a, RegistrationFilter{From: d, To: d})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, c := range counts {
		out[town[c.Post]] += c.Registered
	}
	return out, nil
}
