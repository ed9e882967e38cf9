package store

import (
	"context"
	"time"

	"fugong/account"
)

// LoginAttempts returns what the login throttle remembers of an address
// (username ”) and of an account at it.
func (db *DB) LoginAttempts(ctx context.Context, username, address string) (addr, acct account.Attempts, err error) {
	return loginAttempts(ctx, db.r, username, address)
}

func loginAttempts(ctx context.Context, q querier, username, address string) (addr, acct account.Attempts, err error) {
	rows, err := q.QueryContext(ctx, `SELECT username, failures, last_at, until_at FROM login_throttle
		WHERE address = $1 AND username IN ('', $2)`, address, username)
	if err != nil {
		return addr, acct, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var a account.Attempts
		if err := rows.Scan(&name, &a.Failures, &a.Last, &a.Until); err != nil {
			return addr, acct, err
		}
		if name == "" {
			addr = a
		} else {
			acct = a
		}
	}
	return addr, acct, rows.Err()
}

// UpdateLoginAttempts reads the throttle's rows of an address and of an
// account at it, passes them to update and writes back what it leaves, in
// one transaction. On SQLite the one writer serialises it; on PostgreSQL,
// where several instances write, a transaction lock on the address does:
// the account's row is only ever written with its address's. Rows left
// without failures are deleted, and so are rows last tried before forget.
func (db *DB) UpdateLoginAttempts(ctx context.Context, username, address string, forget time.Time,
	update func(addr, acct *account.Attempts) error) error {
	return db.write(ctx, func(tx *Tx) error {
		if err := tx.lockName(ctx, "login:"+address); err != nil {
			return err
		}
		addr, acct, err := loginAttempts(ctx, tx, username, address)
		if err != nil {
			return err
		}
		if err := update(&addr, &acct); err != nil {
			return err
		}
		for _, k := range []struct {
			username string
			a        account.Attempts
		}{{"", addr}, {username, acct}} {
			if k.a.Failures <= 0 {
				_, err = tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE address = $1 AND username = $2`, address, k.username)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO login_throttle (username, address, failures, last_at, until_at)
					VALUES ($1, $2, $3, $4, $5) ON CONFLICT (address, username) DO UPDATE
					SET failures = excluded.failures, last_at = excluded.last_at, until_at = excluded.until_at`,
					k.username, address, k.a.Failures, dbTime(k.a.Last), dbTime(k.a.Until))
			}
			if err != nil {
				return err
			}
		}
		return tx.forgetLoginAttempts(ctx, forget)
	})
}

// forgetLoginAttempts deletes the rows last tried before t: the usernames
// an attacker made up would fill the table otherwise. On PostgreSQL it
// skips the rows other transactions hold, so that it never waits for them
// while holding its own, and takes a bounded batch each time.
func (tx *Tx) forgetLoginAttempts(ctx context.Context, t time.Time) error {
	_, err := tx.ExecContext(ctx, tx.db.dialect().forgetLogins, dbTime(t))
	return err
}
