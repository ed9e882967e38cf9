// Package notify sends short messages to enterprises: the daily report's
// reminders and the notices. A Sender is the channel: LogSender, the
// default, only logs what it would send, with the phone numbers masked;
// HTTPSender posts to an SMS gateway set by its URL, headers and a body
// template.
package notify

import (
	"context"
	"log/slog"

	"fugong/pii"
	"fugong/registry"
)

// Message is one message to one enterprise.
type Message struct {
	// Kind names what the message is ("reminder", "notice"): a gateway
	// picks its template by it, the log sender logs it.
	Kind  string
	USCC  string
	Name  string
	Phone string
	Text  string
	// Key identifies the message across retries (an outbox row), for a
	// gateway that drops what it has already taken; "" for none.
	Key string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender is the default sender: it only logs what it would send. Logs
// travel further than the database, so the phone is masked
// (maskPhone).
type LogSender struct{ Logger *slog.Logger }

// Send logs the message, under its kind.
func (s LogSender) Send(ctx context.Context, m Message) error {
	l := s.Logger
	if l == nil {
		l = slog.Default()
	}
	kind := m.Kind
	if kind == "" {
		kind = "message"
	}
	l.InfoContext(ctx, kind, "uscc", m.USCC, "name", m.Name, "phone", maskPhone(m.Phone), "text", m.Text)
	return nil
}

// maskPhone is pii.MaskPhone, the one mask of phone numbers, of the number
// as the registry normalises it: "+86 138 1234 5678" and "(0577)65812345"
// mask as the mobile and the landline they are.
func maskPhone(phone string) string {
	if n, msg := registry.NormalizePhone(phone); msg == "" {
		phone = n
	}
	return pii.MaskPhone(phone)
}
