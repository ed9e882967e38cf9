package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"fugong"
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

// publicError turns any error into one that is safe to show: application
// errors as they are, everything else as a bare internal error (the detail
// goes to the log).
func (s *Server) publicError(r *http.Request, err error) *fugong.Error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fugong.Errorf(fugong.ETooLarge, "", "请求内容超过 %d 字节上限", mbe.Limit)
	}
	if e := fugong.AsError(err); e != nil && e.Code != fugong.EInternal {
		return e
	}
	s.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	return &fugong.Error{Code: fugong.EInternal, Message: "内部错误"}
}

type errorBody struct {
	Code     string           `json:"code"`
	Field    string           `json:"field,omitempty"`
	Message  string           `json:"message"`
	Problems []fugong.Problem `json:"problems,omitempty"`
	Rows     any              `json:"rows,omitempty"`
}

// writeError answers an API request with {"error": {...}}.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
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
