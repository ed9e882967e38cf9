package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"fugong/notify"
)

// The log sender logs the message with the phone masked: a log holds no
// phone number in clear.
func TestLogSenderMasksPhones(t *testing.T) {
	tests := []struct{ phone, masked string }{
		{"13957712345", "139****2345"},
		{"+86 139 5771 2345", "139****2345"},
		{"0577-65812345", "0577-****2345"},
		{"057765812345", "0577-****2345"},
		{"0577-65812345-801", "0577-****2345-801"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		s := notify.LogSender{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
		m := notify.Message{Kind: "reminder", USCC: "91330381MA2CXXXX1X", Name: "甲公司", Phone: tt.phone, Text: "请于16:00前登录复工复产平台填报。"}
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		log := buf.String()
		for _, want := range []string{`"msg":"reminder"`, `"uscc":"91330381MA2CXXXX1X"`, `"name":"甲公司"`, `"phone":"` + tt.masked + `"`, "请于16:00前登录复工复产平台填报"} {
			if !strings.Contains(log, want) {
				t.Errorf("log %s lacks %s", log, want)
			}
		}
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, tt.phone)
		for _, clear := range []string{tt.phone, digits, digits[len(digits)-8:]} {
			if strings.Contains(log, clear) {
				t.Errorf("log %s holds the phone %s in clear", log, clear)
			}
		}
	}
}

// Without a logger or a kind it logs a "message" to the default logger.
func TestLogSenderDefaults(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	defer slog.SetDefault(prev)
	if err := (notify.LogSender{}).Send(context.Background(), notify.Message{Phone: "13957712345", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if log := buf.String(); !strings.Contains(log, `"msg":"message"`) || !strings.Contains(log, `"phone":"139****2345"`) {
		t.Errorf("log %s", log)
	}
}
