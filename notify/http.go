package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/template"
	"unicode/utf8"
)

// HTTPSender sends each message as one request to an SMS gateway: a real
// gateway is plugged in by its URL, headers and a body template, without
// code. A 2xx answer is sent; anything else, or no answer in time, is a
// *GatewayError.
type HTTPSender struct {
	URL         string
	Method      string // POST unless set
	Headers     map[string]string
	ContentType string
	// Body is the request body, executed with BodyFields (ParseBody).
	Body   *template.Template
	Client *http.Client // its Timeout bounds a request
}

// BodyFields are what a body template reads: {{.Phone}}, {{.Text}},
// {{.Key}} (the message's idempotency key: a gateway that drops a key it
// has seen makes a retry after a time-out harmless), {{.Kind}}, {{.USCC}},
// {{.Name}}. {{json .Text}} writes a JSON string, {{urlquery .Text}} a form
// value.
type BodyFields = Message

// DefaultBody is a JSON body with the phone, the text and the key.
const DefaultBody = `{"phone": {{json .Phone}}, "text": {{json .Text}}, "id": {{json .Key}}}`

var bodyFuncs = template.FuncMap{
	"json": func(s string) (string, error) {
		b, err := json.Marshal(s)
		return string(b), err
	},
	"urlquery": url.QueryEscape,
}

// ParseBody parses a body template and tries it on a sample message, so
// that a template that cannot run is refused when it is set, not at the
// first message.
func ParseBody(s string) (*template.Template, error) {
	t, err := template.New("body").Funcs(bodyFuncs).Option("missingkey=error").Parse(s)
	if err != nil {
		return nil, err
	}
	if err := t.Execute(io.Discard, Message{Kind: "notice", USCC: "x", Name: "x", Phone: "13900000000", Text: "x", Key: "x"}); err != nil {
		return nil, err
	}
	return t, nil
}

// GatewayError is a message the gateway did not take: its HTTP status (0
// for none: a time-out or a refused connection) and what it answered.
// Temporary errors (no answer, 408, 429, 5xx) may succeed later; the
// others will not.
type GatewayError struct {
	Status    int
	Answer    string
	Temporary bool
}

func (e *GatewayError) Error() string {
	if e.Status == 0 {
		return "notify: gateway: " + e.Answer
	}
	return fmt.Sprintf("notify: gateway: HTTP %d: %s", e.Status, e.Answer)
}

// maxAnswer is how much of a gateway's answer is kept.
const maxAnswer = 500

// Send posts one message.
func (s *HTTPSender) Send(ctx context.Context, m Message) error {
	var body bytes.Buffer
	if s.Body != nil {
		if err := s.Body.Execute(&body, m); err != nil {
			return &GatewayError{Answer: "请求体模板出错：" + err.Error()}
		}
	}
	method := s.Method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL, &body)
	if err != nil {
		return &GatewayError{Answer: err.Error()}
	}
	if s.ContentType != "" {
		req.Header.Set("Content-Type", s.ContentType)
	}
	for k, v := range s.Headers {
		req.Header.Set(k, v)
	}
	if m.Key != "" && req.Header.Get("Idempotency-Key") == "" {
		req.Header.Set("Idempotency-Key", m.Key)
	}
	c := s.Client
	if c == nil {
		c = http.DefaultClient
	}
	res, err := c.Do(req)
	if err != nil {
		answer := "网关无应答"
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			answer = "网关超时未应答"
		} else if errors.Is(err, context.Canceled) {
			answer = "发送已取消"
		}
		return &GatewayError{Answer: answer + "（" + err.Error() + "）", Temporary: true}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return nil
	}
	temp := res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusRequestTimeout
	return &GatewayError{Status: res.StatusCode, Answer: Clip(strings.TrimSpace(string(b)), maxAnswer), Temporary: temp}
}

// Clip cuts s to at most n runes of valid UTF-8.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "�")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
