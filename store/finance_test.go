package store_test

import (
	"context"
	"testing"

	"fugong"
	"fugong/finance"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

var coordinator = fugong.Actor{UserID: 2, Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}

func financeService(db *store.DB) *finance.Service {
	return &finance.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
}

func TestFinanceApplicationsMoveOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := financeService(db)
		above, below := mujunCity(t, db, 2)
		app, err := svc.Apply(ctx, coordinator, finance.Application{USCC: above[0], Batch: 1, Note: "医用口罩"})
		if err != nil || app.Status != finance.Submitted || app.Name == "" || app.Town != tangxia {
			t.Fatalf("apply: %+v %v", app, err)
		}
		if _, err := svc.Move(ctx, coordinator, app.ID, finance.Approved, ""); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("submitted → approved: %v", err)
		}
		if app, err = svc.Move(ctx, coordinator, app.ID, finance.Recommended, ""); err != nil || app.Status != finance.Recommended || app.Note != "医用口罩" {
			t.Fatalf("recommend: %+v %v", app, err)
		}
		// The store refuses a move from a status the application has left.
		if _, err := db.MoveApplication(ctx, coordinator, app.ID, finance.Submitted, finance.Rejected, ""); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a stale move: %v", err)
		}
		if _, err := svc.Move(ctx, coordinator, app.ID, finance.Approved, "已列入国家名单"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Apply(ctx, coordinator, finance.Application{USCC: below[1], Batch: 2}); err != nil {
			t.Fatal(err)
		}
		if n := auditCount(t, db, "finance_application", "1"); n != 3 {
			t.Errorf("%d audit rows, want 3", n)
		}
		all, _ := svc.Applications(ctx, fugong.System, 0)
		bs := finance.Batches(all)
		if len(bs) != 2 || bs[0].ByStatus[finance.Approved] != 1 || bs[1].ByStatus[finance.Submitted] != 1 {
			t.Errorf("batches %+v", bs)
		}
		town := fugong.Actor{Role: fugong.RoleTown, Town: tangxia}
		if mine, _ := svc.Applications(ctx, town, 0); len(mine) != 1 {
			t.Errorf("the town sees %d applications, want its 1", len(mine))
		}
		if _, err := svc.Apply(ctx, statistician, finance.Application{USCC: above[0], Batch: 1}); fugong.ErrorCode(err) != fugong.EForbidden {
			t.Errorf("the statistics group applying: %v", err)
		}
	})
}

func TestFinanceLoansPoliciesGrants(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := financeService(db)
		above, below := mujunCity(t, db, 2)
		l, err := svc.AddLoan(ctx, coordinator, finance.LoanInput{USCC: above[0], Lender: "瑞安农商银行",
			Loan: finance.Loan{PrincipalYuan: 10_000_000, RatePercent: 3.15, Date: "2020-02-10", Days: 360}})
		if err != nil || l.Subsidy.EffectiveRate != 15750 || l.Subsidy.AboveCap || l.Subsidy.SubsidyAmount != finance.Yuan(157_500) {
			t.Fatalf("loan %+v %v", l, err)
		}
		if _, err := svc.AddLoan(ctx, coordinator, finance.LoanInput{USCC: below[0], Lender: "工商银行瑞安支行",
			Loan: finance.Loan{PrincipalYuan: 2_000_000, RatePercent: 3.6, Date: "2020-02-25", Days: 180}}); err != nil {
			t.Fatal(err)
		}
		loans, err := svc.Loans(ctx, fugong.System)
		if err != nil || len(loans) != 2 || !loans[0].Subsidy.AboveCap || loans[1].Subsidy.AboveCap {
			t.Fatalf("loans %+v %v", loans, err)
		}
		p, err := svc.AddPolicy(ctx, coordinator, finance.Policy{Name: "三十条", IssuedOn: "2020-02-07"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddPolicy(ctx, coordinator, finance.Policy{Name: "三十条", IssuedOn: "2020-02-07"}); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("a policy twice: %v", err)
		}
		ar, err := svc.AddArticle(ctx, coordinator, finance.Article{Policy: p.ID, No: 3, Title: "减免租金"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddArticle(ctx, coordinator, finance.Article{Policy: p.ID, No: 3, Title: "重复"}); fugong.ErrorCode(err) != fugong.EConflict {
			t.Errorf("an article number twice: %v", err)
		}
		if _, err := svc.AddArticle(ctx, coordinator, finance.Article{Policy: 999, No: 1, Title: "x"}); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("an article of no policy: %v", err)
		}
		for _, g := range []finance.GrantInput{
			{USCC: above[0], Article: ar.ID, AmountYuan: 12000, Date: "2020-03-01"},
			{USCC: above[0], Article: ar.ID, AmountYuan: 3000.5, Date: "2020-03-15"},
			{USCC: below[1], Article: ar.ID, AmountYuan: 800, Date: "2020-03-02"},
		} {
			if _, err := svc.Grant(ctx, coordinator, g); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Grant(ctx, coordinator, finance.GrantInput{USCC: above[0], Article: ar.ID + 100, AmountYuan: 1, Date: "2020-03-01"}); fugong.ErrorCode(err) != fugong.EInvalid {
			t.Errorf("a grant under no article: %v", err)
		}
		tot, err := svc.GrantTotals(ctx, fugong.System, finance.GrantFilter{})
		if err != nil || tot.All.Amount != finance.Fen(1_580_050) || tot.All.Firms != 2 || len(tot.ByTown) != 2 || len(tot.ByPolicy) != 1 ||
			len(tot.ByArticle) != 1 || tot.ByArticle[0].Label != "三十条 第3条 减免租金" {
			t.Errorf("totals %+v %v", tot, err)
		}
		town := fugong.Actor{Role: fugong.RoleTown, Town: tangxia}
		gs, n, err := svc.Grants(ctx, town, finance.GrantFilter{})
		if err != nil || n != 2 || gs[0].Date != "2020-03-15" || gs[0].PolicyName != "三十条" {
			t.Errorf("the town's grants %+v %d %v", gs, n, err)
		}
		pols, err := svc.Policies(ctx, town)
		if err != nil || len(pols) != 1 || len(pols[0].Articles) != 1 {
			t.Errorf("policies %+v %v", pols, err)
		}
	})
}
