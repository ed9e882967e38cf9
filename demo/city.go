package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"fugong/registry"
)

// town is one township-level unit as the demo fills it: how many rated firms
// it has, the trades it is known for, and the industrial parks addresses name.
type town struct {
	name  string
	count int
	leans []string // industries, the town's main trade first
	parks []string // nil: "<town>工业区" and "<town>小微企业园"
}

// towns sum to 6,833, the firms Ruian rated in its 2018 亩均 evaluation.
// The split is an estimate: 塘下 the auto-parts hub, the shoe streets next,
// the mountain towns and the island small.
var towns = []town{
	{"塘下镇", 1820, []string{"汽摩配件", "机械装备", "塑料制品"}, []string{"塘下北工业园区", "韩田工业区", "罗凤工业区", "鲍田工业区", "场桥工业区", "海安工业区"}},
	{"仙降街道", 670, []string{"鞋革", "服装"}, []string{"仙降工业区", "江溪工业区", "仙降鞋业小微园"}},
	{"莘塍街道", 554, []string{"汽摩配件", "机械装备"}, nil},
	{"汀田街道", 470, []string{"汽摩配件", "电子电器"}, nil},
	{"飞云街道", 430, []string{"鞋革", "包装印刷"}, nil},
	{"东山街道", 400, []string{"汽摩配件", "机械装备", "电子电器"}, []string{"瑞安经济开发区", "东山工业区"}},
	{"上望街道", 380, []string{"汽摩配件", "医药化工"}, []string{"瑞安经济开发区", "上望工业区"}},
	{"马屿镇", 330, []string{"鞋革", "机械装备"}, nil},
	{"陶山镇", 300, []string{"汽摩配件", "鞋革"}, nil},
	{"潘岱街道", 280, []string{"包装印刷", "食品"}, nil},
	{"南滨街道", 270, []string{"阀门", "机械装备"}, nil},
	{"锦湖街道", 260, []string{"鞋革", "电子电器"}, nil},
	{"云周街道", 200, []string{"汽摩配件", "五金"}, nil},
	{"安阳街道", 150, []string{"电子电器", "医药化工"}, nil},
	{"桐浦镇", 80, []string{"鞋革", "五金"}, nil},
	{"湖岭镇", 70, []string{"竹木制品", "食品"}, nil},
	{"玉海街道", 50, []string{"包装印刷", "服装"}, nil},
	{"高楼镇", 40, []string{"食品", "竹木制品"}, nil},
	{"曹村镇", 35, []string{"食品", "服装"}, nil},
	{"林川镇", 25, []string{"竹木制品", "食品"}, nil},
	{"平阳坑镇", 10, []string{"竹木制品", "五金"}, nil},
	{"芳庄乡", 6, []string{"食品"}, nil},
	{"北麂乡", 3, []string{"食品"}, []string{"北麂渔港"}},
}

// industry is a trade: its weight among the firms not in their town's own
// trade, and the words a firm name in it ends with before 有限公司.
type industry struct {
	weight int
	words  []string
}

var industries = map[string]industry{
	"汽摩配件": {20, []string{"汽车部件", "汽摩配件", "汽车零部件", "汽配", "机车部件", "制动系统"}},
	"机械装备": {14, []string{"机械", "机电", "机械制造", "智能装备"}},
	"鞋革":   {10, []string{"鞋业", "鞋材", "皮革", "制鞋"}},
	"包装印刷": {9, []string{"包装", "印刷", "彩印", "包装材料"}},
	"塑料制品": {8, []string{"塑业", "塑胶", "塑料制品"}},
	"电子电器": {8, []string{"电子", "电器", "电气"}},
	"五金":   {7, []string{"五金", "金属制品", "标准件"}},
	"服装":   {6, []string{"服饰", "制衣", "服装"}},
	"食品":   {5, []string{"食品", "食品科技", "水产食品"}},
	"阀门":   {5, []string{"阀门", "泵阀", "阀业"}},
	"医药化工": {4, []string{"药业", "化工", "制药"}},
	"竹木制品": {2, []string{"竹木制品", "木业"}},
	"防护用品": {1, []string{"防护用品", "劳保用品"}},
}

// industryNames fixes the order of industries: map order would make the data
// differ between runs.
var industryNames = []string{"汽摩配件", "机械装备", "鞋革", "包装印刷", "塑料制品", "电子电器",
	"五金", "服装", "食品", "阀门", "医药化工", "竹木制品", "防护用品"}

