package sheet

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"fugong"
	"fugong/daily"
	"fugong/registry"
	"fugong/sheet/sheettest"
)

// readers are the readers of a user's file, each with a header it
// accepts.
var readers = []struct {
	name   string
	lim    Limits
	header []string
	read   func(r io.Reader, name string) error
}{
	{"enterprises", EnterpriseLimits, []string{"uscc", "name", "town", "size_class"}, func(r io.Reader, name string) error {
		_, err := ReadEnterprises(r, name)
		return err
	}},
	{"reports", ReportLimits, append(append([]string{"uscc", "date"}, daily.CountFields...), "commitment_signed"), func(r io.Reader, name string) error {
		_, _, err := ReadReports(r, name, "")
		return err
	}},
	{"pairings", EnterpriseLimits, []string{"uscc", "username"}, func(r io.Reader, name string) error {
		_, err := ReadPairings(r, name)
		return err
	}},
	{"people", PeopleLimits, []string{"name", "id_number", "health_code"}, func(r io.Reader, name string) error {
		_, err := ReadPeople(r, name)
		return err
	}},
	{"mujun", MujunLimits, mujunRequired, func(r io.Reader, name string) error {
		_, err := ReadAnnualData(r, name)
		return err
	}},
}

// TestZipBombRefusedUnpacked: an XLSX whose sheet unpacks to more than
// the reader's limit is refused as too large, by the size its zip declares,
// even when its header is right (the rows would all have been read).
func TestZipBombRefusedUnpacked(t *testing.T) {
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			bomb := sheettest.ZipBomb(rd.header, rd.lim.Unpacked+1<<20)
			err := rd.read(bytes.NewReader(bomb), "bomb.xlsx")
			want := fmt.Sprintf("文件内容超过%d MB（XLSX 按解压后计算）：%s每次最多导入%d MB、%d行", rd.lim.Unpacked>>20, rd.lim.What, rd.lim.Unpacked>>20, rd.lim.Rows)
			if fugong.ErrorCode(err) != fugong.ETooLarge || !strings.Contains(err.Error(), want) {
				t.Fatalf("%d KB bomb: error %v, want too_large saying %q", len(bomb)>>10, err, want)
			}
		})
	}
}

// TestHeaderCheckedFirst: a file without the required columns is refused
// for them at its header row, before its rows are read (here more rows
// than the limit, which reading them would have reported instead).
func TestHeaderCheckedFirst(t *testing.T) {
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			csv := "备注\n" + strings.Repeat("x\n", rd.lim.Rows+1)
			err := rd.read(strings.NewReader(csv), "a.csv")
			if fugong.ErrorCode(err) != fugong.EInvalid || !strings.Contains(err.Error(), "缺少必需的列") {
				t.Fatalf("error %v, want the missing columns", err)
			}
		})
	}
}

// TestRowLimit: one row more than the limit is refused, naming the limit.
func TestRowLimit(t *testing.T) {
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			csv := strings.Join(rd.header, ",") + "\n" + strings.Repeat("x\n", rd.lim.Rows+1)
			err := rd.read(strings.NewReader(csv), "a.csv")
			want := fmt.Sprintf("文件超过%d行数据：%s每次最多导入%d行", rd.lim.Rows, rd.lim.What, rd.lim.Rows)
			if fugong.ErrorCode(err) != fugong.ETooLarge || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want too_large saying %q", err, want)
			}
		})
	}
}

// TestOversizedParts: parts that excelize parses whole when it opens a file
// are bounded on their own, and so is their number.
func TestOversizedParts(t *testing.T) {
	good := makeXLSX(t, []any{"uscc", "name", "town", "size_class"}, []any{uscc, "某厂", "塘下镇", "规上"})
	if _, err := ReadEnterprises(bytes.NewReader(good), "a.xlsx"); err != nil {
		t.Fatal(err)
	}
	styles := append([]byte(`<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!--`),
		append(bytes.Repeat([]byte(" "), maxOtherPart), "--></styleSheet>"...)...)
	many := map[string][]byte{}
	for i := range maxParts {
		many[fmt.Sprintf("docProps/extra%d.xml", i)] = []byte("<a/>")
	}
	tests := []struct {
		name  string
		extra map[string][]byte
		want  string
	}{
		{"styles", map[string][]byte{"xl/styles.xml": styles}, "XLSX 文件中的“xl/styles.xml”解压后超过8 MB"},
		{"parts", many, "超过1000个的上限"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadEnterprises(bytes.NewReader(sheettest.Repack(good, tt.extra)), "a.xlsx")
			if fugong.ErrorCode(err) != fugong.ETooLarge || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want too_large saying %q", err, tt.want)
			}
		})
	}
}

// TestBiggestRealSheetsFit: the limits leave room for the biggest real
// files: a day's reports of 100,000 firms and a list of 7,000 firms, as
// this package writes them (text inline in every cell).
func TestBiggestRealSheetsFit(t *testing.T) {
	cols, fields := templateColumns()
	var buf bytes.Buffer
	rw, err := newWriter(&buf, "xlsx", cols)
	if err != nil {
		t.Fatal(err)
	}
	const firms = 100_000
	for i := range firms {
		cells := []any{fmt.Sprintf("91330381MA2%07dX", i), "瑞安市塘下汽车配件有限公司", "2026-02-10"}
		for range fields[:len(daily.CountFields)] {
			cells = append(cells, 100+i%900)
		}
		cells = append(cells, "是", "已复工，口罩储备充足")
		if err := rw.Row(cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Flush(); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	// Reading them all back takes long; their size is what matters here.
	if err := checkZip(buf.Bytes(), ReportLimits); err != nil || ReportLimits.Rows < firms {
		t.Fatalf("a day's reports of %d firms do not fit %+v: %v", firms, ReportLimits, err)
	}

	buf.Reset()
	const list = 7_000
	mujun := "A"
	err = WriteEnterprises(&buf, "名录.xlsx", func(fn func(registry.Enterprise) error) error {
		for i := range list {
			e := registry.Enterprise{USCC: fmt.Sprintf("91330381MA2%07dX", i), Name: "瑞安市塘下汽车配件有限公司", Town: "330381101",
				Address: "瑞安市塘下镇工业区创业大道88号", Industry: "汽车零部件及配件制造", SizeClass: registry.SizeAbove, LegalRep: "张三",
				ContactPhone: "13812345678", Employees: 120, LandMu: 35.5, MujunClass: &mujun, Status: registry.StatusActive}
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ents, err := ReadEnterprises(&buf, "名录.xlsx")
	if err != nil || len(ents) != list {
		t.Fatalf("a list of %d firms: %d rows, %v", list, len(ents), err)
	}
}
