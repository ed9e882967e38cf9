package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"fugong"
	"fugong/daily"
	"fugong/sheet"
	"fugong/store"
)

// reportOf reads a stored report.
func reportOf(t *testing.T, dsn, code, date string) (daily.Report, error) {
	t.Helper()
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return db.Report(t.Context(), code, date)
}

func TestImportReports(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, dsn string) {
		mustRun(t, "", "migrate", "--db", dsn)
		dir := t.TempDir()
		list := filepath.Join(dir, "list.xlsx")
		writeXLSX(t, list, goodRows(t, 1, 4))
		mustRun(t, "", "import", "enterprises", "--db", dsn, list)
		// The enterprises were registered today: only today's reports are possible.
		today := daily.Today(time.Now())
		header := "统一社会信用代码,企业名称,日期,职工人数,留瑞人数,返温人数,劝返,劝退票,湖北籍,已联系湖北籍,隔离,发热,值守,承诺书,备注\r\n"
		write := func(name, body string) string {
			b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		row := func(i int, date, staff string) string {
			return uscc(t, i) + ",公司," + date + "," + staff + ",10,1,0,0,0,0,0,0,2,是,电话\r\n"
		}

		// A bad row (spreadsheet row 3) stores nothing and names the row and column.
		oneBad := write("one-bad.csv", header+row(1, today, "20")+row(2, today, "二十")+row(3, today, "30")+row(4, today, ""))
		err, stderr := mustFail(t, "", "import", "reports", "--db", dsn, oneBad)
		mustContain(t, "import's error", err.Error(), "nothing was imported", "--skip-bad")
		mustContain(t, "import's stderr", stderr, "第3行", "职工人数", "应为整数")
		if _, err := reportOf(t, dsn, uscc(t, 1), today); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("a refused file stored a report: %v", err)
		}
		// The fourth row's empty staff total is 0, below the 10 in the city.
		mustContain(t, "import's stderr", stderr, "第5行", "在瑞人数不能超过职工总数")

		// --skip-bad stores the good rows and writes the bad ones beside the file.
		out := mustRun(t, "", "import", "reports", "--db", dsn, oneBad, "--skip-bad")
		mustContain(t, "import --skip-bad's output", out, "2 reports created", "2 bad rows", sheet.ErrorFilePath(oneBad))
		r, err := reportOf(t, dsn, uscc(t, 3), today)
		if err != nil || r.StaffTotal != 30 || r.StaffInCity != 10 || r.OnDuty != 2 || !r.CommitmentSigned || r.Note != "电话" || r.SubmittedBy != "system" {
			t.Fatalf("stored %+v %v", r, err)
		}
		if tb := readTable(t, sheet.ErrorFilePath(oneBad)); len(tb.Rows) != 2 || tb.Rows[0].Cells[3] != "二十" {
			t.Fatalf("error file %+v", tb.Rows)
		}

		// --date fills a file without a date column; a second file corrects.
		noDate := write("no-date.csv", strings.Replace(header, "日期,", "", 1)+
			strings.Replace(row(1, "", "40"), ",,", ",", 1)+uscc(t, 2)+",,,,,,,,,,,,,\r\n")
		out = mustRun(t, "", "import", "reports", "--db", dsn, "--date", strings.ReplaceAll(today, "-", "/"), noDate)
		mustContain(t, "import --date's output", out, "0 reports created, 1 corrected", "1 rows without figures skipped")
		if r, err := reportOf(t, dsn, uscc(t, 1), today); err != nil || r.StaffTotal != 40 || r.Version != 2 {
			t.Fatalf("corrected %+v %v", r, err)
		}

		// A file without figures, or whose every row is bad, fails.
		empty := write("empty.csv", header+uscc(t, 1)+",公司,"+today+",,,,,,,,,,,,\r\n")
		err, _ = mustFail(t, "", "import", "reports", "--db", dsn, empty)
		mustContain(t, "empty file", err.Error(), "no row has any report figures")
		err, _ = mustFail(t, "", "import", "reports", "--db", dsn, "--skip-bad", write("all-bad.csv", header+row(2, today, "x")))
		mustContain(t, "all-bad file", err.Error(), "nothing was imported")
		if exitCode(err) == 0 {
			t.Errorf("exit code 0 for an import that stored nothing")
		}
		err, _ = mustFail(t, "", "import", "reports", "--db", dsn, noDate)
		mustContain(t, "no date column", err.Error(), "缺少必需的列：日期")
		var ue usageError
		if err, _ = mustFail(t, "", "import", "reports", "--db", dsn); !errors.As(err, &ue) {
			t.Errorf("import without a file: %v, want a usage error", err)
		}
	})
}