// namedFirms are the report's own enterprises (and its protective-suit maker,
// unnamed there); the rest of their records is generated. Their towns, except
// 建新塑胶's, are guesses.
var namedFirms = []struct {
	name, town, industry, size string
	employees                  int
}{
	{"浙江建新塑胶股份有限公司", "塘下镇", "塑料制品", registry.SizeAbove, 320},
	{"浙江天盛食品有限公司", "飞云街道", "食品", registry.SizeBelow, 28},
	{"浙江百强乳业有限公司", "潘岱街道", "食品", registry.SizeAbove, 260},
	{"华瑞达包装材料股份有限公司", "莘塍街道", "包装印刷", registry.SizeAbove, 180},
	{"瑞安市康盾防护用品有限公司", "飞云街道", "防护用品", registry.SizeBelow, 65},
}

// aboveShare makes about 1,100 of the 6,833 firms above designated size.
const aboveShare = 0.155

// Name pools; a repeated surname is drawn more often (陈, 林 and 王 lead in Ruian).
const (
	tradeChars = "瑞华宏鑫兴盛达安泰恒丰源利嘉正新金天明东信永佳博凯荣诚远海立伟顺力通康隆昌祥腾飞宇欧亚德和中龙锦益众创星光豪卓"
	surnames   = "陈陈陈林林王王李张黄周吴郑薛金蔡胡项潘叶徐孙朱戴池董余杨"
	givenChars = "建国伟明志海峰军华勇平东斌林强俊杰晓丽芳秀英燕红锋辉成忠良德永福光荣胜新春秋云乐"
	roads      = "兴业 创业 发展 振兴 工业 环城 滨江 瑞祥 塘川 经一 经二 纬一 纬三 东港 安福 罗阳 飞云 万松 建设 开发"
)

var mobilePrefixes = strings.Fields("130 131 132 133 135 136 137 138 139 150 151 152 153 155 157 158 159 177 180 185 186 187 188 189")

// usccAlphabet is GB 32100's alphabet; organisation-code bodies use it too so
// that the whole USCC stays valid.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// orgCheckChar is the GB 11714 check character of an 8-character organisation
// code body. Its results (digits and X) all lie in the USCC alphabet, so a
// body never has to be redrawn for that.
func orgCheckChar(body string) (byte, error) {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	if len(body) != 8 {
		return 0, fmt.Errorf("organisation code body needs 8 characters, got %d", len(body))
	}
	sum := 0
	for i := range 8 {
		c := body[i]
		switch {
		case c >= '0' && c <= '9':
			sum += int(c-'0') * weights[i]
		case c >= 'A' && c <= 'Z':
			sum += int(c-'A'+10) * weights[i]
		default:
			return 0, fmt.Errorf("character %d (%q) is not a digit or capital letter", i+1, c)
		}
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', nil
	case 11:
		return '0', nil
	default:
		return byte('0' + c), nil
	}
}

// gen draws the city from a fixed seed, so every demo has the same firms.
type gen struct {
	r     *rand.Rand
	names map[string]bool
	codes map[string]bool
}

// enterprises returns the demo city's firms, each normalised (town resolved
// to its code) and checked.
func enterprises() ([]registry.Enterprise, error) {
	g := &gen{r: rand.New(rand.NewPCG(2018, 6833)), names: map[string]bool{}, codes: map[string]bool{}}
	for _, f := range namedFirms {
		g.names[f.name] = true
	}
	var out []registry.Enterprise
	for _, t := range towns {
		n := 0
		for _, f := range namedFirms {
			if f.town == t.name {
				e := g.firm(t, f.industry, f.size == registry.SizeAbove)
				e.Name, e.Employees = f.name, f.employees
				out = append(out, e)
				n++
			}
		}
		for ; n < t.count; n++ {
			ind := g.industry(t)
			out = append(out, g.firm(t, ind, g.r.Float64() < aboveShare))
		}
	}
	for i := range out {
		if ps := out[i].Normalize(); len(ps) > 0 {
			return nil, fmt.Errorf("demo: generated enterprise %s is invalid: %v", out[i].Name, ps)
		}
	}
	// The report's 龙港 non-woven maker, whose fabric the suit maker fetched
	// (M5's model case), is one of the city's firms like any other.
	fabric, err := fabricMaker(out)
	if err != nil {
		return nil, err
	}
	return append(out, fabric), nil
}

// industry picks the town's own trade two times in three, else any trade by
// its citywide weight; the small rural towns keep to their own trades.
func (g *gen) industry(t town) string {
	if t.count < 50 || g.r.IntN(3) < 2 {
		if len(t.leans) == 1 || g.r.IntN(5) < 3 {
			return t.leans[0]
		}
		return t.leans[1+g.r.IntN(len(t.leans)-1)]
	}
	total := 0
	for _, name := range industryNames {
		total += industries[name].weight
	}
	n := g.r.IntN(total)
	for _, name := range industryNames {
		if n -= industries[name].weight; n < 0 {
			return name
		}
	}
	panic("unreachable")
}

