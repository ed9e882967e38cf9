package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"fugong"
	"fugong/briefing"
)

// The work groups' days and the issued briefings (M11).

const groupDayCols = `grp, date, summary, figures, final, final_by, final_at, version, updated_by, updated_at`

func scanGroupDay(s scanner) (briefing.GroupDay, error) {
	var d briefing.GroupDay
	var figures string
	var finalAt sql.NullTime
	var updatedAt sql.NullTime
	err := s.Scan(&d.Group, &d.Date, &d.Summary, &figures, &d.Final, &d.FinalBy, &finalAt, &d.Version, &d.UpdatedBy, &updatedAt)
	if err != nil {
		return d, err
	}
	d.Name, d.Filed = fugong.GroupNames[d.Group], true
	if finalAt.Valid {
		t := local(finalAt.Time)
		d.FinalAt = &t
	}
	if updatedAt.Valid {
		t := local(updatedAt.Time)
		d.UpdatedAt = &t
	}
	return d, json.Unmarshal([]byte(figures), &d.Figures)
}

// GroupDay returns a group's day as filed.
func (db *DB) GroupDay(ctx context.Context, g fugong.Group, date string) (briefing.GroupDay, error) {
	return groupDay(ctx, db.r, g, date)
}

func groupDay(ctx context.Context, q rowQuerier, g fugong.Group, date string) (briefing.GroupDay, error) {
	d, err := scanGroupDay(q.QueryRowContext(ctx, `SELECT `+groupDayCols+` FROM group_days WHERE grp = $1 AND date = $2`, string(g), date))
	return d, notFound(err, "工作组日报")
}

