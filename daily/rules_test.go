package daily_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/store"
	"fugong/store/storetest"
)

// TestWhoDoesWhat: the rules the pages, the API and the command line
// share, by role.
func TestWhoDoesWhat(t *testing.T) {
	admin := fugong.Actor{Role: fugong.RoleAdmin}
	inspection := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupInspection}
	cadre := fugong.Actor{Role: fugong.RoleCadre}
	clerk := fugong.Actor{Role: fugong.RoleEnterprise}
	checkpoint := fugong.Actor{Role: fugong.RoleCheckpoint, Town: xianjiang}
	for _, c := range []struct {
		name                        string
		a                           fugong.Actor
		scope, batch, sign, offered bool // of 塘下
	}{
		{"admin", admin, true, true, true, false},
		{"statistics", statistics, true, true, false, false},
		{"inspection", inspection, true, false, false, false},
		{"town", tangxiaAct, true, true, true, true},
		{"other town", fugong.Actor{Role: fugong.RoleTown, Town: xianjiang}, true, true, false, false},
		{"cadre", cadre, true, false, false, false},
		{"clerk", clerk, false, false, false, false},
		{"checkpoint", checkpoint, false, false, false, false},
	} {
		if got := daily.HasScope(c.a); got != c.scope {
			t.Errorf("%s: HasScope %v", c.name, got)
		}
		if got := daily.CanBatchReport(c.a); got != c.batch {
			t.Errorf("%s: CanBatchReport %v", c.name, got)
		}
		if got := daily.CanSignOff(c.a, tangxia); got != c.sign {
			t.Errorf("%s: CanSignOff %v", c.name, got)
		}
		if got := daily.CanReopen(c.a, tangxia); got != c.sign {
			t.Errorf("%s: CanReopen %v", c.name, got)
		}
		if got := daily.OffersSignOff(c.a, tangxia); got != c.offered {
			t.Errorf("%s: OffersSignOff %v", c.name, got)
		}
		if c.offered && !c.sign {
			t.Errorf("%s: offered a sign-off it may not make", c.name)
		}
	}
}

// TestPageDay: a page's day is today unless a valid past day is asked for.
func TestPageDay(t *testing.T) {
	f := &fixture{now: time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)}
	for _, c := range []struct{ in, day, problem string }{
		{"", "2020-02-10", ""},
		{"2020-02-09", "2020-02-09", ""},
		{"2020-02-11", "2020-02-10", "未来"},
		{"2020-2-9", "2020-02-10", "已显示今天"},
	} {
		day, problem := daily.PageDay(c.in, f.now)
		if day != c.day || (c.problem == "") != (problem == "") || !strings.Contains(problem, c.problem) {
			t.Errorf("PageDay(%q) = %q %q", c.in, day, problem)
		}
	}
}

// TestDayAndPrefill: a day's form refuses the future, shows the sign-off,
// and starts from the last report with the day's movements at 0.
func TestDayAndPrefill(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		uscc := f.es[0].USCC
		if _, err := f.svc.Day(ctx, tangxiaAct, uscc, "2020-02-11"); fugong.ErrorCode(err) != fugong.EInvalid || !strings.Contains(err.Error(), "未来") {
			t.Fatalf("a future day: %v", err)
		}
		if _, err := f.svc.Day(ctx, fugong.Actor{Role: fugong.RoleTown, Town: xianjiang}, uscc, "2020-02-10"); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("out of scope: %v", err)
		}
		d, err := f.svc.Day(ctx, tangxiaAct, uscc, "2020-02-10")
		if err != nil || d.Latest != nil || d.Locked() || d.Today != "2020-02-10" {
			t.Fatalf("an empty day: %+v %v", d, err)
		}
		if _, _, ok, err := f.svc.Prefill(ctx, d); ok || err != nil {
			t.Fatalf("prefill with no report: %v %v", ok, err)
		}
		fig := daily.Figures{StaffTotal: 20, StaffInCity: 10, ReturnedToday: 3, OnDuty: 2, Note: "昨天"}
		if _, err := f.svc.Submit(ctx, tangxiaAct, uscc, "2020-02-09", fig, ""); err != nil {
			t.Fatal(err)
		}
		got, from, ok, err := f.svc.Prefill(ctx, d)
		if !ok || err != nil || from != "2020-02-09" || got.StaffTotal != 20 || got.ReturnedToday != 0 || got.Note != "" {
			t.Fatalf("prefill from yesterday: %+v %s %v %v", got, from, ok, err)
		}
		if _, err := f.svc.SignOff(ctx, tangxiaAct, tangxia, "2020-02-10"); err != nil {
			t.Fatal(err)
		}
		// The firm had not reported: the signed day still takes its report, late.
		if d, err = f.svc.Day(ctx, tangxiaAct, uscc, "2020-02-10"); err != nil || d.Locked() || !d.SignOff.Signed || d.SignOff.SignedBy != "tangxia" {
			t.Fatalf("a signed day without the firm's report: %+v %v", d.SignOff, err)
		}
		if d.SignOff.Sent == nil || d.SignOff.Sent.Received != 0 || d.SignOff.Sent.Expected != 2 {
			t.Fatalf("the figures sent: %+v", d.SignOff.Sent)
		}
		f.now = f.now.Add(time.Hour)
		res, err := f.svc.Submit(ctx, tangxiaAct, uscc, "2020-02-10", fig, "")
		if err != nil || !res.Report.AfterSignOff {
			t.Fatalf("a late report after the sign-off: %+v %v", res, err)
		}
		if d, err = f.svc.Day(ctx, tangxiaAct, uscc, "2020-02-10"); err != nil || d.Locked() || !d.Late() || !d.Latest.AfterSignOff {
			t.Fatalf("the late report: %+v %v", d.Latest, err)
		}
		fig.Fever = 1
		if _, err := f.svc.Submit(ctx, tangxiaAct, uscc, "2020-02-10", fig, ""); err != nil {
			t.Fatalf("a correction of the late report: %v", err)
		}
		c, err := f.svc.Completeness(ctx, tangxiaAct, "2020-02-10")
		if err != nil || len(c.Towns) != 1 || c.Towns[0].Received != 1 || c.Towns[0].Sent.Received != 0 || c.Towns[0].LateAfterSignOff() != 1 {
			t.Fatalf("the live counts and the sent ones: %+v %v", c.Towns, err)
		}
	})
}

