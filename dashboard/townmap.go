package dashboard

import (
	"fugong/registry"
)

// Cell is a town's place on the schematic map.
type Cell struct{ Col, Row int }

// Layout places Ruian's 23 towns on a 7 × 4 grid in their rough geographic
// arrangement: north up, the sea to the east. The Feiyun river runs west to
// east across the middle: the mountain towns of the west (林川, 桐浦, 芳庄,
// 湖岭, 平阳坑, 高楼) in the first columns; 陶山, 潘岱, 马屿, 曹村 and 云周
// between them and the city; the city's streets (锦湖, 玉海, 安阳, 东山)
// at the river's mouth; 塘下, 汀田 and 莘塍 on the coastal plain to the
// north towards Wenzhou, 上望 on the coast; 飞云, 仙降 and 南滨 south of the
// river; and 北麂, the islands, out at sea in the south-east corner.
var Layout = map[string]Cell{
	"330381127": {1, 0}, // 林川镇
	"330381126": {2, 0}, // 桐浦镇
	"330381120": {3, 0}, // 陶山镇
	"330381101": {4, 0}, // 塘下镇
	"330381008": {5, 0}, // 汀田街道

	"330381221": {0, 1}, // 芳庄乡
	"330381122": {1, 1}, // 湖岭镇
	"330381012": {2, 1}, // 潘岱街道
	"330381003": {3, 1}, // 锦湖街道
	"330381002": {4, 1}, // 玉海街道
	"330381007": {5, 1}, // 莘塍街道

	"330381129": {1, 2}, // 平阳坑镇
	"330381116": {2, 2}, // 马屿镇
	"330381013": {3, 2}, // 云周街道
	"330381001": {4, 2}, // 安阳街道
	"330381004": {5, 2}, // 东山街道
	"330381005": {6, 2}, // 上望街道

	"330381125": {1, 3}, // 高楼镇
	"330381128": {2, 3}, // 曹村镇
	"330381010": {3, 3}, // 仙降街道
	"330381009": {4, 3}, // 飞云街道
	"330381011": {5, 3}, // 南滨街道
	"330381222": {6, 3}, // 北麂乡
}

// Metric is what colours the map: a town's share in percent, and whether
// the town has anything to share (towns without enterprises are grey).
type Metric struct {
	Key   string // the request's value: "reports" or "resumption"
	Label string
	Of    func(Figures) (pct float64, ok bool)
}

// Metrics are the map's colourings, the first the default.
var Metrics = []Metric{
	{"reports", "日报完成率", func(f Figures) (float64, bool) { return f.Reports.RatePct, f.Reports.Expected > 0 }},
	{"resumption", "复工率", func(f Figures) (float64, bool) {
		return f.WorkingPct, f.Enterprises.Above.Total+f.Enterprises.Below.Total > 0
	}},
}

// MetricOf returns the metric named key, the default for an unknown one.
func MetricOf(key string) Metric {
	for _, m := range Metrics {
		if m.Key == key {
			return m
		}
	}
	return Metrics[0]
}

// MapTile is one town on the map with its value.
type MapTile struct {
	Cell
	Town  registry.Town
	Pct   float64
	Known bool
}

// MapTiles places every town of the registry with its metric; a town not in
// towns (none in scope) is unknown.
func MapTiles(towns []Town, m Metric) []MapTile {
	by := map[string]Figures{}
	for _, t := range towns {
		by[t.Town] = t.Figures
	}
	out := make([]MapTile, 0, len(registry.Towns))
	for _, rt := range registry.Towns {
		mt := MapTile{Cell: Layout[rt.Code], Town: rt}
		if f, ok := by[rt.Code]; ok {
			mt.Pct, mt.Known = m.Of(f)
		}
		out = append(out, mt)
	}
	return out
}
