package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fugong"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

// TestSQLiteFullDisk: a write that finds the disk full fails as
// unavailable (full), through a plain write and through the group
// committer; the store remembers it, reads still answer, and the next
// successful write clears it.
func TestSQLiteFullDisk(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite:"+filepath.Join(t.TempDir(), "fugong.db"))
	e, err := db.CreateEnterprise(ctx, fugong.System, ent(t, "MH0000001", "塘下镇", "健康检查企业"))
	if err != nil {
		t.Fatal(err)
	}
	clerk := fugong.Actor{UserID: 7, Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: e.USCC}
	if err := db.LimitPages(ctx, 1); err != nil {
		t.Fatal(err)
	}
	full := func(what string, write func(i int) error) {
		t.Helper()
		for i := range 10_000 {
			err := write(i)
			if err == nil {
				continue
			}
			if class, ok := store.Unavailable(err); !ok || class != store.ClassFull {
				t.Fatalf("%s %d: %v: class %q %v, want full", what, i, err, class, ok)
			}
			if f := db.LastWriteFailure(); f == nil || f.Class != store.ClassFull {
				t.Fatalf("%s: last write failure %+v, want full", what, f)
			}
			return
		}
		t.Fatalf("%s: 10,000 writes into a full file all succeeded", what)
	}
	full("enterprise", func(i int) error {
		_, err := db.CreateEnterprise(ctx, fugong.System, ent(t, fmt.Sprintf("MH1%06d", i), "塘下镇", strings.Repeat("满", 90)))
		return err
	})
	if err := db.PingReader(ctx); err != nil {
		t.Errorf("reads should still answer: %v", err)
	}
	if err := db.LimitPages(ctx, 1<<30); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateEnterprise(ctx, fugong.System, ent(t, "MH2000001", "塘下镇", "空间恢复后")); err != nil {
		t.Fatal(err)
	}
	if f := db.LastWriteFailure(); f != nil {
		t.Errorf("after a successful write the failure is still remembered: %+v", f)
	}

	if err := db.LimitPages(ctx, 1); err != nil {
		t.Fatal(err)
	}
	full("report", func(i int) error {
		f := daily.Figures{StaffTotal: 10 + i, StaffInCity: 5}
		_, err := db.Submit(ctx, clerk, submission(e, fmt.Sprintf("2020-%02d-%02d", 1+i/28%12, 1+i%28), f, ""))
		return err
	})
	// Submissions committed together: when one fills the disk, SQLite
	// gives the whole transaction up, and each fails as unavailable, not
	// as the savepoint it lost.
	errs := make(chan error, 50)
	for i := range cap(errs) {
		go func() {
			f := daily.Figures{StaffTotal: 10 + i, StaffInCity: 5}
			_, err := db.Submit(ctx, clerk, submission(e, fmt.Sprintf("2021-%02d-%02d", 1+i/28, 1+i%28), f, ""))
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			if _, ok := store.Unavailable(err); !ok {
				t.Errorf("a submission of a batch on a full disk: %v, want unavailable", err)
			}
		}
	}
}

// TestPostgresDropped: when the database is dropped under the service
// (every connection terminated, none can be made again), writes fail as
// unavailable (connection), the store remembers it, and the reader's ping
// fails too.
func TestPostgresDropped(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.NewPostgres(t)
	db := storetest.Open(t, dsn)
	if _, err := db.CreateEnterprise(ctx, fugong.System, ent(t, "MH3000001", "塘下镇", "将被删除的库")); err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", storetest.PostgresAdminDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := dsn[strings.LastIndex(dsn, "/")+1:]
	name, _, _ = strings.Cut(name, "?")
	if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
		t.Fatal(err)
	}
	// The first write may meet a connection the drop terminated (57P01:
	// shutdown); by the second, none can be made (3D000: connection).
	for i, want := range []string{"", store.ClassConnection} {
		_, err = db.CreateEnterprise(ctx, fugong.System, ent(t, fmt.Sprintf("MH300001%d", i), "塘下镇", "删除之后"))
		class, ok := store.Unavailable(err)
		if !ok || want != "" && class != want {
			t.Fatalf("write %d after DROP DATABASE: %v: class %q %v, want unavailable %s", i, err, class, ok, want)
		}
		if f := db.LastWriteFailure(); f == nil || f.Class != class {
			t.Errorf("last write failure %+v, want %s", f, class)
		}
	}
	err = db.PingReader(ctx)
	if _, ok := store.Unavailable(err); !ok {
		t.Errorf("reader ping after DROP DATABASE: %v, want unavailable", err)
	}
}

// TestUnavailableIgnoresOwnErrors: errors of a request or its data are not
// the database's unavailability.
func TestUnavailableIgnoresOwnErrors(t *testing.T) {
	for _, err := range []error{nil, context.Canceled, context.DeadlineExceeded, sql.ErrNoRows,
		fugong.Errorf(fugong.EInvalid, "x", "y"), fmt.Errorf("wrapped: %w", context.Canceled)} {
		if class, ok := store.Unavailable(err); ok {
			t.Errorf("%v: class %q, want not unavailable", err, class)
		}
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := ent(t, "MH4000001", "塘下镇", "重复企业")
		if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
			t.Fatal(err)
		}
		_, err := db.CreateEnterprise(ctx, fugong.System, e)
		if err == nil {
			t.Fatal("a duplicate enterprise was stored")
		}
		if class, ok := store.Unavailable(err); ok {
			t.Errorf("a duplicate: %v: class %q, want not unavailable", err, class)
		}
		if f := db.LastWriteFailure(); f != nil {
			t.Errorf("a refused duplicate was remembered as a failure of the database: %+v", f)
		}
	})
}
