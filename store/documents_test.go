package store_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"fugong"
	"fugong/audit"
	"fugong/documents"
	"fugong/files"
	"fugong/pairing"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

func pdfUpload(name, text string) documents.Upload {
	return documents.Upload{File: files.Upload{Name: name, Data: []byte("%PDF-1.4\n" + text)}, ContentType: files.PDF}
}

func TestDocumentsReplaceKeepHistoryAndMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2020, 2, 3, 10, 0, 0, 0, fugong.Location)
		db.Now = func() time.Time { return at }
		a := ent(t, "MA5000001", "塘下镇", "瑞安市甲汽配有限公司")
		b := ent(t, "MA5000002", "塘下镇", "瑞安市乙电器厂")
		c := ent(t, "MA5000003", "仙降街道", "瑞安市丙鞋业有限公司")
		closed := ent(t, "MA5000004", "塘下镇", "瑞安市丁五金厂")
		closed.Status = registry.StatusClosed
		for _, e := range []registry.Enterprise{a, b, c, closed} {
			if _, err := db.CreateEnterprise(ctx, fugong.System, e); err != nil {
				t.Fatal(err)
			}
		}
		clerk := fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: a.USCC}

		up := pdfUpload("承诺书.pdf", "first")
		up.Kind, up.SignedOn = documents.KindLetter, "2020-02-01"
		first, err := db.AddDocument(ctx, clerk, a.USCC, up)
		if err != nil || first.ID == 0 || first.File.ID == 0 || !first.Current || first.RecordedBy != "qiye" ||
			!first.RecordedAt.Equal(at) || first.File.Enterprise != a.USCC || first.SignedOn != "2020-02-01" {
			t.Fatalf("first letter: %+v, %v", first, err)
		}
		at = at.Add(24 * time.Hour)
		up = pdfUpload("承诺书（盖章）.pdf", "second")
		up.Kind = documents.KindLetter
		second, err := db.AddDocument(ctx, fugong.System, a.USCC, up)
		if err != nil {
			t.Fatal(err)
		}
		plan := documents.Upload{Kind: documents.KindPlan, File: files.Upload{Name: "预案.png", Data: []byte("\x89PNG\r\n\x1a\nxx")}, ContentType: files.PNG}
		if _, err := db.AddDocument(ctx, clerk, a.USCC, plan); err != nil {
			t.Fatal(err)
		}
		docs, err := db.Documents(ctx, a.USCC)
		if err != nil || len(docs) != 3 {
			t.Fatalf("documents of a: %+v, %v", docs, err)
		}
		cur := documents.Current(docs)
		if cur[documents.KindLetter].ID != second.ID || cur[documents.KindPlan].File.ContentType != files.PNG {
			t.Errorf("current: %+v", cur)
		}
		old := docs[slices.IndexFunc(docs, func(d documents.Document) bool { return d.ID == first.ID })]
		if old.Current || old.ReplacedAt == nil || !old.ReplacedAt.Equal(at) || old.SignedOn != "2020-02-01" || old.File.Name != "承诺书.pdf" {
			t.Errorf("the replaced letter: %+v", old)
		}
		if second.SignedOn != "" {
			t.Errorf("no signing date given, got %q", second.SignedOn)
		}
		// The replaced file is still served.
		if _, data, err := db.File(ctx, clerk, first.File.ID); err != nil || !bytes.HasSuffix(data, []byte("first")) {
			t.Errorf("old file: %q, %v", data, err)
		}
		entries, _, err := db.ListAudit(ctx, audit.Filter{Entity: "enterprise_document", EntityID: a.USCC, Page: 1, PerPage: 10})
		if err != nil || len(entries) != 3 || !jsonHas(entries[1].Before, "kind", documents.KindLetter) || !jsonHas(entries[1].After, "kind", documents.KindLetter) {
			t.Errorf("audit: %+v, %v", entries, err)
		}

		// A document of an unknown enterprise leaves no file behind.
		_, n, _ := db.ListAudit(ctx, audit.Filter{Entity: "file", Page: 1, PerPage: 1})
		if _, err := db.AddDocument(ctx, fugong.System, uscc(t, "MA5000099"), up); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Fatalf("unknown enterprise: %v", err)
		}
		if _, m, _ := db.ListAudit(ctx, audit.Filter{Entity: "file", Page: 1, PerPage: 1}); m != n {
			t.Errorf("a refused document stored a file: %d → %d", n, m)
		}

		// b has a plan only; c nothing; a both; closed is not listed.
		plan.File.Name = "b预案.png"
		if _, err := db.AddDocument(ctx, fugong.System, b.USCC, plan); err != nil {
			t.Fatal(err)
		}
		wu := addCadre(t, db, "wu", "吴斌")
		if _, err := db.SavePairings(ctx, fugong.System, []pairing.Assignment{{USCC: b.USCC, Cadre: wu}}, "update"); err != nil {
			t.Fatal(err)
		}
		items, total, err := db.MissingDocuments(ctx, fugong.System, "", "", 1, 50)
		if err != nil || total != 2 || len(items) != 2 || items[0].USCC != c.USCC || items[1].USCC != b.USCC {
			t.Fatalf("missing either: %+v %d %v", items, total, err)
		}
		if !slices.Equal(items[0].Missing, []string{documents.KindLetter, documents.KindPlan}) || !slices.Equal(items[1].Missing, []string{documents.KindLetter}) ||
			items[1].Cadre != "吴斌" || items[0].Cadre != "" || items[1].TownName != "塘下镇" {
			t.Errorf("what each lacks: %+v", items)
		}
		if items, total, _ = db.MissingDocuments(ctx, fugong.System, "", documents.KindPlan, 1, 0); total != 1 || items[0].USCC != c.USCC {
			t.Errorf("missing a plan: %+v %d", items, total)
		}
		town := fugong.Actor{Role: fugong.RoleTown, Town: "330381101"}
		if items, total, _ = db.MissingDocuments(ctx, town, "", "", 1, 50); total != 1 || items[0].USCC != b.USCC {
			t.Errorf("the town's: %+v %d", items, total)
		}
		if items, total, _ = db.MissingDocuments(ctx, town, "330381010", "", 1, 50); total != 0 || items == nil || len(items) != 0 {
			t.Errorf("a filter never widens the town's scope: %+v %d", items, total)
		}
		counts, err := db.MissingDocumentsByTown(ctx, fugong.System, "")
		want := []documents.TownCount{
			{Town: "330381010", TownName: "仙降街道", Total: 1, Missing: 1, NoLetter: 1, NoPlan: 1},
			{Town: "330381101", TownName: "塘下镇", Total: 2, Missing: 1, NoLetter: 1, NoPlan: 0},
		}
		if err != nil || !slices.Equal(counts, want) {
			t.Errorf("counts %+v, %v; want %+v", counts, err, want)
		}
		if counts, _ = db.MissingDocumentsByTown(ctx, fugong.System, documents.KindPlan); counts[1].Missing != 0 || counts[0].Missing != 1 {
			t.Errorf("counts of missing plans: %+v", counts)
		}
		if counts, _ = db.MissingDocumentsByTown(ctx, clerk, ""); len(counts) != 1 || counts[0].Missing != 0 || counts[0].Total != 1 {
			t.Errorf("the clerk's counts: %+v", counts)
		}
	})
}
