package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"fugong"
	"fugong/notice"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// noticeCity registers five firms: in 塘下 an above-scale one of class A,
// a below-scale one with a landline and a closed one; in 仙降 two of class
// C, one of them above scale.
type noticeCity struct {
	tangAbove, tangLandline, tangClosed, xianAbove, xianBelow string
}

func newNoticeCity(t *testing.T, db *store.DB) noticeCity {
	t.Helper()
	ctx := context.Background()
	add := func(org, town, name, size, phone, class string, closed bool) string {
		e := ent(t, org, town, name)
		e.SizeClass, e.ContactPhone = size, phone
		if class != "" {
			e.MujunClass = &class
		}
		if closed {
			e.Status = registry.StatusClosed
		}
		if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
			t.Fatal(err)
		}
		return e.USCC
	}
	return noticeCity{
		tangAbove:    add("MN1000001", tangxia, "塘下汽配", "above", "13957710001", "A", false),
		tangLandline: add("MN1000002", tangxia, "塘下电器", "below", "0577-65810002", "", false),
		tangClosed:   add("MN1000003", tangxia, "塘下旧厂", "below", "13957710003", "", true),
		xianAbove:    add("MN1000004", xianjiang, "仙降鞋业", "above", "13957710004", "C", false),
		xianBelow:    add("MN1000005", xianjiang, "仙降鞋材", "below", "13957710005", "C", false),
	}
}

var noticeAdmin = fugong.Actor{UserID: 1, Username: "xietiao", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}

func draft(t *testing.T, aud notice.Audience, channels ...string) notice.Draft {
	t.Helper()
	d, err := notice.Check(notice.Input{Title: "关于企业复工疫情防控的通知", Body: "请各企业落实防控措施。", Audience: aud,
		Channels: channels, RequiresAck: true}, nil, notice.SMSDefaults)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNoticeRecipientsFollowAudienceAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newNoticeCity(t, db)
		for _, tt := range []struct {
			name  string
			a     fugong.Actor
			aud   notice.Audience
			want  int
			texts int
		}{
			{"all firms, closed ones left out", noticeAdmin, notice.Audience{All: true}, 4, 3},
			{"a town", noticeAdmin, notice.Audience{Towns: []string{"塘下"}}, 2, 1},
			{"above scale in two towns", noticeAdmin, notice.Audience{Towns: []string{tangxia, xianjiang}, SizeClass: "above"}, 2, 2},
			{"mujun class C", noticeAdmin, notice.Audience{MujunClasses: []string{"c"}}, 2, 2},
			{"a list with a closed firm", noticeAdmin, notice.Audience{Enterprises: []string{c.tangClosed, c.xianBelow}}, 1, 1},
			{"a town's all is its own firms", fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: tangxia},
				notice.Audience{All: true}, 2, 1},
		} {
			t.Run(tt.name, func(t *testing.T) {
				d := draft(t, tt.aud, "app", "sms")
				n, err := db.CreateNotice(ctx, tt.a, d, "【瑞安经信】text")
				if err != nil || n.Recipients != tt.want || n.ID == 0 {
					t.Fatalf("recipients %d, want %d: %v", n.Recipients, tt.want, err)
				}
				cov, err := db.Coverage(ctx, fugong.System, n.ID)
				if err != nil || cov.City.Recipients != tt.want || cov.SMS.Queued != tt.texts || cov.SMS.NoMobile != tt.want-tt.texts {
					t.Fatalf("coverage %+v, want %d recipients and %d texts: %v", cov, tt.want, tt.texts, err)
				}
				if n := auditCount(t, db, "notice", idOf(n.ID)); n != 1 {
					t.Errorf("%d audit entries of the notice, want 1", n)
				}
			})
		}
		// An audience of closed firms only stores nothing.
		before, _, _ := db.Notices(ctx, fugong.System, notice.ListFilter{Page: 1, PerPage: 100})
		_, err := db.CreateNotice(ctx, noticeAdmin, draft(t, notice.Audience{Enterprises: []string{c.tangClosed}}, "app"), "")
		if fugong.ErrorCode(err) != fugong.EInvalid {
			t.Fatalf("a notice to closed firms only: %v", err)
		}
		after, _, _ := db.Notices(ctx, fugong.System, notice.ListFilter{Page: 1, PerPage: 100})
		if len(after) != len(before) {
			t.Errorf("a refused notice was stored: %d notices, then %d", len(before), len(after))
		}
		unknown, err := db.UnknownEnterprises(ctx, fugong.Actor{Role: fugong.RoleTown, Town: tangxia}, []string{c.tangAbove, c.xianAbove})
		if err != nil || len(unknown) != 1 || unknown[0] != c.xianAbove {
			t.Errorf("unknown to 塘下: %v %v", unknown, err)
		}
	})
}

func TestNoticeReadingAckCoverageAndReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newNoticeCity(t, db)
		clock := time.Date(2020, 2, 10, 9, 0, 0, 0, fugong.Location)
		db.Now = func() time.Time { return clock }
		n, err := db.CreateNotice(ctx, noticeAdmin, draft(t, notice.Audience{All: true}, "app", "sms"), "【瑞安经信】text")
		if err != nil {
			t.Fatal(err)
		}
		clerk := fugong.Actor{UserID: 7, Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: c.xianBelow}
		other := fugong.Actor{UserID: 8, Username: "qiye2", Role: fugong.RoleEnterprise, Enterprise: c.tangClosed}
		town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
		if _, err := db.Notice(ctx, clerk, n.ID); err != nil {
			t.Fatalf("the clerk does not see the notice to their firm: %v", err)
		}
		if _, err := db.Notice(ctx, other, n.ID); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("a firm the notice did not go to sees it: %v", err)
		}
		if _, err := db.Notice(ctx, fugong.Actor{Role: fugong.RoleCheckpoint, Town: xianjiang}, n.ID); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("a checkpoint sees a notice: %v", err)
		}
		unread, total, err := db.Notices(ctx, clerk, notice.ListFilter{Unread: true, Page: 1, PerPage: 10})
		if err != nil || total != 1 || len(unread) != 1 || unread[0].Receipt == nil || unread[0].Receipt.ReadAt != nil {
			t.Fatalf("unread before reading: %d %+v %v", total, unread, err)
		}
		clock = clock.Add(time.Hour)
		r, err := db.MarkRead(ctx, clerk, n.ID, c.xianBelow)
		if err != nil || r.ReadAt == nil || r.ReadBy != "qiye" || r.AcknowledgedAt != nil {
			t.Fatalf("read: %+v %v", r, err)
		}
		clock = clock.Add(time.Hour)
		if r2, err := db.MarkRead(ctx, clerk, n.ID, c.xianBelow); err != nil || !r2.ReadAt.Equal(*r.ReadAt) {
			t.Fatalf("a second reading changed the first: %+v %v", r2, err)
		}
		if _, total, _ := db.Notices(ctx, clerk, notice.ListFilter{Unread: true, Page: 1, PerPage: 10}); total != 0 {
			t.Errorf("still unread after reading: %d", total)
		}
		if _, total, _ := db.Notices(ctx, clerk, notice.ListFilter{Attention: true, Page: 1, PerPage: 10}); total != 1 {
			t.Errorf("a read notice still to acknowledge is off the home page: %d", total)
		}
		ack, err := db.Acknowledge(ctx, clerk, n.ID, c.xianBelow)
		if err != nil || ack.AcknowledgedAt == nil || !ack.ReadAt.Equal(*r.ReadAt) {
			t.Fatalf("acknowledge: %+v %v", ack, err)
		}
		if _, err := db.Acknowledge(ctx, clerk, n.ID, c.xianBelow); err != nil {
			t.Fatal(err)
		}
		if k := auditCount(t, db, "notice", idOf(n.ID)); k != 3 {
			t.Errorf("%d audit entries, want 3: sent, read, acknowledged once each", k)
		}
		// An acknowledgement without a reading first reads it too.
		if r, err := db.Acknowledge(ctx, fugong.Actor{Username: "qiye3", Role: fugong.RoleEnterprise}, n.ID, c.tangAbove); err != nil || r.ReadAt == nil || r.ReadBy != "qiye3" {
			t.Fatalf("acknowledge unread: %+v %v", r, err)
		}
		cov, err := db.Coverage(ctx, fugong.System, n.ID)
		if err != nil || cov.City != (notice.Counts{Recipients: 4, Read: 2, Acknowledged: 2}) || len(cov.Towns) != 2 ||
			cov.Towns[0].Town.Name != "仙降街道" || cov.Towns[0].Counts != (notice.Counts{Recipients: 2, Read: 1, Acknowledged: 1}) {
			t.Fatalf("coverage %+v %v", cov, err)
		}
		tc, err := db.Coverage(ctx, town, n.ID)
		if err != nil || len(tc.Towns) != 1 || tc.City != (notice.Counts{Recipients: 2, Read: 1, Acknowledged: 1}) || tc.SMS.Queued != 1 {
			t.Fatalf("塘下's coverage %+v %v", tc, err)
		}
		pend, total, err := db.PendingRecipients(ctx, fugong.System, n, 1, 10)
		if err != nil || total != 2 || len(pend) != 2 || pend[0].USCC != c.xianAbove || pend[0].TownName != "仙降街道" || pend[0].SMS != "queued" ||
			pend[1].USCC != c.tangLandline || pend[1].SMS != "" {
			t.Fatalf("pending %d %+v %v", total, pend, err)
		}
		// A reminder texts the pending firms with a mobile, once in 30 minutes.
		queued, err := db.Remind(ctx, noticeAdmin, n, "【瑞安经信】提醒", clock.Add(-notice.RemindInterval))
		if err != nil || queued != 1 {
			t.Fatalf("remind: %d %v", queued, err)
		}
		if _, err := db.Remind(ctx, noticeAdmin, n, "x", clock.Add(-notice.RemindInterval)); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("a second reminder at once: %v", err)
		}
		clock = clock.Add(time.Hour)
		// 塘下's pending firm has a landline only: nothing to text.
		if _, err := db.Remind(ctx, town, n, "x", clock.Add(-notice.RemindInterval)); fugong.ErrorCode(err) != fugong.EConflict {
			t.Fatalf("a reminder with nobody to text: %v", err)
		}
		cov, _ = db.Coverage(ctx, fugong.System, n.ID)
		if cov.SMS.RemindersPending != 1 || cov.LastReminder == nil || cov.LastReminder.Format("15:04") != "11:00" {
			t.Errorf("reminders %+v, last %v", cov.SMS, cov.LastReminder)
		}
	})
}

