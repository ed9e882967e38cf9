package people

import "testing"

func FuzzNormalize(f *testing.F) {
	f.Add(idA, "13812345678", "2020-02-10", "2020-02-10", 0, "", "green", "")
	f.Add(idX, "0577-65812345", "", "2020-02-12", 7, "", "yellow", "2020-02-12")
	f.Add("x", "", "2020-02-30", "2020-02-12", 0, "2020-02-11", "red", "2021-01-01")
	f.Fuzz(func(t *testing.T, id, phone, returned, start string, days int, end, code, since string) {
		p := Person{Enterprise: firm, Name: "张三", IDNumber: id, Phone: phone, ReturnedOn: returned,
			QuarantineStart: start, QuarantineDays: days, QuarantineEnd: end, HealthCode: HealthCode(code), CodeSince: since}
		if ps := p.Normalize(today, Defaults); len(ps) > 0 {
			return
		}
		if p.QuarantineStart != "" {
			if p.QuarantineEnd < p.QuarantineStart || p.QuarantineDays < 1 || p.QuarantineDays > MaxQuarantineDays ||
				AddDays(p.QuarantineStart, p.QuarantineDays-1) != p.QuarantineEnd || p.QuarantineStart > today {
				t.Fatalf("accepted quarantine %s + %d → %s", p.QuarantineStart, p.QuarantineDays, p.QuarantineEnd)
			}
		}
		if p.ReturnedOn > today || p.CodeSince > today || len(p.IDNumber) != 18 {
			t.Fatalf("accepted %+v", p)
		}
		// Normalising again changes nothing.
		q := p
		if ps := q.Normalize(today, Defaults); len(ps) > 0 || q != p {
			t.Fatalf("not idempotent: %+v → %+v %v", p, q, ps)
		}
		if _, ok := ExpectedGreen(p.HealthCode, p.CodeSince, nil, today); ok != (p.HealthCode != CodeGreen) {
			t.Fatalf("no expected green day for %s since %q", p.HealthCode, p.CodeSince)
		}
	})
}
