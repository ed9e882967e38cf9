package checkpoint

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"fugong"
	"fugong/people"
	"fugong/pii"
	"fugong/registry"
)

// Point is an isolation point (隔离点, a hotel taken over, say): Rooms
// rooms named "1" to "N", one resident to a room (单人单间) unless Capacity
// sets a room higher (a parent with a child).
type Point struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Town    string `json:"town"` // town code
	Address string `json:"address"`
	Rooms   int    `json:"rooms"`
	// Capacity lists the rooms that take more than one resident; every
	// other room takes one.
	Capacity map[string]int `json:"capacity,omitempty"`
	Closed   bool           `json:"closed"`
}

// Bounds of a point: a large hotel, and a family room.
const (
	MaxRooms        = 2000
	MaxRoomCapacity = 6
)

// PointLabels are the Chinese labels of a point's fields.
var PointLabels = map[string]string{
	"name":     "隔离点名称",
	"town":     "所属乡镇街道",
	"address":  "地址",
	"rooms":    "房间数",
	"capacity": "房间容纳人数",
}

// roomName reads a room's name as typed ("01", " 3") as the point names
// it ("1", "3"): false when it is no room of n.
func roomName(s string, n int) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 6 || s[0] == '+' || s[0] == '-' {
		return "", false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || v > n {
		return "", false
	}
	return strconv.Itoa(v), true
}

// Normalize cleans the point (its town as a code, room names as the point
// names them, rooms of one dropped from Capacity) and returns every rule
// it breaks.
func (p *Point) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: PointLabels[field] + msg})
	}
	p.Name = strings.TrimSpace(p.Name)
	checkText(bad, "name", p.Name, 50, true)
	checkTown(bad, &p.Town)
	p.Address = strings.TrimSpace(p.Address)
	// Optional: the contract's point is its name, town and rooms.
	checkText(bad, "address", p.Address, 100, false)
	if p.Rooms < 1 || p.Rooms > MaxRooms {
		bad("rooms", "应在 1–"+strconv.Itoa(MaxRooms)+" 之间")
		return ps
	}
	caps := map[string]int{}
	keys := make([]string, 0, len(p.Capacity))
	for k := range p.Capacity {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := p.Capacity[k]
		room, ok := roomName(k, p.Rooms)
		switch {
		case !ok:
			bad("capacity", "：没有房间“"+k+"”（房间为 1–"+strconv.Itoa(p.Rooms)+"）")
		case v < 1 || v > MaxRoomCapacity:
			bad("capacity", "：房间 "+room+" 应容纳 1–"+strconv.Itoa(MaxRoomCapacity)+" 人")
		case caps[room] != 0:
			bad("capacity", "：房间 "+room+" 重复")
		case v > 1:
			caps[room] = v
		}
	}
	p.Capacity = nil
	if len(caps) > 0 {
		p.Capacity = caps
	}
	return ps
}

// RoomCapacity is how many residents room takes, and whether the point
// has that room (named as the point names it).
func (p Point) RoomCapacity(room string) (int, bool) {
	if r, ok := roomName(room, p.Rooms); !ok || r != room {
		return 0, false
	}
	if c := p.Capacity[room]; c > 1 {
		return c, true
	}
	return 1, true
}

// Beds is how many residents the point takes in all.
func (p Point) Beds() int {
	n := p.Rooms
	for _, c := range p.Capacity {
		n += c - 1
	}
	return n
}

// Resident is a person in isolation at a point. AdmittedOn is the day they
// came, Days how long they stay, ReleaseOn the day they may leave:
// AdmittedOn + Days (14 days from 1 February: released on the 15th, as
// package people's quarantine of 1–14 February ends). ReleasedOn is the
// day they did leave. Whole ID numbers and phones are only in one on its
// way in or in an audited full view.
type Resident struct {
	ID          int64  `json:"id"`
	Point       int64  `json:"point"`
	Room        string `json:"room"`
	Name        string `json:"name"`
	IDNumber    string `json:"id_number"`
	Phone       string `json:"phone"` // "" when they have none
	Origin      string `json:"origin"`
	AdmittedOn  string `json:"admitted_on"`
	Days        int    `json:"days"`
	ReleaseOn   string `json:"release_on"`
	ReleasedOn  string `json:"released_on,omitempty"`
	ReleasedBy  string `json:"released_by,omitempty"`
	ReleaseNote string `json:"release_note,omitempty"`
}

