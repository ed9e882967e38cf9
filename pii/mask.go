package pii

import (
	"strings"
	"unicode/utf8"
)

// MaskID shows an ID number as its first 6 and last 4 characters, the
// rest as stars: 330381********1234. Anything shorter than 10 characters is
// all stars.
func MaskID(id string) string {
	rs := []rune(id)
	if len(rs) < 10 {
		return strings.Repeat("*", len(rs))
	}
	return string(rs[:6]) + strings.Repeat("*", len(rs)-10) + string(rs[len(rs)-4:])
}

// MaskPhone shows a phone number with its middle hidden: a mobile as
// 138****5678, a landline with its area code and last 4 digits
// (0577-****2345, an extension kept). Any other text keeps at most its last
// 4 digits, and none when it has fewer than 8.
//
// A phone already masked so (at most 4 digits before the stars and 4
// after, an extension apart) comes back as it is: masking is idempotent,
// so a masked record passed through RedactJSON keeps its last digits.
func MaskPhone(phone string) string {
	if maskedPhone(phone) {
		return phone
	}
	s := strings.TrimSpace(phone)
	prefix := ""
	for _, p := range []string{"+86", "0086"} {
		if strings.HasPrefix(s, p) {
			prefix, s = p, s[len(p):]
			if strings.HasPrefix(s, "-") || strings.HasPrefix(s, " ") {
				prefix, s = prefix+s[:1], s[1:]
			}
			break
		}
	}
	if len(s) == 11 && s[0] == '1' && allDigits(s) {
		return prefix + s[:3] + "****" + s[7:]
	}
	if m, ok := maskLandline(s); ok {
		return prefix + m
	}
	return prefix + maskDigits(s)
}

// maskedPhone reports whether s is a phone as MaskPhone writes it: three
// stars or more, at most 4 digits before them (after a +86 or 0086) and
// at most 4 after (before an extension).
func maskedPhone(s string) bool {
	s = strings.TrimSpace(s)
	i, j := strings.IndexByte(s, '*'), strings.LastIndexByte(s, '*')
	if i < 0 || strings.Count(s[i:j+1], "*") < 3 {
		return false
	}
	before, after := s[:i], s[j+1:]
	for _, p := range []string{"+86", "0086"} {
		before = strings.TrimPrefix(before, p)
	}
	if k := strings.IndexByte(after, '-'); k > 0 {
		after = after[:k]
	}
	count := func(t string) int {
		n := 0
		for _, r := range t {
			if isDigit(r) {
				n++
			}
		}
		return n
	}
	return count(before) <= 4 && count(after) <= 4
}

// maskLandline masks 0AA(A)[-]NNNNNNN(N)[-EXT]: the area code is 3 digits
// for 010 and 02x, 4 for the rest; the subscriber number keeps its last 4.
func maskLandline(s string) (string, bool) {
	if len(s) < 10 || s[0] != '0' {
		return "", false
	}
	n := 4
	if strings.HasPrefix(s, "010") || strings.HasPrefix(s, "02") {
		n = 3
	}
	area, rest := s[:n], s[n:]
	sep := ""
	if strings.HasPrefix(rest, "-") {
		sep, rest = "-", rest[1:]
	}
	sub, ext := rest, ""
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		sub, ext = rest[:i], rest[i:]
		if len(ext) < 2 || len(ext) > 7 || !allDigits(ext[1:]) {
			return "", false
		}
	}
	if !allDigits(area) || len(sub) < 7 || len(sub) > 8 || !allDigits(sub) {
		return "", false
	}
	return area + sep + strings.Repeat("*", len(sub)-4) + sub[len(sub)-4:] + ext, true
}

// maskDigits stars every digit but the last 4, or every digit when there
// are fewer than 8.
func maskDigits(s string) string {
	digits := 0
	for _, r := range s {
		if isDigit(r) {
			digits++
		}
	}
	keep := 0
	if digits >= 8 {
		keep = 4
	}
	var b strings.Builder
	b.Grow(len(s))
	seen := 0
	for _, r := range s {
		if isDigit(r) {
			seen++
			if seen <= digits-keep {
				b.WriteByte('*')
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isDigit is an ASCII or full-width digit.
func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// asciiDigit maps a full-width digit or X to ASCII.
func asciiDigit(r rune) byte {
	switch {
	case r >= '０' && r <= '９':
		return byte('0' + r - '０')
	case r == 'x' || r == 'Ｘ' || r == 'ｘ':
		return 'X'
	case r < utf8.RuneSelf:
		return byte(r)
	}
	return '?'
}
