package tickets

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fugong"
)

func fields(ps []fugong.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field)
	}
	return out
}

func TestNewTicketNormalize(t *testing.T) {
	good := func() NewTicket {
		return NewTicket{Enterprise: " 91330381MA2AAAA01X ", Category: CategoryRawMaterials, Urgency: UrgencyHigh,
			Title: " 防护服生产原料无纺布短缺 ", Description: "复工后原料不足，龙港有货但无法运出"}
	}
	for _, c := range []struct {
		name string
		edit func(*NewTicket)
		want []string
	}{
		{"valid", func(*NewTicket) {}, nil},
		{"no enterprise", func(n *NewTicket) { n.Enterprise = " " }, []string{"enterprise"}},
		{"unknown category", func(n *NewTicket) { n.Category = "raw" }, []string{"category"}},
		{"Chinese category name", func(n *NewTicket) { n.Category = "原材料" }, []string{"category"}},
		{"unknown urgency", func(n *NewTicket) { n.Urgency = "asap" }, []string{"urgency"}},
		{"no title", func(n *NewTicket) { n.Title = "  " }, []string{"title"}},
		{"long title", func(n *NewTicket) { n.Title = strings.Repeat("缺", MaxTitleRunes+1) }, []string{"title"}},
		{"no description", func(n *NewTicket) { n.Description = "" }, []string{"description"}},
		{"bad UTF-8", func(n *NewTicket) { n.Description = "\xff\xfe" }, []string{"description"}},
		{"everything", func(n *NewTicket) { *n = NewTicket{} }, []string{"enterprise", "category", "urgency", "title", "description"}},
	} {
		n := good()
		c.edit(&n)
		ps := n.Normalize()
		if got := fields(ps); !slices.Equal(got, c.want) {
			t.Errorf("%s: problems %v, want %v", c.name, ps, c.want)
		}
		for _, p := range ps {
			if !containsHan(p.Message) {
				t.Errorf("%s: message %q", c.name, p.Message)
			}
		}
	}
	n := good()
	n.Normalize()
	if n.Title != "防护服生产原料无纺布短缺" || n.Enterprise != "91330381MA2AAAA01X" {
		t.Errorf("not trimmed: %+v", n)
	}
	for _, c := range Categories {
		if CategoryNames[c] == "" {
			t.Errorf("category %s has no name", c)
		}
	}
	wantNames := []string{"原材料", "物流与车辆通行", "用工", "防疫物资", "资金", "政策", "其他"}
	for i, c := range Categories {
		if CategoryNames[c] != wantNames[i] {
			t.Errorf("%s is %s, want %s", c, CategoryNames[c], wantNames[i])
		}
	}
}

func TestFilterNormalize(t *testing.T) {
	yes := true
	for _, c := range []struct {
		f    Filter
		want []string
	}{
		{Filter{Status: StatusNew, Category: CategoryFinance, Urgency: UrgencyLow, Overdue: &yes, PerPage: 500}, nil},
		{Filter{Status: "open"}, []string{"status"}},
		{Filter{Category: "money"}, []string{"category"}},
		{Filter{Urgency: "now"}, []string{"urgency"}},
		{Filter{PerPage: 501}, []string{"per_page"}},
		{Filter{Page: -1}, []string{"page"}},
		{Filter{Assignee: strings.Repeat("a", 65)}, []string{"assignee"}},
	} {
		err := c.f.Normalize()
		var got []string
		if e := fugong.AsError(err); e != nil {
			got = fields(e.Problems)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.f, err, c.want)
		}
	}
}

func TestDerive(t *testing.T) {
	raised := time.Date(2020, 2, 2, 22, 30, 0, 0, fugong.Location)
	resolved := raised.Add(23*time.Hour + 40*time.Minute)
	for _, c := range []struct {
		status  string
		now     time.Time
		first   *time.Time
		overdue bool
		hours   float64 // -1: none
	}{
		{StatusNew, raised.Add(23 * time.Hour), nil, false, -1},
		{StatusInProgress, raised.Add(25 * time.Hour), nil, true, -1},
		{StatusReopened, raised.Add(25 * time.Hour), &resolved, true, 23.7},
		{StatusResolved, raised.Add(100 * time.Hour), &resolved, false, 23.7},
		{StatusClosed, raised.Add(100 * time.Hour), &resolved, false, 23.7},
	} {
		k := Ticket{Status: c.status, RaisedAt: raised, DueAt: DefaultSLA.Due(UrgencyHigh, raised), FirstResolvedAt: c.first,
			Assignee: "group:supplies"}
		k.Derive(c.now)
		if k.Overdue != c.overdue {
			t.Errorf("%s at +%v: overdue %v", c.status, c.now.Sub(raised), k.Overdue)
		}
		if c.hours < 0 && k.HoursToResolve != nil || c.hours >= 0 && (k.HoursToResolve == nil || *k.HoursToResolve != c.hours) {
			t.Errorf("%s: hours to resolve %v, want %v", c.status, k.HoursToResolve, c.hours)
		}
		if k.AssigneeName != "物资筹备组" {
			t.Errorf("assignee name %q", k.AssigneeName)
		}
	}
}

