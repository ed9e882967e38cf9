package tickets

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fugong/supplies"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"fugong"
)

// Matching: a raw-material or supplies ticket names what is short; the
// enterprises that declared it among their products, or whose trade makes
// it, are suggested as suppliers (the protective-suit maker short of
// non-woven fabric, and the firm in 龙港 that had it).

// Matchable reports whether tickets of category get supplier suggestions.
func Matchable(category string) bool {
	return category == CategoryRawMaterials || category == CategorySupplies
}

// Vocabulary are the goods the city's firms ask for and make, as people
// write them; a declared product counts as a word too.
var Vocabulary = []string{
	// Epidemic supplies.
	"口罩", "医用口罩", "N95", "防护服", "隔离衣", "手套", "护目镜", "面罩", "额温枪", "体温计", "测温仪",
	"消毒液", "84消毒液", "酒精", "洗手液", "次氯酸钠",
	// Their materials.
	"熔喷布", "无纺布", "纺粘布", "SMS无纺布", "透气膜", "拉链", "胶条", "耳带", "鼻梁条", "丁腈",
	// The city's trades.
	"聚丙烯", "塑料粒子", "橡胶", "钢材", "铝材", "铜材", "板材", "纸箱", "包装材料", "包装袋", "标签", "油墨",
	"皮革", "鞋底", "面料", "纱线", "轴承", "电机", "芯片", "电子元件", "线束", "紧固件", "模具", "生鲜乳", "奶粉",
}

// inputs are what a finished product is made of: a raw-material ticket that
// names the product its raiser makes is short of these.
var inputs = map[string][]string{
	"防护服": {"无纺布", "熔喷布", "透气膜", "拉链", "胶条"},
	"隔离衣": {"无纺布"},
	"口罩":  {"熔喷布", "无纺布", "耳带", "鼻梁条"},
	"手套":  {"丁腈", "橡胶"},
	"消毒液": {"次氯酸钠"},
}

// trades are the industries (as the registry writes them) that make a good.
var trades = map[string][]string{
	"口罩": {"防护用品", "医疗器械"}, "医用口罩": {"防护用品", "医疗器械"}, "N95": {"防护用品"},
	"防护服": {"防护用品", "医疗器械"}, "隔离衣": {"防护用品"}, "手套": {"防护用品", "塑料制品"},
	"护目镜": {"防护用品"}, "面罩": {"防护用品"},
	"额温枪": {"电子电器", "医疗器械"}, "体温计": {"医疗器械", "电子电器"}, "测温仪": {"电子电器", "医疗器械"},
	"消毒液": {"医药化工"}, "84消毒液": {"医药化工"}, "酒精": {"医药化工"}, "洗手液": {"医药化工"}, "次氯酸钠": {"医药化工"},
	"熔喷布": {"无纺布", "非织造"}, "无纺布": {"无纺布", "非织造"}, "纺粘布": {"无纺布", "非织造"}, "SMS无纺布": {"无纺布", "非织造"},
	"透气膜": {"塑料制品", "无纺布"}, "拉链": {"服装", "五金"}, "耳带": {"服装"}, "鼻梁条": {"五金", "塑料制品"},
	"丁腈": {"医药化工", "塑料制品"}, "聚丙烯": {"医药化工", "塑料制品"}, "塑料粒子": {"塑料制品"}, "橡胶": {"塑料制品"},
	"钢材": {"五金"}, "铝材": {"五金"}, "铜材": {"五金"}, "板材": {"竹木制品", "五金"},
	"纸箱": {"包装印刷"}, "包装材料": {"包装印刷"}, "包装袋": {"包装印刷", "塑料制品"}, "标签": {"包装印刷"}, "油墨": {"包装印刷", "医药化工"},
	"皮革": {"鞋革"}, "鞋底": {"鞋革"}, "面料": {"服装"}, "纱线": {"服装"},
	"轴承": {"机械装备", "五金"}, "电机": {"电子电器", "机械装备"}, "芯片": {"电子电器"}, "电子元件": {"电子电器"}, "线束": {"电子电器", "汽摩配件"},
	"紧固件": {"五金"}, "模具": {"机械装备"}, "生鲜乳": {"食品"}, "奶粉": {"食品"},
}

// Need is one good a ticket asks for.
type Need struct {
	Term string `json:"term"`
	// Inferred needs are not named in the ticket but are what the product
	// it names is made of.
	Inferred bool `json:"inferred"`
}

