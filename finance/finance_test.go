package finance

import (
	"encoding/json"
	"math"
	"slices"
	"testing"

	"fugong"
)

func TestParseYuan(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want Fen
		msg  string
	}{
		{0, 0, ""},
		{1234.5, 123450, ""},
		{0.1, 10, ""},
		{0.29, 29, ""}, // 0.29 × 100 is 28.999… in floating point
		{3_000_000, 300_000_000, ""},
		{1.005, 0, "最多保留两位小数"},
		{-1, 0, "不能为负数"},
		{math.NaN(), 0, "不是有效的数字"},
		{math.Inf(1), 0, "不是有效的数字"},
		{MaxYuan + 1, 0, "超出合理范围"},
	} {
		got, msg := ParseYuan(tc.v)
		if got != tc.want || msg != tc.msg {
			t.Errorf("ParseYuan(%v) = %d %q, want %d %q", tc.v, got, msg, tc.want, tc.msg)
		}
	}
}

func TestFenJSON(t *testing.T) {
	for _, tc := range []struct {
		f    Fen
		want string
	}{{0, "0.00"}, {5, "0.05"}, {123450, "1234.50"}, {-7, "-0.07"}, {Yuan(15_000_000), "15000000.00"}} {
		b, _ := json.Marshal(tc.f)
		if string(b) != tc.want {
			t.Errorf("JSON of %d fen = %s, want %s", tc.f, b, tc.want)
		}
		var back Fen
		if err := json.Unmarshal(b, &back); err != nil || back != tc.f {
			t.Errorf("round trip of %s = %d %v", b, back, err)
		}
	}
	var f Fen
	if err := json.Unmarshal([]byte("1.005"), &f); err == nil {
		t.Errorf("1.005 yuan read as %d fen, want an error", f)
	}
}

