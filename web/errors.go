package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"fugong"
	"fugong/store"
)

// statusOf maps every error code to its HTTP status; unknown errors are 500.
var statusOf = map[string]int{
	fugong.EInvalid:      http.StatusBadRequest,
	fugong.EUnauthorized: http.StatusUnauthorized,
	fugong.EForbidden:    http.StatusForbidden,
	fugong.ENotFound:     http.StatusNotFound,
	fugong.EConflict:     http.StatusConflict,
	fugong.ETooLarge:     http.StatusRequestEntityTooLarge,
	fugong.ERateLimited:  http.StatusTooManyRequests,
	fugong.EUnavailable:  http.StatusServiceUnavailable,
	fugong.EInternal:     http.StatusInternalServerError,
}

// retryUnavailable is the Retry-After of a 503 that does not set its own
// (statusWriter): long enough for a restarted database or a freed disk,
// short enough for a user waiting.
const retryUnavailable = "30"

// publicError turns any error into one that is safe to show: application
// errors as they are, the database down or full as unavailable, everything
// else as a bare internal error (the detail goes to the log).
func (s *Server) publicError(r *http.Request, err error) *fugong.Error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fugong.Errorf(fugong.ETooLarge, "", "请求内容超过 %d 字节上限", mbe.Limit)
	}
	if e := fugong.AsError(err); e != nil && e.Code != fugong.EInternal {
		return e
	}
	if class, ok := store.Unavailable(err); ok {
		s.Logger.Error("database unavailable", "method", r.Method, "path", r.URL.Path, "class", class, "err", err)
		return &fugong.Error{Code: fugong.EUnavailable, Message: unavailableMessage(class)}
	}
	s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	return &fugong.Error{Code: fugong.EInternal, Message: "内部错误"}
}

// unavailableMessage tells a user what a failure of the database means for
// them: nothing they did, try again later; a full disk needs the operator.
func unavailableMessage(class string) string {
	switch class {
	case store.ClassFull:
		return "数据库存储空间已满，本次提交未保存。请通知系统管理员，稍后再试"
	case store.ClassBusy:
		return "数据库繁忙，本次操作未完成，请稍后再试"
	}
	return "数据库暂时无法访问，本次操作未完成，请稍后再试"
}

type errorBody struct {
	Code     string           `json:"code"`
	Field    string           `json:"field,omitempty"`
	Message  string           `json:"message"`
	Problems []fugong.Problem `json:"problems,omitempty"`
	Rows     any              `json:"rows,omitempty"`
}

// statusClientGone is the request log's status of a request whose client
// hung up before its answer (nginx's 499): nothing is sent, and nothing
// failed on the server's side.
const statusClientGone = 499

// clientGone reports whether err is the request's own cancellation, the
// client having hung up, and if so logs it as such and records the status.
func (s *Server) clientGone(w http.ResponseWriter, r *http.Request, err error) bool {
	if r.Context().Err() == nil || !(errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return false
	}
	s.Logger.Info("client gone", "method", r.Method, "path", r.URL.Path)
	w.WriteHeader(statusClientGone)
	return true
}

// writeError answers an API request with {"error": {...}}.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if s.clientGone(w, r, err) {
		return
	}
	e := s.publicError(r, err)
	setRetryAfter(w, e)
	writeJSON(w, statusOf[e.Code], map[string]errorBody{"error": {Code: e.Code, Field: e.Field, Message: e.Message, Problems: e.Problems}})
}

// setRetryAfter tells a refused client when to come back, in whole seconds.
func setRetryAfter(w http.ResponseWriter, e *fugong.Error) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
