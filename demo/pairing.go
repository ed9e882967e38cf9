package demo

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"fugong"
	"fugong/account"
	"fugong/documents"
	"fugong/files"
	"fugong/inspect"
	"fugong/pairing"
	"fugong/registry"
	"fugong/store"
)

// firmsPerCadre is how many enterprises a generated cadre looks after: the
// 千名干部进千企 drive put about a thousand of the city's cadres in the
// firms, each with a handful.
const firmsPerCadre = 8

// unpairedShare is, in the towns where pairing lagged, the share of the
// firms below designated size still without a cadre; everywhere else every
// firm has one.
var unpairedShare = map[string]float64{
	"330381008": 0.20, // 汀田街道
	"330381005": 0.15, // 上望街道
	"330381003": 0.10, // 锦湖街道
	"330381013": 0.25, // 云周街道
}

// seedPaperwork pairs the demo city's firms with generated cadres (leaving
// some without one in a few towns) and records their commitment letters
// and prevention plans: most firms have their letter, fewer their plan.
// The demo cadre ganbu's own firms are paired with it later, by ensureUsers.
func seedPaperwork(ctx context.Context, db *store.DB, es []registry.Enterprise, clerk string) error {
	r := rand.New(rand.NewPCG(2020, 203))
	now := db.Now()
	assignments, err := pairCadres(ctx, db, r, es)
	if err != nil {
		return err
	}
	if err := db.LoadPairings(ctx, assignments, now.AddDate(0, 0, -historyDays+5)); err != nil {
		return fmt.Errorf("pairings: %w", err)
	}
	cadreOf := make(map[string]string, len(assignments))
	for _, a := range assignments {
		cadreOf[a.USCC] = a.Cadre.Username
	}
	if err := seedCadreVisits(ctx, db, r, es, clerk, assignments, now); err != nil {
		return fmt.Errorf("cadre visits: %w", err)
	}
	docs, err := generateDocuments(r, es, cadreOf, now)
	if err != nil {
		return err
	}
	if err := db.LoadDocuments(ctx, docs); err != nil {
		return fmt.Errorf("documents: %w", err)
	}
	return nil
}

// pairCadres creates each town's cadres and assigns them the town's firms in
// turn, skipping the share left unpaired.
func pairCadres(ctx context.Context, db *store.DB, r *rand.Rand, es []registry.Enterprise) ([]pairing.Assignment, error) {
	// The generated cadres do not log in: they share the hash of a random
	// password nobody is told (the admin can set one with fugong user).
	hash, err := account.HashPassword(account.NewPassword())
	if err != nil {
		return nil, err
	}
	byTown := map[string][]registry.Enterprise{}
	for _, e := range es {
		if e.Status != registry.StatusActive {
			continue
		}
		if e.SizeClass == registry.SizeBelow && r.Float64() < unpairedShare[e.Town] {
			continue
		}
		byTown[e.Town] = append(byTown[e.Town], e)
	}
	var out []pairing.Assignment
	for _, t := range registry.Towns {
		firms := byTown[t.Code]
		n := (len(firms) + firmsPerCadre - 1) / firmsPerCadre
		for i := range n {
			u := account.User{Username: fmt.Sprintf("gb%s.%03d", t.Code[6:], i+1), DisplayName: person(r), Role: fugong.RoleCadre}
			u, err := db.CreateUser(ctx, fugong.System, u, hash)
			if err != nil {
				return nil, fmt.Errorf("cadre %s: %w", u.Username, err)
			}
			for _, e := range firms[i*len(firms)/n : (i+1)*len(firms)/n] {
				out = append(out, pairing.Assignment{USCC: e.USCC, Cadre: u})
			}
		}
	}
	return out, nil
}

func person(r *rand.Rand) string {
	s, gc := []rune(surnames), []rune(givenChars)
	n := string(s[r.IntN(len(s))]) + string(gc[r.IntN(len(gc))])
	if r.IntN(4) > 0 {
		n += string(gc[r.IntN(len(gc))])
	}
	return n
}

// generateDocuments draws who has which paper: the letter was signed in the
// first days by nearly every firm (the towns had them signed before the
// Spring Festival ended), the plan later and by fewer, small firms last. A
// paper is recorded by the firm's cadre, its town or the bureau's groups.
func generateDocuments(r *rand.Rand, es []registry.Enterprise, cadreOf map[string]string, now time.Time) ([]store.GeneratedDocument, error) {
	photo, err := pngPhoto()
	if err != nil {
		return nil, err
	}
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, fugong.Location).AddDate(0, 0, -historyDays)
	recorder := func(e registry.Enterprise) string {
		switch p := r.IntN(10); {
		case p < 5 && cadreOf[e.USCC] != "":
			return cadreOf[e.USCC]
		case p < 7 && e.Town == tangxia:
			return "tangxia"
		case p < 7 && e.Town == xianjiang:
			return "lianfang" // the bureau's 联防联控 team worked in 仙降
		case p < 8:
			return "ducha"
		default:
			return demoReporter
		}
	}
	var out []store.GeneratedDocument
	add := func(e registry.Enterprise, kind string, day int) {
		at := start.AddDate(0, 0, day).Add(8*time.Hour + time.Duration(r.IntN(9*3600))*time.Second)
		if at.After(now) {
			at = now.Add(-time.Duration(1+r.IntN(3600)) * time.Second)
		}
		d := store.GeneratedDocument{Document: documents.Document{USCC: e.USCC, Kind: kind, RecordedBy: recorder(e), RecordedAt: at}}
		if r.IntN(3) > 0 {
			d.SignedOn = at.In(fugong.Location).AddDate(0, 0, -r.IntN(2)).Format(documents.DateLayout)
		}
		name := map[string]string{documents.KindLetter: "工业企业疫情防控承诺书", documents.KindPlan: "企业疫情防控预案"}[kind]
		if kind == documents.KindLetter && r.IntN(5) == 0 {
			// A phone photo of the signed page: the same tiny picture, made
			// unique by a text chunk naming the firm.
			d.File.Name, d.File.ContentType, d.Data = name+".png", files.PNG, withText(photo, e.USCC)
		} else {
			d.File.Name, d.File.ContentType, d.Data = name+".pdf", files.PDF, letterPDF(kind, e)
		}
		out = append(out, d)
	}
	for _, e := range es {
		if e.Status != registry.StatusActive {
			continue
		}
		letter, plan := 96, 72
		if e.SizeClass == registry.SizeAbove {
			letter, plan = 99, 95
		}
		if r.IntN(100) < letter {
			add(e, documents.KindLetter, r.IntN(4))
		}
		if r.IntN(100) < plan {
			add(e, documents.KindPlan, 3+r.IntN(historyDays-3))
		}
	}
	return out, nil
}