func TestMulDiv(t *testing.T) {
	for _, tc := range []struct {
		x, y, z uint64
		want    uint64
		ok      bool
	}{
		{10, 3, 4, 8, true}, // 7.5 rounds up
		{10, 3, 7, 4, true}, // 4.28…
		{1, 1, 3, 0, true},  // 0.33…
		{1, 1, 2, 1, true},  // 0.5 rounds up
		{math.MaxUint64, 3, 4, 13835058055282163711, true}, // 128-bit product
		{math.MaxUint64, 2, 1, 0, false},                   // quotient beyond 64 bits
		{1, 1, 0, 0, false},
	} {
		got, ok := MulDiv(tc.x, tc.y, tc.z)
		if got != tc.want || ok != tc.ok {
			t.Errorf("MulDiv(%d, %d, %d) = %d %v, want %d %v", tc.x, tc.y, tc.z, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want Rate
		str  string
		msg  string
	}{
		{4.15, 41500, "4.15", ""},
		{2.56, 25600, "2.56", ""},
		{3.045, 30450, "3.045", ""},
		{0.001, 10, "0.001", ""},
		{100, 1_000_000, "100", ""},
		{3.0451, 0, "", "最多保留三位小数"},
		{0, 0, "", "应大于 0"},
		{-1, 0, "", "应大于 0"},
		{100.5, 0, "", "不能超过 100%"},
		{math.NaN(), 0, "", "不是有效的数字"},
	} {
		got, msg := ParseRate(tc.v)
		if got != tc.want || msg != tc.msg {
			t.Errorf("ParseRate(%v) = %d %q, want %d %q", tc.v, got, msg, tc.want, tc.msg)
		}
		if msg == "" && got.String() != tc.str {
			t.Errorf("Rate(%d).String() = %q, want %q", got, got.String(), tc.str)
		}
	}
	if s := Rate(15750).String(); s != "1.575" {
		t.Errorf("half of 3.15 %% = %s", s)
	}
}

func TestLPROn(t *testing.T) {
	tab := slices.Clone(DefaultLPR)
	if ps := tab.Normalize(); len(ps) > 0 {
		t.Fatalf("the default table breaks rules: %v", ps)
	}
	for _, tc := range []struct {
		date, quote string
		rate        Rate
		err         string
	}{
		{"2020-01-05", "2019-12-20", 41500, ""},
		{"2020-01-20", "2020-01-20", 41500, ""}, // published that day: in force
		{"2020-02-19", "2020-01-20", 41500, ""},
		{"2020-02-20", "2020-02-20", 40500, ""},
		{"2020-03-31", "2020-03-20", 40500, ""},
		{"2020-04-20", "2020-04-20", 38500, ""},
		{"2020-12-31", "2020-04-20", 38500, ""}, // the latest quote stays in force
		{"2019-12-19", "", 0, "LPR 表中没有 2019-12-19 当日或之前的报价"},
		{"2020-02-30", "", 0, "日期应为 YYYY-MM-DD 格式的有效日期"},
	} {
		q, err := tab.On(tc.date)
		if tc.err != "" {
			if e := fugong.AsError(err); e == nil || e.Field != "date" || e.Message != tc.err {
				t.Errorf("On(%s) error = %v, want %q on date", tc.date, err, tc.err)
			}
			continue
		}
		if err != nil || q.Date != tc.quote || q.Rate != tc.rate {
			t.Errorf("On(%s) = %+v %v, want %s %d", tc.date, q, err, tc.quote, tc.rate)
		}
	}
}

func TestLPRNormalize(t *testing.T) {
	unsorted := LPRTable{{"2020-02-20", 40500}, {"2020-01-20", 41500}}
	if ps := unsorted.Normalize(); len(ps) > 0 || unsorted[0].Date != "2020-01-20" {
		t.Errorf("unsorted table: %v %v", unsorted, ps)
	}
	for _, tc := range []struct {
		name  string
		table LPRTable
		want  []fugong.Problem
	}{
		{"empty", LPRTable{}, []fugong.Problem{{Field: "lpr", Message: "LPR 表至少需要一条报价"}}},
		{"bad date and rates", LPRTable{{"2020-13-20", 41500}, {"2020-02-20", 0}, {"2020-03-20", 40510}},
			[]fugong.Problem{
				{Field: "lpr[0].date", Message: "报价日期应为 YYYY-MM-DD 格式的有效日期"},
				{Field: "lpr[1].rate", Message: "LPR 应大于 0"},
				{Field: "lpr[2].rate", Message: "LPR 最多保留两位小数"},
			}},
		{"twice", LPRTable{{"2020-02-20", 40500}, {"2020-02-20", 40000}},
			[]fugong.Problem{{Field: "lpr[1].date", Message: "报价日期 2020-02-20 重复"}}},
	} {
		if ps := tc.table.Normalize(); !slices.Equal(ps, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ps, tc.want)
		}
	}
}

func TestCalculate(t *testing.T) {
	for _, tc := range []struct {
		name string
		loan Loan
		want Subsidy
	}{
		{"January at the cap: below 1.6 %",
			Loan{PrincipalYuan: 10_000_000, RatePercent: 3.15, Date: "2020-01-25", Days: 360},
			Subsidy{LPR: 41500, LPRDate: "2020-01-20", RateCap: 31500, SubsidyRate: 15750, EffectiveRate: 15750,
				SubsidyDays: 360, Interest: Yuan(315_000), SubsidyAmount: Yuan(157_500), NetInterest: Yuan(157_500)}},
		{"the weighted average lent by March: 2.56 % → 1.28 %",
			Loan{PrincipalYuan: 5_000_000, RatePercent: 2.56, Date: "2020-03-10", Days: 180},
			Subsidy{LPR: 40500, LPRDate: "2020-02-20" /* March's quote comes on the 20th */, RateCap: 30500, SubsidyRate: 12800, EffectiveRate: 12800,
				SubsidyDays: 180, Interest: Yuan(64_000), SubsidyAmount: Yuan(32_000), NetInterest: Yuan(32_000)}},
		{"above the cap: flagged, no subsidy",
			Loan{PrincipalYuan: 1_000_000, RatePercent: 3.5, Date: "2020-02-25", Days: 360},
			Subsidy{LPR: 40500, LPRDate: "2020-02-20", RateCap: 30500, AboveCap: true, SubsidyRate: 0, EffectiveRate: 35000,
				SubsidyDays: 0, Interest: Yuan(35_000), SubsidyAmount: 0, NetInterest: Yuan(35_000)}},
		{"two years: the subsidy stops after one",
			Loan{PrincipalYuan: 3_600_000, RatePercent: 2.85, Date: "2020-04-20", Days: 730},
			Subsidy{LPR: 38500, LPRDate: "2020-04-20", RateCap: 28500, SubsidyRate: 14250, EffectiveRate: 14250,
				SubsidyDays: 365, Interest: Yuan(208_050), SubsidyAmount: Yuan(52_012) + 50, NetInterest: Yuan(156_037) + 50}},
		{"a year from February 2020 has 366 days",
			Loan{PrincipalYuan: 3_600_000, RatePercent: 2, Date: "2020-02-10", Days: 400},
			Subsidy{LPR: 41500, LPRDate: "2020-01-20", RateCap: 31500, SubsidyRate: 10000, EffectiveRate: 10000,
				SubsidyDays: 366, Interest: Yuan(80_000), SubsidyAmount: Yuan(36_600), NetInterest: Yuan(43_400)}},
		{"half a fen rounds up",
			Loan{PrincipalYuan: 1, RatePercent: 1.8, Date: "2020-04-20", Days: 100},
			Subsidy{LPR: 38500, LPRDate: "2020-04-20", RateCap: 28500, SubsidyRate: 9000, EffectiveRate: 9000,
				SubsidyDays: 100, Interest: 1, SubsidyAmount: 0, NetInterest: 1}}, // 0.5 fen → 1, 0.25 fen → 0
	} {
		got, err := Calculate(DefaultLPR, tc.loan)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		w := tc.want
		w.Principal, _ = ParseYuan(tc.loan.PrincipalYuan)
		w.Rate, _ = ParseRate(tc.loan.RatePercent)
		w.Date, w.Days = tc.loan.Date, tc.loan.Days
		if got != w {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, w)
		}
	}
	b, _ := json.Marshal(must(Calculate(DefaultLPR, Loan{PrincipalYuan: 10_000_000, RatePercent: 3.15, Date: "2020-01-25", Days: 360})))
	want := `{"principal_yuan":10000000.00,"rate":3.15,"date":"2020-01-25","days":360,"lpr":4.15,"lpr_date":"2020-01-20",` +
		`"rate_cap":3.15,"above_cap":false,"subsidy_rate":1.575,"effective_rate":1.575,"subsidy_days":360,` +
		`"interest_yuan":315000.00,"subsidy_yuan":157500.00,"net_interest_yuan":157500.00}`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestCalculateBadInput(t *testing.T) {
	for _, tc := range []struct {
		loan Loan
		want []fugong.Problem
	}{
		{Loan{PrincipalYuan: 0, RatePercent: 0, Date: "2020/02/01", Days: 0}, []fugong.Problem{
			{Field: "principal_yuan", Message: "贷款本金（元）应大于 0"},
			{Field: "rate", Message: "贷款年利率（%）应大于 0"},
			{Field: "date", Message: "放款日期应为 YYYY-MM-DD 格式的有效日期"},
			{Field: "days", Message: "贷款天数应在 1–3660 天之间"},
		}},
		{Loan{PrincipalYuan: -5, RatePercent: 3.1234, Date: "2020-02-01", Days: 3661}, []fugong.Problem{
			{Field: "principal_yuan", Message: "贷款本金（元）不能为负数"},
			{Field: "rate", Message: "贷款年利率（%）最多保留三位小数"},
			{Field: "days", Message: "贷款天数应在 1–3660 天之间"},
		}},
		{Loan{PrincipalYuan: 100.001, RatePercent: 3, Date: "2020-02-01", Days: 30}, []fugong.Problem{
			{Field: "principal_yuan", Message: "贷款本金（元）最多保留两位小数"},
		}},
	} {
		_, err := Calculate(DefaultLPR, tc.loan)
		e := fugong.AsError(err)
		if e == nil || e.Code != fugong.EInvalid || !slices.Equal(e.Problems, tc.want) {
			t.Errorf("Calculate(%+v) = %v, want %v", tc.loan, err, tc.want)
		}
	}
	_, err := Calculate(DefaultLPR, Loan{PrincipalYuan: 100, RatePercent: 3, Date: "2019-06-01", Days: 30})
	if e := fugong.AsError(err); e == nil || e.Field != "date" {
		t.Errorf("a loan before the table: %v", err)
	}
}

func TestSmart(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule SmartRule
		in   SmartInput
		want SmartSubsidy
	}{
		{"5 % of 20 million", DefaultSmartRule, SmartInput{BaseYuan: 1_000_000, InvestmentYuan: 20_000_000},
			SmartSubsidy{Base: Yuan(1_000_000), Investment: Yuan(20_000_000), Extra: Yuan(1_000_000), Total: Yuan(2_000_000)}},
		{"at the cap exactly", DefaultSmartRule, SmartInput{BaseYuan: 500_000, InvestmentYuan: 60_000_000},
			SmartSubsidy{Base: Yuan(500_000), Investment: Yuan(60_000_000), Extra: Yuan(3_000_000), Total: Yuan(3_500_000)}},
		{"over the cap", DefaultSmartRule, SmartInput{BaseYuan: 500_000, InvestmentYuan: 100_000_000},
			SmartSubsidy{Base: Yuan(500_000), Investment: Yuan(100_000_000), Extra: Yuan(3_000_000), Capped: true, Total: Yuan(3_500_000)}},
		{"half a fen rounds up", DefaultSmartRule, SmartInput{BaseYuan: 0, InvestmentYuan: 0.1},
			SmartSubsidy{Investment: 10, Extra: 1, Total: 1}},
		{"no investment", DefaultSmartRule, SmartInput{BaseYuan: 200_000},
			SmartSubsidy{Base: Yuan(200_000), Total: Yuan(200_000)}},
		{"another policy", SmartRule{ExtraPercent: 7.5, ExtraCapYuan: 1_000_000}, SmartInput{BaseYuan: 0, InvestmentYuan: 10_000_000},
			SmartSubsidy{Investment: Yuan(10_000_000), Extra: Yuan(750_000), Total: Yuan(750_000)}},
	} {
		got, err := Smart(tc.rule, tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v %v, want %+v", tc.name, got, err, tc.want)
		}
	}
	b, _ := json.Marshal(must(Smart(DefaultSmartRule, SmartInput{BaseYuan: 500_000, InvestmentYuan: 100_000_000})))
	if want := `{"base":500000.00,"investment":100000000.00,"extra":3000000.00,"capped":true,"total":3500000.00}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	_, err := Smart(SmartRule{ExtraPercent: 120, ExtraCapYuan: -1}, SmartInput{BaseYuan: -1, InvestmentYuan: 0.001})
	want := []fugong.Problem{
		{Field: "extra_percent", Message: "追加补助比例（%）应在 0–100 之间"},
		{Field: "extra_cap_yuan", Message: "追加补助上限（元）不能为负数"},
		{Field: "base_yuan", Message: "基础补助（元）不能为负数"},
		{Field: "investment_yuan", Message: "实际投资额（元）最多保留两位小数"},
	}
	if e := fugong.AsError(err); e == nil || !slices.Equal(e.Problems, want) {
		t.Errorf("bad input: %v, want %v", err, want)
	}
}

func TestStatusMoves(t *testing.T) {
	allowed := map[[2]Status]bool{
		{Submitted, Recommended}: true,
		{Submitted, Rejected}:    true,
		{Recommended, Approved}:  true,
		{Recommended, Rejected}:  true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			err := CheckMove(from, to)
			if allowed[[2]Status{from, to}] {
				if err != nil {
					t.Errorf("%s → %s refused: %v", from, to, err)
				}
			} else if fugong.ErrorCode(err) != fugong.EConflict {
				t.Errorf("%s → %s = %v, want a conflict", from, to, err)
			}
		}
	}
	if err := CheckMove(Submitted, Approved); err.Error() != "fugong: conflict: status: 申报状态不能从“已申报”改为“已入选”" {
		t.Errorf("message: %v", err)
	}
	if err := CheckMove(Submitted, "pending"); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("unknown status: %v", err)
	}
	if !Approved.Final() || !Rejected.Final() || Submitted.Final() || !Recommended.Pending() || Approved.Pending() {
		t.Error("final and pending statuses")
	}
	if s, ok := ParseStatus("recommended"); !ok || s != Recommended {
		t.Error("ParseStatus")
	}
}

func TestApplicationNormalize(t *testing.T) {
	a := Application{USCC: " 91310110666007217t ", Batch: 2, Status: Approved, Note: " 口罩 "}
	if ps := a.Normalize(); len(ps) > 0 || a.USCC != "91310110666007217T" || a.Status != Submitted || a.Note != "口罩" {
		t.Errorf("good application: %+v %v", a, ps)
	}
	b := Application{USCC: "91310110666007217A", Batch: 0}
	want := []fugong.Problem{
		{Field: "uscc", Message: "统一社会信用代码校验位错误"},
		{Field: "batch", Message: "批次应在 1–100 之间"},
	}
	if ps := b.Normalize(); !slices.Equal(ps, want) {
		t.Errorf("bad application: %v, want %v", ps, want)
	}
}
