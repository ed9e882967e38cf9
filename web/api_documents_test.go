package web

import (
	"bytes"
	"context"
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
func multipartOf(t *testing.T, fields map[string]string, fileField string, files map[string]string) payload {
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
	return payload{mw.FormDataContentType(), buf.Bytes()}
}

const tinyPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

func TestDocumentsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnvAt(t, db, time.Date(2020, 2, 10, 9, 30, 0, 0, fugong.Location))
		t.Run("upload and replace", func(t *testing.T) { testDocumentUpload(t, e) })
		t.Run("bad uploads", func(t *testing.T) { testDocumentBadUploads(t, e) })
		t.Run("missing", func(t *testing.T) { testMissingDocuments(t, e) })
	})
}

func testDocumentUpload(t *testing.T, e *testEnv) {
	path := "/api/v1/enterprises/" + e.ents["tangB"] + "/documents"
	var first, second documentBody
	r := e.as(t, roleClerk, "POST", path, upload(t, "承诺书.pdf", minimalPDF, map[string]string{"kind": "commitment_letter", "signed_on": "2020-02-01"}))
	r.decode(t, &first)
	if r.status != 201 || first.ID == 0 || first.Kind != "commitment_letter" || first.USCC != e.ents["tangB"] || first.RecordedBy != "u-clerk" ||
		first.RecordedAt != "2020-02-10T09:30:00+08:00" || !first.Current || first.SignedOn != "2020-02-01" ||
		first.File.ContentType != files.PDF || first.File.Name != "承诺书.pdf" || first.File.Size != len(minimalPDF) {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	f := e.as(t, roleTown, "GET", "/api/v1/files/"+strconv.FormatInt(first.File.ID, 10), payload{})
	if f.status != 200 || string(f.body) != minimalPDF || f.header.Get("Content-Type") != files.PDF {
		t.Fatalf("file: %d %q %s", f.status, f.body, f.header)
	}
	// A photo of the signed letter replaces it; the PDF stays as history.
	e.clock.Set(time.Date(2020, 2, 11, 8, 0, 0, 0, fugong.Location))
	r = e.as(t, roleTown, "POST", path, upload(t, "承诺书盖章.png", tinyPNG, map[string]string{"kind": "commitment_letter"}))
	r.decode(t, &second)
	if r.status != 201 || second.File.ContentType != files.PNG || second.SignedOn != "" || second.RecordedBy != "u-town" {
		t.Fatalf("replacing: %d %s", r.status, r.body)
	}
	var list struct {
		Items []documentBody `json:"items"`
		Total int            `json:"total"`
	}
	e.as(t, roleClerk, "GET", path, payload{}).decode(t, &list)
	if list.Total != 2 || list.Items[0].ID != second.ID || !list.Items[0].Current || list.Items[1].ID != first.ID ||
		list.Items[1].Current || list.Items[1].ReplacedAt == nil || *list.Items[1].ReplacedAt != "2020-02-11T08:00:00+08:00" {
		t.Fatalf("history: %+v", list)
	}
	if f := e.as(t, roleClerk, "GET", "/api/v1/files/"+strconv.FormatInt(first.File.ID, 10), payload{}); f.status != 200 {
		t.Errorf("the replaced file is kept: %d", f.status)
	}
	// The prevention group records xianA's plan.
	u := account.User{Username: "u-lianfang", DisplayName: "联防组", Role: fugong.RoleBureau, Group: fugong.GroupPrevention}
	if _, err := (&account.Service{Store: e.db, Now: time.Now}).Create(context.Background(), fugong.System, u, testPassword); err != nil {
		t.Fatal(err)
	}
	r = e.call(t, "POST", "/api/v1/enterprises/"+e.ents["xianA"]+"/documents", e.login(t, u.Username, testPassword),
		upload(t, "防控预案.pdf", minimalPDF, map[string]string{"kind": "prevention_plan"}))
	if r.status != 201 {
		t.Fatalf("the prevention group: %d %s", r.status, r.body)
	}
	entries, _, err := e.db.ListAudit(context.Background(), audit.Filter{Entity: "enterprise_document", EntityID: e.ents["tangB"], Page: 1, PerPage: 10})
	if err != nil || len(entries) != 2 || entries[0].Actor != "u-town" || entries[0].Before == nil {
		t.Errorf("audit %+v, %v", entries, err)
	}
}

func testDocumentBadUploads(t *testing.T, e *testEnv) {
	path := "/api/v1/enterprises/" + e.ents["tangA"] + "/documents"
	count := func() int {
		_, n, err := e.db.ListAudit(context.Background(), audit.Filter{Entity: "file", Page: 1, PerPage: 1})
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
		body   payload
		status int
		field  string
		says   string
	}{
		{"unknown kind", upload(t, "a.pdf", minimalPDF, map[string]string{"kind": "letter"}), 400, "kind", "commitment_letter"},
		{"no kind", upload(t, "a.pdf", minimalPDF, nil), 400, "kind", "文件类别"},
		{"signed tomorrow", upload(t, "a.pdf", minimalPDF, map[string]string{"kind": "commitment_letter", "signed_on": "2020-02-12"}), 400, "signed_on", "不能晚于今天"},
		{"not a date", upload(t, "a.pdf", minimalPDF, map[string]string{"kind": "commitment_letter", "signed_on": "2月1日"}), 400, "signed_on", "YYYY-MM-DD"},
		{"no file", multipartOf(t, letter, "file", nil), 400, "file", "请选择"},
		{"empty file", upload(t, "a.pdf", "", letter), 400, "file", "是空的"},
		{"text named .pdf", upload(t, "a.pdf", "我承诺遵守防疫规定", letter), 400, "file", "不是 PDF、JPEG、PNG 文件"},
		{"PNG named .pdf", upload(t, "a.pdf", tinyPNG, letter), 400, "file", "与扩展名不符"},
		{"WebP", upload(t, "a.webp", "RIFF\x00\x00\x00\x00WEBPVP8 ", letter), 400, "file", "不是 PDF、JPEG、PNG 文件"},
		{"two files", multipartOf(t, letter, "file", map[string]string{"a.pdf": minimalPDF, "b.pdf": minimalPDF}), 400, "file", "只能上传一个"},
		{"JSON", rawJSON(`{"kind":"commitment_letter"}`), 400, "file", "multipart"},
		{"too large", upload(t, "a.pdf", big, letter), 413, "file", "超过 10 MB"},
		{"far too large", upload(t, "a.pdf", big+big, letter), 413, "", "上传内容超过"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.as(t, roleTown, "POST", path, c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, c.status, r.body)
			}
			if er := r.err(t).Error; er.Field != c.field || !strings.Contains(er.Message, c.says) {
				t.Errorf("error %+v, want %s saying %q", er, c.field, c.says)
			}
		})
	}
	// Several problems at once are listed together.
	r := e.as(t, roleTown, "POST", path, upload(t, "a.pdf", "text", map[string]string{"kind": "x", "signed_on": "2020-13-01"}))
	var body struct {
		Error struct {
			Problems []struct{ Field string } `json:"problems"`
		} `json:"error"`
	}
	r.decode(t, &body)
	var fields []string
	for _, p := range body.Error.Problems {
		fields = append(fields, p.Field)
	}
	if r.status != 400 || !slices.Equal(fields, []string{"kind", "signed_on", "file"}) {
		t.Errorf("all problems: %d %s", r.status, r.body)
	}
	if n := count(); n != before {
		t.Errorf("refused uploads stored %d files", n-before)
	}
	var list struct{ Total int }
	e.as(t, roleAdmin, "GET", path, payload{}).decode(t, &list)
	if list.Total != 0 {
		t.Errorf("refused uploads stored %d documents", list.Total)
	}
}

