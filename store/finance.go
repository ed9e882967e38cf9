package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"fugong"
	"fugong/finance"
	"fugong/registry"
)

// M9, finance support: applications in batches, loans, the policy
// catalogue and grants. The LPR table and the smart rule are rows of the
// settings table.

var _ finance.Store = (*DB)(nil)

const applicationCols = `a.id, a.uscc, a.batch, a.status, a.note, e.name, e.town_code, a.updated_at, a.updated_by`

func scanFinanceApplication(sc interface{ Scan(...any) error }) (finance.Application, error) {
	var app finance.Application
	var at time.Time
	err := sc.Scan(&app.ID, &app.USCC, &app.Batch, &app.Status, &app.Note, &app.Name, &app.Town, &at, &app.UpdatedBy)
	app.UpdatedAt = local(at)
	return app, err
}

func (tx *Tx) financeApplication(ctx context.Context, id int64) (finance.Application, error) {
	app, err := scanFinanceApplication(tx.QueryRowContext(ctx, `SELECT `+applicationCols+`
		FROM finance_applications a JOIN enterprises e ON e.uscc = a.uscc WHERE a.id = $1`, id))
	return app, notFound(err, "申报")
}

// AddApplication records a new application, audited.
func (db *DB) AddApplication(ctx context.Context, a fugong.Actor, app finance.Application) (finance.Application, error) {
	var out finance.Application
	err := db.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO finance_applications (uscc, batch, status, note, created_at, created_by, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $5, $6) RETURNING id`, app.USCC, app.Batch, string(app.Status), app.Note, tx.now, a.Username).Scan(&id)
		if isForeignKey(err) {
			return fugong.NotFound("企业")
		}
		if err != nil {
			return err
		}
		if out, err = tx.financeApplication(ctx, id); err != nil {
			return err
		}
		return tx.audit(a, "create", "finance_application", strconv.FormatInt(id, 10), nil, out)
	})
	return out, err
}

// MoveApplication changes an application's status if it is still from.
func (db *DB) MoveApplication(ctx context.Context, a fugong.Actor, id int64, from, to finance.Status, note string) (finance.Application, error) {
	var out finance.Application
	err := db.write(ctx, func(tx *Tx) error {
		before, err := tx.financeApplication(ctx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE finance_applications SET status = $1, note = $2, updated_at = $3, updated_by = $4
			WHERE id = $5 AND status = $6`, string(to), note, tx.now, a.Username, id, string(from))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fugong.Errorf(fugong.EConflict, "status", "该申报的状态刚刚被他人修改为“%s”，请刷新后重试", finance.StatusNames[before.Status])
		}
		if out, err = tx.financeApplication(ctx, id); err != nil {
			return err
		}
		return tx.audit(a, "update", "finance_application", strconv.FormatInt(id, 10), before, out)
	})
	return out, err
}

// Application returns one application, whatever the scope.
func (db *DB) Application(ctx context.Context, id int64) (finance.Application, error) {
	app, err := scanFinanceApplication(db.r.QueryRowContext(ctx, `SELECT `+applicationCols+`
		FROM finance_applications a JOIN enterprises e ON e.uscc = a.uscc WHERE a.id = $1`, id))
	return app, notFound(err, "申报")
}

