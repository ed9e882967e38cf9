package documents_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime/multipart"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/account"
	"fugong/audit"
	"fugong/files"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/web/webtest"
)

// documentBody is a document as the API answers it.
type documentBody struct {
	ID   int64  `json:"id"`
	USCC string `json:"uscc"`
	Kind string `json:"kind"`
	File struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		ContentType string `json:"content_type"`
		Size        int    `json:"size"`
	} `json:"file"`
	SignedOn   string  `json:"signed_on"`
	RecordedBy string  `json:"recorded_by"`
	RecordedAt string  `json:"recorded_at"`
	Current    bool    `json:"current"`
	ReplacedAt *string `json:"replaced_at"`
}

// missingDocumentsBody is GET /api/v1/documents/missing.
type missingDocumentsBody struct {
	Towns []struct {
		Town     string `json:"town"`
		Total    int    `json:"total"`
		Missing  int    `json:"missing"`
		NoLetter int    `json:"missing_commitment_letter"`
		NoPlan   int    `json:"missing_prevention_plan"`
	} `json:"towns"`
	Items []struct {
		USCC    string   `json:"uscc"`
		Cadre   string   `json:"cadre"`
		Missing []string `json:"missing"`
	} `json:"items"`
	Total int `json:"total"`
}

func (m missingDocumentsBody) lacks() map[string][]string {
	out := map[string][]string{}
	for _, it := range m.Items {
		out[it.USCC] = it.Missing
	}
	return out
}

// multipartOf builds a form of fields and files (name → content by field).
func multipartOf(t *testing.T, fields map[string]string, fileField string, files map[string]string) webtest.Payload {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for name, content := range files {
		fw, err := mw.CreateFormFile(fileField, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	mw.Close()
	return webtest.Payload{CType: mw.FormDataContentType(), Data: buf.Bytes()}
}

const tinyPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

// exportedCodes reads the USCC column of a CSV export, sorted.
func exportedCodes(t *testing.T, body []byte) []string {
	t.Helper()
	body = bytes.TrimPrefix(body, []byte("\uFEFF"))
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("export is not a CSV with a header (%v): %s", err, body)
	}
	col := slices.Index(recs[0], "统一社会信用代码")
	if col < 0 {
		t.Fatalf("export header %v has no 统一社会信用代码", recs[0])
	}
	out := []string{}
	for _, rec := range recs[1:] {
		out = append(out, rec[col])
	}
	slices.Sort(out)
	return out
}

func TestDocumentsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.NewAt(t, db, time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location))
		t.Run("upload and replace", func(t *testing.T) { testDocumentUpload(t, e) })
		t.Run("bad uploads", func(t *testing.T) { testDocumentBadUploads(t, e) })
		t.Run("missing", func(t *testing.T) { testMissingDocuments(t, e) })
	})
}

