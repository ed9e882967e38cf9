package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/account"
)

// decodeJSON reads a bounded JSON body into v, refusing unknown fields, and
// names the offending field in the error where it can.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		return err
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if len(bytes.TrimSpace(body[dec.InputOffset():])) > 0 {
		return fugong.Errorf(fugong.EInvalid, "", "请求体只能包含一个 JSON 对象")
	}
	return nil
}

// isMultipart reports whether the request body is a multipart form.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// decodeStrict reads one JSON object from data into v, refusing unknown fields.
func decodeStrict(data []byte, v any) error {
	if err := checkJSONText(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return fugong.Errorf(fugong.EInvalid, "", "只能包含一个 JSON 对象")
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case fugong.AsError(err) != nil:
		return err // a type's own UnmarshalJSON said what is wrong
	case errors.As(err, &se), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fugong.Errorf(fugong.EInvalid, "", "请求体不是有效的 JSON")
	case errors.As(err, &te):
		return fugong.Errorf(fugong.EInvalid, te.Field, "字段 %s 的类型应为 %s", te.Field, te.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no typed error for this; the field name is quoted at the end.
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return fugong.Errorf(fugong.EInvalid, f, "未知字段 %s", f)
	}
	return fugong.Errorf(fugong.EInvalid, "", "请求体无法解析")
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fugong.Errorf(fugong.EInvalid, name, "%s 应为非负整数", name)
	}
	return n, nil
}

// listPage reads the page and per_page query parameters.
func listPage(r *http.Request) (page, perPage int, err error) {
	if page, err = queryInt(r, "page"); err != nil {
		return 0, 0, err
	}
	perPage, err = queryInt(r, "per_page")
	return page, perPage, err
}

type listResponse[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page,omitempty"`
	PerPage int `json:"per_page,omitempty"`
}

func apiNotFound(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return fugong.NotFound("接口")
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	if err := checkInput(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req loginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	token, u, err := s.Accounts.Login(r.Context(), req.Username, req.Password, s.clientAddr(r), account.KindAPI)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"token": token, "user": u, "expires_at": s.Accounts.Now().Add(s.Accounts.APITTL()).UTC().Format(time.RFC3339),
	})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if err := s.Accounts.Logout(r.Context(), a, sessionFrom(r.Context()).token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	writeJSON(w, http.StatusOK, sessionFrom(r.Context()).user)
	return nil
}
