// Package registry holds the city's reference data and its enterprises: the
// towns, the enterprise record and its rules (USCC, phone), and who may change it.
package registry

// Town is a township-level unit (乡镇街道) of the city.
type Town struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// CityCode is Ruian's administrative division code.
const CityCode = "330381"

// Towns are Ruian's 23 township-level units (DOMAIN.md), reference data that
// every database carries, not demo data.
var Towns = []Town{
	{"330381001", "安阳街道"}, {"330381002", "玉海街道"}, {"330381003", "锦湖街道"},
	{"330381004", "东山街道"}, {"330381005", "上望街道"}, {"330381007", "莘塍街道"},
	{"330381008", "汀田街道"}, {"330381009", "飞云街道"}, {"330381010", "仙降街道"},
	{"330381011", "南滨街道"}, {"330381012", "潘岱街道"}, {"330381013", "云周街道"},
	{"330381101", "塘下镇"}, {"330381116", "马屿镇"}, {"330381120", "陶山镇"},
	{"330381122", "湖岭镇"}, {"330381125", "高楼镇"}, {"330381126", "桐浦镇"},
	{"330381127", "林川镇"}, {"330381128", "曹村镇"}, {"330381129", "平阳坑镇"},
	{"330381221", "芳庄乡"}, {"330381222", "北麂乡"},
}

// TownByCode finds a town by its code.
func TownByCode(code string) (Town, bool) {
	for _, t := range Towns {
		if t.Code == code {
			return t, true
		}
	}
	return Town{}, false
}

// TownByNameOrCode resolves what a spreadsheet cell says about a town: the
// code, the full name, or the name without its 街道/镇/乡 suffix.
func TownByNameOrCode(s string) (Town, bool) {
	if t, ok := TownByCode(s); ok {
		return t, true
	}
	for _, t := range Towns {
		if t.Name == s || trimTownSuffix(t.Name) == s {
			return t, true
		}
	}
	return Town{}, false
}

func trimTownSuffix(name string) string {
	for _, suf := range []string{"街道", "镇", "乡"} {
		if len(name) > len(suf) && name[len(name)-len(suf):] == suf {
			return name[:len(name)-len(suf)]
		}
	}
	return name
}