func (g *gen) firm(t town, ind string, above bool) registry.Enterprise {
	r := g.r
	e := registry.Enterprise{
		USCC:         g.uscc(),
		Town:         t.name,
		Address:      g.address(t),
		Industry:     ind,
		SizeClass:    registry.SizeBelow,
		LegalRep:     g.person(),
		ContactPhone: mobilePrefixes[r.IntN(len(mobilePrefixes))] + fmt.Sprintf("%08d", r.IntN(100_000_000)),
		Status:       registry.StatusActive,
		CreatedAt:    registered,
	}
	// Squared draws skew sizes towards the small end, as real firms are.
	s, l := r.Float64(), r.Float64()
	if above {
		e.SizeClass = registry.SizeAbove
		e.Employees = 50 + int(750*s*s)
		e.LandMu = 5 + 145*l*l
	} else {
		e.Employees = 3 + int(77*s*s)
		e.LandMu = 0.5 + 14.5*l*l
	}
	e.LandMu = math.Round(e.LandMu*100) / 100
	// 亩均 classes by the guideline's rank shares: A 25 %, B 45 %, C 25 %, D 5 %.
	var class string
	switch p := r.IntN(100); {
	case p < 25:
		class = "A"
	case p < 70:
		class = "B"
	case p < 95:
		class = "C"
	default:
		class = "D"
	}
	e.MujunClass = &class
	e.Name = g.name(ind, above)
	return e
}

func (g *gen) name(ind string, above bool) string {
	r := g.r
	chars := []rune(tradeChars)
	words := industries[ind].words
	for {
		a, b := r.IntN(len(chars)), r.IntN(len(chars))
		if a == b {
			continue
		}
		prefix := "瑞安市"
		if p := r.IntN(20); p < 5 {
			prefix = "浙江"
		} else if p < 8 {
			prefix = "温州"
		}
		suffix := "有限公司"
		if above && r.IntN(4) == 0 || !above && r.IntN(50) == 0 {
			suffix = "股份有限公司"
		}
		n := prefix + string(chars[a]) + string(chars[b]) + words[r.IntN(len(words))] + suffix
		if !g.names[n] {
			g.names[n] = true
			return n
		}
	}
}

// uscc draws a unique code: older firms carry their 8-digit organisation code,
// firms registered since 2015 an "MA2…" one.
func (g *gen) uscc() string {
	r := g.r
	for {
		var body string
		if r.IntN(10) < 3 {
			b := []byte("MA2")
			for range 5 {
				b = append(b, usccAlphabet[r.IntN(len(usccAlphabet))])
			}
			body = string(b)
		} else {
			body = strconv.Itoa(10_000_000 + r.IntN(90_000_000))
		}
		oc, err := orgCheckChar(body)
		if err != nil {
			panic(err) // the bodies above are always 8 valid characters
		}
		first17 := "91" + registry.CityCode + body + string(oc)
		c, err := registry.USCCCheckChar(first17)
		if err != nil {
			panic(err)
		}
		code := first17 + string(c)
		if !g.codes[code] {
			g.codes[code] = true
			return code
		}
	}
}

func (g *gen) address(t town) string {
	parks := t.parks
	if parks == nil {
		short := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(t.name, "街道"), "镇"), "乡")
		parks = []string{short + "工业区", short + "小微企业园"}
	}
	rs := strings.Fields(roads)
	road := rs[g.r.IntN(len(rs))] + "路"
	if g.r.IntN(8) == 0 {
		road = rs[g.r.IntN(len(rs))] + "大道"
	}
	return fmt.Sprintf("瑞安市%s%s%s%d号", t.name, parks[g.r.IntN(len(parks))], road, 1+g.r.IntN(398))
}

func (g *gen) person() string {
	s, gc := []rune(surnames), []rune(givenChars)
	n := string(s[g.r.IntN(len(s))]) + string(gc[g.r.IntN(len(gc))])
	if g.r.IntN(4) > 0 {
		n += string(gc[g.r.IntN(len(gc))])
	}
	return n
}

// The towns of the demo's town, cadre, clerk and checkpoint accounts.
const (
	tangxia   = "330381101" // 塘下镇
	xianjiang = "330381010" // 仙降街道
)

// cadreFirms are the ten 塘下 firms paired with the demo cadre: the first ten
// of the town, 建新塑胶 among them, so the cadre's list is the clerk's too.
func cadreFirms(es []registry.Enterprise) []string {
	var out []string
	for _, e := range es {
		if e.Town == tangxia && len(out) < 10 {
			out = append(out, e.USCC)
		}
	}
	return out
}

// firmByName returns the code of a generated firm.
func firmByName(es []registry.Enterprise, name string) (string, error) {
	for _, e := range es {
		if e.Name == name {
			return e.USCC, nil
		}
	}
	return "", fmt.Errorf("demo: no enterprise named %s", name)
}
