package sheet

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/briefing"
)

// WriteBriefing writes the briefing as a workbook: the headline on the
// first sheet, then a sheet per section with its figures and tables,
// numbers as numbers.
func WriteBriefing(w io.Writer, b briefing.Briefing) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E5E7EB"}}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	name := func(s string) string {
		s = strings.NewReplacer("[", "", "]", "", ":", "", "*", "", "?", "", "/", "", "\\", "").Replace(s)
		if r := []rune(s); len(r) > 28 {
			s = string(r[:28])
		}
		n := s
		for i := 2; used[n]; i++ {
			n = fmt.Sprintf("%s%d", s, i)
		}
		used[n] = true
		return n
	}
	first := name("要闻")
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return err
	}
	issue := "未签发（草稿）"
	if b.Issue != nil {
		issue = fmt.Sprintf("第 %d 期（%s 第 %d 版，%s 签发于 %s）", b.Issue.Number, b.Date, b.Issue.Revision, b.Issue.IssuedBy,
			b.Issue.IssuedAt.In(fugong.Location).Format("2006-01-02 15:04"))
	}
	s := &sheetWriter{f: f, sheet: first, row: 1}
	s.put(title, b.Title)
	s.put(0, "日期", b.Date)
	s.put(0, "范围", b.Scope)
	s.put(0, "期号", issue)
	s.put(0, "生成时间", b.GeneratedAt.In(fugong.Location).Format("2006-01-02 15:04"))
	s.row++
	s.put(bold, "序号", "要闻")
	for i, h := range b.Headline {
		s.put(wrap, i+1, h)
	}
	f.SetColWidth(first, "A", "A", 12)
	f.SetColWidth(first, "B", "B", 100)
	for _, sec := range b.Sections {
		sh := name(sec.Title)
		if _, err := f.NewSheet(sh); err != nil {
			return err
		}
		s := &sheetWriter{f: f, sheet: sh, row: 1}
		s.put(title, sec.Title)
		if sec.AsOf != "" {
			s.put(0, sec.AsOf)
		}
		for _, h := range sec.Headline {
			s.put(0, h)
		}
		if len(sec.Figures) > 0 {
			s.row++
			s.put(bold, "指标", "数值", "单位")
			for _, fg := range sec.Figures {
				s.put(0, fg.Label, fg.Value, fg.Unit)
			}
		}
		for _, t := range sec.Tables {
			s.row++
			s.put(title, t.Title)
			head := make([]any, len(t.Columns))
			for i, c := range t.Columns {
				head[i] = c.Title
			}
			s.put(bold, head...)
			for _, r := range t.Rows {
				s.put(0, r...)
			}
			if t.Note != "" {
				s.put(0, t.Note)
			}
		}
		for _, n := range sec.Notes {
			s.put(wrap, n)
		}
		f.SetColWidth(sh, "A", "A", 30)
		f.SetColWidth(sh, "B", "I", 14)
		if s.err != nil {
			return s.err
		}
	}
	if s.err != nil {
		return s.err
	}
	_, err = f.WriteTo(w)
	return err
}

// sheetWriter writes rows down a sheet.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	row   int
	err   error
}

// put writes one row of cells in style (0 for none).
func (s *sheetWriter) put(style int, cells ...any) {
	if s.err != nil {
		return
	}
	for i, c := range cells {
		cell, err := excelize.CoordinatesToCellName(i+1, s.row)
		if err == nil {
			err = s.f.SetCellValue(s.sheet, cell, c)
		}
		if err == nil && style != 0 {
			err = s.f.SetCellStyle(s.sheet, cell, cell, style)
		}
		if err != nil {
			s.err = err
			return
		}
	}
	s.row++
}
