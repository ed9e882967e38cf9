package pii

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Division is a county-level division (GB/T 2260) an ID number can name as
// its holder's place of registration.
type Division struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Hubei bool   `json:"hubei"`
}

// DemoDivisions are where the demo city's staff come from, with weights:
// most from Ruian itself, many from the rest of Wenzhou, some from
// elsewhere in Zhejiang, from Hubei, and from the provinces that send
// migrant workers to Wenzhou's factories.
var DemoDivisions = []struct {
	Division
	Weight int
}{
	{Division{"330381", "浙江省温州市瑞安市", false}, 520},
	{Division{"330302", "浙江省温州市鹿城区", false}, 25},
	{Division{"330303", "浙江省温州市龙湾区", false}, 25},
	{Division{"330304", "浙江省温州市瓯海区", false}, 25},
	{Division{"330324", "浙江省温州市永嘉县", false}, 20},
	{Division{"330326", "浙江省温州市平阳县", false}, 40},
	{Division{"330327", "浙江省温州市苍南县", false}, 30},
	{Division{"330328", "浙江省温州市文成县", false}, 40},
	{Division{"330329", "浙江省温州市泰顺县", false}, 25},
	{Division{"330382", "浙江省温州市乐清市", false}, 20},
	{Division{"330106", "浙江省杭州市西湖区", false}, 5},
	{Division{"330783", "浙江省金华市东阳市", false}, 5},
	{Division{"420102", "湖北省武汉市江岸区", true}, 3},
	{Division{"420106", "湖北省武汉市武昌区", true}, 3},
	{Division{"420111", "湖北省武汉市洪山区", true}, 2},
	{Division{"420902", "湖北省孝感市孝南区", true}, 3},
	{Division{"421102", "湖北省黄冈市黄州区", true}, 3},
	{Division{"421002", "湖北省荆州市沙市区", true}, 2},
	{Division{"420502", "湖北省宜昌市西陵区", true}, 2},
	{Division{"510722", "四川省绵阳市三台县", false}, 50},
	{Division{"341221", "安徽省阜阳市临泉县", false}, 40},
	{Division{"360121", "江西省南昌市南昌县", false}, 30},
	{Division{"411521", "河南省信阳市罗山县", false}, 30},
}

// MakeIDNumber builds a valid ID number from a division code, a birth date
// and a sequence (0–999: odd for a man, even for a woman), computing the
// check character.
func MakeIDNumber(division string, birth time.Time, seq int) (string, error) {
	if len(division) != 6 || !allDigits(division) || !provinces[division[:2]] {
		return "", fmt.Errorf("division %q is not a 6-digit code of a province", division)
	}
	if seq < 0 || seq > 999 {
		return "", fmt.Errorf("sequence %d is outside 0–999", seq)
	}
	if y := birth.Year(); y < minBirthYear || y > maxBirthYear {
		return "", fmt.Errorf("birth year %d is outside %d–%d", y, minBirthYear, maxBirthYear)
	}
	first := fmt.Sprintf("%s%s%03d", division, birth.Format("20060102"), seq)
	c, err := IDCheckChar(first)
	if err != nil {
		return "", err
	}
	return first + string(c), nil
}

// GeneratedID is one demo person's ID number and what it says.
type GeneratedID struct {
	Number   string
	Division Division
	Birth    string // YYYY-MM-DD
	Male     bool
}

// IDGenerator makes valid, distinct demo ID numbers, the same ones in the
// same order for the same seed. It is not safe for concurrent use.
type IDGenerator struct {
	r     *rand.Rand
	total int
	seen  map[string]bool
}

// Working-age births for the demo: 18 to 60 years old in February 2020.
var (
	demoBornFrom = time.Date(1960, 2, 1, 0, 0, 0, 0, time.UTC)
	demoBornTo   = time.Date(2002, 1, 31, 0, 0, 0, 0, time.UTC)
)

// NewIDGenerator returns a generator seeded with seed.
func NewIDGenerator(seed uint64) *IDGenerator {
	total := 0
	for _, d := range DemoDivisions {
		total += d.Weight
	}
	return &IDGenerator{r: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)), total: total, seen: map[string]bool{}}
}

// Next returns the next ID number, drawn from DemoDivisions by weight with
// a working-age birth date; it never repeats one it returned before.
func (g *IDGenerator) Next() GeneratedID {
	days := int(demoBornTo.Sub(demoBornFrom).Hours()/24) + 1
	for {
		d := g.division()
		birth := demoBornFrom.AddDate(0, 0, g.r.IntN(days))
		seq := g.r.IntN(1000)
		id, err := MakeIDNumber(d.Code, birth, seq)
		if err != nil {
			panic(err) // DemoDivisions and the birth range are fixed and valid
		}
		if g.seen[id] {
			continue
		}
		g.seen[id] = true
		return GeneratedID{Number: id, Division: d, Birth: birth.Format("2006-01-02"), Male: seq%2 == 1}
	}
}

func (g *IDGenerator) division() Division {
	n := g.r.IntN(g.total)
	for _, d := range DemoDivisions {
		if n < d.Weight {
			return d.Division
		}
		n -= d.Weight
	}
	return DemoDivisions[0].Division
}
