package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"fugong"
	"fugong/daily"
	"fugong/sheet"
)

// importReports loads a file of daily reports collected by phone, acting as
// the system.
func (e *env) importReports(ctx context.Context, args []string) error {
	fs := e.flags("import reports")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	skipBad := fs.Bool("skip-bad", false, "import the good rows and write the bad ones to FILE.errors.xlsx/.csv")
	date := fs.String("date", "", "the report day (YYYY-MM-DD) of rows without a date column or cell")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "usage: fugong import reports [--db DSN] FILE [--skip-bad] [--date YYYY-MM-DD]")
		return usageError{errors.New("need exactly one file")}
	}
	path := pos[0]
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	_, _, svc := services(db)
	// The same method as the API's and the page's imports: the day checked,
	// then the file read, then the rows checked and stored.
	var t *sheet.Table
	var withFigures int
	read := func(date string) ([]daily.ImportRow, error) {
		rows, table, err := sheet.ReadReports(f, path, date)
		if err != nil {
			return nil, err
		}
		t, withFigures = table, len(rows)
		if len(rows) == 0 {
			return nil, fmt.Errorf("%s: no row has any report figures; nothing to import", path)
		}
		return rows, nil
	}
	// --date is read as a date cell is (2020/2/10 too); the service checks the day.
	if d, ok := sheet.Day(*date); ok {
		*date = d
	}
	bar := newBar(e.stderr, "导入日报")
	res, err := svc.ImportFile(ctx, fugong.System, *date, read, *skipBad, bar.set)
	bar.finish()
	if t == nil {
		return err // the day or the file could not be read
	}
	if err := e.refusedImport(path, err); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d reports created, %d corrected, %d bad rows", path, res.Created, res.Updated, len(res.BadRows))
	if empty := len(t.Rows) - withFigures; empty > 0 {
		fmt.Fprintf(e.stdout, ", %d rows without figures skipped", empty)
	}
	fmt.Fprintln(e.stdout)
	if err := e.writeBadRows(path, t, res.Bad); err != nil {
		return err
	}
	if res.Created+res.Updated == 0 {
		return errors.New("nothing was imported: every row is bad")
	}
	return nil
}
