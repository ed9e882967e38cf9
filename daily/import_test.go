package daily_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fugong"
	"fugong/daily"
	"fugong/registry"
	"fugong/sheet"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	tangxia   = "330381101" // 塘下镇
	xianjiang = "330381010" // 仙降街道
)

// code builds a valid USCC from a 9-character organisation part.
func code(t testing.TB, org string) string {
	t.Helper()
	body := "91330381" + org
	c, err := registry.USCCCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	return body + string(c)
}

// fixture is a database with enterprises registered on 2020-02-01 and a
// clock at 10:00 on 2020-02-10.
type fixture struct {
	db  *store.DB
	svc *daily.Service
	now time.Time
	es  []registry.Enterprise // 甲, 乙 in 塘下; 丙 in 仙降
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	db.Now = func() time.Time { return time.Date(2020, 2, 1, 9, 0, 0, 0, fugong.Location) }
	var es []registry.Enterprise
	for i, spec := range []struct{ org, town, name string }{
		{"MPT000001", tangxia, "甲机械有限公司"}, {"MPT000002", tangxia, "乙鞋业有限公司"}, {"MPT000003", xianjiang, "丙阀门有限公司"},
	} {
		e := registry.Enterprise{USCC: code(t, spec.org), Name: spec.name, Town: spec.town, SizeClass: registry.SizeAbove,
			ContactPhone: "1380000000" + string(rune('1'+i)), LegalRep: "法人" + spec.name[:3]}
		if ps := e.Normalize(); len(ps) > 0 {
			t.Fatal(ps)
		}
		e, err := db.CreateEnterprise(ctx, fugong.System, e)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	f := &fixture{db: db, es: es, now: time.Date(2020, 2, 10, 10, 0, 0, 0, fugong.Location)}
	db.Now = func() time.Time { return f.now }
	f.svc = &daily.Service{Store: db, Registry: &registry.Service{Store: db}, Now: func() time.Time { return f.now }}
	return f
}

var (
	statistics = fugong.Actor{UserID: 1, Username: "tongji", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	tangxiaAct = fugong.Actor{UserID: 2, Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
)

const reportHeader = "统一社会信用代码,企业名称,日期,职工总数,在瑞人数,当日返温人数,当日劝返人数,当日劝退票人数,湖北籍人数,当日联系湖北籍人数,隔离人数,发热人数,值守人数,已签承诺书,备注\n"

// csvRows reads a CSV body under reportHeader.
func csvRows(t *testing.T, body string) []daily.ImportRow {
	t.Helper()
	rows, _, err := sheet.ReadReports(strings.NewReader(reportHeader+body), "reports.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestImport(t *testing.T) {
	jia, yi, bing := code(t, "MPT000001"), code(t, "MPT000002"), code(t, "MPT000003")
	good := jia + ",甲,2020-02-10,100,80,5,1,0,2,2,0,0,3,是,电话\n"
	other := bing + ",丙,2020-02-10,10,10,0,0,0,0,0,0,0,0,否,\n"
	tests := []struct {
		name    string
		actor   fugong.Actor
		body    string
		skipBad bool
		stored  int
		jiaIn   bool     // 甲's report of the 8th was in before the sign-off
		bad     []string // "row column message"
		err     string   // error code when not an ImportError
	}{
		{name: "a clean file", actor: statistics, body: good + other, stored: 2},
		{name: "a town may not import another town's enterprise", actor: tangxiaAct, body: good + other,
			bad: []string{"3 统一社会信用代码 企业不在您的管辖范围内或未登记"}},
		{name: "skip-bad stores the rest", actor: tangxiaAct, skipBad: true, stored: 1, body: good + other,
			bad: []string{"3 统一社会信用代码 企业不在您的管辖范围内或未登记"}},
		{name: "unknown, bad and empty codes", actor: statistics,
			body: code(t, "NXBXDY001") + ",,2020-02-10,1,1,0,0,0,0,0,0,0,0,否,\n91330381XXXXXXXXXX,,2020-02-10,1,1,0,0,0,0,0,0,0,0,否,\n,,2020-02-10,1,1,0,0,0,0,0,0,0,0,否,\n",
			bad: []string{"2 统一社会信用代码 企业不在您的管辖范围内或未登记", "3 统一社会信用代码 企业不在您的管辖范围内或未登记",
				"4 统一社会信用代码 统一社会信用代码不能为空"}},
		{name: "cross-field rules name the column", actor: statistics,
			body: jia + ",甲,2020-02-10,10,20,0,0,0,1,2,0,0,0,是,\n",
			bad:  []string{"2 在瑞人数 在瑞人数不能超过职工总数（10）", "2 当日联系湖北籍人数 当日联系湖北籍人数不能超过湖北籍人数（1）"}},
		{name: "a cell the reader refused is reported once", actor: statistics,
			body: jia + ",甲,2020-02-10,10,-1,x,0,0,0,0,0,0,0,是,\n",
			bad:  []string{"2 当日返温人数 当日返温人数应为整数（人数），收到“x”", "2 在瑞人数 在瑞人数不能为负数"}},
		{name: "future days and days before registration", actor: statistics,
			body: jia + ",甲,2020-02-11,10,10,0,0,0,0,0,0,0,0,是,\n" + jia + ",甲,2020-01-31,10,10,0,0,0,0,0,0,0,0,是,\n",
			bad:  []string{"2 日期 不能填报未来日期（2020-02-11）", "3 日期 2020-01-31 早于企业登记日期 2020-02-01"}},
		{name: "the same enterprise and day twice", actor: statistics, skipBad: true, stored: 2,
			body: good + yi + ",乙,2020-02-10,1,1,0,0,0,0,0,0,0,0,否,\n" + strings.ToLower(jia) + ",甲,2020/2/10,1,1,0,0,0,0,0,0,0,0,否,\n",
			bad:  []string{"4 统一社会信用代码 与第2行重复：同一企业同一日期只能有一行"}},
		{name: "a report in at the sign-off is locked", actor: statistics, jiaIn: true,
			body: jia + ",甲,2020-02-08,10,10,0,0,0,0,0,0,0,0,是,\n" + bing + ",丙,2020-02-08,10,10,0,0,0,0,0,0,0,0,是,\n",
			bad:  []string{"2 日期 2020-02-08 的日报已由乡镇街道确认上报，修改已上报的数据须先由乡镇街道重新打开"}},
		{name: "locked rows skipped", actor: statistics, skipBad: true, stored: 1, jiaIn: true,
			body: jia + ",甲,2020-02-08,10,10,0,0,0,0,0,0,0,0,是,\n" + bing + ",丙,2020-02-08,10,10,0,0,0,0,0,0,0,0,是,\n",
			bad:  []string{"2 日期 2020-02-08 的日报已由乡镇街道确认上报，修改已上报的数据须先由乡镇街道重新打开"}},
		{name: "a signed day takes the reports that were not in", actor: statistics, stored: 2,
			body: jia + ",甲,2020-02-08,10,10,0,0,0,0,0,0,0,0,是,\n" + bing + ",丙,2020-02-08,10,10,0,0,0,0,0,0,0,0,是,\n"},
		{name: "every row bad with skip-bad stores nothing", actor: tangxiaAct, skipBad: true, body: other,
			bad: []string{"2 统一社会信用代码 企业不在您的管辖范围内或未登记"}},
		{name: "a checkpoint may not report", actor: fugong.Actor{Username: "post", Role: fugong.RoleCheckpoint, Town: tangxia},
			body: good, err: fugong.EForbidden},
		{name: "bureau staff of another group may not", actor: fugong.Actor{Username: "insp", Role: fugong.RoleBureau, Group: fugong.GroupInspection},
			body: good, err: fugong.EForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				f := newFixture(t, db)
				before := 0
				if tt.jiaIn {
					if _, err := f.svc.Submit(ctx, statistics, jia, "2020-02-08", daily.Figures{StaffTotal: 5, StaffInCity: 5}, ""); err != nil {
						t.Fatal(err)
					}
					before = 1
				}
				if _, err := db.SignOff(ctx, tangxiaAct, tangxia, "2020-02-08"); err != nil {
					t.Fatal(err)
				}
				res, err := f.svc.Import(ctx, tt.actor, csvRows(t, tt.body), tt.skipBad)
				if tt.err != "" {
					if fugong.ErrorCode(err) != tt.err {
						t.Fatalf("got %v, want %s", err, tt.err)
					}
					return
				}
				var got []string
				for _, p := range res.Bad {
					got = append(got, fmt.Sprintf("%d %s %s", p.Row, p.Column, p.Message))
				}
				if !reflect.DeepEqual(got, tt.bad) {
					t.Errorf("bad rows\n got %q\nwant %q", got, tt.bad)
				}
				var ie *daily.ImportError
				if len(tt.bad) > 0 && !tt.skipBad {
					if !errors.As(err, &ie) || !reflect.DeepEqual(ie.Rows, res.Bad) {
						t.Fatalf("want an ImportError, got %v", err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				if res.Created+res.Updated != tt.stored {
					t.Errorf("stored %d+%d, want %d", res.Created, res.Updated, tt.stored)
				}
				if n := storedReports(t, f, "2020-02-08", "2020-02-10"); n != tt.stored+before {
					t.Errorf("%d reports in the database, want %d", n, tt.stored+before)
				}
			})
		})
	}
}

// storedReports counts the reports of the fixture's enterprises on days.
func storedReports(t *testing.T, f *fixture, days ...string) int {
	t.Helper()
	n := 0
	for _, e := range f.es {
		for _, d := range days {
			_, err := f.db.Report(context.Background(), e.USCC, d)
			if err == nil {
				n++
			} else if fugong.ErrorCode(err) != fugong.ENotFound {
				t.Fatal(err)
			}
		}
	}
	return n
}

// A second file for the same day corrects the reports: new versions, and
// the day's counters move by the difference.
func TestImportCorrects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		jia, yi := f.es[0].USCC, f.es[1].USCC
		if _, err := f.svc.Import(ctx, tangxiaAct, nil, true); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Fatalf("a file without filled rows: %v", err)
		}
		var done []int
		res, err := f.svc.ImportProgress(ctx, tangxiaAct, csvRows(t, jia+",甲,2020-02-10,100,80,5,0,0,0,0,0,1,0,是,\n"+
			yi+",乙,2020-02-10,50,50,2,0,0,0,0,0,0,0,否,\n"), false, func(n, total int) {
			if total != 2 {
				t.Errorf("progress total %d", total)
			}
			done = append(done, n)
		})
		if err != nil || res.Created != 2 || res.Updated != 0 || !reflect.DeepEqual(done, []int{0, 1, 2}) {
			t.Fatalf("%+v %v, progress %v", res, err, done)
		}
		f.now = f.now.Add(8 * time.Hour) // 18:00: a correction after the deadline stays on time
		res, err = f.svc.Import(ctx, tangxiaAct, csvRows(t, jia+",甲,2020-02-10,100,80,7,0,0,0,0,0,0,0,是,\n"), false)
		if err != nil || res.Created != 0 || res.Updated != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		vs, err := db.Versions(ctx, jia, "2020-02-10")
		if err != nil || len(vs) != 2 || vs[1].ReturnedToday != 7 || vs[1].SubmittedBy != "tangxia" || !vs[1].OnTime {
			t.Fatalf("versions %+v %v", vs, err)
		}
		c, err := f.svc.Completeness(ctx, tangxiaAct, "2020-02-10")
		if err != nil {
			t.Fatal(err)
		}
		if c.City.Expected != 2 || c.City.Received != 2 || c.City.OnTime != 2 || c.City.Totals.Returned != 9 || c.City.Totals.Fever != 0 || c.City.Totals.LettersSigned != 1 {
			t.Fatalf("completeness %+v", c.City)
		}
	})
}

