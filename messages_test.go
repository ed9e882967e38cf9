package fugong_test

import (
	"regexp"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/daily"
	"fugong/inspect"
	"fugong/registry"
	"fugong/tickets"
)

// asciiWord is a code a user must not read in a message: a run of three or
// more ASCII letters or underscores (an enum value such as raw_materials).
var asciiWord = regexp.MustCompile(`[A-Za-z_]{3,}`)

// TestValidatorMessagesInChinese: the messages the domain validators return
// for values outside their lists name the allowed values by their Chinese
// labels, never by the codes (issue 11: "raw_materials（原材料）").
func TestValidatorMessagesInChinese(t *testing.T) {
	var ps []fugong.Problem
	u := account.User{Username: "x-user", Role: "king"}
	ps = append(ps, u.Normalize()...)
	u = account.User{Username: "x-user", Role: fugong.RoleBureau, Group: "nobody"}
	ps = append(ps, u.Normalize()...)
	f := daily.Followup{Date: "2020-02-10", Kind: "fax", Outcome: "maybe"}
	ps = append(ps, f.Normalize()...)
	ps = append(ps, (&tickets.NewTicket{Enterprise: "x", Title: "缺货", Category: "raw", Urgency: "asap"}).Normalize()...)
	e := registry.Enterprise{Status: "gone", SizeClass: "huge"}
	ps = append(ps, e.Normalize()...)
	v := inspect.VisitInput{Answers: []inspect.AnswerInput{{ItemID: 1, Result: "ok"}, {ItemID: 2, Result: inspect.ResultFail}}}
	_, vps := v.Normalize(inspect.Checklist{Name: "六必查", Items: []inspect.Item{{ID: 1}, {ID: 2}}}, time.Now(), time.Time{}, nil)
	ps = append(ps, vps...)
	if len(ps) < 8 {
		t.Fatalf("only %d problems: the bad values were not refused: %v", len(ps), ps)
	}
	for _, p := range ps {
		if w := asciiWord.FindString(p.Message); w != "" {
			t.Errorf("%s: %q shows %q", p.Field, p.Message, w)
		}
	}
}
