// Package fugong holds the shared kernel of the service: the error type every
// layer speaks, the acting user with their role and scope, and the clock.
package fugong

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // the service runs on Asia/Shanghai time even where the host has no zoneinfo
)

// Error codes, stable in the API and mapped to HTTP status in one table in web.
const (
	EInvalid      = "invalid"
	EUnauthorized = "unauthorized"
	EForbidden    = "forbidden"
	ENotFound     = "not_found"
	EConflict     = "conflict"
	ETooLarge     = "too_large"
	ERateLimited  = "rate_limited"
	EInternal     = "internal"
	// EUnavailable is the database down, unreachable or full: the request
	// may succeed later, and the operator must act.
	EUnavailable = "unavailable"
)

// Problem is one field that broke one rule.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the application error. Message is safe to show a user (Chinese);
// internal errors never carry detail here, only in the log.
type Error struct {
	Code    string
	Field   string
	Message string
	// Problems lists every field problem when a form broke several rules.
	Problems []Problem
	// RetryAfter, when set, is how long a refused caller should wait
	// before trying again (rate_limited, unavailable).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("fugong: %s: %s: %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("fugong: %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with code, field and a formatted message.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds an invalid-input error from field problems, or nil if there are none.
func Invalid(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Field: problems[0].Field, Message: problems[0].Message, Problems: problems}
}

// ErrorCode returns the code of an application error, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns the application error inside err, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// NotFound is the error for a record that does not exist or is out of scope:
// the two are deliberately indistinguishable.
func NotFound(what string) *Error {
	return Errorf(ENotFound, "", "%s不存在", what)
}

// Location is the bureau's time zone; "today" and deadlines are in it.
var Location = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}