func TestSLA(t *testing.T) {
	raised := time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location)
	for u, h := range map[string]int{UrgencyUrgent: 4, UrgencyHigh: 24, UrgencyNormal: 72, UrgencyLow: 168} {
		if got := DefaultSLA.Due(u, raised); !got.Equal(raised.Add(time.Duration(h) * time.Hour)) {
			t.Errorf("%s due %v, want +%dh", u, got, h)
		}
	}
	for _, c := range []struct {
		s    SLA
		want []string
	}{
		{DefaultSLA, nil},
		{SLA{1, 1, 1, 1}, nil},
		{SLA{0, 24, 72, 168}, []string{"urgent"}},
		{SLA{4, -1, 72, 721}, []string{"high", "low"}},
		{SLA{24, 4, 72, 168}, []string{"high"}}, // high shorter than urgent
		{SLA{4, 24, 72, 48}, []string{"low"}},
	} {
		if got := fields(c.s.Check()); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.s, c.s.Check(), c.want)
		}
	}
	s, err := ParseSLA(SLA{2, 12, 48, 96}.String())
	if err != nil || s != (SLA{2, 12, 48, 96}) {
		t.Errorf("round trip: %+v %v", s, err)
	}
	if _, err := ParseSLA(`{"urgent":5,"high":1,"normal":2,"low":3}`); err == nil {
		t.Error("a stored SLA out of order was read")
	}
	if _, err := ParseSLA(`nonsense`); err == nil {
		t.Error("nonsense read as an SLA")
	}
}

func TestPlates(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"浙C12345", "浙C12345", true},
		{"浙c·a1b23", "浙CA1B23", true},
		{" 浙C 8M 8 88 ", "浙C8M888", true},
		{"浙Ｃ１２３４５", "浙C12345", true},
		{"浙C1234挂", "浙C1234挂", true},
		{"浙CD12345", "浙CD12345", true}, // small new-energy
		{"浙C12345F", "浙C12345F", true}, // large new-energy
		{"京A0000学", "京A0000学", true},
		{"浙C1234", "", false},    // too short
		{"浙C1234567", "", false}, // too long
		{"浙I12345", "", false},   // no I
		{"浙CO1234", "", false},   // no O
		{"C12345", "", false},    // no province
		{"港C12345", "", false},   // not a mainland province
		{"浙CX12345", "", false},  // new-energy letters are D and F
		{"浙C12345X", "", false},  // so are the lorries'
		{"", "", false},
	} {
		got, msg := NormalizePlate(c.in)
		if c.ok && (msg != "" || got != c.want) || !c.ok && msg == "" {
			t.Errorf("NormalizePlate(%q) = %q, %q", c.in, got, msg)
		}
		if !c.ok && !containsHan(msg) {
			t.Errorf("%q: message %q", c.in, msg)
		}
	}
}

func TestPassNormalize(t *testing.T) {
	from := time.Date(2020, 2, 3, 7, 0, 0, 0, fugong.Location)
	good := func() Pass {
		return Pass{Plate: "浙C·3L580", Route: "瑞安飞云—龙港新城工业园区", ValidFrom: from, ValidTo: from.Add(16 * time.Hour)}
	}
	for _, c := range []struct {
		name string
		edit func(*Pass)
		want []string
	}{
		{"valid", func(*Pass) {}, nil},
		{"bad plate", func(p *Pass) { p.Plate = "ABC" }, []string{"plate"}},
		{"no route", func(p *Pass) { p.Route = " " }, []string{"route"}},
		{"no start", func(p *Pass) { p.ValidFrom = time.Time{} }, []string{"valid_from"}},
		{"no end", func(p *Pass) { p.ValidTo = time.Time{} }, []string{"valid_to"}},
		{"ends before it starts", func(p *Pass) { p.ValidTo = from.Add(-time.Hour) }, []string{"valid_to"}},
		{"ends as it starts", func(p *Pass) { p.ValidTo = from }, []string{"valid_to"}},
		{"too long", func(p *Pass) { p.ValidTo = from.AddDate(0, 0, 32) }, []string{"valid_to"}},
		{"31 days", func(p *Pass) { p.ValidTo = from.AddDate(0, 0, 31) }, nil},
	} {
		p := good()
		c.edit(&p)
		if got := fields(p.Normalize()); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, p.Normalize(), c.want)
		}
	}
	p := good()
	p.Normalize()
	if p.Plate != "浙C3L580" {
		t.Errorf("plate %q", p.Plate)
	}
}

