package checkpoint

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"fugong"
	"fugong/people"
	"fugong/pii"
)

// Alert kind and status, as package people names them for its own fever
// alerts: a checkpoint's alert goes to the same list of the town's, with a
// Reference to the registration or resident instead of a member of staff.
const (
	AlertFever = "fever"
	AlertOpen  = "open"
)

// Alert is a fever at or above people's threshold, at a post or an
// isolation point, for the post's or point's town. Its fields and their
// JSON are those of people's alert for a traveller or resident (kind,
// town, reference, the name and masked ID number, the reading, who opened
// it and when), so the store raises it into the same list of alerts.
type Alert struct {
	Kind      string    `json:"kind"`
	Town      string    `json:"town"`
	Post      int64     `json:"post,omitempty"`
	Point     int64     `json:"point,omitempty"`
	Reference string    `json:"reference"` // RegistrationRef or ResidentRef
	Name      string    `json:"name"`
	IDNumber  string    `json:"id_number"` // masked
	Celsius   float64   `json:"celsius"`
	Status    string    `json:"status"`
	OpenedAt  time.Time `json:"opened_at"`
	OpenedBy  string    `json:"opened_by"`
}

// RegistrationRef and ResidentRef are an alert's reference to what raised
// it.
func RegistrationRef(id int64) string { return "registration:" + strconv.FormatInt(id, 10) }
func ResidentRef(id int64) string     { return "resident:" + strconv.FormatInt(id, 10) }

// celsius checks a reading with people's rule (34–43 ℃, rounded to a
// tenth): the rounded reading, or the problem named field.
func celsius(c float64, now time.Time, field string) (float64, []fugong.Problem) {
	t := people.Temperature{Person: 1, Celsius: c, At: now}
	var ps []fugong.Problem
	for _, p := range t.Normalize(now) {
		if p.Field == "celsius" {
			ps = append(ps, fugong.Problem{Field: field, Message: p.Message})
		}
	}
	return t.Celsius, ps
}

// Confirmation is the staff's check of a registration at the post: they
// saw the traveller's ID card against the registration and took their
// temperature.
type Confirmation struct {
	Celsius float64   `json:"celsius"`
	By      string    `json:"by"` // the staff member's username
	At      time.Time `json:"at"`
}

// Confirm records c on the registration (read whole, or masked: the alert
// carries the ID number masked either way) and returns the fever alert it
// raises, if any. A registration is confirmed once, on the day it was
// made: a traveller with yesterday's number registers again. now is the
// server's time.
func (r *Registration) Confirm(c Confirmation, s people.Settings, now time.Time) (*Alert, error) {
	if r.Confirmed() {
		return nil, fugong.Errorf(fugong.EConflict, "number", "登记号 %s 已于 %s 确认，无需重复确认",
			r.Number, r.ConfirmedAt.In(fugong.Location).Format("15:04"))
	}
	if c.At.IsZero() {
		c.At = now
	}
	if day := people.Today(c.At); day != r.Day {
		return nil, fugong.Errorf(fugong.EConflict, "number", "登记号 %s 是 %s 的登记，已失效：请旅客重新扫码登记", r.Number, r.Day)
	}
	v, ps := celsius(c.Celsius, now, "celsius")
	if c.At.After(now.Add(5 * time.Minute)) {
		ps = append(ps, fugong.Problem{Field: "at", Message: "测温时间不能晚于现在"})
	}
	if err := fugong.Invalid(ps); err != nil {
		return nil, err
	}
	at := c.At
	r.ConfirmedAt, r.ConfirmedBy, r.Celsius = &at, c.By, v
	r.FeverAlert = s.Fever(v)
	if !r.FeverAlert {
		return nil, nil
	}
	return &Alert{Kind: AlertFever, Town: r.Town, Post: r.Post, Reference: RegistrationRef(r.ID),
		Name: r.Name, IDNumber: pii.MaskID(r.IDNumber), Celsius: v, Status: AlertOpen, OpenedAt: at, OpenedBy: c.By}, nil
}

// Count is a post's registrations of one day in one direction.
type Count struct {
	Post       int64     `json:"post"`
	Day        string    `json:"day"`
	Direction  Direction `json:"direction"`
	Registered int       `json:"registered"`
	Confirmed  int       `json:"confirmed"`
	Fever      int       `json:"fever"`   // confirmed at or above the threshold
	Flagged    int       `json:"flagged"` // declared something the staff must look at (Health.Flags)
}

// Counts counts registrations per post, day and direction, in that order.
// It is what the store's counts must agree with.
func Counts(regs []Registration) []Count {
	type key struct {
		post int64
		day  string
		dir  Direction
	}
	m := map[key]*Count{}
	for _, r := range regs {
		k := key{r.Post, r.Day, r.Direction}
		c := m[k]
		if c == nil {
			c = &Count{Post: r.Post, Day: r.Day, Direction: r.Direction}
			m[k] = c
		}
		c.Registered++
		if r.Confirmed() {
			c.Confirmed++
		}
		if r.FeverAlert {
			c.Fever++
		}
		if len(r.Health.Flags()) > 0 {
			c.Flagged++
		}
	}
	out := make([]Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(a.Post, b.Post), cmp.Compare(a.Day, b.Day), cmp.Compare(a.Direction, b.Direction))
	})
	return out
}
