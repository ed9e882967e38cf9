package demo

import (
	"bytes"
	"context"
	"image/png"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fugong"
	"fugong/account"
	"fugong/documents"
	"fugong/files"
	"fugong/inspect"
	"fugong/pairing"
	"fugong/registry"
	"fugong/store"
)

// generatedCadres counts the cadres seedPaperwork made (all but ganbu).
func generatedCadres(users []account.User) int {
	n := 0
	for _, u := range users {
		if u.Role == fugong.RoleCadre && u.Username != "ganbu" {
			n++
		}
	}
	return n
}

// checkPaperwork checks the seeded pairings and documents: a firm without a
// cadre only in the towns where pairing lagged, ganbu's firms its own, most
// firms with their letter and fewer with their plan, and files that are
// what they claim.
func checkPaperwork(t *testing.T, db *store.DB, actors map[string]fugong.Actor) {
	t.Helper()
	ctx := context.Background()
	checkOversight(t, db)
	towns, err := db.UnpairedByTown(ctx, fugong.System)
	if err != nil {
		t.Fatal(err)
	}
	unpaired, total := 0, 0
	for _, tc := range towns {
		total += tc.Total
		unpaired += tc.Unpaired
		if share, lagging := unpairedShare[tc.Town]; !lagging && tc.Unpaired != 0 || lagging && tc.Unpaired == 0 ||
			lagging && float64(tc.Unpaired) > share*float64(tc.Total) {
			t.Errorf("%s: %d of %d without a cadre", tc.TownName, tc.Unpaired, tc.Total)
		}
	}
	if unpaired < 100 || unpaired > 400 {
		t.Errorf("%d firms without a cadre, want a few hundred", unpaired)
	}
	cadres, err := db.Cadres(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cadres {
		if c.Username == "ganbu" && c.Enterprises != 10 || c.Username != "ganbu" && c.Enterprises > firmsPerCadre {
			t.Errorf("cadre %s has %d firms", c.Username, c.Enterprises)
		}
	}
	if len(cadres) < 700 || len(cadres) > 1000 {
		t.Errorf("%d cadres, want about a thousand (千名干部)", len(cadres))
	}

	counts, err := db.MissingDocumentsByTown(ctx, fugong.System, "")
	if err != nil {
		t.Fatal(err)
	}
	noLetter, noPlan := 0, 0
	for _, tc := range counts {
		noLetter += tc.NoLetter
		noPlan += tc.NoPlan
	}
	if noLetter < total/100 || noLetter > total*6/100 {
		t.Errorf("%d of %d firms without a letter, want 1–6 %%", noLetter, total)
	}
	if noPlan < total*15/100 || noPlan > total*35/100 {
		t.Errorf("%d of %d firms without a plan, want 15–35 %%", noPlan, total)
	}
	// The clerk's firm's papers, and their files, as the clerk reads them.
	clerk := actors["qiye"]
	docs, err := db.Documents(ctx, clerk.Enterprise)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		f, data, err := db.File(ctx, clerk, d.File.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ctype, err := files.Check("file", files.Upload{Name: f.Name, Data: data}, files.Document); err != nil || ctype != f.ContentType || !d.Current {
			t.Errorf("%s: %s %s: %v", d.Kind, f.Name, f.ContentType, err)
		}
	}
	var pngs int
	err = db.EachEnterprise(ctx, fugong.System, registry.Filter{Town: tangxia}, func(e registry.Enterprise) error {
		ds, err := db.Documents(ctx, e.USCC)
		for _, d := range ds {
			if d.File.ContentType == files.PNG {
				pngs++
			}
			if d.Kind == documents.KindPlan && d.File.ContentType != files.PDF {
				t.Errorf("a plan as %s", d.File.ContentType)
			}
		}
		return err
	})
	if err != nil || pngs == 0 {
		t.Errorf("塘下: %d letters as photos, %v", pngs, err)
	}
}

// A generated PDF's cross-reference table points at its objects.
func TestMinimalPDF(t *testing.T) {
	b := minimalPDF([]string{"Commitment (letter)", `back\slash`})
	ctype, err := files.Check("file", files.Upload{Name: "a.pdf", Data: b}, files.Document)
	if err != nil || ctype != files.PDF {
		t.Fatalf("%v %s", err, ctype)
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no startxref: %s", b)
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[xref:], []byte("xref\n0 6\n")) {
		t.Fatalf("startxref %d points at %q", xref, b[xref:min(len(b), xref+10)])
	}
	entries := strings.Split(string(b[xref:]), "\n")[3:8]
	for i, e := range entries {
		off, _ := strconv.Atoi(e[:10])
		if want := strconv.Itoa(i+1) + " 0 obj"; !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("object %d at %d: %q", i+1, off, b[off:off+8])
		}
	}
	if !bytes.Contains(b, []byte(`(Commitment \(letter\)) Tj`)) || !bytes.Contains(b, []byte(`(back\\slash) Tj`)) {
		t.Errorf("text not escaped: %s", b)
	}
	i := bytes.Index(b, []byte("/Length "))
	n, _ := strconv.Atoi(string(b[i+8 : i+8+bytes.IndexByte(b[i+8:], ' ')]))
	s := bytes.Index(b, []byte("stream\n")) + 7
	if !bytes.HasPrefix(b[s+n:], []byte("endstream")) {
		t.Errorf("stream length %d does not end at endstream", n)
	}
}

func TestPNGWithText(t *testing.T) {
	p, err := pngPhoto()
	if err != nil {
		t.Fatal(err)
	}
	a, b := withText(p, "91330381MA2AAAA01X"), withText(p, "91330381MA2BBBB02Y")
	if bytes.Equal(a, b) {
		t.Fatal("two firms' photos are the same file")
	}
	for _, x := range [][]byte{p, a} {
		if _, err := png.Decode(bytes.NewReader(x)); err != nil {
			t.Errorf("not a valid PNG: %v", err)
		}
	}
	if !bytes.Contains(a, []byte("tEXtComment\x0091330381MA2AAAA01X")) {
		t.Error("no text chunk")
	}
}

// checkOversight: over the demo's month the nine towns of the report are
// covered in full and no other, the cadres' visits included; some cadres
// are behind, most are not.
func checkOversight(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	o := &inspect.Oversight{Store: db, Intervals: &pairing.Service{Store: db}, Now: db.Now}
	c, err := o.Coverage(ctx, fugong.System, "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tw := range c.Towns {
		named := slices.Contains(coveredTowns, tw.Town.Name)
		if named != tw.Full() {
			t.Errorf("%s over %s..%s: %d of %d visited", tw.Town.Name, c.From, c.To, tw.Visited, tw.Total)
		}
	}
	duties, _, err := o.Duties(ctx, fugong.System)
	if err != nil {
		t.Fatal(err)
	}
	paired, behind := 0, 0
	for _, d := range duties {
		paired += d.Paired
		behind += len(d.Overdue)
	}
	if share := float64(behind) / float64(paired); share < 0.1 || share > 0.4 {
		t.Errorf("%d of %d paired firms overdue for their cadre's visit (%.0f%%)", behind, paired, share*100)
	}
	t.Logf("%d towns covered in full; %d of %d paired firms overdue for a visit", c.FullTowns(), behind, paired)
}
