package registry

import (
	"strings"

	"fugong"
)

// Page sizes for lists.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
)

// Filter selects enterprises in a list or an export.
type Filter struct {
	Town       string
	SizeClass  string
	MujunClass string
	Status     string
	Q          string // part of the name, or the start of the USCC
	Name       string // the exact name
	Page       int    // 1-based; 0 means all (exports)
	PerPage    int
}

// Normalize checks the filter and fills in defaults.
func (f *Filter) Normalize() error {
	var ps []fugong.Problem
	f.Q = strings.TrimSpace(f.Q)
	if len([]rune(f.Q)) > 100 {
		ps = append(ps, fugong.Problem{Field: "q", Message: "搜索词过长"})
	}
	if f.Town != "" {
		if t, ok := TownByNameOrCode(f.Town); ok {
			f.Town = t.Code
		} else {
			ps = append(ps, fugong.Problem{Field: "town", Message: "不是本市的乡镇街道"})
		}
	}
	if f.SizeClass != "" && f.SizeClass != SizeAbove && f.SizeClass != SizeBelow {
		ps = append(ps, fugong.Problem{Field: "size_class", Message: "应为规上或规下"})
	}
	if f.MujunClass != "" && !strings.Contains("ABCD", f.MujunClass) || len(f.MujunClass) > 1 {
		ps = append(ps, fugong.Problem{Field: "mujun_class", Message: "应为 A、B、C 或 D"})
	}
	if _, ok := StatusNames[f.Status]; f.Status != "" && !ok {
		ps = append(ps, fugong.Problem{Field: "status", Message: "应为在营或停业/注销"})
	}
	if f.Page < 0 {
		ps = append(ps, fugong.Problem{Field: "page", Message: "页码应为正整数"})
	}
	if f.PerPage < 0 || f.PerPage > MaxPerPage {
		ps = append(ps, fugong.Problem{Field: "per_page", Message: "每页条数应在 1–500 之间"})
	}
	if f.PerPage == 0 {
		f.PerPage = DefaultPerPage
	}
	return fugong.Invalid(ps)
}
