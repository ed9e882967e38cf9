package tickets

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/files"
	"fugong/registry"
)

// The rules the pages and the API share: who sets the SLA and what an SLA
// body must hold, how many files a ticket takes, how a pass's times are
// read, which enterprise a raise form means, the products page.

var (
	asAdmin  = fugong.Actor{Role: fugong.RoleAdmin}
	asTown   = fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}
	asCadre  = fugong.Actor{Role: fugong.RoleCadre, UserID: 7}
	asClerk  = fugong.Actor{Role: fugong.RoleEnterprise, Enterprise: "91330381MA2BBBB023"}
	asBureau = fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupSupplies}
)

// fakeRegistry holds three firms of 塘下: the asCadre is paired with the
// first two, one of which is closed; the clerk's is the third.
type fakeRegistry struct {
	registry.Store // nil: only the reads below are used
	reads          *int
}

var firms = []registry.Enterprise{
	{USCC: "91330381MA2AAAA01Q", Name: "瑞安市塘下汽配有限公司", Town: "330381101", Status: registry.StatusActive},
	{USCC: "91330381MA2CCCC03D", Name: "瑞安市塘下五金厂", Town: "330381101", Status: registry.StatusClosed},
	{USCC: "91330381MA2BBBB023", Name: "瑞安市塘下电器厂", Town: "330381101", Status: registry.StatusActive},
}

func sees(a fugong.Actor, e registry.Enterprise) bool {
	switch a.Role {
	case fugong.RoleEnterprise:
		return e.USCC == a.Enterprise
	case fugong.RoleCadre:
		return e.USCC != asClerk.Enterprise
	case fugong.RoleCheckpoint:
		return false
	}
	return true
}

func (f fakeRegistry) GetEnterprise(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	*f.reads++
	for _, e := range firms {
		if e.USCC == uscc && sees(a, e) {
			return e, nil
		}
	}
	return registry.Enterprise{}, fugong.NotFound("企业")
}

func (f fakeRegistry) ListEnterprises(ctx context.Context, a fugong.Actor, flt registry.Filter) ([]registry.Enterprise, int, error) {
	*f.reads++
	var out []registry.Enterprise
	for _, e := range firms {
		if sees(a, e) && (flt.Status == "" || e.Status == flt.Status) && strings.Contains(e.Name, flt.Q) && (flt.Name == "" || e.Name == flt.Name) {
			out = append(out, e)
		}
	}
	return out, len(out), nil
}

// fakeStore declares products for the first firm only.
type fakeStore struct{ Store }

func (fakeStore) Products(ctx context.Context, uscc string) ([]Product, error) {
	if uscc == firms[0].USCC {
		return []Product{{Product: "熔喷布", Note: "日产5吨"}}, nil
	}
	return nil, nil
}

func newService() (*Service, *int) {
	reads := new(int)
	return &Service{Store: fakeStore{}, Registry: &registry.Service{Store: fakeRegistry{reads: reads}}, Now: time.Now}, reads
}

func TestCanSetSLA(t *testing.T) {
	s, _ := newService()
	for _, a := range []fugong.Actor{asTown, asCadre, asClerk, asBureau, {Role: fugong.RoleBureau, Group: fugong.GroupCoordination}} {
		if CanSetSLA(a) || CheckSLASetter(a) == nil {
			t.Errorf("%s %s may set the SLA", a.Role, a.Group)
		}
		if e := fugong.AsError(s.SetSLA(context.Background(), a, DefaultSLA)); e == nil || e.Code != fugong.EForbidden {
			t.Errorf("%s %s: SetSLA answers %v", a.Role, a.Group, e)
		}
	}
	if !CanSetSLA(asAdmin) || CheckSLASetter(asAdmin) != nil {
		t.Error("the admin may not set the SLA")
	}
}

func TestSLAOf(t *testing.T) {
	h := func(n int) *int { return &n }
	got, err := SLAOf(map[string]*int{UrgencyUrgent: h(2), UrgencyHigh: h(12), UrgencyNormal: h(48), UrgencyLow: h(96)})
	if err != nil || got != (SLA{2, 12, 48, 96}) {
		t.Errorf("every urgency: %+v %v", got, err)
	}
	// A zero given is an SLA to Check, not a missing one.
	if got, err := SLAOf(map[string]*int{UrgencyUrgent: h(0), UrgencyHigh: h(0), UrgencyNormal: h(0), UrgencyLow: h(0)}); err != nil || got != (SLA{}) {
		t.Errorf("zeros: %+v %v", got, err)
	}
	_, err = SLAOf(map[string]*int{UrgencyUrgent: h(4), UrgencyNormal: h(72)})
	e := fugong.AsError(err)
	if e == nil || e.Code != fugong.EInvalid || !slices.Equal(fields(e.Problems), []string{UrgencyHigh, UrgencyLow}) ||
		e.Problems[1].Message != "请填写"+UrgencyNames[UrgencyLow]+"时限（小时）" {
		t.Errorf("two left out: %+v", e)
	}
}

