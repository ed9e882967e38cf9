package tickets

import (
	"encoding/json"
	"strconv"
	"time"

	"fugong"
	"fugong/settings"
)

// SLA is how many hours a ticket of each urgency has from being raised to
// being resolved; past that it is overdue. It is a setting the admin edits.
type SLA struct {
	Urgent int `json:"urgent"`
	High   int `json:"high"`
	Normal int `json:"normal"`
	Low    int `json:"low"`
}

// DefaultSLA: an urgent difficulty within the working morning, a high one
// within a day, a normal one within three days, a low one within a week.
var DefaultSLA = SLA{Urgent: 4, High: 24, Normal: 72, Low: 168}

// MaxSLAHours bounds an SLA: a month.
const MaxSLAHours = 720

// SLAKey is the setting's key.
const SLAKey = "ticket_sla"

// CanSetSLA reports whether the actor changes the SLA setting: the admin
// alone. Everyone reads it.
func CanSetSLA(a fugong.Actor) bool { return a.Role == fugong.RoleAdmin }

// CheckSLASetter refuses an actor who may not change the SLA. The API asks
// before it reads the body: who may not change it is told so, whatever
// they sent.
func CheckSLASetter(a fugong.Actor) error {
	return Config.CheckSetter(a)
}

// SLAOf is the SLA of the hours given per urgency (Urgencies), as a body
// sends them: every urgency is required, for one left out must not become
// 0 hours. The hours themselves are Check's.
func SLAOf(hours map[string]*int) (SLA, error) {
	var ps []fugong.Problem
	got := make([]int, len(Urgencies))
	for i, u := range Urgencies {
		h := hours[u]
		if h == nil {
			ps = append(ps, fugong.Problem{Field: u, Message: "请填写" + UrgencyNames[u] + "时限（小时）"})
			continue
		}
		got[i] = *h
	}
	if err := fugong.Invalid(ps); err != nil {
		return SLA{}, err
	}
	return SLA{Urgent: got[0], High: got[1], Normal: got[2], Low: got[3]}, nil
}

// Hours returns the SLA of an urgency.
func (s SLA) Hours(urgency string) int {
	switch urgency {
	case UrgencyUrgent:
		return s.Urgent
	case UrgencyHigh:
		return s.High
	case UrgencyNormal:
		return s.Normal
	}
	return s.Low
}

// Due is when a ticket of urgency raised at raised falls due.
func (s SLA) Due(urgency string, raised time.Time) time.Time {
	return raised.Add(time.Duration(s.Hours(urgency)) * time.Hour)
}

// Check returns every rule the SLA breaks: each urgency 1 to MaxSLAHours
// hours, and a more urgent ticket never given longer than a less urgent one.
func (s SLA) Check() []fugong.Problem {
	var ps []fugong.Problem
	hours := []int{s.Urgent, s.High, s.Normal, s.Low}
	for i, u := range Urgencies {
		if hours[i] < 1 || hours[i] > MaxSLAHours {
			ps = append(ps, fugong.Problem{Field: u, Message: UrgencyNames[u] + "时限应为 1–" + strconv.Itoa(MaxSLAHours) + " 小时"})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	for i := 1; i < len(Urgencies); i++ {
		if hours[i] < hours[i-1] {
			u, prev := Urgencies[i], Urgencies[i-1]
			ps = append(ps, fugong.Problem{Field: u, Message: UrgencyNames[u] + "时限（" + strconv.Itoa(hours[i]) +
				" 小时）不能短于" + UrgencyNames[prev] + "时限（" + strconv.Itoa(hours[i-1]) + " 小时）"})
		}
	}
	return ps
}

// Config is the setting: the admin's to change.
var Config = settings.Setting[SLA]{
	Key: SLAKey, Default: DefaultSLA, Check: SLA.Check,
	CanSet: CanSetSLA, Forbidden: "只有系统管理员可以修改问题办理时限",
}

// ParseSLA reads the stored setting.
func ParseSLA(v string) (SLA, error) {
	var s SLA
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return SLA{}, err
	}
	if err := fugong.Invalid(s.Check()); err != nil {
		return SLA{}, err
	}
	return s, nil
}

// String is the stored form of the setting.
func (s SLA) String() string {
	b, _ := json.Marshal(s)
	return string(b)
}