// ResidentLabels are the Chinese labels of a resident's fields.
var ResidentLabels = map[string]string{
	"point":        "隔离点",
	"room":         "房间号",
	"name":         "姓名",
	"id_number":    "身份证号码",
	"phone":        "联系电话",
	"origin":       "来源地",
	"admitted_on":  "入住日期",
	"days":         "隔离天数",
	"released_on":  "解除隔离日期",
	"release_note": "提前解除原因",
}

// Normalize cleans an admission to point p (trims; the ID number and
// phone normalised; the room as the point names it; Days from the
// prevention group's default quarantine when 0; ReleaseOn computed) and
// returns every rule it breaks. today is the bureau's day: nobody is
// admitted after it.
func (r *Resident) Normalize(today string, p Point, s people.Settings) []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: ResidentLabels[field] + msg})
	}
	if r.Point != p.ID || p.ID <= 0 {
		bad("point", "不存在")
	} else if p.Closed {
		bad("point", "已关闭，不能再入住")
	}
	if room, ok := roomName(r.Room, p.Rooms); ok {
		r.Room = room
	} else if strings.TrimSpace(r.Room) == "" {
		bad("room", "必填")
	} else {
		bad("room", "“"+strings.TrimSpace(r.Room)+"”不存在：本隔离点房间为 1–"+strconv.Itoa(p.Rooms))
	}
	r.Name = strings.TrimSpace(r.Name)
	checkText(bad, "name", r.Name, 50, true)
	var msg string
	if r.IDNumber, msg = pii.NormalizeIDNumber(r.IDNumber); msg != "" {
		bad("id_number", msg)
	} else if birth := pii.IDBirthDate(r.IDNumber); birth > today {
		bad("id_number", "中的出生日期晚于今天")
	}
	if r.Phone = strings.TrimSpace(r.Phone); r.Phone != "" {
		if r.Phone, msg = registry.NormalizePhone(r.Phone); msg != "" {
			bad("phone", msg)
		}
	}
	r.Origin = strings.TrimSpace(r.Origin)
	checkText(bad, "origin", r.Origin, 100, false)
	r.AdmittedOn = strings.TrimSpace(r.AdmittedOn)
	admitted := false
	switch {
	case r.AdmittedOn == "":
		bad("admitted_on", "必填")
	case people.AddDays(r.AdmittedOn, 0) != r.AdmittedOn:
		bad("admitted_on", "应为 YYYY-MM-DD 格式的有效日期")
	case r.AdmittedOn > today:
		bad("admitted_on", "不能晚于今天（"+today+"）")
	default:
		admitted = true
	}
	if r.Days == 0 {
		r.Days = s.QuarantineDays
	}
	r.ReleaseOn = ""
	if r.Days < 1 || r.Days > people.MaxQuarantineDays {
		bad("days", "应在 1–"+strconv.Itoa(people.MaxQuarantineDays)+" 天之间")
	} else if admitted {
		r.ReleaseOn = people.AddDays(r.AdmittedOn, r.Days)
	}
	return ps
}

// InResidence reports whether the resident is at the point on day: from
// the day they came to the day before they left.
func (r Resident) InResidence(day string) bool {
	return r.AdmittedOn != "" && r.AdmittedOn <= day && (r.ReleasedOn == "" || day < r.ReleasedOn)
}

// Masked is the resident with the ID number and phone masked.
func (r Resident) Masked() Resident {
	r.IDNumber = pii.MaskID(r.IDNumber)
	if r.Phone != "" {
		r.Phone = pii.MaskPhone(r.Phone)
	}
	return r
}

// occupied counts the residents in each room on day.
func occupied(day string, residents []Resident) map[string]int {
	m := map[string]int{}
	for _, r := range residents {
		if r.InResidence(day) {
			m[r.Room]++
		}
	}
	return m
}

