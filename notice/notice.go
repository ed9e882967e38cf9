// Package notice is M10, notices to enterprises (宣传 and 通知): a notice with
// its attachments goes to an audience (all firms, towns, a size class, 亩均
// classes or a list) through channels (the app, where the clerk sees it on
// the home page until read, and SMS to the firm's mobile through a
// pluggable sender), may require the clerk's acknowledgement (已阅并落实),
// and its coverage is counted per town and for the city ("宣传全覆盖").
//
// The SMS go through an outbox in the database (Dispatcher): every message
// is sent once whatever the number of instances, retried with backoff, its
// status kept.
package notice

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/files"
	"fugong/registry"
)

// Channels.
const (
	ChannelApp = "app" // the clerk's home page and inbox
	ChannelSMS = "sms" // a text to the firm's contact mobile
)

// Channels lists the channels in the order they are shown.
var Channels = []string{ChannelApp, ChannelSMS}

// ChannelNames are the Chinese names of the channels.
var ChannelNames = map[string]string{ChannelApp: "平台通知", ChannelSMS: "短信"}

// Limits on what a notice holds.
const (
	MaxTitleRunes   = 100
	MaxBodyRunes    = 5000
	MaxListed       = 10000 // enterprises named one by one
	MaxAttachments  = 5
	DefaultPerPage  = 20
	MaxPendingShown = 500
)

// Audience is who a notice goes to. It is one of three kinds: every
// enterprise (All); the enterprises matching every filter given (Towns,
// SizeClass, MujunClasses, intersected); or a list (Enterprises). A town
// official's audience is always within their town.
type Audience struct {
	All          bool     `json:"all"`
	Towns        []string `json:"towns"`
	SizeClass    string   `json:"size_class"`
	MujunClasses []string `json:"mujun_classes"`
	Enterprises  []string `json:"enterprises"`
}

// Filter reports whether the audience selects by filters.
func (a Audience) Filter() bool {
	return len(a.Towns) > 0 || a.SizeClass != "" || len(a.MujunClasses) > 0
}

// Normalize checks the audience and resolves towns to their codes and
// codes to their canonical form; problems name the field of each.
func (a *Audience) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: "audience." + field, Message: msg}) }
	kinds := 0
	for _, ok := range []bool{a.All, a.Filter(), len(a.Enterprises) > 0} {
		if ok {
			kinds++
		}
	}
	switch {
	case kinds == 0:
		bad("all", "请选择通知对象：全部企业、按乡镇街道/规模/亩均等级筛选，或指定企业")
		return ps
	case kinds > 1:
		bad("all", "“全部企业”、“按条件筛选”与“指定企业”只能选其一")
		return ps
	}
	var towns []string
	for _, t := range a.Towns {
		t = strings.TrimSpace(t)
		town, ok := registry.TownByNameOrCode(t)
		if !ok {
			bad("towns", "不是本市的乡镇街道："+t)
			continue
		}
		if !slices.Contains(towns, town.Code) {
			towns = append(towns, town.Code)
		}
	}
	a.Towns = towns
	switch a.SizeClass {
	case "", registry.SizeAbove, registry.SizeBelow:
	default:
		bad("size_class", "规模应为规上或规下")
	}
	var classes []string
	for _, c := range a.MujunClasses {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !slices.Contains(registry.MujunClasses, c) {
			bad("mujun_classes", "亩均等级应为 A、B、C、D："+c)
			continue
		}
		if !slices.Contains(classes, c) {
			classes = append(classes, c)
		}
	}
	a.MujunClasses = classes
	if len(a.Enterprises) > MaxListed {
		bad("enterprises", "指定企业最多 "+strconv.Itoa(MaxListed)+" 家，更多请按条件筛选")
		return ps
	}
	var codes []string
	for _, e := range a.Enterprises {
		code, msg := registry.NormalizeUSCC(e)
		if msg != "" {
			bad("enterprises", "统一社会信用代码"+msg+"："+e)
			continue
		}
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	a.Enterprises = codes
	return ps
}

// Describe says who the audience is, in Chinese: "全部企业", "塘下镇、仙降街道
// 规上企业（亩均 A、B 类）", "指定企业 12 家".
func (a Audience) Describe() string {
	switch {
	case a.All:
		return "全部企业"
	case len(a.Enterprises) > 0:
		return "指定企业 " + strconv.Itoa(len(a.Enterprises)) + " 家"
	}
	var b strings.Builder
	var names []string
	for _, code := range a.Towns {
		if t, ok := registry.TownByCode(code); ok {
			names = append(names, t.Name)
		}
	}
	b.WriteString(strings.Join(names, "、"))
	if a.SizeClass != "" {
		b.WriteString(registry.SizeNames[a.SizeClass])
	}
	b.WriteString("企业")
	if len(a.MujunClasses) > 0 {
		b.WriteString("（亩均 " + strings.Join(a.MujunClasses, "、") + " 类）")
	}
	return b.String()
}

// Input is a notice as composed, before it is checked.
type Input struct {
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	Audience    Audience `json:"audience"`
	Channels    []string `json:"channels"`
	RequiresAck bool     `json:"requires_ack"`
	// SMSText, if set, is what the SMS says instead of the title and body
	// (a long notice's short version).
	SMSText string `json:"sms_text"`
}

