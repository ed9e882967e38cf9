package pii

import (
	"fmt"
	"strings"
	"time"
)

// GB 11643-1999: weights of the first 17 digits and the check character
// for Σ digit × weight mod 11.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idChecks = "10X98765432"

// provinces are the province-level codes of GB/T 2260 that begin an ID
// number's address part (71, 81, 82 and 83 for Taiwan, Hong Kong and Macau
// residence permits).
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// Birth years an ID number may carry (the standard's own specimen was born
// in 1880); a birth in the future is the caller's check, it knows today.
const (
	minBirthYear = 1850
	maxBirthYear = 2099
)

// IDCheckChar computes the 18th character for the first 17 digits of an ID
// number.
func IDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("need 17 digits, got %d characters", len(first17))
	}
	sum := 0
	for i := range 17 {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("character %d (%q) is not a digit", i+1, c)
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idChecks[sum%11], nil
}

// NormalizeIDNumber cleans an ID number (spaces removed, full-width digits
// made ASCII, a lower-case x upper-cased) and checks it against GB 11643:
// 18 characters, a province code, a real birth date and the check
// character. It returns the normalised number and the Chinese rule it
// broke, if any.
func NormalizeIDNumber(s string) (string, string) {
	s = cleanID(s)
	if s == "" {
		return "", "必填"
	}
	if len(s) != 18 {
		if len(s) == 15 && allDigits(s) {
			return s, "应为18位（15位的一代身份证号码请换成18位号码）"
		}
		return s, "应为18位"
	}
	if !allDigits(s[:17]) {
		return s, "前17位应为数字"
	}
	if c := s[17]; c != 'X' && (c < '0' || c > '9') {
		return s, "第18位应为数字或 X"
	}
	if !provinces[s[:2]] {
		return s, "前6位不是有效的行政区划代码"
	}
	if _, ok := birthDate(s[6:14]); !ok {
		return s, "第7–14位不是有效的出生日期"
	}
	if want, _ := IDCheckChar(s[:17]); s[17] != want {
		return s, "校验位错误"
	}
	return s, ""
}

// cleanID drops spaces and makes full-width digits and X ASCII, as a
// number typed on a phone or pasted from a document may carry them.
func cleanID(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\u3000' || r == '\n' || r == '\r':
		case r >= '０' && r <= '９':
			b.WriteByte(byte('0' + r - '０'))
		case r == 'x' || r == 'Ｘ' || r == 'ｘ':
			b.WriteByte('X')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// birthDate reads YYYYMMDD as a real calendar date within the years an ID
// number may carry.
func birthDate(s string) (time.Time, bool) {
	if len(s) != 8 || !allDigits(s) {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", s)
	if err != nil || t.Year() < minBirthYear || t.Year() > maxBirthYear {
		return time.Time{}, false
	}
	return t, true
}

// IDBirthDate is the birth date (YYYY-MM-DD) of a valid ID number, or ""
// for one that is not.
func IDBirthDate(id string) string {
	if len(id) != 18 {
		return ""
	}
	t, ok := birthDate(id[6:14])
	if !ok {
		return ""
	}
	return t.Format("2006-01-02")
}

// IDMale reports whether a valid ID number is a man's: its sequence
// (the 17th digit) is odd.
func IDMale(id string) bool {
	return len(id) == 18 && (id[16]-'0')%2 == 1
}
