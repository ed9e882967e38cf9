package inspect

import (
	"context"
	"slices"
	"testing"
	"time"

	"fugong"
	"fugong/registry"
)

// The service's rules that the API, the pages and the command line share,
// over a store in memory: the order of the checks before a visit, the
// template a visit starts from, an enterprise's visits, a template's
// versions.

// memRegistry holds the enterprises; an actor sees the city (admin,
// bureau), their town or their own enterprise. Only GetEnterprise is used.
type memRegistry struct {
	registry.Store
	ents []registry.Enterprise
}

func (m memRegistry) GetEnterprise(ctx context.Context, a fugong.Actor, uscc string) (registry.Enterprise, error) {
	for _, e := range m.ents {
		if e.USCC == uscc && (a.CityWide() || (a.Role == fugong.RoleTown && a.Town == e.Town) ||
			(a.Role == fugong.RoleEnterprise && a.Enterprise == e.USCC)) {
			return e, nil
		}
	}
	return registry.Enterprise{}, fugong.NotFound("企业")
}

// memStore holds the templates and a visit per enterprise.
type memStore struct {
	Store
	lists  []Checklist // every version
	visits map[string][]VisitSummary
}

func (m memStore) Checklists(ctx context.Context, all bool) ([]Checklist, error) {
	var out []Checklist
	for _, c := range m.lists {
		if all || c.Current {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m memStore) Visits(ctx context.Context, uscc string, page, perPage int) ([]VisitSummary, int, error) {
	return m.visits[uscc], len(m.visits[uscc]), nil
}

func testUSCC(t *testing.T, org string) string {
	t.Helper()
	c, err := registry.USCCCheckChar("91330381" + org)
	if err != nil {
		t.Fatal(err)
	}
	return "91330381" + org + string(c)
}

func memService(t *testing.T) (*Service, string, string) {
	tang, xian := testUSCC(t, "MA2AAAA01"), testUSCC(t, "MA2CCCC03")
	reg := memRegistry{ents: []registry.Enterprise{
		{USCC: tang, Name: "瑞安市塘下汽配有限公司", Town: town.Town},
		{USCC: xian, Name: "瑞安市仙降鞋业有限公司", Town: "330381010"},
	}}
	old := check
	old.Current = false
	revised := check
	revised.ID, revised.Version = 5, 2
	st := memStore{
		lists:  []Checklist{{ID: 1, Name: "六必问", Version: 1, Current: true}, old, {ID: 3, Name: "六必督", Version: 1, Current: true}, revised},
		visits: map[string][]VisitSummary{tang: {{ID: 9, Enterprise: tang}}},
	}
	return &Service{Store: st, Registry: &registry.Service{Store: reg}, Now: func() time.Time { return now }}, tang, xian
}

// TestRecordingAt: out of scope is not found for everyone, whether they
// record visits or not; in scope, who does not record is forbidden.
func TestRecordingAt(t *testing.T) {
	svc, tang, xian := memService(t)
	ctx := context.Background()
	tangClerk := fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: tang}
	for _, tc := range []struct {
		name string
		a    fugong.Actor
		uscc string
		want string
	}{
		{"the inspection group", inspector, tang, ""},
		{"the town, its own", town, tang, ""},
		{"the town, another town's", town, xian, fugong.ENotFound},
		{"the statistics group reads but does not record", statistics, tang, fugong.EForbidden},
		{"the clerk, its own", tangClerk, tang, fugong.EForbidden},
		{"the clerk, another's", tangClerk, xian, fugong.ENotFound},
		{"a checkpoint sees no enterprise", checkpoint, tang, fugong.ENotFound},
		{"no such code", inspector, "not-a-code", fugong.ENotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := svc.RecordingAt(ctx, tc.a, tc.uscc)
			if codeOf(err) != tc.want {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if err == nil && e.USCC != tc.uscc {
				t.Errorf("enterprise %s", e.USCC)
			}
			// RecordVisit refuses in the same order, before reading the visit.
			if tc.want != "" {
				if _, err := svc.RecordVisit(ctx, tc.a, tc.uscc, VisitInput{}, nil); codeOf(err) != tc.want {
					t.Errorf("RecordVisit: %v, want %q", err, tc.want)
				}
			}
		})
	}
}

// TestStartVisit: a visit starts from the first current template, or the
// one named if it is current; the scope and the role are checked first.
func TestStartVisit(t *testing.T) {
	svc, tang, xian := memService(t)
	ctx := context.Background()
	id := func(n int64) *int64 { return &n }
	for _, tc := range []struct {
		name      string
		a         fugong.Actor
		uscc      string
		checklist *int64
		want      int64 // the template started with, 0 if refused
		code      string
	}{
		{"none named: the first", inspector, tang, nil, 1, ""},
		{"a current one", town, tang, id(5), 5, ""},
		{"an old version", inspector, tang, id(2), 0, fugong.ENotFound},
		{"no such template", inspector, tang, id(99), 0, fugong.ENotFound},
		{"zero names none", inspector, tang, id(0), 0, fugong.ENotFound},
		{"out of scope before the template", town, xian, id(99), 0, fugong.ENotFound},
		{"forbidden before the template", statistics, tang, id(99), 0, fugong.EForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := svc.StartVisit(ctx, tc.a, tc.uscc, tc.checklist)
			if codeOf(err) != tc.code {
				t.Fatalf("error %v, want %q", err, tc.code)
			}
			if err != nil {
				return
			}
			var ids []int64
			for _, c := range st.Checklists {
				ids = append(ids, c.ID)
			}
			if st.Checklist.ID != tc.want || st.Enterprise.USCC != tc.uscc || !slices.Equal(ids, []int64{1, 3, 5}) {
				t.Errorf("started with %d of %v at %s", st.Checklist.ID, ids, st.Enterprise.USCC)
			}
		})
	}
	empty := &Service{Store: memStore{}, Registry: svc.Registry, Now: svc.Now}
	if _, err := empty.StartVisit(ctx, inspector, tang, nil); codeOf(err) != fugong.ENotFound {
		t.Errorf("no template at all: %v", err)
	}
}

