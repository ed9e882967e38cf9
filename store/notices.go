package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/files"
	"fugong/notice"
	"fugong/registry"
)

// Notices (M10): the notice, its recipients written with it, their
// readings, and the SMS outbox the sender loops of every instance share.

// smsActor is who the audit log names for the sender loop's records.
var smsActor = fugong.Actor{Username: "sms-sender", Role: fugong.RoleAdmin}

// mobileCond keeps the enterprises (alias e) whose contact phone is a
// mobile: landlines take no text.
const mobileCond = `length(e.contact_phone) = 11 AND substr(e.contact_phone, 1, 1) = '1'`

// recipientScope limits notice recipients (alias r, which carry the
// firm's uscc and town_code) to the actor's scope.
func (w *where) recipientScope(a fugong.Actor) { w.enterpriseScopeOf(a, "r") }

// noticeVisible limits notices (alias n) to those the actor sees: all for
// the city-wide roles; for the others those with a recipient in their
// scope, and for a town those it sent.
func (w *where) noticeVisible(a fugong.Actor) {
	if a.CityWide() {
		return
	}
	sub := where{args: w.args}
	sub.recipientScope(a)
	cond := `EXISTS (SELECT 1 FROM notice_recipients r WHERE r.notice_id = n.id AND ` + strings.Join(sub.conds, " AND ") + `)`
	w.args = sub.args
	if a.Role == fugong.RoleTown {
		cond = `(` + cond + ` OR n.sender_town = ` + w.next(a.Town) + `)`
	}
	w.conds = append(w.conds, cond)
}

const noticeCols = `n.id, n.title, n.body, n.sms_text, n.audience, n.channels, n.requires_ack, n.sender_group, n.sender_town,
	n.recipients, n.created_by, n.created_at`

func scanNotice(s scanner) (notice.Notice, error) {
	var n notice.Notice
	var aud, channels string
	err := s.Scan(&n.ID, &n.Title, &n.Body, &n.SMSText, &aud, &channels, &n.RequiresAck, &n.SenderGroup, &n.SenderTown,
		&n.Recipients, &n.CreatedBy, &n.CreatedAt)
	if err != nil {
		return n, err
	}
	n.CreatedAt = local(n.CreatedAt)
	n.Channels = strings.Split(channels, ",")
	n.Files = []files.File{}
	return n, json.Unmarshal([]byte(aud), &n.Audience)
}

// UnknownEnterprises returns those of codes that are no enterprise in the
// actor's scope.
func (db *DB) UnknownEnterprises(ctx context.Context, a fugong.Actor, codes []string) ([]string, error) {
	known := map[string]bool{}
	for chunk := range slices.Chunk(codes, 1000) {
		w := &where{}
		w.enterpriseScope(a)
		w.add("e.uscc IN (" + placeholders(len(w.args)+1, len(chunk)) + ")")
		for _, c := range chunk {
			w.args = append(w.args, c)
		}
		found, err := queryStrings(ctx, db.r, `SELECT e.uscc FROM enterprises e`+w.String(), w.args...)
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			known[f] = true
		}
	}
	var out []string
	for _, c := range codes {
		if !known[c] {
			out = append(out, c)
		}
	}
	return out, nil
}

// audienceWhere selects the active enterprises (alias e) of an audience in
// the actor's scope; $1 is taken.
func audienceWhere(a fugong.Actor, aud notice.Audience, first ...any) *where {
	w := &where{args: first}
	w.add("e.status = 'active'")
	w.enterpriseScope(a)
	in := func(col string, vals []string) {
		w.add(col + " IN (" + placeholders(len(w.args)+1, len(vals)) + ")")
		for _, v := range vals {
			w.args = append(w.args, v)
		}
	}
	switch {
	case aud.All:
	case len(aud.Enterprises) > 0:
		in("e.uscc", aud.Enterprises)
	default:
		if len(aud.Towns) > 0 {
			in("e.town_code", aud.Towns)
		}
		if aud.SizeClass != "" {
			w.add("e.size_class = ?", aud.SizeClass)
		}
		if len(aud.MujunClasses) > 0 {
			in("e.mujun_class", aud.MujunClasses)
		}
	}
	return w
}