// lockedLater hides sign-offs from the import's check, as if the town signed
// the day off between the check and the transaction.
type lockedLater struct{ *store.DB }

func (lockedLater) SignOffOf(context.Context, string, string) (daily.SignOff, error) {
	return daily.SignOff{}, fugong.NotFound("确认记录")
}

func TestImportLockedDuringTheTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		svc := &daily.Service{Store: lockedLater{db}, Registry: f.svc.Registry, Now: f.svc.Now}
		// 甲 and 乙 were in when the town signed the day off: their
		// corrections are refused by the transaction itself.
		for _, e := range f.es[:2] {
			if _, err := f.svc.Submit(ctx, statistics, e.USCC, "2020-02-09", daily.Figures{StaffTotal: 5, StaffInCity: 5}, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SignOff(ctx, tangxiaAct, tangxia, "2020-02-09"); err != nil {
			t.Fatal(err)
		}
		rows := csvRows(t, f.es[2].USCC+",丙,2020-02-09,10,10,0,0,0,0,0,0,0,0,否,\n"+
			f.es[0].USCC+",甲,2020-02-09,10,10,0,0,0,0,0,0,0,0,否,\n"+
			f.es[1].USCC+",乙,2020-02-09,10,10,0,0,0,0,0,0,0,0,否,\n")
		want := []registry.RowError{{Row: 3, Column: "日期", Field: "date", Message: "2020-02-09 的日报已由乡镇街道确认上报，修改已上报的数据须先由乡镇街道重新打开"},
			{Row: 4, Column: "日期", Field: "date", Message: "2020-02-09 的日报已由乡镇街道确认上报，修改已上报的数据须先由乡镇街道重新打开"}}
		res, err := svc.Import(ctx, statistics, rows, false)
		var ie *daily.ImportError
		if !errors.As(err, &ie) || !reflect.DeepEqual(ie.Rows, want) {
			t.Fatalf("%+v %v", res, err)
		}
		if n := storedReports(t, f, "2020-02-09"); n != 2 {
			t.Fatalf("%d stored", n)
		}
		res, err = svc.Import(ctx, statistics, rows, true)
		if err != nil || res.Created != 1 || !reflect.DeepEqual(res.Bad, want) || !reflect.DeepEqual(res.BadRows, []int{3, 4}) {
			t.Fatalf("%+v %v", res, err)
		}
		if n := storedReports(t, f, "2020-02-09"); n != 3 {
			t.Fatalf("%d stored", n)
		}
	})
}

