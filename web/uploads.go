package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"fugong"
	"fugong/files"
)

// maxFilesPerField bounds how many files one form field takes.
const maxFilesPerField = 9

// formFiles reads the files of a multipart field (none is not an error) and
// checks each against the accepted types: one bad file refuses them all.
func formFiles(r *http.Request, field string, accepted []string) ([]files.Upload, []string, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			if errors.Is(err, http.ErrNotMultipart) {
				return nil, nil, nil
			}
			return nil, nil, uploadError(err)
		}
	}
	hdrs := r.MultipartForm.File[field]
	if len(hdrs) > maxFilesPerField {
		return nil, nil, fugong.Errorf(fugong.EInvalid, field, "每项最多上传 %d 个文件", maxFilesPerField)
	}
	var ups []files.Upload
	var types []string
	for _, h := range hdrs {
		u, err := readPart(h)
		if err != nil {
			return nil, nil, err
		}
		if len(u.Data) == 0 && h.Filename == "" {
			continue // a file input left empty
		}
		ctype, err := files.Check(field, u, accepted)
		if err != nil {
			return nil, nil, err
		}
		ups = append(ups, u)
		types = append(types, ctype)
	}
	return ups, types, nil
}

func readPart(h *multipart.FileHeader) (files.Upload, error) {
	f, err := h.Open()
	if err != nil {
		return files.Upload{}, err
	}
	defer f.Close()
	// One byte over the limit is enough to tell it is too large.
	data, err := io.ReadAll(io.LimitReader(f, files.MaxSize+1))
	return files.Upload{Name: h.Filename, Data: data}, err
}

func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fugong.Errorf(fugong.ETooLarge, "", "上传内容超过 %d MB 上限", maxUpload>>20)
	}
	return fugong.Errorf(fugong.EInvalid, "", "上传内容无法解析")
}

// fileURL is where GET /api/v1/files/{id} serves a stored file.
func fileURL(id int64) string { return "/api/v1/files/" + strconv.FormatInt(id, 10) }
