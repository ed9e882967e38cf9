package web

import (
	"errors"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"

	"fugong"
	"fugong/registry"
)

// The kit's side of downloads and imports, every module's alike.

// exportFormat picks the download format: xlsx unless csv is asked for.
func exportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", "xlsx":
		return "xlsx", nil
	case "csv":
		return "csv", nil
	default:
		return "", fugong.Errorf(fugong.EInvalid, "format", "导出格式应为 xlsx 或 csv")
	}
}

// readUpload returns the uploaded file of a multipart form (whose size
// checkCSRF has already limited).
func readUpload(r *http.Request) (multipart.File, string, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, "", err
		}
		return nil, "", fugong.Errorf(fugong.EInvalid, "file", "请选择要导入的 XLSX 或 CSV 文件")
	}
	return file, hdr.Filename, nil
}

// unreadableFile is what a user is told of a file its sheet reader failed
// on without saying why in words for them (an I/O error, say): the detail
// is the log's.
const unreadableFile = "文件无法读取，请确认是 XLSX 或 CSV 格式的表格后重新上传"

// FileError presents a file the sheet reader refused as invalid input:
// the reader's own problems (a missing column, a bad row) as they are,
// anything else as a Chinese message, its detail logged for r.
func FileError(r *http.Request, err error) error {
	if fugong.AsError(err) != nil {
		return err
	}
	logger := slog.Default()
	if ss := sessionFrom(r.Context()); ss != nil && ss.srv != nil {
		logger = ss.srv.Logger
	}
	logger.Warn("unreadable upload", "method", r.Method, "path", r.URL.Path, "err", err)
	return fugong.Errorf(fugong.EInvalid, "file", unreadableFile)
}

// fileError is FileError without the request, for the daily report's
// import until it moves to web/daily (which calls FileError): the same
// message, the detail not logged.
func fileError(err error) error {
	if fugong.AsError(err) != nil {
		return err
	}
	return fugong.Errorf(fugong.EInvalid, "file", unreadableFile)
}

// badFile is an import that stored nothing because of the rows it lists.
type badFile interface{ RowErrors() []registry.RowError }

// answerImport answers an API import: its result, or 400 with every bad row
// when the file stored nothing.
func answerImport(w http.ResponseWriter, res any, err error) error {
	var bad badFile
	if errors.As(err, &bad) {
		rows := bad.RowErrors()
		writeJSON(w, http.StatusBadRequest, map[string]errorBody{"error": {Code: fugong.EInvalid, Field: "file",
			Message: fmt.Sprintf("文件有 %d 处错误，未导入任何数据", len(rows)), Rows: rows}})
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// importOutcome is ImportOutcome for the daily report's import page.
func (s *Server) importOutcome(r *http.Request, err error) (rows []registry.RowError, msg string, status int, internal error) {
	return ImportOutcome(err)
}