// noticeAudit is what the audit log keeps of a notice sent.
type noticeAudit struct {
	notice.Notice
	SMSQueued int `json:"sms_queued"`
}

// CreateNotice stores a notice with its attachments, its recipients and
// its texts in one transaction: however many the firms, the request that
// sends it returns with every recipient counted and every text queued.
func (db *DB) CreateNotice(ctx context.Context, a fugong.Actor, d notice.Draft, smsText string) (notice.Notice, error) {
	n := d.Notice
	err := db.write(ctx, func(tx *Tx) error {
		aud, err := json.Marshal(n.Audience)
		if err != nil {
			return err
		}
		n.CreatedBy, n.CreatedAt = a.Username, local(tx.now)
		if err := tx.QueryRowContext(ctx, `INSERT INTO notices (title, body, sms_text, audience, channels, requires_ack,
			sender_group, sender_town, recipients, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10) RETURNING id`,
			n.Title, n.Body, n.SMSText, string(aud), strings.Join(n.Channels, ","), n.RequiresAck, string(n.SenderGroup), n.SenderTown,
			a.Username, tx.now).Scan(&n.ID); err != nil {
			return err
		}
		n.Files = []files.File{}
		for i, u := range d.Uploads {
			f, err := tx.insertFile(ctx, a, "", u, d.Types[i])
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO notice_files (notice_id, file_id) VALUES ($1, $2)`, n.ID, f.ID); err != nil {
				return err
			}
			n.Files = append(n.Files, f)
		}
		w := audienceWhere(a, n.Audience, n.ID)
		res, err := tx.ExecContext(ctx, `INSERT INTO notice_recipients (notice_id, uscc, town_code)
			SELECT $1, e.uscc, e.town_code FROM enterprises e`+w.String(), w.args...)
		if err != nil {
			return err
		}
		count, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if count == 0 {
			return fugong.Errorf(fugong.EInvalid, "audience", "通知对象中没有在册企业（已注销或停业的企业不发送）")
		}
		n.Recipients = int(count)
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET recipients = $1 WHERE id = $2`, n.Recipients, n.ID); err != nil {
			return err
		}
		queued := 0
		if smsText != "" {
			if queued, err = tx.queueSMS(ctx, a, n.ID, "notice", smsText, `r.notice_id = $2`); err != nil {
				return err
			}
		}
		return tx.audit(a, "create", "notice", idString(n.ID), nil, noticeAudit{n, queued})
	})
	return n, err
}

