package supplies

import "slices"

// Matching an enterprise short of an item with enterprises that have a
// surplus of it (SPEC M6, 供需对接). The rule, kept simple so that the
// supplies group can explain it on the phone:
//  1. a donor has more than SurplusDays days of cover of the item (or stock
//     and nobody on post), and offers what is above that (Spare);
//  2. donors in the same town come first, then those of the same area of
//     the city (nearby: a short drive, the same roads), then the rest;
//  3. within each, the largest spare first.

// Nearness of a donor to the enterprise in need.
const (
	SameTown  = "same_town"
	SameArea  = "same_area"
	Elsewhere = "elsewhere"
)

// NearnessNames are the Chinese names of the nearness ranks.
var NearnessNames = map[string]string{SameTown: "同镇街", SameArea: "邻近镇街", Elsewhere: "其他镇街"}

// areas split Ruian's 23 towns into the parts of the city the bureau
// thinks of as near each other: the northern plain around 塘下, the old city,
// the south bank of the Feiyun river, the western hills, and the island. It
// is a coarse grouping for ranking donors, not a map.
var areas = [][]string{
	{"330381101", "330381007", "330381008", "330381005", "330381013"},                                        // 塘下 莘塍 汀田 上望 云周
	{"330381001", "330381002", "330381003", "330381004", "330381012"},                                        // 安阳 玉海 锦湖 东山 潘岱
	{"330381009", "330381010", "330381011", "330381116"},                                                     // 飞云 仙降 南滨 马屿
	{"330381120", "330381122", "330381125", "330381126", "330381127", "330381128", "330381129", "330381221"}, // 陶山 湖岭 高楼 桐浦 林川 曹村 平阳坑 芳庄
	{"330381222"}, // 北麂
}

// Nearby returns the towns of the same area as town, town itself included.
func Nearby(town string) []string {
	for _, a := range areas {
		if slices.Contains(a, town) {
			return a
		}
	}
	return []string{town}
}

// Nearness ranks a donor's town against the town in need.
func Nearness(need, donor string) string {
	switch {
	case need == donor:
		return SameTown
	case slices.Contains(Nearby(need), donor):
		return SameArea
	}
	return Elsewhere
}

// MaxDonors is how many donors a match lists.
const MaxDonors = 10
