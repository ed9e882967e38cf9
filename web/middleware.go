package web

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"fugong"
	"fugong/account"
	"fugong/store"
)

const (
	sessionCookie = "fugong_session"
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
	maxJSONBody   = 1 << 20
	maxUpload     = 20 << 20
)

// session is the authenticated caller of a request.
type session struct {
	user      account.User
	token     string
	viaCookie bool
	srv       *Server // the server it was resolved by (ImportSlot)
}

func (ss *session) actor() fugong.Actor { return ss.user.Actor() }

type ctxKey struct{}

// sessionKey carries the session into the handlers that need more than the
// actor (the token to end, the user to show, the server's import slots).
var sessionKey ctxKey

func sessionFrom(ctx context.Context) *session {
	ss, _ := ctx.Value(sessionKey).(*session)
	return ss
}

// session resolves the bearer token or session cookie of a request: nil when
// there is none or it is no longer valid. It is called inside the route's
// handler, not as outer middleware, so that the request the mux annotates with
// its pattern stays the one the metrics read.
func (s *Server) session(r *http.Request) (*session, error) {
	token, viaCookie := "", false
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else if c, err := r.Cookie(sessionCookie); err == nil {
		token, viaCookie = c.Value, true
	}
	if token == "" {
		return nil, nil
	}
	u, _, err := s.Accounts.Authenticate(r.Context(), token)
	if fugong.ErrorCode(err) == fugong.EUnauthorized {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &session{user: u, token: token, viaCookie: viaCookie, srv: s}, nil
}

// checkCSRF checks the form or header token of a cookie-authenticated unsafe
// request; bearer-token requests carry no ambient credentials and need none.
// The body is limited first, so that reading the form field cannot take an
// unbounded upload, and an oversized one is reported as such.
func checkCSRF(w http.ResponseWriter, r *http.Request, ss *session) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if !ss.viaCookie {
		return nil
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		err := r.ParseMultipartForm(8 << 20)
		if errors.Is(err, http.ErrNotMultipart) {
			err = r.ParseForm()
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fugong.Errorf(fugong.ETooLarge, "", "上传内容超过 %d MB 上限", maxUpload>>20)
		}
		got = r.PostFormValue(csrfField)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(account.CSRFToken(ss.token))) != 1 {
		return fugong.Errorf(fugong.EForbidden, csrfField, "页面已过期，请刷新后重新提交")
	}
	return nil
}

type apiFunc func(w http.ResponseWriter, r *http.Request, a fugong.Actor) error

// api wraps an API handler: it needs a session, a valid CSRF token when the
// session came from a cookie, and text that is text (checkInput), and turns
// returned errors into JSON.
func (s *Server) api(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ss, err := s.session(r)
		if err != nil || ss == nil {
			s.writeError(w, r, cmp.Or(err, error(fugong.Errorf(fugong.EUnauthorized, "", "请先登录"))))
			return
		}
		if err := checkCSRF(w, r, ss); err != nil {
			s.writeError(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey, ss))
		defer removeUploads(r)
		if err := checkInput(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := fn(w, r, ss.actor()); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// removeUploads deletes the temporary files of a multipart form parsed on r.
// The server does it only for the request it made, and the handlers get
// a copy carrying the session: a large upload would stay on disk.
func removeUploads(r *http.Request) {
	if r.MultipartForm != nil {
		r.MultipartForm.RemoveAll()
	}
}

type uiFunc func(w http.ResponseWriter, r *http.Request, ss *session) error

// ui wraps a page handler: without a session it sends the browser to the
// login page; a form post needs its CSRF token; the text sent is checked
// (checkInput); errors render as a page.
func (s *Server) ui(fn uiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ss, err := s.session(r)
		if err != nil {
			s.renderError(w, r, nil, err)
			return
		}
		if ss == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), sessionKey, ss))
		defer removeUploads(r)
		if err := checkCSRF(w, r, ss); err != nil {
			s.renderError(w, r, ss, err)
			return
		}
		if err := checkInput(r); err != nil {
			s.renderError(w, r, ss, err)
			return
		}
		if err := fn(w, r, ss); err != nil {
			s.renderError(w, r, ss, err)
		}
	})
}

// safeNext keeps a post-login redirect on this site: a path on it, with
// its query and fragment, rebuilt from its parsed parts; anything else is
// "/". Browsers drop tabs and newlines from a URL and read a backslash as a
// slash, so "/\t/evil.example" or "/\evil.example" would leave the site as
// surely as "//evil.example" or "https://evil.example".
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/") || len(p) > 2048 || strings.ContainsFunc(p, func(c rune) bool {
		return c == '\\' || unicode.IsControl(c) || c == utf8.RuneError
	}) {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" {
		return "/"
	}
	path := u.EscapedPath()
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
		return "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		path += "#" + u.EscapedFragment()
	}
	return path
}

// securityHeaders sets the headers every response carries. No response
// is stored by the browser or a cache but the static assets: every page
// and API answer past the login is personal or scoped, and the login page
// carries its form token. Over HTTPS the browser is told to use nothing
// else for a year.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if s.isHTTPS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

// WriteHeader records the status; a 503 says when to try again.
func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	if code == http.StatusServiceUnavailable && sw.Header().Get("Retry-After") == "" {
		sw.Header().Set("Retry-After", retryUnavailable)
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	n, err := sw.ResponseWriter.Write(b)
	sw.bytes += n
	return n, err
}

func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fugong_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "fugong_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// observe logs each request, counts it by route pattern, and turns a panic
// into a logged 500 instead of a dropped connection.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		// The request's cached reads share one generation read; the mux
		// sets the route's pattern on this request.
		r = r.WithContext(store.OneGenerationRead(r.Context()))
		defer func() {
			if p := recover(); p != nil {
				s.Logger.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.writeError(sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			elapsed := time.Since(start)
			s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
			s.metrics.duration.WithLabelValues(route).Observe(elapsed.Seconds())
			s.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "route", route,
				"status", sw.status, "bytes", sw.bytes, "ms", elapsed.Milliseconds())
		}()
		next.ServeHTTP(sw, r)
	})
}
