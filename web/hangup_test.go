package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"fugong/store"
	"fugong/store/storetest"
)

// lockedBuffer is a log sink the handler and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A client that hangs up mid-request is logged as gone (499), not as an
// internal error with a 500: under load such lines hid the real errors.
func TestClientHangUpIsNotAnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var log lockedBuffer
		d := e.deps
		d.Logger = slog.New(slog.NewJSONHandler(&log, nil))
		h, err := New(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/me", "/"} { // an API route, a page

			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the client is gone before the server reads the database
			req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+e.tokens[roleAdmin])
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != statusClientGone {
				t.Errorf("%s: status %d, want %d", path, rec.Code, statusClientGone)
			}
		}
		out := log.String()
		if strings.Contains(out, `"level":"ERROR"`) || strings.Contains(out, "internal error") {
			t.Errorf("a hang-up logged as an error:\n%s", out)
		}
		if n := strings.Count(out, `"msg":"client gone"`); n != 2 {
			t.Errorf("%d 'client gone' lines, want 2:\n%s", n, out)
		}
		if n := strings.Count(out, `"status":499`); n != 2 {
			t.Errorf("%d request lines with status 499, want 2:\n%s", n, out)
		}
	})
}