// queueSMS stores a message and queues it to the recipients of notice id
// (alias r, $2) that cond keeps and that have a mobile; $1 is the
// message, $3 the time, further args follow.
func (tx *Tx) queueSMS(ctx context.Context, a fugong.Actor, id int64, kind, text, cond string, args ...any) (int, error) {
	var msg int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO notice_messages (notice_id, kind, text, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, id, kind, text, a.Username, tx.now).Scan(&msg); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO sms_outbox (message_id, notice_id, uscc, town_code, phone, status, attempts, next_at, created_at, updated_at)
		SELECT $1, r.notice_id, r.uscc, r.town_code, e.contact_phone, 'queued', 0, $3, $3, $3
		FROM notice_recipients r JOIN enterprises e ON e.uscc = r.uscc
		WHERE `+cond+` AND `+mobileCond, append([]any{msg, id, tx.now}, args...)...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Notice returns a notice the actor sees, with its attachments.
func (db *DB) Notice(ctx context.Context, a fugong.Actor, id int64) (notice.Notice, error) {
	w := &where{}
	w.add("n.id = ?", id)
	w.noticeVisible(a)
	n, err := scanNotice(db.r.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM notices n`+w.String(), w.args...))
	if err != nil {
		return notice.Notice{}, notFound(err, "通知")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT f.id, f.name, f.content_type, f.size, f.sha256, f.created_by, f.created_at
		FROM notice_files nf JOIN files f ON f.id = nf.file_id WHERE nf.notice_id = $1 ORDER BY f.id`, id)
	if err != nil {
		return notice.Notice{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var f files.File
		if err := rows.Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.CreatedBy, &f.CreatedAt); err != nil {
			return notice.Notice{}, err
		}
		f.CreatedAt = local(f.CreatedAt)
		n.Files = append(n.Files, f)
	}
	return n, rows.Err()
}

// Notices returns a page of the notices the actor sees, newest first,
// with their counts in the actor's scope.
func (db *DB) Notices(ctx context.Context, a fugong.Actor, f notice.ListFilter) ([]notice.Listed, int, error) {
	w := &where{}
	w.noticeVisible(a)
	if a.Role == fugong.RoleEnterprise && (f.Unread || f.Attention) {
		cond := `r.read_at IS NULL`
		if f.Attention {
			cond = `(r.read_at IS NULL OR (n.requires_ack AND r.acked_at IS NULL))`
			w.add(`n.channels LIKE '%app%'`)
		}
		w.add(`EXISTS (SELECT 1 FROM notice_recipients r WHERE r.notice_id = n.id AND r.uscc = ? AND `+cond+`)`, a.Enterprise)
	}
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM notices n`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT ` + noticeCols + ` FROM notices n` + w.String() + ` ORDER BY n.id DESC` + pageClause(w, f.Page, f.PerPage)
	items, err := db.listNotices(ctx, a, q, w.args)
	return items, total, err
}

// NoticesBetween lists the notices sent in [from, to) that the actor sees,
// oldest first, with their counts in the actor's scope.
func (db *DB) NoticesBetween(ctx context.Context, a fugong.Actor, from, to time.Time) ([]notice.Listed, error) {
	w := &where{}
	w.noticeVisible(a)
	w.add("n.created_at >= ?", from.UTC())
	w.add("n.created_at < ?", to.UTC())
	return db.listNotices(ctx, a, `SELECT `+noticeCols+` FROM notices n`+w.String()+` ORDER BY n.id`, w.args)
}

func (db *DB) listNotices(ctx context.Context, a fugong.Actor, q string, args []any) ([]notice.Listed, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	out := []notice.Listed{}
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, notice.Listed{Notice: n})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, len(out))
	at := map[int64]int{}
	for i, l := range out {
		ids[i], at[l.ID] = l.ID, i
	}
	w := &where{args: ids}
	w.conds = []string{"r.notice_id IN (" + placeholders(1, len(ids)) + ")"}
	w.recipientScope(a)
	crow, err := db.r.QueryContext(ctx, `SELECT r.notice_id, count(*), count(r.read_at), count(r.acked_at)
		FROM notice_recipients r`+w.String()+` GROUP BY r.notice_id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer crow.Close()
	for crow.Next() {
		var id int64
		var c notice.Counts
		if err := crow.Scan(&id, &c.Recipients, &c.Read, &c.Acknowledged); err != nil {
			return nil, err
		}
		out[at[id]].Counts = c
	}
	if err := crow.Err(); err != nil {
		return nil, err
	}
	if a.Role != fugong.RoleEnterprise {
		return out, nil
	}
	for i := range out {
		r, err := db.Receipt(ctx, out[i].ID, a.Enterprise)
		if err != nil {
			return nil, err
		}
		out[i].Receipt = &r
	}
	return out, nil
}