func TestDeliveryNormalize(t *testing.T) {
	const today, raised = "2020-02-03", "2020-02-02"
	for _, c := range []struct {
		d    Delivery
		want []string
	}{
		{Delivery{Quantity: 2, Unit: "吨", Date: "2020-02-03", Note: "金少锋随车护送"}, nil},
		{Delivery{Quantity: 0.5, Unit: "卷", Date: "2020-02-02"}, nil},
		{Delivery{Quantity: 0, Unit: "吨", Date: today}, []string{"quantity"}},
		{Delivery{Quantity: -3, Unit: "吨", Date: today}, []string{"quantity"}},
		{Delivery{Quantity: math.NaN(), Unit: "吨", Date: today}, []string{"quantity"}},
		{Delivery{Quantity: MaxQuantity + 1, Unit: "吨", Date: today}, []string{"quantity"}},
		{Delivery{Quantity: 1, Unit: "", Date: today}, []string{"unit"}},
		{Delivery{Quantity: 1, Unit: "吨", Date: "2020-02-04"}, []string{"date"}}, // the future
		{Delivery{Quantity: 1, Unit: "吨", Date: "2020-02-01"}, []string{"date"}}, // before the ticket
		{Delivery{Quantity: 1, Unit: "吨", Date: "2020-2-3"}, []string{"date"}},
		{Delivery{Quantity: 1, Unit: "吨", Date: "2020-02-30"}, []string{"date"}},
	} {
		d := c.d
		if got := fields(d.Normalize(today, raised)); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.d, d.Normalize(today, raised), c.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	at := func(h float64) time.Time {
		return time.Date(2020, 2, 1, 8, 0, 0, 0, fugong.Location).Add(time.Duration(h * float64(time.Hour)))
	}
	ptr := func(t time.Time) *time.Time { return &t }
	now := at(200)
	rows := []StatRow{
		// raw materials: resolved in 10 h, 20 h and 60 h (one late); one open and overdue; one open on time.
		{CategoryRawMaterials, StatusClosed, at(0), at(24), ptr(at(10))},
		{CategoryRawMaterials, StatusResolved, at(0), at(24), ptr(at(20))},
		{CategoryRawMaterials, StatusReopened, at(0), at(24), ptr(at(60))},
		{CategoryRawMaterials, StatusInProgress, at(100), at(124), nil},
		{CategoryRawMaterials, StatusNew, at(199), at(203), nil},
		// labour: one resolved in 3 h.
		{CategoryLabour, StatusResolved, at(5), at(9), ptr(at(8))},
		// an unknown category is not counted.
		{"kitchen", StatusNew, at(0), at(1), nil},
	}
	s := Summarize(rows, now)
	if len(s.Categories) != len(Categories) {
		t.Fatalf("%d categories", len(s.Categories))
	}
	raw, labour, finance := s.Categories[0], s.Categories[2], s.Categories[4]
	f := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	if raw.Category != CategoryRawMaterials || raw.Name != "原材料" || raw.Total != 5 || raw.Open != 3 || raw.Overdue != 2 ||
		raw.Resolved != 3 || raw.WithinSLA != 2 || f(raw.AvgHours) != 30 || f(raw.MedianHours) != 20 {
		t.Errorf("raw materials %+v avg %v median %v", raw, f(raw.AvgHours), f(raw.MedianHours))
	}
	if labour.Total != 1 || labour.Resolved != 1 || f(labour.AvgHours) != 3 || f(labour.MedianHours) != 3 || labour.WithinSLA != 1 {
		t.Errorf("labour %+v", labour)
	}
	if finance.Total != 0 || finance.AvgHours != nil || finance.MedianHours != nil {
		t.Errorf("finance %+v", finance)
	}
	if s.All.Total != 6 || s.All.Open != 3 || s.All.Overdue != 2 || s.All.Resolved != 4 || f(s.All.MedianHours) != 15 || f(s.All.AvgHours) != 23.3 {
		t.Errorf("all %+v avg %v median %v", s.All, f(s.All.AvgHours), f(s.All.MedianHours))
	}
	b, _ := json.Marshal(s)
	if !strings.Contains(string(b), `"avg_hours":null`) {
		t.Errorf("a category without resolutions should have null hours: %s", b)
	}
}
