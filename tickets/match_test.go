package tickets

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func terms(ns []Need) []string {
	var out []string
	for _, n := range ns {
		t := n.Term
		if n.Inferred {
			t += "?"
		}
		out = append(out, t)
	}
	return out
}

func TestNeeds(t *testing.T) {
	for _, c := range []struct {
		name, category, text string
		declared             []string
		want                 []string // inferred ones end in ?
	}{
		{"the model case names its material", CategoryRawMaterials, "防护服生产原料无纺布、熔喷布不足", nil,
			[]string{"无纺布", "熔喷布", "透气膜?", "拉链?", "胶条?"}},
		{"a product alone stands for its inputs", CategoryRawMaterials, "我司防护服生产线缺原料", nil,
			[]string{"无纺布?", "熔喷布?", "透气膜?", "拉链?", "胶条?"}},
		{"a supplies ticket needs the product itself", CategorySupplies, "复工员工28人，口罩仅剩50个，急需医用口罩", nil,
			[]string{"口罩", "医用口罩"}},
		{"a declared product named in the text", CategoryRawMaterials, "急需PP熔喷专用料20吨", []string{"PP熔喷专用料", "钢材"},
			[]string{"PP熔喷专用料"}},
		{"letters in any case", CategorySupplies, "n95口罩", nil, []string{"N95", "口罩"}},
		{"other categories need nothing", CategoryLogistics, "熔喷布运不出来", nil, nil},
		{"nothing known named", CategoryRawMaterials, "原料短缺", nil, nil},
		{"one-character products are too vague", CategoryRawMaterials, "缺布", []string{"布"}, nil},
	} {
		if got := terms(Needs(c.category, c.text, c.declared)); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestProductAndTradeMatches(t *testing.T) {
	for _, c := range []struct {
		term, product string
		want          bool
	}{
		{"熔喷布", "熔喷布", true},
		{"熔喷布", "医用熔喷布（BFE99）", true},
		{"SMS无纺布", "无纺布", true}, // the product is in the need
		{"无纺布", "熔喷布", false},
		{"口罩", "罩", false}, // too short to be in the need
		{"N95", "n95口罩", true},
	} {
		if got := ProductMatches(c.term, c.product); got != c.want {
			t.Errorf("ProductMatches(%q, %q) = %v", c.term, c.product, got)
		}
	}
	for _, c := range []struct {
		term, industry string
		want           bool
	}{
		{"熔喷布", "无纺布制品", true},
		{"无纺布", "非织造布", true},
		{"口罩", "防护用品", true},
		{"无纺布", "防护用品", false}, // the suit makers are not the fabric's makers
		{"消毒液", "医药化工", true},
		{"纸箱", "包装印刷", true},
		{"纸箱", "汽摩配件", false},
		{"橡胶", "", false},
		{"钢材", "钢材贸易", true}, // the term itself in the trade
	} {
		if got := IndustryMatches(c.term, c.industry); got != c.want {
			t.Errorf("IndustryMatches(%q, %q) = %v", c.term, c.industry, got)
		}
	}
	needs := []Need{{Term: "熔喷布"}, {Term: "纸箱", Inferred: true}}
	if got := Industries(needs, []string{"汽摩配件", "无纺布制品", "包装印刷", "鞋革"}); !slices.Equal(got, []string{"无纺布制品", "包装印刷"}) {
		t.Errorf("Industries = %v", got)
	}
	if got := MatchingProducts(needs, []string{"医用熔喷布", "瓦楞纸箱", "口罩"}); !slices.Equal(got, []string{"医用熔喷布", "瓦楞纸箱"}) {
		t.Errorf("MatchingProducts = %v", got)
	}
}

func TestRank(t *testing.T) {
	const feiyun, nanbin = "330381009", "330381011"
	longgang := Candidate{USCC: "L", Name: "瑞安市恒泰无纺布制品有限公司", Town: nanbin, TownName: "南滨街道",
		Address: "龙港市新城工业园区", Industry: "无纺布制品",
		Products: []Product{{"熔喷布", "BFE95，现货2吨"}, {"SMS无纺布", ""}}}
	trader := Candidate{USCC: "T", Name: "瑞安市甲贸易有限公司", Town: feiyun, TownName: "飞云街道", Industry: "贸易",
		Products: []Product{{"无纺布", "库存"}}}
	tradeOnly := Candidate{USCC: "N", Name: "瑞安市乙非织造布有限公司", Town: feiyun, TownName: "飞云街道", Industry: "非织造布"}
	unrelated := Candidate{USCC: "U", Name: "瑞安市丙汽配有限公司", Town: feiyun, TownName: "飞云街道", Industry: "汽摩配件",
		Products: []Product{{"刹车片", ""}}}
	needs := Needs(CategoryRawMaterials, "防护服生产原料熔喷布、无纺布不足", nil)
	got := Rank(needs, feiyun, []Candidate{unrelated, tradeOnly, trader, longgang})
	var order []string
	for _, s := range got {
		order = append(order, s.USCC)
	}
	if !slices.Equal(order, []string{"L", "T", "N"}) {
		t.Fatalf("order %v, want L (products and trade), T (a product, same town), N (trade, same town)", order)
	}
	l := got[0]
	// 熔喷布: product 10 + trade 3; 无纺布: product 10 + trade 3; the
	// inferred 透气膜: trade 2 (a non-woven maker may make the film too).
	if l.Score != 28 || !slices.Equal(l.Matched, []string{"熔喷布", "无纺布", "透气膜"}) || !slices.Equal(l.Products, []string{"熔喷布", "SMS无纺布"}) {
		t.Errorf("the 龙港 firm: %+v", l)
	}
	if len(l.Reasons) != 2 || !strings.Contains(l.Reasons[0], "熔喷布（BFE95，现货2吨）") || !strings.Contains(l.Reasons[1], "无纺布制品") {
		t.Errorf("reasons %q", l.Reasons)
	}
	if got[1].Score != 10+pointsSameTown || got[2].Score != 3+3+pointsSameTown || !strings.Contains(strings.Join(got[2].Reasons, ""), "同在飞云街道") {
		t.Errorf("scores %d %d, reasons %q", got[1].Score, got[2].Score, got[2].Reasons)
	}
	if r := Rank(nil, feiyun, []Candidate{longgang}); len(r) != 0 {
		t.Errorf("no needs ranked %v", r)
	}
	many := make([]Candidate, MaxSuggestions+5)
	for i := range many {
		many[i] = tradeOnly
		many[i].USCC = strings.Repeat("x", i+1)
	}
	if r := Rank(needs, "", many); len(r) != MaxSuggestions {
		t.Errorf("%d suggestions, want at most %d", len(r), MaxSuggestions)
	}
	b, _ := json.Marshal(Rank(needs, "", []Candidate{tradeOnly}))
	if !strings.Contains(string(b), `"products":[]`) {
		t.Errorf("empty lists should be arrays: %s", b)
	}
}

func TestProducts(t *testing.T) {
	var ps []Product
	if err := json.Unmarshal([]byte(`["熔喷布", {"product": "无纺布", "note": "日产5吨"}]`), &ps); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ps, []Product{{"熔喷布", ""}, {"无纺布", "日产5吨"}}) {
		t.Errorf("decoded %+v", ps)
	}
	if err := json.Unmarshal([]byte(`[{"name": "x"}]`), &ps); err == nil {
		t.Error("an unknown field was accepted")
	}
	if err := json.Unmarshal([]byte(`[3]`), &ps); err == nil {
		t.Error("a number was accepted as a product")
	}
	for _, c := range []struct {
		in   []Product
		want []string
	}{
		{[]Product{{" 熔喷布 ", " BFE95 "}, {"无纺布", ""}}, nil},
		{nil, nil},
		{[]Product{{"", "x"}}, []string{"products[0].product"}},
		{[]Product{{"熔喷布", ""}, {"熔喷布 ", "again"}}, []string{"products[1].product"}},
		{[]Product{{"SMS", ""}, {"sms", ""}}, []string{"products[1].product"}},
		{[]Product{{strings.Repeat("布", MaxProductRunes+1), ""}}, []string{"products[0].product"}},
		{[]Product{{"布", strings.Repeat("注", MaxProductNote+1)}}, []string{"products[0].note"}},
		{make([]Product, MaxProducts+1), []string{"products"}},
	} {
		out, probs := NormalizeProducts(c.in)
		if got := fields(probs); !slices.Equal(got, c.want) {
			t.Errorf("%v: %v, want %v", c.in, probs, c.want)
		}
		if c.want == nil && len(out) != len(c.in) {
			t.Errorf("%v: kept %v", c.in, out)
		}
	}
	out, _ := NormalizeProducts([]Product{{" 熔喷布 ", " BFE95 "}})
	if out[0] != (Product{"熔喷布", "BFE95"}) {
		t.Errorf("not trimmed: %+v", out)
	}
	if _, probs := NormalizeProducts([]Product{{"熔喷布", ""}, {"熔喷布", ""}}); !strings.Contains(probs[0].Message, "与第1项重复") {
		t.Errorf("duplicate message %q", probs[0].Message)
	}
}