// Coverage counts a notice's recipients in the actor's scope per town,
// and the progress of its texts.
func (db *DB) Coverage(ctx context.Context, a fugong.Actor, id int64) (notice.Coverage, error) {
	var c notice.Coverage
	w := &where{}
	w.add("r.notice_id = ?", id)
	w.recipientScope(a)
	rows, err := db.r.QueryContext(ctx, `SELECT r.town_code, count(*), count(r.read_at), count(r.acked_at)
		FROM notice_recipients r`+w.String()+` GROUP BY r.town_code`, w.args...)
	if err != nil {
		return c, err
	}
	byTown := map[string]*notice.TownCounts{}
	for rows.Next() {
		var t notice.TownCounts
		if err := rows.Scan(&t.Town.Code, &t.Recipients, &t.Read, &t.Acknowledged); err != nil {
			rows.Close()
			return c, err
		}
		t.Town, _ = registry.TownByCode(t.Town.Code)
		c.Towns = append(c.Towns, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	notice.SortTowns(c.Towns)
	for i := range c.Towns {
		byTown[c.Towns[i].Town.Code] = &c.Towns[i]
	}
	o := &where{}
	o.add("o.notice_id = ?", id)
	o.enterpriseScopeOf(a, "o")
	srows, err := db.r.QueryContext(ctx, `SELECT o.town_code, m.kind, o.status, count(*)
		FROM sms_outbox o JOIN notice_messages m ON m.id = o.message_id`+o.String()+` GROUP BY o.town_code, m.kind, o.status`, o.args...)
	if err != nil {
		return c, err
	}
	defer srows.Close()
	own := 0
	for srows.Next() {
		var town, kind, status string
		var k int
		if err := srows.Scan(&town, &kind, &status, &k); err != nil {
			return c, err
		}
		if kind == "reminder" {
			switch status {
			case "sent":
				c.SMS.Reminders += k
			case "queued", "sending":
				c.SMS.RemindersPending += k
			}
			continue
		}
		own += k
		switch status {
		case "queued":
			c.SMS.Queued += k
		case "sending":
			c.SMS.Sending += k
		case "sent":
			c.SMS.Sent += k
			if t := byTown[town]; t != nil {
				t.SMSSent += k
			}
		case "failed":
			c.SMS.Failed += k
		}
	}
	if err := srows.Err(); err != nil {
		return c, err
	}
	for _, t := range c.Towns {
		c.City.Recipients += t.Recipients
		c.City.Read += t.Read
		c.City.Acknowledged += t.Acknowledged
		c.City.SMSSent += t.SMSSent
	}
	var sms bool
	var last sql.NullTime
	if err := db.r.QueryRowContext(ctx, `SELECT channels LIKE '%sms%' FROM notices WHERE id = $1`, id).Scan(&sms); err != nil {
		return c, err
	}
	if sms {
		c.SMS.NoMobile = c.City.Recipients - own
	}
	err = db.r.QueryRowContext(ctx, `SELECT created_at FROM notice_messages WHERE notice_id = $1 AND kind = 'reminder'
		ORDER BY created_at DESC LIMIT 1`, id).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, err
	}
	if last.Valid {
		t := local(last.Time)
		c.LastReminder = &t
	}
	return c, nil
}

// pendingCond keeps the recipients (alias r) that have not done what the
// notice asks.
func pendingCond(n notice.Notice) string {
	if n.RequiresAck {
		return "r.acked_at IS NULL"
	}
	return "r.read_at IS NULL"
}

// PendingRecipients returns a page (perPage 0: all) of the recipients in scope that
// have not done what the notice asks, by town and name.
func (db *DB) PendingRecipients(ctx context.Context, a fugong.Actor, n notice.Notice, page, perPage int) ([]notice.Pending, int, error) {
	w := &where{}
	w.add("r.notice_id = ?", n.ID)
	w.recipientScope(a)
	w.add(pendingCond(n))
	var total int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM notice_recipients r`+w.String(), w.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT r.uscc, e.name, r.town_code, t.name, e.contact_phone, e.legal_rep,
		coalesce(nullif(u.display_name, ''), u.username, ''), r.read_at,
		coalesce((SELECT o.status FROM sms_outbox o WHERE o.notice_id = r.notice_id AND o.uscc = r.uscc ORDER BY o.id DESC LIMIT 1), '')
		FROM notice_recipients r JOIN enterprises e ON e.uscc = r.uscc JOIN towns t ON t.code = r.town_code
		LEFT JOIN cadre_pairings p ON p.enterprise_uscc = r.uscc LEFT JOIN users u ON u.id = p.user_id` +
		w.String() + ` ORDER BY t.sort, e.name, r.uscc` + pageClause(w, page, perPage)
	rows, err := db.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []notice.Pending{}
	for rows.Next() {
		var p notice.Pending
		var read sql.NullTime
		if err := rows.Scan(&p.USCC, &p.Name, &p.Town, &p.TownName, &p.ContactPhone, &p.LegalRep, &p.Cadre, &read, &p.SMS); err != nil {
			return nil, 0, err
		}
		if read.Valid {
			t := local(read.Time)
			p.ReadAt = &t
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// Receipt returns a firm's reading of a notice sent to it.
func (db *DB) Receipt(ctx context.Context, id int64, uscc string) (notice.Receipt, error) {
	return receipt(ctx, db.r, id, uscc)
}

func receipt(ctx context.Context, q rowQuerier, id int64, uscc string) (notice.Receipt, error) {
	r := notice.Receipt{USCC: uscc}
	var read, acked sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT read_at, read_by, acked_at, acked_by FROM notice_recipients
		WHERE notice_id = $1 AND uscc = $2`, id, uscc).Scan(&read, &r.ReadBy, &acked, &r.AcknowledgedBy)
	if err != nil {
		return r, notFound(err, "通知")
	}
	if read.Valid {
		t := local(read.Time)
		r.ReadAt = &t
	}
	if acked.Valid {
		t := local(acked.Time)
		r.AcknowledgedAt = &t
	}
	return r, nil
}

// MarkRead records the firm's first reading of the notice, audited.
func (db *DB) MarkRead(ctx context.Context, a fugong.Actor, id int64, uscc string) (notice.Receipt, error) {
	var r notice.Receipt
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notice_recipients SET read_at = $1, read_by = $2
			WHERE notice_id = $3 AND uscc = $4 AND read_at IS NULL`, tx.now, a.Username, id, uscc)
		if err != nil {
			return err
		}
		if r, err = receipt(ctx, tx, id, uscc); err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k > 0 {
			return tx.audit(a, "read", "notice", idString(id), nil, r)
		}
		return nil
	})
	return r, err
}

// Acknowledge records the firm's first acknowledgement of the notice (and
// its reading, if it was not read before), audited.
func (db *DB) Acknowledge(ctx context.Context, a fugong.Actor, id int64, uscc string) (notice.Receipt, error) {
	var r notice.Receipt
	err := db.write(ctx, func(tx *Tx) error {
		before, err := receipt(ctx, tx, id, uscc)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE notice_recipients SET acked_at = $1, acked_by = $2,
			read_by = CASE WHEN read_at IS NULL THEN $2 ELSE read_by END, read_at = coalesce(read_at, $1)
			WHERE notice_id = $3 AND uscc = $4 AND acked_at IS NULL`, tx.now, a.Username, id, uscc)
		if err != nil {
			return err
		}
		if r, err = receipt(ctx, tx, id, uscc); err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k > 0 {
			return tx.audit(a, "acknowledge", "notice", idString(id), before, r)
		}
		return nil
	})
	return r, err
}

// Remind queues a text to the recipients in scope that have not done what
// the notice asks, unless it was reminded since notBefore.
func (db *DB) Remind(ctx context.Context, a fugong.Actor, n notice.Notice, text string, notBefore time.Time) (int, error) {
	queued := 0
	err := db.write(ctx, func(tx *Tx) error {
		// Two clicks at once on two instances: the second waits, then
		// finds the first's reminder.
		if err := tx.lockRow(ctx, lockUpdate, "notices", "id", n.ID); err != nil {
			return err
		}
		var last sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT created_at FROM notice_messages WHERE notice_id = $1 AND kind = 'reminder'
			ORDER BY created_at DESC LIMIT 1`, n.ID).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if last.Valid && !last.Time.Before(notBefore.UTC()) {
			return fugong.Errorf(fugong.EConflict, "", "该通知已于 %s 提醒过，%d 分钟内不再重复提醒",
				local(last.Time).Format("01-02 15:04"), int(notice.RemindInterval.Minutes()))
		}
		w := &where{args: []any{nil, nil, nil}}
		w.add("r.notice_id = $2")
		w.add("e.status = 'active'")
		w.add(pendingCond(n))
		w.recipientScope(a)
		cond := strings.Join(w.conds, " AND ")
		if queued, err = tx.queueSMS(ctx, a, n.ID, "reminder", text, cond, w.args[3:]...); err != nil {
			return err
		}
		if queued == 0 {
			return fugong.Errorf(fugong.EConflict, "", "没有需要短信提醒的企业：都已完成，或没有登记手机号")
		}
		return tx.audit(a, "remind", "notice", idString(n.ID), nil, map[string]any{"queued": queued, "text": text})
	})
	return queued, err
}