// letterPDF is a one-page PDF naming the paper and the firm. The standard
// fonts have no Chinese, so the page says it in English; the file's name
// carries the Chinese title.
func letterPDF(kind string, e registry.Enterprise) []byte {
	title := map[string]string{documents.KindLetter: "Industrial Enterprise Epidemic Prevention Commitment Letter",
		documents.KindPlan: "Enterprise Epidemic Prevention and Control Plan"}[kind]
	return minimalPDF([]string{title, "Unified social credit code: " + e.USCC, "Ruian, Zhejiang, 2020"})
}

// minimalPDF builds a valid single-page PDF showing lines of ASCII text.
func minimalPDF(lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 14 Tf 72 760 Td 18 TL\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(l)
		content.WriteString("(" + l + ") Tj T*\n")
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pngPhoto is a small grey picture standing for a photo of a signed page.
func pngPhoto() ([]byte, error) {
	img := image.NewGray(image.Rect(0, 0, 24, 32))
	for y := range 32 {
		for x := range 24 {
			c := uint8(245)
			if y%4 == 2 && x > 2 && x < 21 && y > 4 && y < 28 {
				c = 90 // lines of writing
			}
			img.SetGray(x, y, color.Gray{c})
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// withText returns a PNG with a tEXt chunk saying text before its IEND
// chunk, the last 12 bytes of the file.
func withText(p []byte, text string) []byte {
	data := append([]byte("Comment\x00"), text...)
	typed := append([]byte("tEXt"), data...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, typed...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(typed))
	end := len(p) - 12
	return slices.Concat(p[:end], chunk, p[end:])
}

// Of the paired firms, unvisitedShare have not had their cadre's visit
// recorded yet, and behindShare of the rest were last seen more than a week
// ago: the cadres behind are a list to work through, not the whole city,
// and no town beyond the nine the inspection group covered is complete.
const (
	unvisitedShare = 0.15
	behindShare    = 0.1
)

// seedCadreVisits gives the generated cadres' firms the weekly visit of
// 一企一员: the 六必问, asked in person, all well.
func seedCadreVisits(ctx context.Context, db *store.DB, r *rand.Rand, es []registry.Enterprise, clerk string, as []pairing.Assignment, now time.Time) error {
	lists, err := db.Checklists(ctx, false)
	if err != nil {
		return err
	}
	byName := map[string]inspect.Checklist{}
	for _, c := range lists {
		byName[c.Name] = c
	}
	c, ok := byName["六必问"]
	if !ok {
		return fmt.Errorf("no checklist 六必问")
	}
	byCode := make(map[string]registry.Enterprise, len(es))
	for _, e := range es {
		byCode[e.USCC] = e
	}
	// In each town the inspection group did not cover, one firm it did not
	// visit waits for its cadre too, so that no such town is complete.
	inspected := map[string]bool{}
	for _, v := range visits(es, clerk, byName, now) {
		inspected[v.Enterprise] = true
	}
	waiting := map[string]bool{}
	for _, name := range coveredTowns {
		t, _ := registry.TownByNameOrCode(name)
		waiting[t.Code] = true
	}
	in := inspect.VisitInput{ChecklistID: c.ID}
	for _, it := range c.Items {
		in.Answers = append(in.Answers, inspect.AnswerInput{ItemID: it.ID, Result: inspect.ResultPass})
	}
	var vs []inspect.Visit
	for _, a := range as {
		town := byCode[a.USCC].Town
		if !waiting[town] && !inspected[a.USCC] {
			waiting[town] = true
			continue
		}
		if r.Float64() < unvisitedShare {
			continue
		}
		last := 1 + r.IntN(6) // days ago
		if r.Float64() < behindShare {
			last = 8 + r.IntN(7)
		}
		for _, daysAgo := range []int{last, last + 7} {
			at := now.AddDate(0, 0, -daysAgo).Add(-time.Duration(r.IntN(8*60)) * time.Minute)
			in.Inspectors = []string{a.Cadre.DisplayName}
			nv := inspect.Plan(byCode[a.USCC], c, in, at, nil)
			v := inspect.Visit{VisitSummary: nv.Summary, Answers: nv.Answers}
			v.RecordedBy, v.RecordedAt = a.Cadre.Username, at.Add(time.Duration(5+r.IntN(60))*time.Minute)
			vs = append(vs, v)
		}
	}
	slices.SortStableFunc(vs, func(x, y inspect.Visit) int { return x.VisitedAt.Compare(y.VisitedAt) })
	return db.LoadVisits(ctx, vs)
}
