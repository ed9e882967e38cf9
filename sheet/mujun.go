package sheet

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"fugong"
	"fugong/mujun"
	"fugong/registry"
)

// mujunAliases are the headers the tax and statistics offices' sheets use
// for each annual figure, besides its JSON name and its label in
// mujun.FieldLabels.
var mujunAliases = map[string][]string{
	"uscc":            {"社会信用代码", "信用代码"},
	"land_mu":         {"用地面积", "用地面积(亩)", "占地面积(亩)", "用地(亩)"},
	"tax_wan":         {"实缴税金", "税收", "实缴税收(万元)", "税收(万元)", "实缴税金(万元)"},
	"value_added_wan": {"工业增加值", "增加值", "增加值(万元)"},
	"revenue_wan":     {"主营业务收入", "营业收入", "营业收入(万元)", "销售收入(万元)"},
	"energy_tce":      {"综合能耗", "能耗", "综合能耗(吨标煤)", "能耗(吨标准煤)"},
	"emissions_t":     {"主要污染物排放量", "排放量", "排放量(吨)", "污染物排放量(吨)"},
	"rd_wan":          {"研发经费", "研发经费支出", "R&D经费(万元)", "研发投入(万元)"},
	"staff":           {"年平均职工人数", "职工人数", "从业人员", "平均从业人员"},
	"electricity_kwh": {"用电量", "用电量(千瓦时)", "用电量(kWh)", "用电量(度)"},
	"water_t":         {"用水量", "用水量(吨)"},
	"utility":         {"是否公用事业"},
	"start_year":      {"投产年份", "投产年度"},
}

// MujunLimits are a year's figures of every firm in the city, as many as
// the enterprise list (EnterpriseLimits) holds.
var MujunLimits = Limits{What: "亩均数据", Rows: EnterpriseLimits.Rows, Unpacked: EnterpriseLimits.Unpacked}

// mujunFields lists the columns in the template's order.
var mujunFields = []string{"uscc", "land_mu", "tax_wan", "value_added_wan", "revenue_wan", "energy_tce", "emissions_t",
	"rd_wan", "staff", "electricity_kwh", "water_t", "utility", "start_year"}

// mujunRequired are the columns a sheet must have; emissions may be
// missing (the evaluation's rule for missing emissions applies), as may
// the utility and start-year columns.
var mujunRequired = []string{"uscc", "land_mu", "tax_wan", "value_added_wan", "revenue_wan", "energy_tce", "rd_wan",
	"staff", "electricity_kwh", "water_t"}

var mujunField = func() map[string]string {
	m := map[string]string{}
	for _, f := range mujunFields {
		m[headerKey(f)] = f
		m[headerKey(mujun.FieldLabels[f])] = f
		for _, a := range mujunAliases[f] {
			m[headerKey(a)] = f
		}
	}
	return m
}()

// ReadAnnualData reads a sheet of one year's annual figures (亩均数据): a
// column of credit codes and a column per figure, by Chinese header or
// JSON name, in any order. A cell that is not a number is a problem of its
// row; the values are left for mujun.AnnualData.Normalize to judge. An
// empty emission cell is no figure.
func ReadAnnualData(r io.Reader, name string) ([]mujun.ImportRow, error) {
	var (
		index   map[string]int
		columns map[string]string
	)
	t, err := ReadChecked(r, name, MujunLimits, func(header []string) (err error) {
		index, columns, err = mujunHeader(header)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]mujun.ImportRow, 0, len(t.Rows))
	for _, row := range t.Rows {
		ir := mujun.ImportRow{Row: row.Num, Columns: columns}
		problem := func(f, msg string) {
			ir.Problems = append(ir.Problems, registry.RowError{Row: row.Num, Column: columns[f], Field: f, Message: mujun.FieldLabels[f] + msg})
		}
		cell := func(f string) (string, bool) {
			i, ok := index[f]
			if !ok || i >= len(row.Cells) {
				return "", ok
			}
			v := strings.TrimSpace(row.Cells[i])
			if utf8.RuneCountInString(v) > MaxCellRunes {
				problem(f, fmt.Sprintf("内容过长（超过%d个字）", MaxCellRunes))
				return "", true
			}
			return v, true
		}
		// num reads a number cell: blank is not ok without a problem.
		num := func(f string) (float64, bool) {
			v, _ := cell(f)
			if v == "" {
				return 0, false
			}
			n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				problem(f, "应为数字")
				return 0, false
			}
			return n, true
		}
		d := &ir.Data
		d.USCC, _ = cell("uscc")
		for _, f := range mujunRequired[1:] {
			before := len(ir.Problems)
			v, ok := num(f)
			if !ok {
				if len(ir.Problems) == before {
					problem(f, "必填")
				}
				continue
			}
			switch f {
			case "land_mu":
				d.LandMu = v
			case "tax_wan":
				d.TaxWan = v
			case "value_added_wan":
				d.ValueAddedWan = v
			case "revenue_wan":
				d.RevenueWan = v
			case "energy_tce":
				d.EnergyTce = v
			case "rd_wan":
				d.RDWan = v
			case "staff":
				d.Staff = v
			case "electricity_kwh":
				d.ElectricityKWh = v
			case "water_t":
				d.WaterT = v
			}
		}
		if v, ok := num("emissions_t"); ok {
			d.EmissionsT = &v
		}
		if v, _ := cell("utility"); v != "" {
			switch strings.ToLower(v) {
			case "是", "true", "1", "y", "yes":
				d.Utility = true
			case "否", "false", "0", "n", "no":
			default:
				problem("utility", "应为“是”或“否”")
			}
		}
		if v, ok := num("start_year"); ok {
			if v != math.Trunc(v) || math.Abs(v) > 1e6 {
				problem("start_year", "应为年份")
			} else {
				d.StartYear = int(v)
			}
		}
		out = append(out, ir)
	}
	return out, nil
}

