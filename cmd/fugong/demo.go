package main

import (
	"bufio"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/width"

	"fugong"
	"fugong/demo"
)

// loginsFile keeps the demo passwords beside the database: they are printed
// at every start, and a hash cannot be printed back.
const loginsFile = "demo-logins.txt"

// demoKeyFile is the demo's personal-data key file in its data directory.
const demoKeyFile = "fugong.key"

func (e *env) demo(ctx context.Context, args []string) error {
	fs := e.flags("demo")
	addr := fs.String("addr", cmp.Or(e.getenv("FUGONG_ADDR"), "127.0.0.1:8080"), "listen address (env FUGONG_ADDR)")
	data := fs.String("data", "./fugong-data", "data directory: the logins, and the database DATA/fugong.db unless --db names another")
	dsn := fs.String("db", "", "database: sqlite:PATH or postgres://… (default sqlite:DATA/fugong.db)")
	font := e.pdfFontFlag(fs)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := os.MkdirAll(*data, 0o750); err != nil {
		return err
	}
	path := filepath.Join(*data, loginsFile)
	if *dsn == "" {
		*dsn = "sqlite:" + filepath.Join(*data, "fugong.db")
	} else {
		path = filepath.Join(*data, loginsFileOf(*dsn))
	}
	db, err := e.open(ctx, *dsn, true)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := e.demoKeys(ctx, db, filepath.Join(*data, demoKeyFile))
	if err != nil {
		return err
	}
	_, statErr := os.Stat(path)
	reset := statErr != nil
	bar := newBar(e.stderr, "生成演示数据")
	logins, err := demo.Seed(ctx, db, bar.set, reset)
	if err != nil {
		return err
	}
	bar.finish()
	staff := newBar(e.stderr, "生成人员花名册")
	if err := demo.SeedPeople(ctx, db, keys, staff.set); err != nil {
		return err
	}
	staff.finish()
	if err := demo.SeedIsolation(ctx, db, keys); err != nil {
		return err
	}
	if err := demo.SeedCheckpoints(ctx, db, keys); err != nil {
		return err
	}
	if len(logins) > 0 && !reset {
		// Accounts were missing although the list exists: give every demo
		// account a fresh password so the list printed below is whole.
		if logins, err = demo.Seed(ctx, db, nil, true); err != nil {
			return err
		}
	}
	if len(logins) > 0 {
		if err := writeLogins(path, logins); err != nil {
			return err
		}
	}
	text, err := os.ReadFile(path)
	if err != nil {
		text = []byte("（演示账号文件 " + path + " 不存在：请用 fugong user add 添加用户）\n")
	}
	return e.listen(ctx, db, *addr, webConfig{keys: keys, pdfFont: *font}, func(url string) {
		fmt.Fprintf(e.stdout, "\n瑞安市经信局复工复产指挥平台（演示）\n打开 %s 用以下账号登录：\n\n%s\n", url, text)
	})
}

// loginsFileOf names the logins of a database given with --db: one data
// directory may serve demos on several databases, and the passwords of one
// must not be printed for another.
func loginsFileOf(dsn string) string {
	sum := sha256.Sum256([]byte(dsn))
	return "demo-logins-" + hex.EncodeToString(sum[:4]) + ".txt"
}

func writeLogins(path string, logins []demo.Login) error {
	rows := [][]string{{"用户名", "密码", "角色", "范围"}}
	for _, l := range logins {
		rows = append(rows, []string{l.Username, l.Password, fugong.RoleNames[l.Role], l.Scope})
	}
	return os.WriteFile(path, []byte(table(rows)), 0o600)
}

// table aligns columns by display width: a Chinese character takes two cells
// of a terminal, which tabwriter does not know.
func table(rows [][]string) string {
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// readLine reads one line (a password from --password-stdin).
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