// GroupDays returns the days filed for date.
func (db *DB) GroupDays(ctx context.Context, date string) ([]briefing.GroupDay, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+groupDayCols+` FROM group_days WHERE date = $1`, date)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []briefing.GroupDay
	for rows.Next() {
		d, err := scanGroupDay(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveGroupDay files a group's day, a new version over the last, audited;
// a day marked final is a conflict.
func (db *DB) SaveGroupDay(ctx context.Context, a fugong.Actor, g fugong.Group, date string, in briefing.DayInput) (briefing.GroupDay, bool, error) {
	var d briefing.GroupDay
	created := false
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockName(ctx, "group_day:"+string(g)+":"+date); err != nil {
			return err
		}
		before, err := groupDay(ctx, tx, g, date)
		switch {
		case fugong.ErrorCode(err) == fugong.ENotFound:
			created = true
		case err != nil:
			return err
		case before.Final:
			return fugong.Errorf(fugong.EConflict, "", "%s %s 的日报已由组长定稿，如需修改请组长先退回", fugong.GroupNames[g], date)
		}
		figures, err := json.Marshal(in.Figures)
		if err != nil {
			return err
		}
		if created {
			_, err = tx.ExecContext(ctx, `INSERT INTO group_days (grp, date, summary, figures, version, updated_by, updated_at)
				VALUES ($1, $2, $3, $4, 1, $5, $6)`, string(g), date, in.Summary, string(figures), a.Username, tx.now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE group_days SET summary = $1, figures = $2, version = version + 1, updated_by = $3, updated_at = $4
				WHERE grp = $5 AND date = $6`, in.Summary, string(figures), a.Username, tx.now, string(g), date)
		}
		if err != nil {
			return err
		}
		if d, err = groupDay(ctx, tx, g, date); err != nil {
			return err
		}
		var b any
		if !created {
			b = before
		}
		return tx.audit(a, "file", "group_day", string(g)+"/"+date, b, d)
	})
	return d, created, err
}

// FinalizeGroupDay marks a filed day final or reopens it, audited.
func (db *DB) FinalizeGroupDay(ctx context.Context, a fugong.Actor, g fugong.Group, date string, final bool) (briefing.GroupDay, error) {
	var d briefing.GroupDay
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockName(ctx, "group_day:"+string(g)+":"+date); err != nil {
			return err
		}
		before, err := groupDay(ctx, tx, g, date)
		if fugong.ErrorCode(err) == fugong.ENotFound {
			return fugong.Errorf(fugong.EConflict, "", "%s %s 的日报尚未填报，不能定稿", fugong.GroupNames[g], date)
		}
		if err != nil {
			return err
		}
		if before.Final == final {
			d = before
			return nil
		}
		var by any = ""
		var at any
		action := "reopen"
		if final {
			by, at, action = a.Username, tx.now, "finalize"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE group_days SET final = $1, final_by = $2, final_at = $3 WHERE grp = $4 AND date = $5`,
			final, by, at, string(g), date); err != nil {
			return err
		}
		if d, err = groupDay(ctx, tx, g, date); err != nil {
			return err
		}
		return tx.audit(a, action, "group_day", string(g)+"/"+date, before, d)
	})
	return d, err
}

// IssueBriefing numbers the next issue (第N期 across days, the date's Nth),
// renders it and keeps it, audited, in one transaction: instances issuing
// at once queue on a lock and never share a number.
func (db *DB) IssueBriefing(ctx context.Context, a fugong.Actor, date string, render func(briefing.Issue) (briefing.Rendering, error)) (briefing.Issue, error) {
	var is briefing.Issue
	err := db.write(ctx, func(tx *Tx) error {
		if err := tx.lockName(ctx, "briefing_issue"); err != nil {
			return err
		}
		var number, revision int
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) + 1 FROM briefing_issues`).Scan(&number); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(revision), 0) + 1 FROM briefing_issues WHERE date = $1`, date).Scan(&revision); err != nil {
			return err
		}
		is = briefing.Issue{Number: number, Date: date, Revision: revision, IssuedBy: a.Username, IssuedAt: local(tx.now)}
		r, err := render(is)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(r.PDF)
		is.Headline, is.SHA256, is.Size = r.Headline, hex.EncodeToString(sum[:]), len(r.PDF)
		if _, err := tx.ExecContext(ctx, `INSERT INTO briefing_issues (number, date, revision, headline, content, pdf, sha256, issued_by, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, number, date, revision, strings.Join(r.Headline, "\n"), string(r.Content), r.PDF,
			is.SHA256, a.Username, tx.now); err != nil {
			return err
		}
		return tx.audit(a, "issue", "briefing", strconv.Itoa(number), nil, is)
	})
	return is, err
}

const issueCols = `number, date, revision, headline, sha256, length(pdf), issued_by, issued_at`

func scanIssue(s scanner, extra ...any) (briefing.Issue, error) {
	var is briefing.Issue
	var headline string
	err := s.Scan(append([]any{&is.Number, &is.Date, &is.Revision, &headline, &is.SHA256, &is.Size, &is.IssuedBy, &is.IssuedAt}, extra...)...)
	is.IssuedAt = local(is.IssuedAt)
	is.Headline = strings.Split(headline, "\n")
	return is, err
}

// Issues lists the issues of a date, the latest first.
func (db *DB) Issues(ctx context.Context, date string) ([]briefing.Issue, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+issueCols+` FROM briefing_issues WHERE date = $1 ORDER BY revision DESC`, date)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []briefing.Issue{}
	for rows.Next() {
		is, err := scanIssue(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, is)
	}
	return out, rows.Err()
}

// issued reads one column of an issue of date, number 0 for the latest.
func (db *DB) issued(ctx context.Context, col, date string, number int) (briefing.Issue, []byte, error) {
	q := `SELECT ` + issueCols + `, ` + col + ` FROM briefing_issues WHERE date = $1`
	args := []any{date}
	if number > 0 {
		q += ` AND number = $2`
		args = append(args, number)
	}
	var data []byte
	is, err := scanIssue(db.r.QueryRowContext(ctx, q+` ORDER BY revision DESC LIMIT 1`, args...), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return briefing.Issue{}, nil, fugong.Errorf(fugong.ENotFound, "", "%s 的日报尚未签发", date)
	}
	return is, data, err
}

// IssuedPDF returns an issue and its PDF as issued.
func (db *DB) IssuedPDF(ctx context.Context, date string, number int) (briefing.Issue, []byte, error) {
	return db.issued(ctx, "pdf", date, number)
}

// IssuedContent returns an issue and the briefing it issued, as JSON.
func (db *DB) IssuedContent(ctx context.Context, date string, number int) (briefing.Issue, []byte, error) {
	return db.issued(ctx, "content", date, number)
}
