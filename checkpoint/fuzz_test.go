package checkpoint

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fugong/people"
	"fugong/pii"
	"fugong/registry"
	"fugong/tickets"
)

// FuzzParseForm: the public registration form, whatever is posted to it,
// either names every problem by a field of the form or gives a
// registration every rule holds for, and which reads the same again.
func FuzzParseForm(f *testing.F) {
	f.Add("张三", idA, "13812345678", "浙C·3L580", "温州", "瑞安", "in", "no", "no", "no", "green", "on", false)
	f.Add(" 李四 ", strings.ToLower(idX), "+86 138 1234 5678", "", "武汉", "仙降", "出", "否", "是", "有", "黄码", "", false)
	f.Add("王五", "330381********1230", "138****5678", "浙CD12345", "温州", "瑞安", "进", "yes", "no", "no", "red", "1", true)
	f.Add("", "", "", "", "", "", "", "", "", "", "", "maybe", true)
	f.Add("\x00", "\xff", "0577-65812345-12", "浙c12345", strings.Repeat("长", 101), "x", "IN", "YES", "No", "nO", "GREEN", "off", false)
	f.Fuzz(func(t *testing.T, name, id, phone, plate, origin, dest, dir, fever, cough, risk, code, remember string, withCookie bool) {
		v := url.Values{"name": {name}, "id_number": {id}, "phone": {phone}, "plate": {plate}, "origin": {origin},
			"destination": {dest}, "direction": {dir}, "fever": {fever}, "cough": {cough}, "high_risk_area": {risk},
			"health_code": {code}, "remember": {remember}}
		var prev *Traveller
		if withCookie {
			prev = &Traveller{Name: "王五", IDNumber: idA, Phone: "13812345678", Origin: "温州", Destination: "瑞安"}
		}
		got, ps := ParseForm(v, prev, today)
		if len(ps) > 0 {
			for _, p := range ps {
				if !slices.Contains(FormFields, p.Field) || p.Message == "" || !utf8.ValidString(p.Message) {
					t.Fatalf("problem %+v names no field of the form", p)
				}
			}
			return
		}
		for _, s := range []string{got.Name, got.IDNumber, got.Phone, got.Plate, got.Origin, got.Destination} {
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 || s != strings.TrimSpace(s) {
				t.Fatalf("accepted text %q", s)
			}
		}
		if got.Name == "" || utf8.RuneCountInString(got.Name) > 50 || got.Origin == "" || utf8.RuneCountInString(got.Origin) > 100 ||
			got.Destination == "" || utf8.RuneCountInString(got.Destination) > 100 {
			t.Fatalf("accepted %+v", got.Traveller)
		}
		if n, msg := pii.NormalizeIDNumber(got.IDNumber); msg != "" || n != got.IDNumber || pii.IDBirthDate(n) > today {
			t.Fatalf("accepted ID number %q", got.IDNumber)
		}
		if n, msg := registry.NormalizePhone(got.Phone); msg != "" || n != got.Phone {
			t.Fatalf("accepted phone %q", got.Phone)
		}
		if got.Plate != "" {
			if n, msg := tickets.NormalizePlate(got.Plate); msg != "" || n != got.Plate {
				t.Fatalf("accepted plate %q", got.Plate)
			}
		}
		if !slices.Contains(Directions, got.Direction) {
			t.Fatalf("accepted direction %q", got.Direction)
		}
		for _, a := range []Answer{got.Fever, got.Cough, got.HighRiskArea} {
			if a != Yes && a != No {
				t.Fatalf("accepted answer %q", a)
			}
		}
		if _, ok := people.CodeNames[got.HealthCode]; !ok {
			t.Fatalf("accepted health code %q", got.HealthCode)
		}
		// The normalised form reads the same again.
		again := got
		if ps := again.Normalize(today); len(ps) > 0 || again != got {
			t.Fatalf("not idempotent: %+v → %+v %v", got, again, ps)
		}
	})
}

// FuzzParseToken: whatever a scanned URL's path holds, a token is taken
// only in its one spelling of 16 bytes, and so is a cookie's ref and a
// number the staff type.
func FuzzParseToken(f *testing.F) {
	f.Add("3q2-7wEVR4-cAeT0QW_9kA")
	f.Add("AAAAAAAAAAAAAAAAAAAAAB")
	f.Add("AAAAAAAAAAAAAAAAAAAAAA==")
	f.Add(" ac3e7k ")
	f.Fuzz(func(t *testing.T, s string) {
		if tok, ok := ParseToken(s); ok && (string(tok) != s || len(s) != 22 || strings.ContainsAny(s, "+/=")) {
			t.Fatalf("ParseToken(%q) = %q", s, tok)
		}
		if ref, ok := ParseRef(s); ok && string(ref) != s {
			t.Fatalf("ParseRef(%q) = %q", s, ref)
		}
		if n, ok := ParseNumber(s); ok {
			if len(n) != NumberLen || strings.Trim(n, NumberAlphabet) != "" {
				t.Fatalf("ParseNumber(%q) = %q", s, n)
			}
			if again, ok := ParseNumber(n); !ok || again != n {
				t.Fatalf("ParseNumber(%q) = %q, again %q", s, n, again)
			}
		}
	})
}