// Applications lists a batch's applications in scope (every batch for 0).
func (db *DB) Applications(ctx context.Context, a fugong.Actor, batch int) ([]finance.Application, error) {
	w := &where{}
	if batch != 0 {
		w.add("a.batch = ?", batch)
	}
	w.enterpriseScope(a)
	rows, err := db.r.QueryContext(ctx, `SELECT `+applicationCols+` FROM finance_applications a JOIN enterprises e ON e.uscc = a.uscc`+
		w.String()+` ORDER BY a.batch, a.id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []finance.Application{}
	for rows.Next() {
		app, err := scanFinanceApplication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, app)
	}
	return out, rows.Err()
}

const loanCols = `l.id, l.uscc, e.name, e.town_code, l.lender, l.principal_fen, l.rate, l.date, l.days, l.created_at, l.created_by`

func scanLoan(sc interface{ Scan(...any) error }) (finance.LoanRecord, error) {
	var l finance.LoanRecord
	var at time.Time
	s := &l.Subsidy
	err := sc.Scan(&l.ID, &l.USCC, &l.Name, &l.Town, &l.Lender, &s.Principal, &s.Rate, &s.Date, &s.Days, &at, &l.CreatedBy)
	l.CreatedAt = local(at)
	return l, err
}

// AddLoan records a loan, audited.
func (db *DB) AddLoan(ctx context.Context, a fugong.Actor, in finance.LoanInput) (finance.LoanRecord, error) {
	principal, _ := finance.ParseYuan(in.PrincipalYuan)
	rate, _ := finance.ParseRate(in.RatePercent)
	var out finance.LoanRecord
	err := db.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO finance_loans (uscc, lender, principal_fen, rate, date, days, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, in.USCC, in.Lender, int64(principal), int64(rate), in.Date, in.Days,
			tx.now, a.Username).Scan(&id)
		if isForeignKey(err) {
			return fugong.NotFound("企业")
		}
		if err != nil {
			return err
		}
		if out, err = scanLoan(tx.QueryRowContext(ctx, `SELECT `+loanCols+` FROM finance_loans l JOIN enterprises e ON e.uscc = l.uscc
			WHERE l.id = $1`, id)); err != nil {
			return err
		}
		return tx.audit(a, "create", "finance_loan", strconv.FormatInt(id, 10), nil, in)
	})
	return out, err
}

// Loans lists the loans in scope, latest first.
func (db *DB) Loans(ctx context.Context, a fugong.Actor) ([]finance.LoanRecord, error) {
	w := &where{}
	w.enterpriseScope(a)
	rows, err := db.r.QueryContext(ctx, `SELECT `+loanCols+` FROM finance_loans l JOIN enterprises e ON e.uscc = l.uscc`+
		w.String()+` ORDER BY l.date DESC, l.id DESC`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []finance.LoanRecord{}
	for rows.Next() {
		l, err := scanLoan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// AddPolicy adds a policy to the catalogue; a conflict when its name is taken.
func (db *DB) AddPolicy(ctx context.Context, a fugong.Actor, p finance.Policy) (finance.Policy, error) {
	err := db.write(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO finance_policies (code, name, issued_on, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, p.Code, p.Name, p.IssuedOn, tx.now, a.Username).Scan(&p.ID)
		if isUnique(err) {
			return fugong.Errorf(fugong.EConflict, "name", "已有名为“%s”的政策", p.Name)
		}
		if err != nil {
			return err
		}
		p.Articles = []finance.Article{}
		return tx.audit(a, "create", "finance_policy", strconv.FormatInt(p.ID, 10), nil, p)
	})
	return p, err
}

// AddArticle adds an article to a policy.
func (db *DB) AddArticle(ctx context.Context, a fugong.Actor, ar finance.Article) (finance.Article, error) {
	err := db.write(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO finance_articles (policy_id, no, title, summary) VALUES ($1, $2, $3, $4) RETURNING id`,
			ar.Policy, ar.No, ar.Title, ar.Summary).Scan(&ar.ID)
		switch {
		case isForeignKey(err):
			return fugong.NotFound("政策")
		case isUnique(err):
			return fugong.Errorf(fugong.EConflict, "no", "该政策已有第 %d 条", ar.No)
		case err != nil:
			return err
		}
		return tx.audit(a, "create", "finance_article", strconv.FormatInt(ar.ID, 10), nil, ar)
	})
	return ar, err
}

// Policies lists the catalogue, each policy with its articles in order.
func (db *DB) Policies(ctx context.Context) ([]finance.Policy, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT p.id, p.code, p.name, p.issued_on, a.id, a.no, a.title, a.summary
		FROM finance_policies p LEFT JOIN finance_articles a ON a.policy_id = p.id ORDER BY p.issued_on, p.id, a.no`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []finance.Policy{}
	for rows.Next() {
		var p finance.Policy
		var aid, no sql.NullInt64
		var title, summary sql.NullString
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.IssuedOn, &aid, &no, &title, &summary); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != p.ID {
			p.Articles = []finance.Article{}
			out = append(out, p)
		}
		if aid.Valid {
			last := &out[len(out)-1]
			last.Articles = append(last.Articles, finance.Article{ID: aid.Int64, Policy: p.ID, No: int(no.Int64),
				Title: title.String, Summary: summary.String})
		}
	}
	return out, rows.Err()
}

const grantFrom = ` FROM finance_grants g JOIN enterprises e ON e.uscc = g.uscc
	JOIN finance_articles ar ON ar.id = g.article_id JOIN finance_policies p ON p.id = ar.policy_id`

const grantCols = `g.id, g.uscc, g.article_id, g.amount_fen, g.date, g.note, e.name, e.town_code, coalesce(e.mujun_class, ''),
	p.id, p.name, ar.no, ar.title`

func scanGrant(sc interface{ Scan(...any) error }) (finance.Grant, error) {
	var g finance.Grant
	err := sc.Scan(&g.ID, &g.USCC, &g.Article, &g.Amount, &g.Date, &g.Note, &g.Name, &g.Town, &g.Class,
		&g.Policy, &g.PolicyName, &g.ArticleNo, &g.ArticleTitle)
	return g, err
}

// AddGrant records a grant, audited.
func (db *DB) AddGrant(ctx context.Context, a fugong.Actor, g finance.Grant) (finance.Grant, error) {
	var out finance.Grant
	err := db.write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM finance_articles WHERE id = $1`, g.Article).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fugong.Errorf(fugong.EInvalid, "article_id", "政策条款不存在")
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO finance_grants (uscc, article_id, amount_fen, date, note, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, g.USCC, g.Article, int64(g.Amount), g.Date, g.Note, tx.now, a.Username).Scan(&id)
		if isForeignKey(err) {
			return fugong.NotFound("企业")
		}
		if err != nil {
			return err
		}
		if out, err = scanGrant(tx.QueryRowContext(ctx, `SELECT `+grantCols+grantFrom+` WHERE g.id = $1`, id)); err != nil {
			return err
		}
		return tx.audit(a, "create", "finance_grant", strconv.FormatInt(id, 10), nil, g)
	})
	return out, err
}

