package loadtest

import (
	"fmt"
	"time"

	"fugong/daily"
	"fugong/registry"
)

// The generated city is a pure function of the enterprise's number, so a
// million enterprises need no memory: enterprise i's code, town, size and
// every day's report are computed again wherever they are needed.

// townWeights are the towns' relative sizes (the demo city's split), in
// registry.Towns order.
var townWeights = []int{150, 50, 260, 400, 380, 554, 470, 430, 670, 270, 280, 200,
	1820, 330, 300, 70, 40, 80, 25, 35, 10, 6, 3}

var townPick = func() []int {
	var out []int
	for i, w := range townWeights {
		for range w {
			out = append(out, i)
		}
	}
	return out
}()

// hash mixes an enterprise number and a salt (splitmix64).
func hash(i int, salt uint64) uint64 {
	z := uint64(i)*0x9e3779b97f4a7c15 + salt*0xbf58476d1ce4e5b9 + 0x94d049bb133111eb
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// USCC is generated enterprise i's code: Ruian's division, an organisation
// part "L" and eight digits, and the GB 32100 check character. Codes sort
// in the order of i.
func USCC(i int) string {
	first17 := fmt.Sprintf("91%sL%08d", registry.CityCode, i)
	c, err := registry.USCCCheckChar(first17)
	if err != nil {
		panic(err) // the alphabet above is always valid
	}
	return first17 + string(c)
}

// Town is the code of generated enterprise i's town.
func Town(i int) string { return registry.Towns[townPick[hash(i, 1)%uint64(len(townPick))]].Code }

func employees(i int) (int, bool) {
	h := hash(i, 2)
	if h%100 < 15 {
		return 50 + int(h>>8%750), true
	}
	return 3 + int(h>>8%78), false
}

// Enterprise is generated enterprise i, registered at created.
func Enterprise(i int, created time.Time) registry.Enterprise {
	n, above := employees(i)
	size := registry.SizeBelow
	if above {
		size = registry.SizeAbove
	}
	h := hash(i, 3)
	class := registry.MujunClasses[h%4]
	return registry.Enterprise{
		USCC: USCC(i), Name: fmt.Sprintf("瑞安市压测%07d号机械有限公司", i), Town: Town(i),
		Address: fmt.Sprintf("瑞安市压测工业区%d号", 1+h>>8%900), Industry: "机械装备", SizeClass: size,
		LegalRep: "陈建国", ContactPhone: fmt.Sprintf("138%08d", i%100_000_000), Employees: n,
		LandMu: float64(1+h>>20%500) / 10, MujunClass: &class, Status: registry.StatusActive,
		CreatedAt: created, UpdatedAt: created,
	}
}

// Figures are plausible figures of enterprise i on day d; salt varies them
// (a correction).
func Figures(i, d, salt int) daily.Figures {
	staff, _ := employees(i)
	h := hash(i, uint64(1000+d*7+salt))
	f := daily.Figures{StaffTotal: staff, StaffInCity: staff * int(40+h%51) / 100}
	f.ReturnedToday = f.StaffInCity * int(h>>8%8) / 100
	if h>>16%50 == 0 {
		f.PersuadedToday = 1
		f.TicketsRefundedToday = int(h >> 22 % 2)
	}
	if hash(i, 4)%100 < 8 {
		f.HubeiStaff = min(staff, 1+int(hash(i, 5)%2))
		f.HubeiContactedToday = f.HubeiStaff
	}
	f.Quarantined = min(staff, f.ReturnedToday/2)
	if h>>24%5000 == 0 {
		f.Fever = 1
	}
	f.OnDuty = min(staff, 1+int(h>>40%3))
	f.CommitmentSigned = h>>44%20 != 0
	return f
}

// history appends enterprise i's reports for days (each day's start in
// Asia/Shanghai): about 95 % of the days reported, 5 % of those late.
func history(out []daily.Report, i int, days []time.Time, deadline daily.Deadline) []daily.Report {
	uscc := USCC(i)
	for d, start := range days {
		h := hash(i, uint64(100+d))
		if h%1000 >= 950 {
			continue
		}
		date := start.Format(daily.DateLayout)
		due := deadline.At(date)
		morning := max(due.Sub(start)-8*time.Hour, time.Minute)
		at := start.Add(8*time.Hour + time.Duration(h>>10%uint64(morning)))
		if h>>40%100 < 5 {
			at = due.Add(time.Second + time.Duration(h>>10%uint64(6*time.Hour)))
		}
		at = at.Truncate(time.Second)
		out = append(out, daily.Report{USCC: uscc, Date: date, Figures: Figures(i, d, 0), Version: 1,
			SubmittedAt: at, FirstAt: at, SubmittedBy: "bench", OnTime: deadline.OnTime(date, at)})
	}
	return out
}