// The template for a town, filled in Excel and uploaded, imports.
func TestImportTemplateRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		es, _, err := f.svc.Registry.List(ctx, tangxiaAct, registry.Filter{})
		if err != nil || len(es) != 2 {
			t.Fatalf("%+v %v", es, err)
		}
		var buf bytes.Buffer
		if err := sheet.WriteReportTemplate(&buf, "塘下镇日报.xlsx", "2020-02-10", es); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		// The second enterprise's row: filled in; the first left empty.
		if err := x.SetSheetRow("Sheet1", "D3", &[]any{30, 25, 3, 1, 1, 2, 2, 1, 0, 2, "已签", "电话核实"}); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		x.Close()
		rows, _, err := sheet.ReadReports(&buf, "塘下镇日报.xlsx", "")
		if err != nil || len(rows) != 1 {
			t.Fatalf("%+v %v", rows, err)
		}
		res, err := f.svc.Import(ctx, tangxiaAct, rows, false)
		if err != nil || res.Created != 1 {
			t.Fatalf("%+v %v", res, err)
		}
		r, err := f.svc.Get(ctx, tangxiaAct, es[1].USCC, "2020-02-10")
		want := daily.Figures{StaffTotal: 30, StaffInCity: 25, ReturnedToday: 3, PersuadedToday: 1, TicketsRefundedToday: 1,
			HubeiStaff: 2, HubeiContactedToday: 2, Quarantined: 1, OnDuty: 2, CommitmentSigned: true, Note: "电话核实"}
		if err != nil || r.Figures != want || r.Version != 1 || !r.OnTime {
			t.Fatalf("%+v %v", r, err)
		}
		missing, total, err := f.svc.Missing(ctx, tangxiaAct, "2020-02-10", "", 1, 50)
		if err != nil || total != 1 || missing[0].USCC != es[0].USCC {
			t.Fatalf("%+v %d %v", missing, total, err)
		}
	})
}
