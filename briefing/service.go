package briefing

import (
	"context"
	"encoding/json"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/registry"
)

// Issue is a briefing as it was issued: 第 Number 期, the Revision-th issue
// of its date; its PDF is kept as it was.
type Issue struct {
	Number   int       `json:"number"`
	Date     string    `json:"date"`
	Revision int       `json:"revision"`
	Headline []string  `json:"headline"`
	SHA256   string    `json:"sha256"`
	Size     int       `json:"size"`
	IssuedBy string    `json:"issued_by"`
	IssuedAt time.Time `json:"issued_at"`
}

// Rendering is what an issue keeps: the briefing as JSON and its PDF.
type Rendering struct {
	Content, PDF []byte
	Headline     []string
}

// Store is what the briefing needs from storage.
type Store interface {
	// GroupDay returns a group's day as filed; not found if it was not.
	GroupDay(ctx context.Context, g fugong.Group, date string) (GroupDay, error)
	GroupDays(ctx context.Context, date string) ([]GroupDay, error)
	// SaveGroupDay files a group's day, audited; created for its first
	// version. A day marked final is a conflict.
	SaveGroupDay(ctx context.Context, a fugong.Actor, g fugong.Group, date string, in DayInput) (GroupDay, bool, error)
	// FinalizeGroupDay marks a filed day final, or reopens it, audited.
	FinalizeGroupDay(ctx context.Context, a fugong.Actor, g fugong.Group, date string, final bool) (GroupDay, error)
	// IssueBriefing numbers the next issue of date (across days and
	// within the day, under a lock), calls render with it and keeps what
	// it renders, audited, in one transaction.
	IssueBriefing(ctx context.Context, a fugong.Actor, date string, render func(Issue) (Rendering, error)) (Issue, error)
	// Issues lists the issues of a date, the latest first.
	Issues(ctx context.Context, date string) ([]Issue, error)
	// IssuedPDF returns an issue of date (number 0: the latest) and its PDF.
	IssuedPDF(ctx context.Context, date string, number int) (Issue, []byte, error)
	// IssuedContent returns an issue of date (number 0: the latest) and the
	// briefing it issued, as JSON.
	IssuedContent(ctx context.Context, date string, number int) (Issue, []byte, error)
}

// Service assembles the briefing from its sources and keeps the groups'
// days and the issues.
type Service struct {
	Store   Store
	Sources []Source
	Now     func() time.Time
}

// Title is the briefing's name.
const Title = "瑞安市经信局复工复产日日报"

// CanSee reports whether the actor reads a briefing: the city's for the
// bureau and the admin, its own town's for a town.
func CanSee(a fugong.Actor) bool { return a.CityWide() || a.Role == fugong.RoleTown }

// Day checks a briefing's date: a real date, not in the future.
func (s *Service) Day(date string) (Day, error) {
	if _, err := daily.ParseDate(date); err != nil {
		return Day{}, fugong.Errorf(fugong.EInvalid, "date", "日期应为 YYYY-MM-DD 格式的有效日期，收到“%s”", date)
	}
	now := s.Now()
	today := daily.Today(now)
	if date > today {
		return Day{}, fugong.Errorf(fugong.EInvalid, "date", "不能生成未来日期（%s）的日报，今天是 %s", date, today)
	}
	return Day{Date: date, Now: now, IsToday: date == today}, nil
}

// Assemble builds the briefing of date in the actor's scope from every
// source, and, for the city, the groups' days.
func (s *Service) Assemble(ctx context.Context, a fugong.Actor, date string) (Briefing, error) {
	b, _, err := s.assemble(ctx, a, date)
	return b, err
}

func (s *Service) assemble(ctx context.Context, a fugong.Actor, date string) (Briefing, []GroupDay, error) {
	if !CanSee(a) {
		return Briefing{}, nil, fugong.NotFound("日报简报")
	}
	d, err := s.Day(date)
	if err != nil {
		return Briefing{}, nil, err
	}
	b := Briefing{Date: date, Scope: "全市", Title: Title, GeneratedAt: d.Now.In(fugong.Location), Headline: []string{},
		Sections: []Section{}}
	if a.Role == fugong.RoleTown {
		t, _ := registry.TownByCode(a.Town)
		b.Scope, b.Title = t.Name, t.Name+"复工复产日日报"
	}
	for _, src := range s.Sources {
		sec, ok, err := src.Section(ctx, a, d)
		if err != nil {
			return Briefing{}, nil, err
		}
		if !ok {
			continue
		}
		b.Sections = append(b.Sections, sec)
		b.Headline = append(b.Headline, sec.Headline...)
	}
	var days []GroupDay
	if CanRead(a) {
		if days, err = s.groupDays(ctx, date, b.Sections); err != nil {
			return Briefing{}, nil, err
		}
		b.Sections = append(b.Sections, GroupsSection(days))
	}
	return b, days, nil
}

// GroupDays returns the five groups' days of date, in the groups' order:
// as filed, or filled in advance from their modules.
func (s *Service) GroupDays(ctx context.Context, a fugong.Actor, date string) ([]GroupDay, error) {
	if !CanRead(a) {
		return nil, fugong.NotFound("工作组日报")
	}
	_, days, err := s.assemble(ctx, a, date)
	return days, err
}

// groupDays are the five groups' days of date, those not filed filled in
// advance from the sections.
func (s *Service) groupDays(ctx context.Context, date string, sections []Section) ([]GroupDay, error) {
	filed, err := s.Store.GroupDays(ctx, date)
	if err != nil {
		return nil, err
	}
	by := map[fugong.Group]GroupDay{}
	for _, d := range filed {
		by[d.Group] = d
	}
	out := make([]GroupDay, 0, len(fugong.Groups))
	for _, g := range fugong.Groups {
		d, ok := by[g]
		if !ok {
			d = Prefill(g, date, sections)
		}
		out = append(out, d)
	}
	return out, nil
}