func TestCheckAttachments(t *testing.T) {
	if err := CheckAttachments(MaxAttachments); err != nil {
		t.Errorf("%d files refused: %v", MaxAttachments, err)
	}
	e := fugong.AsError(CheckAttachments(MaxAttachments + 1))
	if e == nil || e.Code != fugong.EInvalid || e.Field != "attachment" {
		t.Errorf("%d files: %v", MaxAttachments+1, e)
	}
	// Raise refuses them too, before any is checked or stored.
	s, _ := newService()
	ups := make([]files.Upload, MaxAttachments+1)
	n := NewTicket{Enterprise: firms[0].USCC, Category: CategoryLogistics, Urgency: UrgencyHigh, Title: "货车无法出镇", Description: "需通行证"}
	if _, err := s.Raise(context.Background(), asTown, n, ups); fugong.AsError(err) == nil || fugong.AsError(err).Field != "attachment" {
		t.Errorf("Raise with %d files: %v", len(ups), err)
	}
}

func TestParsePassTime(t *testing.T) {
	at := time.Date(2020, 2, 3, 7, 0, 0, 0, fugong.Location)
	for _, c := range []struct {
		v    string
		form bool
		want time.Time
		ok   bool
	}{
		{"2020-02-03T07:00:00+08:00", false, at, true},
		{" 2020-02-02T23:00:00Z ", false, at, true},
		{"", false, time.Time{}, true},
		{"2020-02-03T07:00", true, at, true}, // a browser's datetime-local, in Asia/Shanghai
		{"2020-02-03T07:00", false, time.Time{}, false},
		{"2020-02-03 07:00", true, time.Time{}, false},
		{"明早七点", true, time.Time{}, false},
	} {
		got, err := ParsePassTime("valid_to", c.v, c.form)
		if c.ok && (err != nil || !got.Equal(c.want)) {
			t.Errorf("%q form=%v: %v %v", c.v, c.form, got, err)
		}
		if !c.ok {
			if e := fugong.AsError(err); e == nil || e.Field != "valid_to" || !strings.HasPrefix(e.Message, "截止时间应为 RFC 3339") {
				t.Errorf("%q form=%v accepted: %v %v", c.v, c.form, got, err)
			}
		}
	}
	if _, err := ParsePassTime("valid_from", "x", true); fugong.AsError(err) == nil || !strings.HasPrefix(fugong.AsError(err).Message, "生效时间") {
		t.Errorf("valid_from: %v", err)
	}
}

func TestRaiseOptions(t *testing.T) {
	s, _ := newService()
	ctx := context.Background()
	o, err := s.RaiseOptions(ctx, asClerk)
	if err != nil || o.Fixed == nil || o.Fixed.USCC != asClerk.Enterprise || o.Choices != nil {
		t.Errorf("the clerk's: %+v %v", o, err)
	}
	o, err = s.RaiseOptions(ctx, asCadre)
	if err != nil || o.Fixed != nil || len(o.Choices) != 1 || o.Choices[0].USCC != firms[0].USCC {
		t.Errorf("the cadre's, active firms only: %+v %v", o, err)
	}
	o, err = s.RaiseOptions(ctx, asTown)
	if err != nil || o.Fixed != nil || o.Choices != nil {
		t.Errorf("the town names one: %+v %v", o, err)
	}
}

func TestRaisedFor(t *testing.T) {
	s, reads := newService()
	ctx := context.Background()
	for _, c := range []struct {
		a           fugong.Actor
		typed, want string
		reads       int
		refused     string
	}{
		{asClerk, firms[0].USCC, asClerk.Enterprise, 0, ""}, // a clerk raises for their own, whatever is sent
		{asTown, " " + firms[0].USCC + " ", firms[0].USCC, 0, ""},
		{asTown, "", "", 0, ""},
		{asTown, "瑞安市塘下电器厂", firms[2].USCC, 1, ""},
		{asTown, " 瑞安市塘下汽配有限公司 ", firms[0].USCC, 1, ""},
		{asTown, "塘下", "", 1, "未找到名称为“塘下”的企业"},              // a part of a name is not a name
		{asCadre, "瑞安市塘下电器厂", "", 1, "未找到名称为“瑞安市塘下电器厂”的企业"}, // not in the cadre's scope
	} {
		*reads = 0
		got, err := s.RaisedFor(ctx, c.a, c.typed)
		if got != c.want || *reads != c.reads {
			t.Errorf("%s %q: %q after %d reads, want %q after %d", c.a.Role, c.typed, got, *reads, c.want, c.reads)
		}
		if e := fugong.AsError(err); c.refused == "" && err != nil || c.refused != "" && (e == nil || e.Field != "enterprise" || !strings.Contains(e.Message, c.refused)) {
			t.Errorf("%s %q: %v, want %q", c.a.Role, c.typed, err, c.refused)
		}
	}
}

func TestDeclared(t *testing.T) {
	s, _ := newService()
	ctx := context.Background()
	d, err := s.Declared(ctx, asCadre, firms[0].USCC)
	if err != nil || d.Enterprise.Name != firms[0].Name || len(d.Products) != 1 || d.Products[0].Product != "熔喷布" || d.CanEdit {
		t.Errorf("the cadre reads, not edits: %+v %v", d, err)
	}
	if d, err = s.Declared(ctx, asTown, firms[2].USCC); err != nil || !d.CanEdit || len(d.Products) != 0 {
		t.Errorf("the town edits: %+v %v", d, err)
	}
	if _, err := s.Declared(ctx, asClerk, firms[0].USCC); fugong.ErrorCode(err) != fugong.ENotFound {
		t.Errorf("another's firm for the clerk: %v", err)
	}
}