// TestIncompleteRefusedAsSubmit: a report with counts left out is refused
// in Submit's order: not allowed before the missing counts.
func TestIncompleteRefusedAsSubmit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		missing := []fugong.Problem{{Field: "fever", Message: "请填写发热人数"}}
		inspection := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupInspection}
		if err := f.svc.Incomplete(ctx, inspection, f.es[0].USCC, "2020-02-10", daily.Figures{}, missing); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("inspection: %v", err)
		}
		err := f.svc.Incomplete(ctx, tangxiaAct, f.es[0].USCC, "2020-02-10", daily.Figures{StaffTotal: 1, StaffInCity: 2}, missing)
		e := fugong.AsError(err)
		if e == nil || e.Code != fugong.EInvalid || len(e.Problems) != 2 || e.Problems[1].Field != "fever" {
			t.Errorf("town: %+v", e)
		}
	})
}

// TestImportFile: the one way a file is loaded checks the day before the
// file is read, and returns the reader's error as it is.
func TestImportFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		read := false
		reader := func(date string) ([]daily.ImportRow, error) { read = true; return nil, errors.New("unreadable") }
		if _, err := f.svc.ImportFile(ctx, tangxiaAct, "2020/02/10", reader, false, nil); fugong.ErrorCode(err) != fugong.EInvalid || read {
			t.Errorf("a bad day: %v (file read: %v)", err, read)
		}
		if _, err := f.svc.ImportFile(ctx, tangxiaAct, "", reader, false, nil); err == nil || err.Error() != "unreadable" {
			t.Errorf("an unreadable file: %v", err)
		}
		rows := csvRows(t, f.es[0].USCC+",甲,2020-02-10,20,10,1,0,0,0,0,0,0,2,是,\n")
		res, err := f.svc.ImportFile(ctx, tangxiaAct, "", func(string) ([]daily.ImportRow, error) { return rows, nil }, false, nil)
		if err != nil || res.Created != 1 {
			t.Errorf("a good file: %+v %v", res, err)
		}
	})
}

// TestCheckSigned: a signed day takes reports that were not in and their
// corrections; what was in at the sign-off needs a reopening.
func TestCheckSigned(t *testing.T) {
	at := time.Date(2020, 2, 10, 16, 30, 0, 0, fugong.Location)
	signed := daily.SignOff{Date: "2020-02-10", Signed: true, SignedAt: at}
	reopened := daily.SignOff{Date: "2020-02-10", SignedAt: at}
	before := &daily.Report{FirstAt: at.Add(-time.Hour)}
	late := &daily.Report{FirstAt: at.Add(time.Hour), AfterSignOff: true}
	// Late, then the day reopened and signed again: the new sign-off took it in.
	resigned := daily.SignOff{Date: "2020-02-10", Signed: true, SignedAt: at.Add(2 * time.Hour)}
	for _, c := range []struct {
		name      string
		o         daily.SignOff
		old       *daily.Report
		after, ok bool
	}{
		{"never signed, new", daily.SignOff{}, nil, false, true},
		{"never signed, correction", daily.SignOff{}, before, false, true},
		{"signed, new", signed, nil, true, true},
		{"signed, correction of a report that was in", signed, before, false, false},
		{"signed, correction of a late report", signed, late, true, true},
		{"reopened, correction", reopened, before, false, true},
		{"reopened, correction of a late report", reopened, late, true, true},
		{"signed again, correction of the once-late report", resigned, late, false, false},
	} {
		after, err := daily.CheckSigned(c.o, c.old)
		if after != c.after || (err == nil) != c.ok {
			t.Errorf("%s: after %v, err %v", c.name, after, err)
		}
		if err != nil && (fugong.ErrorCode(err) != fugong.EConflict || !strings.Contains(err.Error(), "重新打开")) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
