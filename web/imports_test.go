package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"fugong"
)

// TestFileError: a file the sheet reader failed on without a message for
// the user is shown in Chinese, its detail logged and not shown; the
// reader's own problems are shown as they are.
func TestFileError(t *testing.T) {
	var log bytes.Buffer
	srv := &Server{Deps: Deps{Logger: slog.New(slog.NewTextHandler(&log, nil))}}
	r := httptest.NewRequest("POST", "/api/v1/enterprises/import", nil)
	r = r.WithContext(context.WithValue(r.Context(), sessionKey, &session{srv: srv}))

	err := FileError(r, errors.New("zip: not a valid zip file"))
	e := fugong.AsError(err)
	if e == nil || e.Code != fugong.EInvalid || e.Field != "file" || e.Message != unreadableFile || strings.Contains(e.Message, "zip") {
		t.Errorf("an unreadable file: %v", err)
	}
	if !strings.Contains(log.String(), "zip: not a valid zip file") || !strings.Contains(log.String(), "/api/v1/enterprises/import") {
		t.Errorf("the detail was not logged: %q", log.String())
	}
	own := fugong.Errorf(fugong.EInvalid, "", "缺少必需的列：企业名称")
	if err := FileError(r, own); err != own {
		t.Errorf("the reader's own problem: %v", err)
	}
	if e := fugong.AsError(fileError(errors.New("io: read failed"))); e == nil || e.Message != unreadableFile {
		t.Errorf("fileError: %v", e)
	}
}