// NoticeFile returns an attachment of notice id.
func (db *DB) NoticeFile(ctx context.Context, id, fileID int64) (files.File, []byte, error) {
	var f files.File
	var data []byte
	err := db.r.QueryRowContext(ctx, `SELECT f.id, f.name, f.content_type, f.size, f.sha256, f.created_by, f.created_at, f.data
		FROM notice_files nf JOIN files f ON f.id = nf.file_id WHERE nf.notice_id = $1 AND nf.file_id = $2`, id, fileID).
		Scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.CreatedBy, &f.CreatedAt, &data)
	if err != nil {
		return files.File{}, nil, notFound(err, "附件")
	}
	f.CreatedAt = local(f.CreatedAt)
	return f, data, nil
}

// Reach counts the active enterprises in scope that a notice had reached
// by a time (read in the app, or texted), of all of them.
func (db *DB) Reach(ctx context.Context, a fugong.Actor, by time.Time) (notice.Reach, error) {
	w := &where{}
	w.add("e.status = 'active'")
	w.enterpriseScope(a)
	var r notice.Reach
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM enterprises e`+w.String(), w.args...).Scan(&r.Total); err != nil {
		return r, err
	}
	t := w.next(by.UTC())
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM enterprises e`+w.and(`(
		EXISTS (SELECT 1 FROM notice_recipients r WHERE r.uscc = e.uscc AND r.read_at < `+t+`)
		OR EXISTS (SELECT 1 FROM sms_outbox o WHERE o.uscc = e.uscc AND o.status = 'sent' AND o.sent_at < `+t+`))`), w.args...).Scan(&r.Reached)
	return r, err
}

