package registry

import (
	"regexp"
	"strings"
)

var (
	mobileRe   = regexp.MustCompile(`^1[3-9]\d{9}$`)
	landlineRe = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}(-\d{1,6})?$`)
)

// NormalizePhone accepts a mainland mobile (optionally +86) or a landline with
// area code and optional extension; it returns the normalised number and the
// Chinese rule it broke, if any.
func NormalizePhone(s string) (string, string) {
	s = strings.NewReplacer(" ", "", "　", "", "（", "", "）", "-", "(", "", ")", "-").Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return "", "必填"
	}
	if mobileRe.MatchString(s) || landlineRe.MatchString(s) {
		return s, ""
	}
	return s, "应为11位手机号或带区号的固定电话（如 0577-65812345）"
}

// MaskPhone hides the middle of a phone number, for logs and the like: a
// mobile keeps its first three and last four digits (138****5678), a
// landline its area code, its last four digits and its extension
// (0577-****2345-801). Anything else keeps only its last four digits.
func MaskPhone(s string) string {
	n, msg := NormalizePhone(s)
	switch {
	case msg == "" && mobileRe.MatchString(n):
		return n[:3] + "****" + n[7:]
	case msg == "" && landlineRe.MatchString(n):
		area, local, ext := splitLandline(n)
		return area + "-" + strings.Repeat("*", len(local)-4) + local[len(local)-4:] + ext
	}
	// Every digit but the last four, from the end.
	rs := []rune(s)
	seen := 0
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] >= '0' && rs[i] <= '9' {
			if seen++; seen > 4 {
				rs[i] = '*'
			}
		}
	}
	return string(rs)
}

// splitLandline splits a normalised landline into its area code, local
// number and extension (with its dash, or ""). Without a dash after it the
// area code is three digits for 010 and 02x, four for the others.
func splitLandline(n string) (area, local, ext string) {
	switch {
	case n[3] == '-':
		area, n = n[:3], n[4:]
	case n[4] == '-':
		area, n = n[:4], n[5:]
	case n[1] == '1' || n[1] == '2':
		area, n = n[:3], n[3:]
	default:
		area, n = n[:4], n[4:]
	}
	if i := strings.IndexByte(n, '-'); i >= 0 {
		n, ext = n[:i], n[i:]
	}
	return area, n, ext
}
