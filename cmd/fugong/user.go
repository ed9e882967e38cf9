package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"

	"fugong"
	"fugong/account"
)

func (e *env) userAdd(ctx context.Context, args []string) error {
	fs := e.flags("user add")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	var u account.User
	var role, group string
	fs.StringVar(&u.Username, "username", "", "login name")
	fs.StringVar(&u.DisplayName, "display-name", "", "person's name")
	fs.StringVar(&role, "role", "", "admin, bureau, town, cadre, enterprise or checkpoint")
	fs.StringVar(&u.Town, "town", "", "town code or name (town and checkpoint staff)")
	fs.StringVar(&u.Enterprise, "enterprise", "", "USCC of the enterprise (enterprise clerks)")
	fs.StringVar(&group, "group", "", "work group (bureau staff): coordination, inspection, statistics, supplies, prevention or its Chinese name")
	fs.BoolVar(&u.GroupLeader, "group-leader", false, "the user leads their work group")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	u.Role = fugong.Role(role)
	if group != "" {
		u.Group = account.GroupFromName(group)
	}
	password, err := e.password(*fromStdin)
	if err != nil {
		return err
	}
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	_, accounts, _ := services(db)
	created, err := accounts.Create(ctx, fugong.System, u, password)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(e.stdout, "added %s (%s)\n", created.Username, created.Role)
	if !*fromStdin {
		fmt.Fprintf(e.stdout, "password: %s\n", password)
	}
	return nil
}

// describe spells out every field problem of an application error.
func describe(err error) error {
	fe := fugong.AsError(err)
	if fe == nil || len(fe.Problems) == 0 {
		return err
	}
	msg := ""
	for _, p := range fe.Problems {
		msg += fmt.Sprintf("\n  %s: %s", p.Field, p.Message)
	}
	return fmt.Errorf("%s%s", fe.Code, msg)
}

// password reads a password from standard input, or makes a random one.
func (e *env) password(fromStdin bool) (string, error) {
	if !fromStdin {
		return account.NewPassword(), nil
	}
	p, err := readLine(bufio.NewReader(e.stdin))
	if err != nil || p == "" {
		return "", errors.New("--password-stdin: no password on standard input")
	}
	return p, nil
}

func (e *env) userPasswd(ctx context.Context, args []string) error {
	fs := e.flags("user passwd")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	username := fs.String("username", "", "login name")
	fromStdin := fs.Bool("password-stdin", false, "read the new password from the first line of standard input")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	password, err := e.password(*fromStdin)
	if err != nil {
		return err
	}
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	_, accounts, _ := services(db)
	if err := accounts.SetPassword(ctx, fugong.System, *username, password); err != nil {
		return describe(err)
	}
	fmt.Fprintf(e.stdout, "password of %s changed; their sessions have ended\n", *username)
	if !*fromStdin {
		fmt.Fprintf(e.stdout, "password: %s\n", password)
	}
	return nil
}
