package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"fugong"
	"fugong/store"
)

// exists lists which of names are databases.
func exists(t *testing.T, a *admin, names ...string) []string {
	t.Helper()
	var out []string
	for _, n := range names {
		ok, err := databaseExists(a.db, n)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			out = append(out, n)
		}
	}
	return out
}

func testAdmin(t *testing.T) *admin {
	t.Helper()
	a, err := adminDB()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A clone is migrated: it has nothing pending, and it is its own database.
func TestCloneIsMigrated(t *testing.T) {
	ctx := context.Background()
	first, second := Open(t, DSN(t, store.Postgres)), Open(t, DSN(t, store.Postgres))
	for _, db := range []*store.DB{first, second} {
		if pending, err := db.Pending(ctx); err != nil || len(pending) != 0 {
			t.Fatalf("pending %v %v", pending, err)
		}
	}
	if err := first.SetSetting(ctx, fugong.System, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := second.Setting(ctx, "k"); ok || err != nil {
		t.Fatalf("a setting of one clone is in the other: %v %v", ok, err)
	}
}

// The databases of a binary that ended are swept by the next; those of a
// binary still running are not.
func TestSweep(t *testing.T) {
	a := testAdmin(t)
	ctx := context.Background()
	alive, err := a.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer alive.Close()
	const liveOwner, deadOwner = 0x0123456789abcde, 0x0fedcba98765432
	if _, err := alive.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, liveOwner); err != nil {
		t.Fatal(err)
	}
	live, dead := fmt.Sprintf("%s%016x_live", testPrefix, liveOwner), fmt.Sprintf("%s%016x_dead", testPrefix, deadOwner)
	for _, n := range []string{live, dead} {
		if _, err := a.db.Exec(`CREATE DATABASE ` + n); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { a.drop(live) })
	a.sweep()
	a.drops.Wait()
	if got := exists(t, a, live, dead); !slices.Equal(got, []string{live}) {
		t.Fatalf("after the sweep %v, want only %s", got, live)
	}
}

// Pruning keeps the current template and the newest others, and drops the
// older ones and any half-made build.
func TestPruneTemplates(t *testing.T) {
	a := testAdmin(t)
	ctx := context.Background()
	const prefix = "fugong_prunetest_"
	var names []string // oldest first
	for i := range 5 {
		names = append(names, fmt.Sprintf("%s%d", prefix, i))
	}
	names = append(names, prefix+"5_build")
	for _, n := range names {
		if _, err := a.db.Exec(`DROP DATABASE IF EXISTS ` + n); err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.Exec(`CREATE DATABASE ` + n); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.drop(n) })
	}
	conn, err := a.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	current := names[1]
	if err := pruneTemplates(ctx, conn, prefix, current); err != nil {
		t.Fatal(err)
	}
	want := []string{current, names[3], names[4]}
	if got := exists(t, a, names...); !slices.Equal(got, want) {
		t.Fatalf("after pruning %v, want %v", got, want)
	}
}

// A template dropped by another checkout's tests is made again.
func TestTemplateDroppedMeanwhile(t *testing.T) {
	a := testAdmin(t)
	tmpl, err := ensureTemplate(a.db)
	if err != nil {
		t.Fatal(err)
	}
	// Another binary may be cloning it: the drop waits for that.
	if _, err := a.db.Exec(`DROP DATABASE IF EXISTS ` + tmpl); err != nil {
		t.Fatal(err)
	}
	Open(t, DSN(t, store.Postgres))
	if got := exists(t, a, tmpl); len(got) != 1 {
		t.Fatalf("template %s not made again", tmpl)
	}
}