// Needs reads what a ticket of category asks for from its text: the words
// of Vocabulary and the declared products it names. A raw-material ticket
// naming a finished product (its raiser's own) needs that product's inputs,
// not the product.
func Needs(category, text string, declared []string) []Need {
	if !Matchable(category) {
		return nil
	}
	text = strings.ToUpper(text)
	var named []string
	seen := map[string]bool{}
	for _, list := range [][]string{Vocabulary, declared} {
		for _, w := range list {
			if !seen[w] && utf8.RuneCountInString(w) >= 2 && strings.Contains(text, strings.ToUpper(w)) {
				seen[w] = true
				named = append(named, w)
			}
		}
	}
	// Earlier in the text first: the title leads.
	slices.SortStableFunc(named, func(a, b string) int {
		return cmp.Compare(strings.Index(text, strings.ToUpper(a)), strings.Index(text, strings.ToUpper(b)))
	})
	var out []Need
	have := map[string]bool{}
	add := func(term string, inferred bool) {
		if !have[term] {
			have[term] = true
			out = append(out, Need{Term: term, Inferred: inferred})
		}
	}
	var made []string
	for _, w := range named {
		if category == CategoryRawMaterials && inputs[w] != nil {
			made = append(made, w)
			continue
		}
		add(w, false)
	}
	for _, w := range made {
		for _, in := range inputs[w] {
			add(in, true)
		}
	}
	return out
}

// ProductMatches reports whether a declared product is a need's term: one
// names the other ("熔喷布" and "医用熔喷布").
func ProductMatches(term, product string) bool {
	t, p := strings.ToUpper(term), strings.ToUpper(product)
	return strings.Contains(p, t) || utf8.RuneCountInString(p) >= 2 && strings.Contains(t, p)
}

// IndustryMatches reports whether a firm of industry makes a need's term.
func IndustryMatches(term, industry string) bool {
	if industry == "" {
		return false
	}
	if strings.Contains(industry, term) {
		return true
	}
	for _, tr := range trades[term] {
		if strings.Contains(industry, tr) {
			return true
		}
	}
	return false
}

// Product is a good an enterprise declares it makes or holds.
type Product struct {
	Product string `json:"product"`
	Note    string `json:"note"`
}

// UnmarshalJSON takes a product as {"product", "note"} or as a bare name.
func (p *Product) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte(`"`)) {
		*p = Product{}
		return json.Unmarshal(b, &p.Product)
	}
	type plain Product
	var v plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	*p = Product(v)
	return nil
}

// Limits on declared products.
const (
	MaxProducts      = 50
	MaxProductRunes  = 50
	MaxProductNote   = 200
	productListField = "products"
)

// NormalizeProducts trims a declared list and returns the rules it breaks:
// names required, short, each once.
func NormalizeProducts(ps []Product) ([]Product, []fugong.Problem) {
	var probs []fugong.Problem
	if len(ps) > MaxProducts {
		return nil, []fugong.Problem{{Field: productListField, Message: "每家企业最多申报 " + strconv.Itoa(MaxProducts) + " 种产品"}}
	}
	out := make([]Product, 0, len(ps))
	seen := map[string]int{}
	for i, p := range ps {
		field := productListField + "[" + strconv.Itoa(i) + "]"
		p.Product, p.Note = strings.TrimSpace(p.Product), strings.TrimSpace(p.Note)
		n := strconv.Itoa(i + 1)
		if pr := checkText(field+".product", "第"+n+"项产品名称", p.Product, MaxProductRunes, true); pr != nil {
			probs = append(probs, pr...)
			continue
		}
		if pr := checkText(field+".note", "第"+n+"项备注", p.Note, MaxProductNote, false); pr != nil {
			probs = append(probs, pr...)
			continue
		}
		key := strings.ToUpper(p.Product)
		if first, dup := seen[key]; dup {
			probs = append(probs, fugong.Problem{Field: field + ".product", Message: "第" + n + "项产品“" + p.Product + "”与第" + strconv.Itoa(first+1) + "项重复"})
			continue
		}
		seen[key] = i
		out = append(out, p)
	}
	return out, probs
}

// Candidate is an enterprise that may supply a ticket's needs.
type Candidate struct {
	USCC     string
	Name     string
	Town     string
	TownName string
	Address  string
	Industry string
	Products []Product
}

// Suggestion is a candidate ranked against a ticket's needs.
type Suggestion struct {
	USCC     string   `json:"uscc"`
	Name     string   `json:"name"`
	Town     string   `json:"town"`
	TownName string   `json:"town_name"`
	Address  string   `json:"address"`
	Industry string   `json:"industry"`
	Score    int      `json:"score"`
	Matched  []string `json:"matched"`  // the needs it answers
	Products []string `json:"products"` // its declared products that match
	Reasons  []string `json:"reasons"`  // why, in Chinese
}

// MaxSuggestions is the length of the list.
const MaxSuggestions = 20