func testMissingDocuments(t *testing.T, e *testEnv) {
	// tangB has a letter and xianA a plan (testDocumentUpload); tangA nothing.
	var m missingDocumentsBody
	r := e.as(t, roleAdmin, "GET", "/api/v1/documents/missing", payload{})
	r.decode(t, &m)
	lacks := m.lacks()
	both := []string{"commitment_letter", "prevention_plan"}
	if r.status != 200 || m.Total != 3 || !slices.Equal(lacks[e.ents["tangB"]], []string{"prevention_plan"}) ||
		!slices.Equal(lacks[e.ents["tangA"]], both) || !slices.Equal(lacks[e.ents["xianA"]], []string{"commitment_letter"}) {
		t.Fatalf("missing: %d %s", r.status, r.body)
	}
	for _, it := range m.Items {
		if it.USCC == e.ents["tangA"] && it.Cadre != "测试cadre" {
			t.Errorf("tangA's cadre %q", it.Cadre)
		}
	}
	e.as(t, roleAdmin, "GET", "/api/v1/documents/missing?kind=commitment_letter", payload{}).decode(t, &m)
	if m.Total != 2 || m.lacks()[e.ents["tangB"]] != nil {
		t.Errorf("missing letters: %+v", m)
	}
	for _, tc := range m.Towns {
		if tc.Town == townTangxia && (tc.Total != 2 || tc.Missing != 1 || tc.NoLetter != 1 || tc.NoPlan != 2) {
			t.Errorf("塘下's counts for letters: %+v", tc)
		}
	}
	// The cadre uploads tangA's plan from their phone: it leaves the plan list.
	if r := e.as(t, roleCadre, "POST", "/api/v1/enterprises/"+e.ents["tangA"]+"/documents",
		upload(t, "预案.jpg", "\xff\xd8\xff\xe0photo", map[string]string{"kind": "prevention_plan"})); r.status != 201 {
		t.Fatalf("cadre's plan: %d %s", r.status, r.body)
	}
	want := map[string][]string{
		roleAdmin: {"tangB"}, roleBureauStat: {"tangB"}, roleBureauInsp: {"tangB"},
		roleTown: {"tangB"}, roleCadre: {}, roleClerk: {"tangB"}, roleCheckpoint: {},
	}
	for role, keys := range want {
		var m missingDocumentsBody
		r := e.as(t, role, "GET", "/api/v1/documents/missing?kind=prevention_plan&per_page=500", payload{})
		r.decode(t, &m)
		var got []string
		for _, it := range m.Items {
			got = append(got, it.USCC)
		}
		slices.Sort(got)
		if r.status != 200 || m.Total != len(keys) || len(got) != len(keys) || len(keys) > 0 && !slices.Equal(got, e.codes(keys)) || m.Items == nil {
			t.Errorf("%s: %d %s", role, r.status, r.body)
		}
	}
	for q, field := range map[string]string{"kind=letter": "kind", "town=北京": "town", "per_page=1000": "per_page"} {
		r := e.as(t, roleTown, "GET", "/api/v1/documents/missing?"+q, payload{})
		if r.status != 400 || r.err(t).Error.Field != field {
			t.Errorf("?%s: %d %s", q, r.status, r.body)
		}
	}
	r = e.as(t, roleTown, "GET", "/api/v1/documents/missing/export?format=csv", payload{})
	if r.status != 200 || !strings.Contains(string(r.body), "缺疫情防控承诺书") {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	if got := exportedCodes(t, r.body); !slices.Equal(got, e.codes([]string{"tangA", "tangB"})) {
		t.Errorf("the town's export %v", got)
	}
}