func TestEnterpriseVisits(t *testing.T) {
	svc, tang, xian := memService(t)
	ctx := context.Background()
	e, items, total, err := svc.EnterpriseVisits(ctx, statistics, tang, 0, 0)
	if err != nil || e.Name != "瑞安市塘下汽配有限公司" || total != 1 || len(items) != 1 || items[0].ID != 9 {
		t.Errorf("tangA's visits: %+v %v %d %v", e, items, total, err)
	}
	if _, _, _, err := svc.EnterpriseVisits(ctx, town, xian, 0, 0); codeOf(err) != fugong.ENotFound {
		t.Errorf("another town's visits: %v", err)
	}
	if _, _, _, err := svc.EnterpriseVisits(ctx, admin, tang, 1, MaxPerPage+1); codeOf(err) != fugong.EInvalid {
		t.Errorf("a page too large: %v", err)
	}
}

func TestVersions(t *testing.T) {
	svc, _, _ := memService(t)
	vs, err := svc.Versions(context.Background(), check)
	var got []int
	for _, v := range vs {
		got = append(got, v.Version)
	}
	if err != nil || !slices.Equal(got, []int{1, 2}) {
		t.Errorf("versions of 六必查: %v %v", got, err)
	}
}

// TestDaysLate counts whole days past the due day, for an open
// rectification only.
func TestDaysLate(t *testing.T) {
	for _, tc := range []struct {
		status, due, today string
		want               int
	}{
		{StatusOpen, "2020-02-10", "2020-02-10", 0},
		{StatusOpen, "2020-02-10", "2020-02-11", 1},
		{StatusOpen, "2020-02-27", "2020-03-02", 4}, // over the end of February, 2020 a leap year
		{StatusOpen, "2020-02-10", "2020-02-09", 0},
		{StatusRectified, "2020-02-10", "2020-02-20", 0},
		{StatusVerified, "2020-02-10", "2020-02-20", 0},
	} {
		r := Rectification{Status: tc.status, DueDate: tc.due}
		if got := r.DaysLate(tc.today); got != tc.want {
			t.Errorf("%s due %s on %s: %d days late, want %d", tc.status, tc.due, tc.today, got, tc.want)
		}
	}
}

func TestOnePhoto(t *testing.T) {
	if p, err := OnePhoto(nil); p != nil || err != nil {
		t.Errorf("none: %v %v", p, err)
	}
	one := []Photo{{Field: "photo"}}
	if p, err := OnePhoto(one); err != nil || p != &one[0] {
		t.Errorf("one: %v %v", p, err)
	}
	_, err := OnePhoto([]Photo{{Field: "photo"}, {Field: "photo"}})
	if e := fugong.AsError(err); e == nil || e.Code != fugong.EInvalid || e.Field != "photo" {
		t.Errorf("two: %v", err)
	}
}
