package notice

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"fugong"
	"fugong/files"
	"fugong/registry"
)

// Notices are the coordination group's module (综合协调组 runs 宣传), but
// every work group sends the notices of its own matters: a notice keeps
// the group that sent it, whose members (and the coordination group) remind.
const ownerGroup = fugong.GroupCoordination

// RemindInterval is the least time between two reminders of one notice: a
// second click does not text every firm twice.
const RemindInterval = 30 * time.Minute

// ListFilter selects a page of the notices the actor sees.
type ListFilter struct {
	// Unread keeps the notices the clerk's firm has not read.
	Unread bool
	// Attention keeps what the clerk's home page shows: in-app notices
	// not yet read, or not yet acknowledged where that is required.
	Attention bool
	Page      int
	PerPage   int
}

// Listed is a notice in a list, with its counts in the actor's scope and,
// for a clerk, their firm's receipt.
type Listed struct {
	Notice
	Counts  Counts   `json:"counts"`
	Receipt *Receipt `json:"receipt"`
}

// Counts are a notice's recipients, read and acknowledged, in an area.
type Counts struct {
	Recipients   int `json:"recipients"`
	Read         int `json:"read"`
	Acknowledged int `json:"acknowledged"`
	SMSSent      int `json:"sms_sent"`
}

// Done is what the notice asks of the firms done: acknowledged where it
// requires it, read otherwise.
func (c Counts) Done(ack bool) int {
	if ack {
		return c.Acknowledged
	}
	return c.Read
}

// TownCounts are a town's counts.
type TownCounts struct {
	Town registry.Town
	Counts
}

// SMS is the progress of a notice's text: its messages by status (the
// notice's own message; the reminders apart), and the recipients it could
// not go to for want of a mobile number.
type SMS struct {
	Queued    int `json:"queued"`
	Sending   int `json:"sending"`
	Sent      int `json:"sent"`
	Failed    int `json:"failed"`
	NoMobile  int `json:"no_mobile"`
	Reminders int `json:"reminders_sent"`
	// RemindersPending are reminders still queued or being sent.
	RemindersPending int `json:"reminders_pending"`
}

// Total is every message of the notice's own text.
func (s SMS) Total() int { return s.Queued + s.Sending + s.Sent + s.Failed }

// Coverage is a notice's reach in the actor's scope, per town and in all.
type Coverage struct {
	City  Counts
	Towns []TownCounts
	SMS   SMS
	// LastReminder is when the firms were last reminded, if ever.
	LastReminder *time.Time
}