// Notice is a notice as sent.
type Notice struct {
	ID          int64        `json:"id"`
	Title       string       `json:"title"`
	Body        string       `json:"body"`
	SMSText     string       `json:"sms_text"`
	Audience    Audience     `json:"audience"`
	Channels    []string     `json:"channels"`
	RequiresAck bool         `json:"requires_ack"`
	SenderGroup fugong.Group `json:"sender_group,omitempty"`
	SenderTown  string       `json:"sender_town,omitempty"`
	Recipients  int          `json:"recipients"`
	CreatedBy   string       `json:"created_by"`
	CreatedAt   time.Time    `json:"created_at"`
	Files       []files.File `json:"attachments"`
}

// Has reports whether the notice goes through channel c.
func (n Notice) Has(c string) bool { return slices.Contains(n.Channels, c) }

// AudienceText says who the notice went to: a town's "all" is its firms.
func (n Notice) AudienceText() string {
	if t, ok := registry.TownByCode(n.SenderTown); ok && n.Audience.All {
		return t.Name + "全部企业"
	}
	return n.Audience.Describe()
}

// Sender names who sent it: a work group, a town or the administrator.
func (n Notice) Sender() string {
	switch {
	case n.SenderTown != "":
		if t, ok := registry.TownByCode(n.SenderTown); ok {
			return t.Name
		}
	case n.SenderGroup != "":
		return fugong.GroupNames[n.SenderGroup]
	}
	return "经信局"
}

// Draft is a checked notice with its SMS text, ready to store.
type Draft struct {
	Notice
	Uploads []files.Upload
	Types   []string // each upload's checked content type
}

// cleanText trims s and checks it is valid text of at most limit runes.
func cleanText(field, label, s string, limit int, required bool) (string, *fugong.Problem) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return s, &fugong.Problem{Field: field, Message: label + "含有无效字符"}
	case required && s == "":
		return s, &fugong.Problem{Field: field, Message: label + "必填"}
	case utf8.RuneCountInString(s) > limit:
		return s, &fugong.Problem{Field: field, Message: label + "不能超过 " + strconv.Itoa(limit) + " 个字"}
	}
	return s, nil
}

// Check validates a composed notice against the SMS settings and returns
// it as a draft. Every problem is reported at once.
func Check(in Input, uploads []files.Upload, set SMSSettings) (Draft, error) {
	var ps []fugong.Problem
	add := func(p *fugong.Problem) {
		if p != nil {
			ps = append(ps, *p)
		}
	}
	d := Draft{Notice: Notice{Audience: in.Audience, RequiresAck: in.RequiresAck}}
	var p *fugong.Problem
	d.Title, p = cleanText("title", "标题", in.Title, MaxTitleRunes, true)
	add(p)
	if strings.ContainsAny(d.Title, "\n") {
		ps = append(ps, fugong.Problem{Field: "title", Message: "标题不能换行"})
	}
	d.Body, p = cleanText("body", "正文", in.Body, MaxBodyRunes, true)
	add(p)
	d.SMSText, p = cleanText("sms_text", "短信内容", in.SMSText, set.MaxRunes, false)
	add(p)
	ps = append(ps, d.Audience.Normalize()...)
	for _, c := range in.Channels {
		if !slices.Contains(Channels, c) {
			ps = append(ps, fugong.Problem{Field: "channels", Message: "渠道应为平台通知或短信"})
		} else if !slices.Contains(d.Channels, c) {
			d.Channels = append(d.Channels, c)
		}
	}
	if len(in.Channels) == 0 {
		ps = append(ps, fugong.Problem{Field: "channels", Message: "请至少选择一个发送渠道"})
	}
	slices.SortFunc(d.Channels, func(x, y string) int { return slices.Index(Channels, x) - slices.Index(Channels, y) })
	if len(uploads) > MaxAttachments {
		ps = append(ps, fugong.Problem{Field: "attachment", Message: "附件最多 " + strconv.Itoa(MaxAttachments) + " 个"})
	}
	for _, u := range uploads {
		ctype, err := files.Check("attachment", u, files.Document)
		if err != nil {
			if e := fugong.AsError(err); e != nil && e.Code == fugong.ETooLarge {
				return Draft{}, err
			}
			ps = append(ps, fugong.Problem{Field: "attachment", Message: fugong.AsError(err).Message})
			continue
		}
		d.Uploads = append(d.Uploads, u)
		d.Types = append(d.Types, ctype)
	}
	if d.Has(ChannelSMS) && len(ps) == 0 {
		if n := utf8.RuneCountInString(set.Text(d.Notice)); n > set.MaxRunes {
			field := "body"
			if d.SMSText != "" {
				field = "sms_text"
			}
			ps = append(ps, fugong.Problem{Field: field, Message: "短信内容（含签名）共 " + strconv.Itoa(n) +
				" 个字，超过短信网关上限 " + strconv.Itoa(set.MaxRunes) + " 个字：请填写较短的短信内容，或只发平台通知"})
		}
	}
	if err := fugong.Invalid(ps); err != nil {
		return Draft{}, err
	}
	return d, nil
}