func TestSMSOutboxClaimsLeasesAndOutcomes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newNoticeCity(t, db)
		now := time.Date(2020, 2, 10, 9, 0, 0, 0, fugong.Location)
		db.Now = func() time.Time { return now }
		n, err := db.CreateNotice(ctx, noticeAdmin, draft(t, notice.Audience{All: true}, "sms"), "【瑞安经信】复工通知")
		if err != nil {
			t.Fatal(err)
		}
		claim := func(token string, at time.Time, limit int) []notice.Outgoing {
			t.Helper()
			out, err := db.ClaimSMS(ctx, notice.Claim{Token: token, Now: at, Until: at.Add(time.Minute), Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		first := claim("a", now, 2)
		if len(first) != 2 || first[0].Text != "【瑞安经信】复工通知" || first[0].Kind != "notice" || first[0].Name == "" ||
			first[0].Attempts != 1 || first[0].NoticeID != n.ID || first[0].Phone[0] != '1' {
			t.Fatalf("first claim %+v", first)
		}
		second := claim("b", now, 10)
		if len(second) != 1 || second[0].ID == first[0].ID || second[0].ID == first[1].ID {
			t.Fatalf("the second claim took %+v", second)
		}
		if again := claim("c", now.Add(30*time.Second), 10); len(again) != 0 {
			t.Fatalf("claimed messages under lease: %+v", again)
		}
		// a's first is sent; its second fails and will be retried; b's
		// claim runs out and c takes the message over.
		if err := db.FinishSMS(ctx, notice.Outcome{ID: first[0].ID, Token: "a", At: now, Sent: true}); err != nil {
			t.Fatal(err)
		}
		retry := now.Add(10 * time.Minute)
		if err := db.FinishSMS(ctx, notice.Outcome{ID: first[1].ID, Token: "a", At: now, Answer: "HTTP 500", RetryAt: &retry}); err != nil {
			t.Fatal(err)
		}
		over := claim("c", now.Add(2*time.Minute), 10)
		if len(over) != 1 || over[0].ID != second[0].ID || over[0].Attempts != 2 {
			t.Fatalf("claim after the lease ran out: %+v", over)
		}
		if err := db.FinishSMS(ctx, notice.Outcome{ID: second[0].ID, Token: "b", At: now, Sent: true}); !errors.Is(err, notice.ErrLeaseLost) {
			t.Fatalf("an outcome under a lost claim: %v", err)
		}
		if err := db.FinishSMS(ctx, notice.Outcome{ID: over[0].ID, Token: "c", At: now, Answer: "HTTP 400 bad number"}); err != nil {
			t.Fatal(err)
		}
		due := claim("d", retry, 10)
		if len(due) != 1 || due[0].ID != first[1].ID || due[0].Attempts != 2 {
			t.Fatalf("the retry at its time: %+v", due)
		}
		cov, err := db.Coverage(ctx, fugong.System, n.ID)
		if err != nil || cov.SMS.Sent != 1 || cov.SMS.Failed != 1 || cov.SMS.Sending != 1 || cov.SMS.Queued != 0 {
			t.Fatalf("progress %+v %v", cov.SMS, err)
		}
		if k := auditCount(t, db, "sms", idOf(first[0].ID)); k != 1 {
			t.Errorf("%d audit entries of a sent text, want 1", k)
		}
		reach, err := db.Reach(ctx, fugong.System, now.Add(time.Hour))
		if err != nil || reach != (notice.Reach{Reached: 1, Total: 4}) {
			t.Errorf("reach %+v %v", reach, err)
		}
	})
}
