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
