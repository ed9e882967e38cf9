package daily

import (
	"context"
	"fmt"
	"strconv"

	"fugong"
	"fugong/people"
)

// The daily report and the staff roster (M2 and M7): where a firm keeps a
// roster, its report form is prefilled from it (staff total, Hubei staff,
// quarantined, fever today) and the page warns where the figures typed
// disagree with it. The report stays the firm's statement: nothing is
// refused for disagreeing.

// Roster is what the daily report form asks of M7: the figures of a firm's
// roster on a day, ok false when it keeps none.
type Roster interface {
	RosterFigures(ctx context.Context, a fugong.Actor, uscc, day string) (f people.RosterFigures, ok bool, err error)
}

// rosterFields are the report's fields a roster gives.
var rosterFields = map[string]func(people.RosterFigures) int{
	"staff_total": func(f people.RosterFigures) int { return f.StaffTotal },
	"hubei_staff": func(f people.RosterFigures) int { return f.HubeiStaff },
	"quarantined": func(f people.RosterFigures) int { return f.Quarantined },
	"fever":       func(f people.RosterFigures) int { return f.Fever },
}

// checkRoster compares the form's figures with the firm's roster: with
// prefill (no report yet that day) it fills them in from the roster,
// otherwise it marks each that disagrees.
func (m *module) checkRoster(ctx context.Context, a fugong.Actor, p *reportFormPage, prefill bool) error {
	if m.roster == nil {
		return nil
	}
	fig, ok, err := m.roster.RosterFigures(ctx, a, p.E.USCC, p.Date)
	if err != nil || !ok {
		return err
	}
	p.Roster = &fig
	p.RosterPrefill = prefill && !p.Locked
	for gi := range p.Groups {
		for fi := range p.Groups[gi].Fields {
			f := &p.Groups[gi].Fields[fi]
			get, ok := rosterFields[f.Name]
			if !ok {
				continue
			}
			n := strconv.Itoa(get(fig))
			switch {
			case p.RosterPrefill:
				f.Value = n
			case f.Value != n:
				f.Roster = fmt.Sprintf("与人员花名册不一致：花名册为 %s 人", n)
			}
		}
	}
	return nil
}