// Points of a match: a declared product says more than a trade.
const (
	pointsProduct         = 10
	pointsProductInferred = 6
	pointsTrade           = 3
	pointsTradeInferred   = 2
	pointsSameTown        = 1
)

// Rank scores the candidates against the needs and returns those that
// answer any, best first: declared products over trades, named needs over
// inferred ones, the raiser's own town breaking ties.
func Rank(needs []Need, raiserTown string, cands []Candidate) []Suggestion {
	var out []Suggestion
	for _, c := range cands {
		s := Suggestion{USCC: c.USCC, Name: c.Name, Town: c.Town, TownName: c.TownName, Address: c.Address,
			Industry: c.Industry, Matched: []string{}, Products: []string{}, Reasons: []string{}}
		var productNotes []string
		byTrade := false
		for _, n := range needs {
			hit := false
			for _, p := range c.Products {
				if ProductMatches(n.Term, p.Product) {
					if !hit {
						s.Score += pick(n.Inferred, pointsProductInferred, pointsProduct)
						hit = true
					}
					if !slices.Contains(s.Products, p.Product) {
						s.Products = append(s.Products, p.Product)
						label := p.Product
						if p.Note != "" {
							label += "（" + p.Note + "）"
						}
						productNotes = append(productNotes, label)
					}
				}
			}
			if IndustryMatches(n.Term, c.Industry) {
				s.Score += pick(n.Inferred, pointsTradeInferred, pointsTrade)
				hit, byTrade = true, true
			}
			if hit {
				s.Matched = append(s.Matched, n.Term)
			}
		}
		if s.Score == 0 {
			continue
		}
		if len(productNotes) > 0 {
			s.Reasons = append(s.Reasons, "申报产品："+strings.Join(productNotes, "、"))
		}
		if byTrade {
			s.Reasons = append(s.Reasons, "所属行业："+c.Industry)
		}
		if c.Town == raiserTown {
			s.Score += pointsSameTown
			s.Reasons = append(s.Reasons, "与提出企业同在"+c.TownName)
		}
		out = append(out, s)
	}
	sortSuggestions(out)
	if len(out) > MaxSuggestions {
		out = out[:MaxSuggestions]
	}
	return out
}

// sortSuggestions puts the best first: by score, then declared products.
func sortSuggestions(out []Suggestion) {
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(len(b.Products), len(a.Products)),
			strings.Compare(a.Name, b.Name), strings.Compare(a.USCC, b.USCC))
	})
}

func pick(inferred bool, ifInferred, ifNamed int) int {
	if inferred {
		return ifInferred
	}
	return ifNamed
}

// Industries returns which of the industries make any of the needs: the
// trades whose firms are candidates.
func Industries(needs []Need, industries []string) []string {
	var out []string
	for _, ind := range industries {
		for _, n := range needs {
			if IndustryMatches(n.Term, ind) {
				out = append(out, ind)
				break
			}
		}
	}
	return out
}

// MatchingProducts returns which declared product names answer any need.
func MatchingProducts(needs []Need, declared []string) []string {
	var out []string
	for _, p := range declared {
		for _, n := range needs {
			if ProductMatches(n.Term, p) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// pointsStock is a firm holding spare stock of a supply asked for: about as
// good as one declaring it makes it, since it can hand it over today.
const pointsStock = 8

// AddHolders merges into the suggestions the firms with a surplus of item
// (named term in the ticket), re-ranked as Rank ranks.
func AddHolders(out []Suggestion, term string, item supplies.Item, donors []supplies.Donor, raiserTown string) []Suggestion {
	for _, d := range donors {
		reason := "库存富余：" + item.Name() + "可调出约 " + strconv.FormatFloat(d.Spare, 'f', -1, 64) + " " + item.Unit()
		i := slices.IndexFunc(out, func(s Suggestion) bool { return s.USCC == d.USCC })
		if i < 0 {
			s := Suggestion{USCC: d.USCC, Name: d.Name, Town: d.Town, TownName: d.TownName, Matched: []string{},
				Products: []string{}, Reasons: []string{}}
			if d.Town == raiserTown {
				s.Score += pointsSameTown
				s.Reasons = append(s.Reasons, "与提出企业同在"+d.TownName)
			}
			out = append(out, s)
			i = len(out) - 1
		}
		s := &out[i]
		s.Score += pointsStock
		s.Reasons = append([]string{reason}, s.Reasons...)
		if !slices.Contains(s.Matched, term) {
			s.Matched = append(s.Matched, term)
		}
	}
	sortSuggestions(out)
	if len(out) > MaxSuggestions {
		out = out[:MaxSuggestions]
	}
	return out
}
