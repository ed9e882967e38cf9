package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/audit"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

// A report's audit rows are not in the entity index (migration 0036): they
// are found through the report's versions and the actor index, each once,
// even when two versions were stored in one transaction at one instant.
func TestAuditOfAReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := createFirm(t, db, "AU0000001", "塘下镇", "审计企业")
		other := createFirm(t, db, "AU0000002", "塘下镇", "另一企业")
		clerk := fugong.Actor{UserID: 4, Username: "clerk", Role: fugong.RoleEnterprise, Enterprise: e.USCC}
		db.Now = func() time.Time { return time.Date(2020, 3, 1, 9, 0, 0, 0, fugong.Location) }
		if _, err := db.Submit(ctx, clerk, submission(e, "2020-02-01", daily.Figures{StaffTotal: 1}, "")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Submit(ctx, fugong.System, submission(other, "2020-02-01", daily.Figures{StaffTotal: 5}, "")); err != nil {
			t.Fatal(err)
		}
		// A correction and its correction in one batch: one transaction,
		// one instant, two versions.
		db.Now = func() time.Time { return time.Date(2020, 3, 1, 10, 0, 0, 0, fugong.Location) }
		_, errs := queuedBatch(t, db, clerk, e.Town, []daily.Submission{
			submission(e, "2020-02-01", daily.Figures{StaffTotal: 2}, ""),
			submission(e, "2020-02-01", daily.Figures{StaffTotal: 3}, ""),
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		entries, total, err := db.ListAudit(ctx, audit.Filter{Entity: "daily_report", EntityID: e.USCC + "/2020-02-01", Page: 1, PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, en := range entries {
			var f daily.Figures
			if err := json.Unmarshal(en.After, &f); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s %d", en.Action, f.StaffTotal))
		}
		if total != 3 || strings.Join(got, ", ") != "update 3, update 2, create 1" {
			t.Errorf("the report's audit rows: %d %q, want its three versions, newest first", total, got)
		}
		for _, c := range []struct {
			f    audit.Filter
			want int
		}{
			{audit.Filter{Entity: "daily_report", EntityID: other.USCC + "/2020-02-01"}, 1},
			{audit.Filter{Entity: "daily_report", EntityID: other.USCC + "/2020-02-01", Actor: "system"}, 1},
			{audit.Filter{Entity: "daily_report", EntityID: e.USCC + "/2020-02-01", Actor: "system"}, 0},
			{audit.Filter{Entity: "daily_report", EntityID: e.USCC + "/2020-02-01", Actor: "clerk", Action: "update"}, 2},
		} {
			c.f.Page, c.f.PerPage = 1, 10
			if _, n, err := db.ListAudit(ctx, c.f); err != nil || n != c.want {
				t.Errorf("%+v: %d rows, %v; want %d", c.f, n, err, c.want)
			}
		}
		for _, id := range []string{e.USCC + "/2020-02-02", e.USCC, "no-slash", "/", e.USCC + "/2020-02-01/x"} {
			if _, n, err := db.ListAudit(ctx, audit.Filter{Entity: "daily_report", EntityID: id, Page: 1, PerPage: 10}); err != nil || n != 0 {
				t.Errorf("entity id %q: %d rows, %v; want none", id, n, err)
			}
		}
		// Five: the batch's helper submits one more (a day in January) to
		// hold the batch.
		if _, n, err := db.ListAudit(ctx, audit.Filter{Entity: "daily_report", Page: 1, PerPage: 10}); err != nil || n != 5 {
			t.Errorf("every report's rows: %d, %v; want 5", n, err)
		}
	})
}

// The audit log's look-ups use its indexes, not a scan of the whole log:
// another entity's through the entity index (which names its condition),
// a report's through its versions' key and the actor index.
func TestAuditQueriesUseIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		plan := func(what, q string, args []any, want ...string) {
			t.Helper()
			p, err := db.Plan(ctx, q, args...)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if strings.Contains(p, "SCAN audit_log") || strings.Contains(p, "Seq Scan on audit_log") {
				t.Errorf("%s scans the whole audit log:\n%s", what, p)
			}
			for _, w := range want {
				if !strings.Contains(p, w) {
					t.Errorf("%s does not use %s:\n%s", what, w, p)
				}
			}
		}
		for _, c := range []struct {
			f    audit.Filter
			want []string
		}{
			{audit.Filter{Entity: "person", EntityID: "42"}, []string{"audit_log_entity"}},
			{audit.Filter{Entity: "enterprise"}, []string{"audit_log_entity"}},
			{audit.Filter{Entity: "daily_report", EntityID: "91330381MA0000000X/2020-02-01"}, []string{"audit_log_actor"}},
		} {
			cond, args := store.AuditCondition(c.f)
			plan(c.f.Entity+" "+c.f.EntityID, `SELECT count(*) FROM audit_log`+cond, args, c.want...)
		}
		// The purges' shape (people, isolation, checkpoints).
		plan("a purge's scrub", store.AuditRowsOf(map[string]string{"person": "'1', '2'", "alert": "'3'"}), nil, "audit_log_entity")
	})
}
