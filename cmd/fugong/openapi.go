package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"fugong/cmd/fugong/wiring"
)

// openapi prints the assembled OpenAPI document, the kit's part and every
// module's fragment merged as the server serves it at /api/v1/openapi.json,
// without a database or a listener: for clients' code generators and for
// scripts/lint-openapi.sh.
func (e *env) openapi(args []string) error {
	fs := e.flags("openapi")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	srv, err := wiring.Handler(wiring.NewServices(nil, time.Now), wiring.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		return fmt.Errorf("openapi: GET /api/v1/openapi.json answered %d", rec.Code)
	}
	_, err = e.stdout.Write(rec.Body.Bytes())
	return err
}