// ClaimSMS hands up to c.Limit due texts to the caller under c.Token until
// c.Until: queued ones whose time has come, and those whose claim ran out.
// On PostgreSQL instances claiming at once skip each other's rows; on
// SQLite the one writer claims alone.
func (db *DB) ClaimSMS(ctx context.Context, c notice.Claim) ([]notice.Outgoing, error) {
	now, until := c.Now.UTC(), c.Until.UTC()
	// The rows are chosen once, in a CTE: PostgreSQL evaluates a CTE
	// with a locking clause once, where a subquery of the UPDATE's WHERE
	// may be run again by the plan and lock rows beyond the LIMIT.
	rows, err := db.w.QueryContext(ctx, `WITH due AS (SELECT id FROM sms_outbox WHERE status IN ('queued', 'sending')
			AND ((status = 'queued' AND next_at <= $3) OR (status = 'sending' AND lease_until <= $3))
			ORDER BY next_at, id LIMIT $4`+db.dialect().skipLocked+`)
		UPDATE sms_outbox SET status = 'sending', attempts = attempts + 1, lease_until = $1, lease_token = $2, updated_at = $3
		WHERE id IN (SELECT id FROM due)
		RETURNING id, message_id, notice_id, uscc, phone, attempts`, until, c.Token, now, c.Limit)
	if err != nil {
		return nil, err
	}
	var out []notice.Outgoing
	msgs := map[int64][]int{}
	for rows.Next() {
		var o notice.Outgoing
		var msg int64
		if err := rows.Scan(&o.ID, &msg, &o.NoticeID, &o.USCC, &o.Phone, &o.Attempts); err != nil {
			rows.Close()
			return nil, err
		}
		o.Token, o.LeaseUntil = c.Token, c.Until
		msgs[msg] = append(msgs[msg], len(out))
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	for msg, at := range msgs {
		var kind, text string
		if err := db.r.QueryRowContext(ctx, `SELECT kind, text FROM notice_messages WHERE id = $1`, msg).Scan(&kind, &text); err != nil {
			return nil, err
		}
		for _, i := range at {
			out[i].Kind, out[i].Text = kind, text
		}
	}
	names := map[string]string{}
	usccs := make([]string, len(out))
	for i, o := range out {
		usccs[i] = o.USCC
	}
	found, err := findEnterprises(ctx, db.r, usccs)
	if err != nil {
		return nil, err
	}
	for u, e := range found {
		names[u] = e.Name
	}
	for i := range out {
		out[i].Name = names[out[i].USCC]
	}
	slices.SortFunc(out, func(x, y notice.Outgoing) int { return int(x.ID - y.ID) })
	return out, nil
}

// FinishSMS records what became of a claimed text, audited, if the claim
// is still the caller's.
func (db *DB) FinishSMS(ctx context.Context, o notice.Outcome) error {
	status, action := "sent", "sms_sent"
	var sentAt, next any
	at := o.At.UTC()
	switch {
	case o.Sent:
		sentAt, next = at, at
	case o.RetryAt != nil:
		status, action, next = "queued", "sms_retry", o.RetryAt.UTC()
	default:
		status, action, next = "failed", "sms_failed", at
	}
	return db.write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sms_outbox SET status = $1, sent_at = $2, next_at = $3, lease_until = NULL,
			lease_token = '', answer = $4, updated_at = $5 WHERE id = $6 AND lease_token = $7 AND status = 'sending'`,
			status, sentAt, next, o.Answer, at, o.ID, o.Token)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return notice.ErrLeaseLost
		}
		after := map[string]any{"status": status}
		if o.Answer != "" {
			after["answer"] = o.Answer
		}
		if o.RetryAt != nil {
			after["retry_at"] = local(*o.RetryAt)
		}
		return tx.audit(smsActor, action, "sms", strconv.FormatInt(o.ID, 10), nil, after)
	})
}

// NoticeReading is a firm's reading of a notice, as the demo city's
// history loads it.
type NoticeReading struct {
	USCC            string
	ReadAt, AckedAt *time.Time
	By              string
}

// LoadNoticeHistory marks notice id's texts sent at sentAt (failed, with
// the gateway's answer, for the firms in failed) and records readings, in
// one transaction (the demo city's history). Like the other bulk loads it
// skips the audit: never feed it what a user typed.
func (db *DB) LoadNoticeHistory(ctx context.Context, id int64, sentAt time.Time, failed map[string]string, readings []NoticeReading) error {
	at := sentAt.UTC().Truncate(time.Microsecond)
	return db.write(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sms_outbox SET status = 'sent', attempts = 1, sent_at = $1, next_at = $1, updated_at = $1
			WHERE notice_id = $2 AND status = 'queued'`, at, id); err != nil {
			return err
		}
		for uscc, answer := range failed {
			if _, err := tx.ExecContext(ctx, `UPDATE sms_outbox SET status = 'failed', attempts = 8, sent_at = NULL, answer = $1
				WHERE notice_id = $2 AND uscc = $3`, answer, id, uscc); err != nil {
				return err
			}
		}
		utc := func(t *time.Time) any {
			if t == nil {
				return nil
			}
			return t.UTC().Truncate(time.Microsecond)
		}
		for _, r := range readings {
			acked := ""
			if r.AckedAt != nil {
				acked = r.By
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notice_recipients SET read_at = $1, read_by = $2, acked_at = $3, acked_by = $4
				WHERE notice_id = $5 AND uscc = $6`, utc(r.ReadAt), r.By, utc(r.AckedAt), acked, id, r.USCC); err != nil {
				return err
			}
		}
		return nil
	})
}