// GroupsSection is the groups' days as the briefing's last section.
func GroupsSection(days []GroupDay) Section {
	sec := Section{Key: "groups", Title: "各工作组工作动态", Headline: []string{}}
	t := Table{Title: "各组数据", Columns: Cols("工作组", "数据项", "数值")}
	for _, d := range days {
		state := "（未填报，系统预填）"
		switch {
		case d.Final:
			state = "（组长已定稿）"
		case d.Filed:
			state = "（已填报，未定稿）"
		}
		sec.Notes = append(sec.Notes, d.Name+state+"："+d.Summary)
		for _, f := range d.Figures {
			t.Rows = append(t.Rows, []any{d.Name, f.Label, f.Value})
		}
	}
	if len(t.Rows) > 0 {
		sec.Tables = []Table{t}
	}
	return sec
}

// GroupDay returns group g's day of date: as filed, or filled in advance
// from its modules.
func (s *Service) GroupDay(ctx context.Context, a fugong.Actor, g fugong.Group, date string) (GroupDay, error) {
	if !CanRead(a) {
		return GroupDay{}, fugong.NotFound("工作组日报")
	}
	if _, err := s.Day(date); err != nil {
		return GroupDay{}, err
	}
	d, err := s.Store.GroupDay(ctx, g, date)
	if fugong.ErrorCode(err) != fugong.ENotFound {
		return d, err
	}
	b, err := s.Assemble(ctx, a, date)
	if err != nil {
		return GroupDay{}, err
	}
	return Prefill(g, date, b.Sections), nil
}

// SaveGroupDay files group g's day; created is true for its first version.
func (s *Service) SaveGroupDay(ctx context.Context, a fugong.Actor, g fugong.Group, date string, in DayInput) (GroupDay, bool, error) {
	if !CanRead(a) {
		return GroupDay{}, false, fugong.NotFound("工作组日报")
	}
	if !CanFile(a, g) {
		return GroupDay{}, false, fugong.Errorf(fugong.EForbidden, "", "只有%s的成员可以填报本组日报", fugong.GroupNames[g])
	}
	if _, err := s.Day(date); err != nil {
		return GroupDay{}, false, err
	}
	if err := fugong.Invalid(in.Normalize()); err != nil {
		return GroupDay{}, false, err
	}
	return s.Store.SaveGroupDay(ctx, a, g, date, in)
}

// Finalize marks group g's day final (or reopens it, final false).
func (s *Service) Finalize(ctx context.Context, a fugong.Actor, g fugong.Group, date string, final bool) (GroupDay, error) {
	if !CanRead(a) {
		return GroupDay{}, fugong.NotFound("工作组日报")
	}
	if !CanFinalize(a, g) {
		return GroupDay{}, fugong.Errorf(fugong.EForbidden, "", "只有%s组长可以定稿或退回本组日报", fugong.GroupNames[g])
	}
	if _, err := s.Day(date); err != nil {
		return GroupDay{}, err
	}
	return s.Store.FinalizeGroupDay(ctx, a, g, date, final)
}

// Issue assembles the city's briefing of date and keeps it as issued:
// render draws its PDF with the issue's number.
func (s *Service) Issue(ctx context.Context, a fugong.Actor, date string, render func(Briefing) ([]byte, error)) (Issue, error) {
	if !a.CityWide() {
		return Issue{}, fugong.NotFound("日报简报")
	}
	if !CanIssue(a) {
		return Issue{}, fugong.Errorf(fugong.EForbidden, "", "只有综合协调组和系统管理员可以签发日报")
	}
	b, err := s.Assemble(ctx, a, date)
	if err != nil {
		return Issue{}, err
	}
	return s.Store.IssueBriefing(ctx, a, date, func(is Issue) (Rendering, error) {
		is.Headline = b.Headline
		b.Issue = &is
		pdf, err := render(b)
		if err != nil {
			return Rendering{}, err
		}
		content, err := json.Marshal(b)
		return Rendering{Content: content, PDF: pdf, Headline: b.Headline}, err
	})
}

// Issues lists the issues of date, the latest first.
func (s *Service) Issues(ctx context.Context, a fugong.Actor, date string) ([]Issue, error) {
	if !a.CityWide() {
		return nil, fugong.NotFound("日报简报")
	}
	if _, err := s.Day(date); err != nil {
		return nil, err
	}
	return s.Store.Issues(ctx, date)
}

// IssuedPDF returns an issue's PDF as it was issued (number 0: the date's
// latest); not found when the date has none.
func (s *Service) IssuedPDF(ctx context.Context, a fugong.Actor, date string, number int) (Issue, []byte, error) {
	if !a.CityWide() {
		return Issue{}, nil, fugong.NotFound("日报简报")
	}
	if _, err := s.Day(date); err != nil {
		return Issue{}, nil, err
	}
	return s.Store.IssuedPDF(ctx, date, number)
}

// Issued returns the briefing an issue issued (number 0: the date's
// latest).
func (s *Service) Issued(ctx context.Context, a fugong.Actor, date string, number int) (Briefing, error) {
	if !a.CityWide() {
		return Briefing{}, fugong.NotFound("日报简报")
	}
	if _, err := s.Day(date); err != nil {
		return Briefing{}, err
	}
	is, content, err := s.Store.IssuedContent(ctx, date, number)
	if err != nil {
		return Briefing{}, err
	}
	var b Briefing
	if err := json.Unmarshal(content, &b); err != nil {
		return Briefing{}, err
	}
	b.Issue = &is
	return b, nil
}