func grantWhere(a fugong.Actor, f finance.GrantFilter) *where {
	w := &where{}
	if f.Policy != 0 {
		w.add("p.id = ?", f.Policy)
	}
	if f.Article != 0 {
		w.add("g.article_id = ?", f.Article)
	}
	if f.Town != "" {
		w.add("e.town_code = ?", f.Town)
	}
	if f.USCC != "" {
		w.add("g.uscc = ?", f.USCC)
	}
	w.enterpriseScope(a)
	return w
}

// Grants lists the grants in scope, latest first.
func (db *DB) Grants(ctx context.Context, a fugong.Actor, f finance.GrantFilter) ([]finance.Grant, int, error) {
	w := grantWhere(a, f)
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+grantFrom+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+grantCols+grantFrom+w.String()+` ORDER BY g.date DESC, g.id DESC`+
		pageClause(w, f.Page, f.PerPage), w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []finance.Grant{}
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, g)
	}
	return out, total, rows.Err()
}

// GrantTotals adds up the grants in scope per policy, article, town and
// current class, each list in its natural order.
func (db *DB) GrantTotals(ctx context.Context, a fugong.Actor, f finance.GrantFilter) (finance.GrantTotals, error) {
	w := grantWhere(a, f)
	var t finance.GrantTotals
	sum := func(key, label, order string) ([]finance.GrantTotal, error) {
		rows, err := db.r.QueryContext(ctx, `SELECT `+key+`, `+label+`, count(*), count(DISTINCT g.uscc), coalesce(sum(g.amount_fen), 0)`+
			grantFrom+w.String()+` GROUP BY `+key+`, `+label+` ORDER BY `+order, w.args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := []finance.GrantTotal{}
		for rows.Next() {
			var g finance.GrantTotal
			if err := rows.Scan(&g.Key, &g.Label, &g.Grants, &g.Firms, &g.Amount); err != nil {
				return nil, err
			}
			out = append(out, g)
		}
		return out, rows.Err()
	}
	t.All = finance.GrantTotal{Key: "all", Label: "合计"}
	if err := db.r.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT g.uscc), coalesce(sum(g.amount_fen), 0)`+grantFrom+w.String(),
		w.args...).Scan(&t.All.Grants, &t.All.Firms, &t.All.Amount); err != nil {
		return t, err
	}
	var err error
	if t.ByPolicy, err = sum(`CAST(p.id AS TEXT)`, `p.name`, `min(p.issued_on), 1`); err != nil {
		return t, err
	}
	if t.ByArticle, err = sum(`CAST(ar.id AS TEXT)`, `p.name || ' 第' || CAST(ar.no AS TEXT) || '条 ' || ar.title`,
		`min(p.issued_on), min(p.id), min(ar.no)`); err != nil {
		return t, err
	}
	if t.ByTown, err = sum(`e.town_code`, `e.town_code`, `1`); err != nil {
		return t, err
	}
	for i := range t.ByTown {
		if town, ok := registry.TownByCode(t.ByTown[i].Key); ok {
			t.ByTown[i].Label = town.Name
		}
	}
	if t.ByClass, err = sum(`coalesce(e.mujun_class, '')`, `coalesce(e.mujun_class, '')`, `1`); err != nil {
		return t, err
	}
	for i := range t.ByClass {
		if t.ByClass[i].Label == "" {
			t.ByClass[i].Label = "未评价"
		} else {
			t.ByClass[i].Label += " 类"
		}
	}
	return t, nil
}
