package web

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

// /healthz answers while the writer is blocked: a load balancer's health
// check must not queue behind the commits. Another connection holds the
// write lock (SQLite) or the town's row (PostgreSQL, as a sign-off does), so
// a submission waits in the group committer; the health check answers 200
// while it still waits.
func TestHealthzDoesNotWaitForTheWriter(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			db := storetest.Open(t, dsn)
			e := newEnv(t, db)
			ctx := context.Background()
			ent, err := db.GetEnterprise(ctx, fugong.System, e.ents["tangA"])
			if err != nil {
				t.Fatal(err)
			}
			a := e.users[roleBureauStat].Actor()
			sub := func(date string) daily.Submission {
				return daily.Submission{USCC: ent.USCC, Town: ent.Town, Date: date, Figures: daily.Figures{StaffTotal: 3},
					OnTime: func(time.Time) bool { return true }}
			}
			// The committer starts with a first submission.
			if _, err := db.Submit(ctx, a, sub("2020-02-09")); err != nil {
				t.Fatal(err)
			}

			release := blockWriter(t, engine, dsn, ent.Town)
			done := make(chan error, 1)
			go func() {
				_, err := db.Submit(ctx, a, sub("2020-02-10"))
				done <- err
			}()
			for db.CommitStats().Waiting == 0 {
				time.Sleep(time.Millisecond)
			}
			if status, b := e.health(t); status != http.StatusOK || b.Database != "ok" {
				t.Errorf("healthz with the writer blocked: %d %+v", status, b)
			}
			select {
			case err := <-done:
				t.Fatalf("the submission was not blocked (%v): the test proves nothing", err)
			default:
			}
			release()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// blockWriter holds, from a connection of its own, what the store's writer
// needs: SQLite's write lock, or a PostgreSQL town's row alone.
func blockWriter(t *testing.T, engine, dsn, town string) (release func()) {
	t.Helper()
	driver, name := "pgx", dsn
	if engine == store.SQLite {
		driver, name = "sqlite", strings.TrimPrefix(dsn, "sqlite:")
	}
	other, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hold := [][]any{{`BEGIN IMMEDIATE`}}
	if engine == store.Postgres {
		hold = [][]any{{`BEGIN`}, {`SELECT 1 FROM towns WHERE code = $1 FOR UPDATE`, town}}
	}
	for _, h := range hold {
		if _, err := conn.ExecContext(ctx, h[0].(string), h[1:]...); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
			t.Error(err)
		}
		conn.Close()
	}
}