func testDocumentUpload(t *testing.T, e *webtest.Env) {
	path := "/api/v1/enterprises/" + e.Ents["tangB"] + "/documents"
	var first, second documentBody
	r := e.As(t, webtest.RoleClerk, "POST", path, webtest.Upload(t, "承诺书.pdf", webtest.MinimalPDF, map[string]string{"kind": "commitment_letter", "signed_on": "2020-02-01"}))
	r.Decode(t, &first)
	if r.Status != 201 || first.ID == 0 || first.Kind != "commitment_letter" || first.USCC != e.Ents["tangB"] || first.RecordedBy != "u-clerk" ||
		first.RecordedAt != "2020-02-10T09:30:00+08:00" || !first.Current || first.SignedOn != "2020-02-01" ||
		first.File.ContentType != files.PDF || first.File.Name != "承诺书.pdf" || first.File.Size != len(webtest.MinimalPDF) {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	f := e.As(t, webtest.RoleTown, "GET", "/api/v1/files/"+strconv.FormatInt(first.File.ID, 10), webtest.Payload{})
	if f.Status != 200 || string(f.Body) != webtest.MinimalPDF || f.Header.Get("Content-Type") != files.PDF {
		t.Fatalf("file: %d %q %s", f.Status, f.Body, f.Header)
	}
	// A photo of the signed letter replaces it; the PDF stays as history.
	e.Clock.Set(time.Date(2020, 2, 11, 8, 0, 0, 0, fugong.Location))
	r = e.As(t, webtest.RoleTown, "POST", path, webtest.Upload(t, "承诺书盖章.png", tinyPNG, map[string]string{"kind": "commitment_letter"}))
	r.Decode(t, &second)
	if r.Status != 201 || second.File.ContentType != files.PNG || second.SignedOn != "" || second.RecordedBy != "u-town" {
		t.Fatalf("replacing: %d %s", r.Status, r.Body)
	}
	var list struct {
		Items []documentBody `json:"items"`
		Total int            `json:"total"`
	}
	e.As(t, webtest.RoleClerk, "GET", path, webtest.Payload{}).Decode(t, &list)
	if list.Total != 2 || list.Items[0].ID != second.ID || !list.Items[0].Current || list.Items[1].ID != first.ID ||
		list.Items[1].Current || list.Items[1].ReplacedAt == nil || *list.Items[1].ReplacedAt != "2020-02-11T08:00:00+08:00" {
		t.Fatalf("history: %+v", list)
	}
	if f := e.As(t, webtest.RoleClerk, "GET", "/api/v1/files/"+strconv.FormatInt(first.File.ID, 10), webtest.Payload{}); f.Status != 200 {
		t.Errorf("the replaced file is kept: %d", f.Status)
	}
	// The prevention group records xianA's plan.
	u := account.User{Username: "u-lianfang", DisplayName: "联防组", Role: fugong.RoleBureau, Group: fugong.GroupPrevention}
	if _, err := (&account.Service{Store: e.DB, Now: time.Now}).Create(context.Background(), fugong.System, u, webtest.Password); err != nil {
		t.Fatal(err)
	}
	r = e.Call(t, "POST", "/api/v1/enterprises/"+e.Ents["xianA"]+"/documents", e.Login(t, u.Username, webtest.Password),
		webtest.Upload(t, "防控预案.pdf", webtest.MinimalPDF, map[string]string{"kind": "prevention_plan"}))
	if r.Status != 201 {
		t.Fatalf("the prevention group: %d %s", r.Status, r.Body)
	}
	entries, _, err := e.DB.ListAudit(context.Background(), audit.Filter{Entity: "enterprise_document", EntityID: e.Ents["tangB"], Page: 1, PerPage: 10})
	if err != nil || len(entries) != 2 || entries[0].Actor != "u-town" || entries[0].Before == nil {
		t.Errorf("audit %+v, %v", entries, err)
	}
}

func testDocumentBadUploads(t *testing.T, e *webtest.Env) {
	path := "/api/v1/enterprises/" + e.Ents["tangA"] + "/documents"
	count := func() int {
		_, n, err := e.DB.ListAudit(context.Background(), audit.Filter{Entity: "file", Page: 1, PerPage: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	letter := map[string]string{"kind": "commitment_letter"}
	big := "%PDF-1.4\n" + strings.Repeat("x", files.MaxSize)
	for _, c := range []struct {
		name   string
		body   webtest.Payload
		status int
		field  string
		says   string
	}{
		{"unknown kind", webtest.Upload(t, "a.pdf", webtest.MinimalPDF, map[string]string{"kind": "letter"}), 400, "kind", "commitment_letter"},
		{"no kind", webtest.Upload(t, "a.pdf", webtest.MinimalPDF, nil), 400, "kind", "文件类别"},
		{"signed tomorrow", webtest.Upload(t, "a.pdf", webtest.MinimalPDF, map[string]string{"kind": "commitment_letter", "signed_on": "2020-02-12"}), 400, "signed_on", "不能晚于今天"},
		{"not a date", webtest.Upload(t, "a.pdf", webtest.MinimalPDF, map[string]string{"kind": "commitment_letter", "signed_on": "2月1日"}), 400, "signed_on", "YYYY-MM-DD"},
		{"no file", multipartOf(t, letter, "file", nil), 400, "file", "请选择"},
		{"empty file", webtest.Upload(t, "a.pdf", "", letter), 400, "file", "是空的"},
		{"text named .pdf", webtest.Upload(t, "a.pdf", "我承诺遵守防疫规定", letter), 400, "file", "不是 PDF、JPEG、PNG 文件"},
		{"PNG named .pdf", webtest.Upload(t, "a.pdf", tinyPNG, letter), 400, "file", "与扩展名不符"},
		{"WebP", webtest.Upload(t, "a.webp", "RIFF\x00\x00\x00\x00WEBPVP8 ", letter), 400, "file", "不是 PDF、JPEG、PNG 文件"},
		{"two files", multipartOf(t, letter, "file", map[string]string{"a.pdf": webtest.MinimalPDF, "b.pdf": webtest.MinimalPDF}), 400, "file", "只能上传一个"},
		{"JSON", webtest.RawJSON(`{"kind":"commitment_letter"}`), 400, "file", "multipart"},
		{"too large", webtest.Upload(t, "a.pdf", big, letter), 413, "file", "超过 10 MB"},
		{"far too large", webtest.Upload(t, "a.pdf", big+big, letter), 413, "", "上传内容超过"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.As(t, webtest.RoleTown, "POST", path, c.body)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %.300s", r.Status, c.status, r.Body)
			}
			if er := r.Err(t).Error; er.Field != c.field || !strings.Contains(er.Message, c.says) {
				t.Errorf("error %+v, want %s saying %q", er, c.field, c.says)
			}
		})
	}
	// Several problems at once are listed together.
	r := e.As(t, webtest.RoleTown, "POST", path, webtest.Upload(t, "a.pdf", "text", map[string]string{"kind": "x", "signed_on": "2020-13-01"}))
	var body struct {
		Error struct {
			Problems []struct{ Field string } `json:"problems"`
		} `json:"error"`
	}
	r.Decode(t, &body)
	var fields []string
	for _, p := range body.Error.Problems {
		fields = append(fields, p.Field)
	}
	if r.Status != 400 || !slices.Equal(fields, []string{"kind", "signed_on", "file"}) {
		t.Errorf("all problems: %d %s", r.Status, r.Body)
	}
	if n := count(); n != before {
		t.Errorf("refused uploads stored %d files", n-before)
	}
	var list struct{ Total int }
	e.As(t, webtest.RoleAdmin, "GET", path, webtest.Payload{}).Decode(t, &list)
	if list.Total != 0 {
		t.Errorf("refused uploads stored %d documents", list.Total)
	}
}

func testMissingDocuments(t *testing.T, e *webtest.Env) {
	// tangB has a letter and xianA a plan (testDocumentUpload); tangA nothing.
	var m missingDocumentsBody
	r := e.As(t, webtest.RoleAdmin, "GET", "/api/v1/documents/missing", webtest.Payload{})
	r.Decode(t, &m)
	lacks := m.lacks()
	both := []string{"commitment_letter", "prevention_plan"}
	if r.Status != 200 || m.Total != 3 || !slices.Equal(lacks[e.Ents["tangB"]], []string{"prevention_plan"}) ||
		!slices.Equal(lacks[e.Ents["tangA"]], both) || !slices.Equal(lacks[e.Ents["xianA"]], []string{"commitment_letter"}) {
		t.Fatalf("missing: %d %s", r.Status, r.Body)
	}
	for _, it := range m.Items {
		if it.USCC == e.Ents["tangA"] && it.Cadre != "测试cadre" {
			t.Errorf("tangA's cadre %q", it.Cadre)
		}
	}
	e.As(t, webtest.RoleAdmin, "GET", "/api/v1/documents/missing?kind=commitment_letter", webtest.Payload{}).Decode(t, &m)
	if m.Total != 2 || m.lacks()[e.Ents["tangB"]] != nil {
		t.Errorf("missing letters: %+v", m)
	}
	for _, tc := range m.Towns {
		if tc.Town == webtest.TownTangxia && (tc.Total != 2 || tc.Missing != 1 || tc.NoLetter != 1 || tc.NoPlan != 2) {
			t.Errorf("塘下's counts for letters: %+v", tc)
		}
	}
	// The cadre uploads tangA's plan from their phone: it leaves the plan list.
	if r := e.As(t, webtest.RoleCadre, "POST", "/api/v1/enterprises/"+e.Ents["tangA"]+"/documents",
		webtest.Upload(t, "预案.jpg", "\xff\xd8\xff\xe0photo", map[string]string{"kind": "prevention_plan"})); r.Status != 201 {
		t.Fatalf("cadre's plan: %d %s", r.Status, r.Body)
	}
	want := map[string][]string{
		webtest.RoleAdmin: {"tangB"}, webtest.RoleBureauStat: {"tangB"}, webtest.RoleBureauInsp: {"tangB"},
		webtest.RoleTown: {"tangB"}, webtest.RoleCadre: {}, webtest.RoleClerk: {"tangB"}, webtest.RoleCheckpoint: {},
	}
	for role, keys := range want {
		var m missingDocumentsBody
		r := e.As(t, role, "GET", "/api/v1/documents/missing?kind=prevention_plan&per_page=500", webtest.Payload{})
		r.Decode(t, &m)
		var got []string
		for _, it := range m.Items {
			got = append(got, it.USCC)
		}
		slices.Sort(got)
		if r.Status != 200 || m.Total != len(keys) || len(got) != len(keys) || len(keys) > 0 && !slices.Equal(got, e.Codes(keys)) || m.Items == nil {
			t.Errorf("%s: %d %s", role, r.Status, r.Body)
		}
	}
	for q, field := range map[string]string{"kind=letter": "kind", "town=北京": "town", "per_page=1000": "per_page"} {
		r := e.As(t, webtest.RoleTown, "GET", "/api/v1/documents/missing?"+q, webtest.Payload{})
		if r.Status != 400 || r.Err(t).Error.Field != field {
			t.Errorf("?%s: %d %s", q, r.Status, r.Body)
		}
	}
	r = e.As(t, webtest.RoleTown, "GET", "/api/v1/documents/missing/export?format=csv", webtest.Payload{})
	if r.Status != 200 || !strings.Contains(string(r.Body), "缺疫情防控承诺书") {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	if got := exportedCodes(t, r.Body); !slices.Equal(got, e.Codes([]string{"tangA", "tangB"})) {
		t.Errorf("the town's export %v", got)
	}
}