// Place checks normalised admissions to point p against the residents
// there (current, in residence on the day of each admission) and each
// other: a room already full, two new residents in a room for one, the
// same person admitted twice. One admission's problems name its fields;
// several's are prefixed by their place in the list ("residents[2].room").
// The store checks the same person against those already in residence by
// their ID index, and runs Place again in the transaction that admits
// them, the point's row locked, so two admissions at once cannot both take
// a room's last bed.
func Place(p Point, current []Resident, incoming []Resident) []fugong.Problem {
	var ps []fugong.Problem
	field := func(i int, f string) string {
		if len(incoming) == 1 {
			return f
		}
		return "residents[" + strconv.Itoa(i) + "]." + f
	}
	byDay := map[string]map[string]int{}
	seen := map[string]int{}
	for i, r := range incoming {
		if prev, ok := seen[r.IDNumber]; ok && r.IDNumber != "" {
			ps = append(ps, fugong.Problem{Field: field(i, "id_number"),
				Message: "身份证号码与第 " + strconv.Itoa(prev+1) + " 位相同：同一人不能入住两次"})
			continue
		}
		seen[r.IDNumber] = i
		capacity, ok := p.RoomCapacity(r.Room)
		if !ok {
			continue // Normalize has said so
		}
		occ := byDay[r.AdmittedOn]
		if occ == nil {
			occ = occupied(r.AdmittedOn, current)
			byDay[r.AdmittedOn] = occ
		}
		if occ[r.Room] >= capacity {
			msg := "房间 " + r.Room + " 已住满（单人单间）"
			if capacity > 1 {
				msg = "房间 " + r.Room + " 已住满（可住 " + strconv.Itoa(capacity) + " 人）"
			}
			ps = append(ps, fugong.Problem{Field: field(i, "room"), Message: msg})
			continue
		}
		occ[r.Room]++
	}
	return ps
}

// CheckPointChange returns what a change to a point (next, normalised)
// would break for the residents in residence on day: a room taken away or
// made smaller than the residents in it.
func CheckPointChange(next Point, day string, residents []Resident) []fugong.Problem {
	var ps []fugong.Problem
	occ := occupied(day, residents)
	rooms := make([]string, 0, len(occ))
	for room := range occ {
		rooms = append(rooms, room)
	}
	slices.SortFunc(rooms, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return cmp.Compare(x, y)
	})
	for _, room := range rooms {
		capacity, ok := next.RoomCapacity(room)
		switch {
		case !ok:
			ps = append(ps, fugong.Problem{Field: "rooms", Message: "房间 " + room + " 还有人住，不能减少房间数到 " + strconv.Itoa(next.Rooms)})
		case occ[room] > capacity:
			ps = append(ps, fugong.Problem{Field: "capacity", Message: "房间 " + room + " 住有 " + strconv.Itoa(occ[room]) +
				" 人，不能改为可住 " + strconv.Itoa(capacity) + " 人"})
		}
	}
	return ps
}

// Release records that the resident left on day on (by whom, and why when
// before their release date). today is the bureau's day.
func (r *Resident) Release(on, today, by, note string) error {
	if r.ReleasedOn != "" {
		return fugong.Errorf(fugong.EConflict, "released_on", "%s已于 %s 解除隔离", r.Name, r.ReleasedOn)
	}
	var ps []fugong.Problem
	on, note = strings.TrimSpace(on), strings.TrimSpace(note)
	switch {
	case people.AddDays(on, 0) != on || on == "":
		ps = append(ps, fugong.Problem{Field: "released_on", Message: "解除隔离日期应为 YYYY-MM-DD 格式的有效日期"})
	case on > today:
		ps = append(ps, fugong.Problem{Field: "released_on", Message: "解除隔离日期不能晚于今天（" + today + "）"})
	case on < r.AdmittedOn:
		ps = append(ps, fugong.Problem{Field: "released_on", Message: "解除隔离日期不能早于入住日期（" + r.AdmittedOn + "）"})
	case on < r.ReleaseOn && note == "":
		ps = append(ps, fugong.Problem{Field: "release_note",
			Message: "提前解除隔离（应于 " + r.ReleaseOn + " 解除）须填写原因，如转院、核酸检测结果"})
	}
	checkText(func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: ResidentLabels[field] + msg})
	}, "release_note", note, 200, false)
	if err := fugong.Invalid(ps); err != nil {
		return err
	}
	r.ReleasedOn, r.ReleasedBy, r.ReleaseNote = on, by, note
	return nil
}