// Receipt is one firm's reading of a notice.
type Receipt struct {
	USCC           string     `json:"uscc"`
	ReadAt         *time.Time `json:"read_at"`
	ReadBy         string     `json:"read_by,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	AcknowledgedBy string     `json:"acknowledged_by,omitempty"`
}

// Pending is a firm that has not done what a notice asks: a line of the
// call list.
type Pending struct {
	USCC         string     `json:"uscc"`
	Name         string     `json:"name"`
	Town         string     `json:"town"`
	TownName     string     `json:"town_name"`
	ContactPhone string     `json:"contact_phone"`
	LegalRep     string     `json:"legal_rep"`
	Cadre        string     `json:"cadre"`
	ReadAt       *time.Time `json:"read_at"`
	// SMS is the status of the last text sent to the firm about the
	// notice: queued, sending, sent, failed, or "" for none.
	SMS string `json:"sms"`
}

// Reach is how many active enterprises were reached by at least one
// notice (read in the app or texted) by a time, of how many.
type Reach struct {
	Reached, Total int
}

// Full is 宣传全覆盖: every enterprise reached.
func (r Reach) Full() bool { return r.Total > 0 && r.Reached >= r.Total }

// Store is what notices need from storage. Reads are limited to the
// actor's scope: a notice is seen by the city-wide roles, by those with a
// recipient in their scope, and by the town that sent it.
type Store interface {
	Setting(ctx context.Context, key string) (string, bool, error)
	UpdateSetting(ctx context.Context, a fugong.Actor, key string, next func(value string, ok bool) (string, error)) error
	// UnknownEnterprises returns those of codes that are no enterprise in
	// the actor's scope.
	UnknownEnterprises(ctx context.Context, a fugong.Actor, codes []string) ([]string, error)
	// CreateNotice stores the notice, its attachments, its recipients (the
	// active enterprises of its audience in the actor's scope) and, with
	// SMS, one outbox message to each mobile, in one transaction, audited.
	// An audience of no active enterprise stores nothing (invalid).
	CreateNotice(ctx context.Context, a fugong.Actor, d Draft, smsText string) (Notice, error)
	Notice(ctx context.Context, a fugong.Actor, id int64) (Notice, error)
	Notices(ctx context.Context, a fugong.Actor, f ListFilter) ([]Listed, int, error)
	Coverage(ctx context.Context, a fugong.Actor, id int64) (Coverage, error)
	PendingRecipients(ctx context.Context, a fugong.Actor, n Notice, page, perPage int) ([]Pending, int, error)
	Receipt(ctx context.Context, id int64, uscc string) (Receipt, error)
	// MarkRead and Acknowledge record the firm's first reading and
	// acknowledgement, audited; later ones change nothing.
	MarkRead(ctx context.Context, a fugong.Actor, id int64, uscc string) (Receipt, error)
	Acknowledge(ctx context.Context, a fugong.Actor, id int64, uscc string) (Receipt, error)
	// Remind queues text to the firms in scope that have not done what n
	// asks and have a mobile, unless the notice was reminded since
	// notBefore (conflict); it returns how many.
	Remind(ctx context.Context, a fugong.Actor, n Notice, text string, notBefore time.Time) (int, error)
	NoticeFile(ctx context.Context, id, fileID int64) (files.File, []byte, error)
	// NoticesBetween lists the notices sent in [from, to) the actor sees.
	NoticesBetween(ctx context.Context, a fugong.Actor, from, to time.Time) ([]Listed, error)
	Reach(ctx context.Context, a fugong.Actor, by time.Time) (Reach, error)
}

// Service applies the notices' rules over the store.
type Service struct {
	Store Store
	Now   func() time.Time
	// Wake, if set, is told of every notice or reminder queued, so this
	// instance's sender loop starts at once.
	Wake chan struct{}
}

// CanSend reports whether the actor sends notices: the admin, every work
// group of the bureau (for its own matters), and the towns (to their own
// firms).
func CanSend(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau, fugong.RoleTown:
		return true
	}
	return false
}

// CanRemind reports whether the actor reminds the firms of a notice it
// sees: the admin, the sender's work group and the coordination group,
// and a town (its own firms).
func CanRemind(a fugong.Actor, n Notice) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleTown:
		return true
	case fugong.RoleBureau:
		return a.Group == ownerGroup || (n.SenderGroup != "" && a.Group == n.SenderGroup)
	}
	return false
}

// CanFollow reports whether the actor follows a notice's coverage (the
// counts, the call list): everyone who sees it but its firms' clerks.
func CanFollow(a fugong.Actor) bool {
	return a.Role != fugong.RoleEnterprise && a.Role != fugong.RoleCheckpoint
}

// CanSetSMS reports whether the actor sets the SMS gateway: the admin.
func CanSetSMS(a fugong.Actor) bool { return a.Role == fugong.RoleAdmin }

// SMSSettings returns the settings, the defaults until the admin sets them.
func (s *Service) SMSSettings(ctx context.Context) (SMSSettings, error) {
	v, ok, err := s.Store.Setting(ctx, SMSSettingsKey)
	if err != nil || !ok {
		return SMSDefaults, err
	}
	return ParseSMSSettings(v)
}

// SetSMSSettings replaces the settings; only the admin may.
func (s *Service) SetSMSSettings(ctx context.Context, a fugong.Actor, set SMSSettings) (SMSSettings, error) {
	if !CanSetSMS(a) {
		return SMSSettings{}, fugong.Errorf(fugong.EForbidden, "", "只有系统管理员可以设置短信网关")
	}
	if err := fugong.Invalid(set.Normalize()); err != nil {
		return SMSSettings{}, err
	}
	b, err := json.Marshal(set)
	if err != nil {
		return SMSSettings{}, err
	}
	err = s.Store.UpdateSetting(ctx, a, SMSSettingsKey, func(string, bool) (string, error) { return string(b), nil })
	return set, err
}

// Send checks and stores a notice; its recipients are counted and its
// texts queued before it returns, and sent in the background.
func (s *Service) Send(ctx context.Context, a fugong.Actor, in Input, uploads []files.Upload) (Notice, error) {
	if !CanSend(a) {
		return Notice{}, fugong.Errorf(fugong.EForbidden, "", "只有系统管理员、经信局各工作组和乡镇街道可以发送通知")
	}
	set, err := s.SMSSettings(ctx)
	if err != nil {
		return Notice{}, err
	}
	d, err := Check(in, uploads, set)
	if err != nil {
		return Notice{}, err
	}
	if a.Role == fugong.RoleTown {
		// A town's audience is its own town: "all" is its firms, and it
		// names no other town.
		for _, t := range d.Audience.Towns {
			if t != a.Town {
				return Notice{}, fugong.Errorf(fugong.EInvalid, "audience.towns", "乡镇街道只能向本辖区企业发送通知")
			}
		}
	}
	if len(d.Audience.Enterprises) > 0 {
		unknown, err := s.Store.UnknownEnterprises(ctx, a, d.Audience.Enterprises)
		if err != nil {
			return Notice{}, err
		}
		if len(unknown) > 0 {
			if len(unknown) > 5 {
				unknown = append(unknown[:5], "…")
			}
			return Notice{}, fugong.Errorf(fugong.EInvalid, "audience.enterprises", "以下企业不存在或不在您的管辖范围内：%s", strings.Join(unknown, "、"))
		}
	}
	d.SenderGroup = a.Group
	if a.Role == fugong.RoleTown {
		d.SenderTown = a.Town
	}
	text := ""
	if d.Has(ChannelSMS) {
		text = set.Text(d.Notice)
	}
	n, err := s.Store.CreateNotice(ctx, a, d, text)
	if err != nil {
		return Notice{}, err
	}
	if d.Has(ChannelSMS) {
		s.wake()
	}
	return n, nil
}

func (s *Service) wake() {
	if s.Wake == nil {
		return
	}
	select {
	case s.Wake <- struct{}{}:
	default:
	}
}

// View is a notice as one actor sees it: its coverage in their scope and,
// for a clerk, their firm's receipt.
type View struct {
	Notice
	Coverage Coverage
	Receipt  *Receipt
}

// Get returns a notice in the actor's scope. A clerk's first look is their
// firm's reading of it.
func (s *Service) Get(ctx context.Context, a fugong.Actor, id int64) (View, error) {
	n, err := s.Store.Notice(ctx, a, id)
	if err != nil {
		return View{}, err
	}
	v := View{Notice: n}
	if a.Role == fugong.RoleEnterprise {
		r, err := s.Store.MarkRead(ctx, a, id, a.Enterprise)
		if err != nil {
			return View{}, err
		}
		v.Receipt = &r
	}
	if v.Coverage, err = s.Store.Coverage(ctx, a, id); err != nil {
		return View{}, err
	}
	return v, nil
}

// List returns a page of the notices the actor sees, newest first.
func (s *Service) List(ctx context.Context, a fugong.Actor, f ListFilter) ([]Listed, int, error) {
	if (f.Unread || f.Attention) && a.Role != fugong.RoleEnterprise {
		return nil, 0, fugong.Errorf(fugong.EInvalid, "unread", "unread 只适用于企业填报员")
	}
	if f.PerPage < 0 || f.PerPage > registry.MaxPerPage {
		return nil, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–%d 之间", registry.MaxPerPage)
	}
	if f.PerPage == 0 {
		f.PerPage = DefaultPerPage
	}
	f.Page = max(f.Page, 1)
	return s.Store.Notices(ctx, a, f)
}

// Acknowledge records the clerk's 已阅并落实 of a notice to their firm.
func (s *Service) Acknowledge(ctx context.Context, a fugong.Actor, id int64) (Receipt, error) {
	if _, err := s.Store.Notice(ctx, a, id); err != nil {
		return Receipt{}, err
	}
	if a.Role != fugong.RoleEnterprise {
		return Receipt{}, fugong.Errorf(fugong.EForbidden, "", "只有企业填报员可以确认通知")
	}
	return s.Store.Acknowledge(ctx, a, id, a.Enterprise)
}

// Remind texts the firms in the actor's scope that have not acknowledged
// the notice (read it, where no acknowledgement is asked) and returns how
// many texts were queued.
func (s *Service) Remind(ctx context.Context, a fugong.Actor, id int64) (int, error) {
	n, err := s.Store.Notice(ctx, a, id)
	if err != nil {
		return 0, err
	}
	if !CanRemind(a, n) {
		return 0, fugong.Errorf(fugong.EForbidden, "", "只有发送该通知的工作组、综合协调组、乡镇街道和系统管理员可以提醒")
	}
	set, err := s.SMSSettings(ctx)
	if err != nil {
		return 0, err
	}
	text := set.ReminderText(n)
	if r := []rune(text); len(r) > set.MaxRunes {
		text = string(r[:set.MaxRunes-1]) + "…"
	}
	queued, err := s.Store.Remind(ctx, a, n, text, s.Now().Add(-RemindInterval))
	if err != nil {
		return 0, err
	}
	s.wake()
	return queued, nil
}

// Pending returns a page of the firms in scope that have not done what
// the notice asks: the call list.
func (s *Service) Pending(ctx context.Context, a fugong.Actor, id int64, page, perPage int) (Notice, []Pending, int, error) {
	n, err := s.Store.Notice(ctx, a, id)
	if err != nil {
		return Notice{}, nil, 0, err
	}
	if !CanFollow(a) {
		return Notice{}, nil, 0, fugong.NotFound("通知")
	}
	if perPage < 0 || perPage > registry.MaxPerPage {
		return Notice{}, nil, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–%d 之间", registry.MaxPerPage)
	}
	if perPage == 0 {
		perPage = registry.DefaultPerPage
	}
	items, total, err := s.Store.PendingRecipients(ctx, a, n, max(page, 1), perPage)
	return n, items, total, err
}

// AllPending is the whole call list, for the download.
func (s *Service) AllPending(ctx context.Context, a fugong.Actor, id int64) (Notice, []Pending, error) {
	n, err := s.Store.Notice(ctx, a, id)
	if err != nil {
		return Notice{}, nil, err
	}
	if !CanFollow(a) {
		return Notice{}, nil, fugong.NotFound("通知")
	}
	items, _, err := s.Store.PendingRecipients(ctx, a, n, 1, 0)
	return n, items, err
}

// File returns an attachment of a notice the actor sees.
func (s *Service) File(ctx context.Context, a fugong.Actor, id, fileID int64) (files.File, []byte, error) {
	if _, err := s.Store.Notice(ctx, a, id); err != nil {
		return files.File{}, nil, err
	}
	return s.Store.NoticeFile(ctx, id, fileID)
}

// Day is the notices of a day in the actor's scope and the reach of all
// notices by its end: the briefing's part.
type Day struct {
	Notices []Listed
	Reach   Reach
}

// OnDay returns the notices sent on date (YYYY-MM-DD, Asia/Shanghai) and
// the reach by its end.
func (s *Service) OnDay(ctx context.Context, a fugong.Actor, date string) (Day, error) {
	from, err := time.ParseInLocation(time.DateOnly, date, fugong.Location)
	if err != nil {
		return Day{}, fugong.Errorf(fugong.EInvalid, "date", "日期应为 YYYY-MM-DD 格式")
	}
	to := from.AddDate(0, 0, 1)
	ns, err := s.Store.NoticesBetween(ctx, a, from, to)
	if err != nil {
		return Day{}, err
	}
	reach, err := s.Store.Reach(ctx, a, to)
	return Day{Notices: ns, Reach: reach}, err
}

// SortTowns orders town counts as the registry lists the towns.
func SortTowns(ts []TownCounts) {
	order := map[string]int{}
	for i, t := range registry.Towns {
		order[t.Code] = i
	}
	slices.SortFunc(ts, func(x, y TownCounts) int { return order[x.Town.Code] - order[y.Town.Code] })
}
