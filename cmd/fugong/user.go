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
	dsn := e.dbFlag(fs)
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
	if _, err := parse(fs, args); err != nil {
		return err
	}
	u.Role = fugong.Role(role)
	if group != "" {
		u.Group = account.GroupFromName(group)
	}
	password := account.NewPassword()
	if *fromStdin {
		p, err := readLine(bufio.NewReader(e.stdin))
		if err != nil {
			return errors.New("--password-stdin: no password on standard input")
		}
		password = p
	}
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	_, accounts := services(db)
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
