package notice

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/notify"
)

// SMSSettingsKey is the SMS settings' key in the settings table.
const SMSSettingsKey = "sms_gateway"

// SMSSettings are how the SMS are written and sent: the signature they
// start with, the gateway's limit on a message, and the gateway (none: the
// log sender, which only logs with phones masked). The admin sets them;
// the sender loops read them before every batch, so a gateway is plugged
// in without code or a restart.
type SMSSettings struct {
	Signature string `json:"signature"`
	// MaxRunes is the longest text the gateway takes, signature included.
	// A notice whose SMS is longer is refused (not split): the gateway
	// splits a long text into its own segments, and a notice too long for
	// one text is sent with a short SMS text of its own.
	MaxRunes int     `json:"max_runes"`
	Gateway  Gateway `json:"gateway"`
}

// Gateway is an HTTP SMS gateway: where to send, the headers, and the body
// as a template (notify.BodyFields are its fields).
type Gateway struct {
	URL            string            `json:"url"`
	Method         string            `json:"method"`
	Headers        map[string]string `json:"headers"`
	ContentType    string            `json:"content_type"`
	Body           string            `json:"body"`
	TimeoutSeconds int               `json:"timeout_seconds"`
}

// SMSDefaults are the settings until the admin changes them: no gateway.
var SMSDefaults = SMSSettings{Signature: "【瑞安经信】", MaxRunes: 500, Gateway: Gateway{Method: http.MethodPost,
	ContentType: "application/json", Body: notify.DefaultBody, TimeoutSeconds: 10}}

// Limits of the settings.
const (
	MaxSignatureRunes = 20
	MinSMSRunes       = 70 // one segment of a Chinese text
	MaxSMSRunes       = 1000
	MaxTimeoutSeconds = 60
)

// ParseSMSSettings reads stored settings over the defaults.
func ParseSMSSettings(v string) (SMSSettings, error) {
	s := SMSDefaults
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return SMSSettings{}, fmt.Errorf("notice: stored %s: %w", SMSSettingsKey, err)
	}
	return s, nil
}

// Normalize checks the settings, filling the defaults of what is left
// empty.
func (s *SMSSettings) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) { ps = append(ps, fugong.Problem{Field: field, Message: msg}) }
	s.Signature = strings.TrimSpace(s.Signature)
	if utf8.RuneCountInString(s.Signature) > MaxSignatureRunes {
		bad("signature", "短信签名不能超过 "+strconv.Itoa(MaxSignatureRunes)+" 个字")
	}
	if s.MaxRunes == 0 {
		s.MaxRunes = SMSDefaults.MaxRunes
	}
	if s.MaxRunes < MinSMSRunes || s.MaxRunes > MaxSMSRunes {
		bad("max_runes", fmt.Sprintf("短信字数上限应在 %d–%d 之间", MinSMSRunes, MaxSMSRunes))
	}
	g := &s.Gateway
	g.URL = strings.TrimSpace(g.URL)
	if g.URL != "" {
		u, err := url.Parse(g.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("gateway.url", "短信网关地址应为 http:// 或 https:// 开头的网址")
		}
	}
	g.Method = strings.ToUpper(strings.TrimSpace(g.Method))
	if g.Method == "" {
		g.Method = http.MethodPost
	}
	if !slices.Contains([]string{http.MethodPost, http.MethodPut, http.MethodGet}, g.Method) {
		bad("gateway.method", "请求方法应为 POST、PUT 或 GET")
	}
	for k, v := range g.Headers {
		if !validHeaderName(k) || strings.ContainsAny(v, "\r\n") {
			bad("gateway.headers", "请求头无效："+k)
		}
	}
	g.ContentType = strings.TrimSpace(g.ContentType)
	if g.ContentType == "" {
		g.ContentType = SMSDefaults.Gateway.ContentType
	}
	if strings.TrimSpace(g.Body) == "" {
		g.Body = SMSDefaults.Gateway.Body
	}
	if _, err := notify.ParseBody(g.Body); err != nil {
		bad("gateway.body", "请求体模板有误："+err.Error())
	}
	if g.TimeoutSeconds == 0 {
		g.TimeoutSeconds = SMSDefaults.Gateway.TimeoutSeconds
	}
	if g.TimeoutSeconds < 1 || g.TimeoutSeconds > MaxTimeoutSeconds {
		bad("gateway.timeout_seconds", fmt.Sprintf("网关超时应为 1–%d 秒", MaxTimeoutSeconds))
	}
	return ps
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Timeout is how long a request to the gateway may take.
func (s SMSSettings) Timeout() time.Duration {
	return time.Duration(s.Gateway.TimeoutSeconds) * time.Second
}

// Sender is the sender the settings name: the HTTP gateway, or the log
// sender when no gateway is set.
func (s SMSSettings) Sender(log notify.Sender) (notify.Sender, error) {
	if s.Gateway.URL == "" {
		return log, nil
	}
	body, err := notify.ParseBody(s.Gateway.Body)
	if err != nil {
		return nil, err
	}
	return &notify.HTTPSender{URL: s.Gateway.URL, Method: s.Gateway.Method, Headers: s.Gateway.Headers,
		ContentType: s.Gateway.ContentType, Body: body, Client: &http.Client{Timeout: s.Timeout()}}, nil
}

// Text is the SMS of a notice: its signature, then its own SMS text or its
// title and body.
func (s SMSSettings) Text(n Notice) string {
	if n.SMSText != "" {
		return s.Signature + n.SMSText
	}
	return s.Signature + "《" + n.Title + "》" + n.Body
}

// ReminderText is the SMS that reminds a firm of a notice.
func (s SMSSettings) ReminderText(n Notice) string {
	do := "阅读"
	if n.RequiresAck {
		do = "阅读并确认"
	}
	return s.Signature + "提醒：请登录复工复产平台" + do + "通知《" + n.Title + "》。"
}
