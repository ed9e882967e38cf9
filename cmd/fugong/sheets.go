package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"fugong"
	"fugong/registry"
	"fugong/sheet"
)

func (e *env) importEnterprises(ctx context.Context, args []string) error {
	fs := e.flags("import enterprises")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	skipBad := fs.Bool("skip-bad", false, "import the good rows and write the bad ones to FILE.errors.xlsx/.csv")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "usage: fugong import enterprises [--db DSN] FILE [--skip-bad]")
		return usageError{errors.New("need exactly one file")}
	}
	path := pos[0]
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	t, err := sheet.ReadEnterpriseTable(f, path)
	if err != nil {
		return err
	}
	rows, err := t.Enterprises()
	if err != nil {
		return err
	}
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	reg, _, _ := services(db)
	bar := newBar(e.stderr, "导入企业")
	res, err := reg.Import(ctx, fugong.System, rows, *skipBad, bar.set)
	bar.finish()
	if err := e.refusedImport(path, err); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d created, %d updated, %d bad rows\n", path, res.Created, res.Updated, len(res.BadRows))
	if err := e.writeBadRows(path, t, res.Bad); err != nil {
		return err
	}
	if len(res.BadRows) > 0 && len(res.BadRows) == len(rows) {
		return errors.New("nothing was imported: every row is bad")
	}
	return nil
}

// refusedImport explains an import that stored nothing because of bad rows,
// listing each on stderr; other errors pass through.
func (e *env) refusedImport(path string, err error) error {
	var bad interface{ RowErrors() []registry.RowError }
	if !errors.As(err, &bad) {
		return err
	}
	rows := bad.RowErrors()
	for _, re := range rows {
		fmt.Fprintln(e.stderr, re)
	}
	return fmt.Errorf("%s: %d problems in %d rows; nothing was imported (fix them, or pass --skip-bad)", path, len(rows), countRows(rows))
}

// writeBadRows writes the rows --skip-bad passed over next to the input.
func (e *env) writeBadRows(path string, t *sheet.Table, bad []registry.RowError) error {
	if len(bad) == 0 {
		return nil
	}
	out, err := sheet.WriteErrorFile(path, t, bad)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "bad rows written to %s\n", out)
	return nil
}

func countRows(errs []registry.RowError) int {
	seen := map[int]bool{}
	for _, e := range errs {
		seen[e.Row] = true
	}
	return len(seen)
}

func (e *env) exportEnterprises(ctx context.Context, args []string) error {
	fs := e.flags("export enterprises")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	out := fs.String("out", "", "output file, .xlsx or .csv")
	town := fs.String("town", "", "only this town (code or name)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(e.stderr, "usage: fugong export enterprises [--db DSN] --out FILE [--town CODE]")
		return usageError{errors.New("--out is required")}
	}
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	reg, _, _ := services(db)
	tmp := *out + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	n := 0
	err = sheet.WriteEnterprises(f, *out, func(fn func(registry.Enterprise) error) error {
		return reg.Each(ctx, fugong.System, registry.Filter{Town: *town}, func(en registry.Enterprise) error {
			n++
			return fn(en)
		})
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d enterprises written to %s\n", n, *out)
	return nil
}
