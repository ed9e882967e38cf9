package briefing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
)

// The work groups' day: each of the five groups files a short summary and
// its own figures (日日报 一步不漏), filled in advance from the sections of
// the modules it owns and edited by its members; the group leader marks it
// final, after which it changes only when the leader reopens it.

// Limits of a group's day.
const (
	MaxSummaryRunes = 2000
	MaxFigures      = 40
	MaxLabelRunes   = 30
	MaxValueRunes   = 100
)

// ParseGroup reads a group from a path ("statistics").
func ParseGroup(s string) (fugong.Group, bool) {
	g := fugong.Group(s)
	return g, slices.Contains(fugong.Groups, g)
}

// Figures are a group's figures in their order: a JSON object whose
// values are numbers or short texts.
type Figures []GroupFigure

// GroupFigure is one of a group's figures.
type GroupFigure struct {
	Label string
	Value any // float64 or string
}

// MarshalJSON writes the figures as one object, in order.
func (fs Figures) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Label)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object of figures, keeping their order. A value
// that is neither a number nor a text is refused.
func (fs *Figures) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if tok == nil {
			*fs = nil
			return nil
		}
		return fugong.Errorf(fugong.EInvalid, "figures", "figures 应为对象：{\"名称\": 数值}")
	}
	out := Figures{}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		label, _ := k.(string)
		v, err := dec.Token()
		if err != nil {
			return err
		}
		switch v := v.(type) {
		case json.Number:
			f, err := v.Float64()
			if err != nil {
				return fugong.Errorf(fugong.EInvalid, "figures", "“%s”的数值无效", label)
			}
			out = append(out, GroupFigure{label, f})
		case string:
			out = append(out, GroupFigure{label, v})
		default:
			return fugong.Errorf(fugong.EInvalid, "figures", "“%s”应为数字或文字", label)
		}
	}
	*fs = out
	return nil
}

// Normalize checks the figures: at most MaxFigures, each labelled once,
// numbers finite, texts short.
func (fs Figures) Normalize() (Figures, []fugong.Problem) {
	var ps []fugong.Problem
	bad := func(msg string) { ps = append(ps, fugong.Problem{Field: "figures", Message: msg}) }
	if len(fs) > MaxFigures {
		bad("数据项最多 " + strconv.Itoa(MaxFigures) + " 项")
		return fs, ps
	}
	out := Figures{}
	seen := map[string]bool{}
	for _, f := range fs {
		f.Label = strings.TrimSpace(f.Label)
		switch {
		case f.Label == "" || !utf8.ValidString(f.Label) || utf8.RuneCountInString(f.Label) > MaxLabelRunes:
			bad("数据项名称应为 1–" + strconv.Itoa(MaxLabelRunes) + " 个字")
			continue
		case seen[f.Label]:
			bad("数据项“" + f.Label + "”重复")
			continue
		}
		seen[f.Label] = true
		switch v := f.Value.(type) {
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e12 {
				bad("“" + f.Label + "”的数值超出范围")
				continue
			}
		case string:
			v = strings.TrimSpace(v)
			if !utf8.ValidString(v) || utf8.RuneCountInString(v) > MaxValueRunes {
				bad("“" + f.Label + "”的文字不能超过 " + strconv.Itoa(MaxValueRunes) + " 个字")
				continue
			}
			f.Value = v
		default:
			bad("“" + f.Label + "”应为数字或文字")
			continue
		}
		out = append(out, f)
	}
	return out, ps
}

// Text writes a figure's value.
func (f GroupFigure) Text() string {
	switch v := f.Value.(type) {
	case float64:
		return FormatNumber(v)
	case string:
		return v
	}
	return fmt.Sprint(f.Value)
}

// GroupDay is one group's day.
type GroupDay struct {
	Group   fugong.Group `json:"group"`
	Name    string       `json:"name"`
	Date    string       `json:"date"`
	Summary string       `json:"summary"`
	Figures Figures      `json:"figures"`
	// Filed is false for a day not yet filed: its summary and figures are
	// the ones filled in advance from the group's modules.
	Filed     bool       `json:"filed"`
	Final     bool       `json:"final"`
	FinalBy   string     `json:"final_by,omitempty"`
	FinalAt   *time.Time `json:"final_at,omitempty"`
	Version   int        `json:"version"`
	UpdatedBy string     `json:"updated_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// DayInput is a group's day as filed.
type DayInput struct {
	Summary string  `json:"summary"`
	Figures Figures `json:"figures"`
}

// Normalize checks a filed day.
func (in *DayInput) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	in.Summary = strings.TrimSpace(strings.ReplaceAll(in.Summary, "\r\n", "\n"))
	switch {
	case in.Summary == "":
		ps = append(ps, fugong.Problem{Field: "summary", Message: "工作小结必填"})
	case !utf8.ValidString(in.Summary) || strings.ContainsRune(in.Summary, 0):
		ps = append(ps, fugong.Problem{Field: "summary", Message: "工作小结含有无效字符"})
	case utf8.RuneCountInString(in.Summary) > MaxSummaryRunes:
		ps = append(ps, fugong.Problem{Field: "summary", Message: "工作小结不能超过 " + strconv.Itoa(MaxSummaryRunes) + " 个字"})
	}
	var fps []fugong.Problem
	in.Figures, fps = in.Figures.Normalize()
	return append(ps, fps...)
}

// CanRead reports whether the actor reads the groups' days: the bureau
// and the admin.
func CanRead(a fugong.Actor) bool { return a.CityWide() }

// CanFile reports whether the actor files group g's day: its members and
// the admin.
func CanFile(a fugong.Actor, g fugong.Group) bool { return a.WritesFor(g) }

// CanFinalize reports whether the actor marks group g's day final (or
// reopens it): its leader and the admin.
func CanFinalize(a fugong.Actor, g fugong.Group) bool {
	return a.Role == fugong.RoleAdmin || (a.Role == fugong.RoleBureau && a.Group == g && a.GroupLeader)
}

// CanIssue reports whether the actor issues the briefing: the
// coordination group (综合协调组, which compiles it) and the admin.
func CanIssue(a fugong.Actor) bool { return a.WritesFor(fugong.GroupCoordination) }

// Prefill is a group's day filled in advance from the sections of the
// modules it owns: their headline sentences and figures.
func Prefill(g fugong.Group, date string, sections []Section) GroupDay {
	d := GroupDay{Group: g, Name: fugong.GroupNames[g], Date: date, Figures: Figures{}}
	var lines []string
	for _, s := range sections {
		if s.Group != g {
			continue
		}
		lines = append(lines, s.Headline...)
		for _, f := range s.Figures {
			label := f.Label
			if f.Unit != "" && f.Unit != "%" {
				label += "（" + f.Unit + "）"
			} else if f.Unit == "%" {
				label += "（%）"
			}
			d.Figures = append(d.Figures, GroupFigure{Label: label, Value: f.Value})
		}
	}
	d.Summary = strings.Join(lines, "\n")
	return d
}