// mujunHeader finds the annual figures' columns in a header row: each
// field's index and its header as written. A field named twice or a
// required one missing refuses the file at its header.
func mujunHeader(header []string) (map[string]int, map[string]string, error) {
	index, columns := map[string]int{}, map[string]string{}
	for i, h := range header {
		f, ok := mujunField[headerKey(h)]
		if !ok {
			continue
		}
		h = strings.TrimSpace(h)
		if first, dup := columns[f]; dup {
			return nil, nil, fugong.Errorf(fugong.EInvalid, "file", "表头中的列“%s”和“%s”重复，都表示%s", first, h, mujun.FieldLabels[f])
		}
		index[f], columns[f] = i, h
	}
	var missing []string
	for _, f := range mujunRequired {
		if _, ok := index[f]; !ok {
			missing = append(missing, mujun.FieldLabels[f])
		}
	}
	if len(missing) > 0 {
		return nil, nil, fugong.Errorf(fugong.EInvalid, "file", "缺少必需的列：%s", strings.Join(missing, "、"))
	}
	return index, columns, nil
}

// AnnualDataTemplate writes an empty sheet of annual figures with every
// column's header, to fill in and import.
func AnnualDataTemplate(w io.Writer, name string) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	cols := make([]column, len(mujunFields))
	for i, fd := range mujunFields {
		cols[i] = column{Header: mujun.FieldLabels[fd], Width: 16, Text: fd == "uscc"}
	}
	rw, err := newWriter(w, f, cols)
	if err != nil {
		return err
	}
	defer rw.Close()
	return rw.Flush()
}

// ReliefScenario is one saved relief scenario as the export writes it.
type ReliefScenario struct {
	Name   string
	Relief mujun.Relief
}

// WriteReliefScenarios writes saved relief scenarios side by side: one
// row per firm relieved in any of them (its name from names), a column of
// relief per scenario, the totals in the last row. name's suffix picks
// the format.
func WriteReliefScenarios(w io.Writer, name string, scs []ReliefScenario, names map[string]string) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	cols := []column{{Header: "统一社会信用代码", Width: 22, Text: true}, {Header: "企业名称", Width: 32},
		{Header: "所属乡镇街道", Width: 12}, {Header: "亩均等级", Width: 8}}
	for _, sc := range scs {
		cols = append(cols, column{Header: sc.Name + " 电费减免（元）", Width: 16}, column{Header: sc.Name + " 水费减免（元）", Width: 16},
			column{Header: sc.Name + " 合计（元）", Width: 16})
	}
	rw, err := newWriter(w, f, cols)
	if err != nil {
		return err
	}
	defer rw.Close()
	type firm struct {
		town  string
		class mujun.Class
		items []*mujun.ReliefItem
	}
	var order []string
	firms := map[string]*firm{}
	for s := range scs {
		for i := range scs[s].Relief.Items {
			it := &scs[s].Relief.Items[i]
			fm := firms[it.USCC]
			if fm == nil {
				fm = &firm{town: it.Town, class: it.Class, items: make([]*mujun.ReliefItem, len(scs))}
				firms[it.USCC] = fm
				order = append(order, it.USCC)
			}
			fm.items[s] = it
		}
	}
	town := func(code string) string {
		if t, ok := registry.TownByCode(code); ok {
			return t.Name
		}
		return code
	}
	for _, u := range order {
		fm := firms[u]
		cells := []any{u, names[u], town(fm.town), string(fm.class)}
		for _, it := range fm.items {
			if it == nil {
				cells = append(cells, 0.0, 0.0, 0.0)
				continue
			}
			cells = append(cells, it.Electricity.Yuan(), it.Water.Yuan(), it.Relief.Yuan())
		}
		if err := rw.Row(cells); err != nil {
			return err
		}
	}
	total := []any{"合计", fmt.Sprintf("%d 家企业", len(order)), "", ""}
	for _, sc := range scs {
		total = append(total, sc.Relief.Electricity.Yuan(), sc.Relief.Water.Yuan(), sc.Relief.Total.Yuan())
	}
	if err := rw.Row(total); err != nil {
		return err
	}
	return rw.Flush()
}
