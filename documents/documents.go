// Package documents holds each enterprise's two epidemic papers: the signed
// commitment letter (工业企业疫情防控承诺书) and its prevention plan
// (疫情防控预案), kept as files with who recorded them and when. A new upload
// replaces the current one and the old ones stay as history. The list of
// enterprises still missing either is what the towns chase.
package documents

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"fugong"
	"fugong/files"
	"fugong/registry"
)

// The two kinds of document.
const (
	KindLetter = "commitment_letter"
	KindPlan   = "prevention_plan"
)

// Kinds lists the kinds in the order pages show them.
var Kinds = []string{KindLetter, KindPlan}

// KindNames are the documents' Chinese names.
var KindNames = map[string]string{KindLetter: "疫情防控承诺书", KindPlan: "疫情防控预案"}

// DateLayout is how signed_on is written.
const DateLayout = "2006-01-02"

// Document is one recorded document of an enterprise. Current is false once
// a newer one of the same kind replaced it.
type Document struct {
	ID         int64      `json:"id"`
	USCC       string     `json:"uscc"`
	Kind       string     `json:"kind"`
	File       files.File `json:"file"`
	SignedOn   string     `json:"signed_on"` // YYYY-MM-DD, "" when not given
	RecordedBy string     `json:"recorded_by"`
	RecordedAt time.Time  `json:"recorded_at"`
	Current    bool       `json:"current"`
	ReplacedAt *time.Time `json:"replaced_at"`
}

// Upload is a document as received. ContentType is set by Add once
// files.Check has read the file's bytes.
type Upload struct {
	Kind        string
	SignedOn    string
	File        files.Upload
	ContentType string
}

// Normalize trims the upload's fields and returns the rules they break:
// a known kind, a signing date that is a real day not after today, a file.
// The file's own checks are files.Check's.
func (u *Upload) Normalize(now time.Time) []fugong.Problem {
	var ps []fugong.Problem
	u.Kind = strings.TrimSpace(u.Kind)
	if _, ok := KindNames[u.Kind]; !ok {
		ps = append(ps, fugong.Problem{Field: "kind", Message: "文件类别应为 commitment_letter（疫情防控承诺书）或 prevention_plan（疫情防控预案）"})
	}
	u.SignedOn = strings.TrimSpace(u.SignedOn)
	if u.SignedOn != "" {
		d, err := time.ParseInLocation(DateLayout, u.SignedOn, fugong.Location)
		switch {
		case err != nil || d.Format(DateLayout) != u.SignedOn:
			ps = append(ps, fugong.Problem{Field: "signed_on", Message: "签署日期应为 YYYY-MM-DD 格式的有效日期"})
		case u.SignedOn > now.In(fugong.Location).Format(DateLayout):
			ps = append(ps, fugong.Problem{Field: "signed_on", Message: "签署日期不能晚于今天"})
		}
	}
	if u.File.Name == "" && len(u.File.Data) == 0 {
		ps = append(ps, fugong.Problem{Field: "file", Message: "请选择要上传的文件（PDF 或图片）"})
	}
	return ps
}

// Missing is an active enterprise lacking one or both documents.
type Missing struct {
	USCC         string   `json:"uscc"`
	Name         string   `json:"name"`
	Town         string   `json:"town"`
	TownName     string   `json:"town_name"`
	LegalRep     string   `json:"legal_rep"`
	ContactPhone string   `json:"contact_phone"`
	Cadre        string   `json:"cadre"` // the paired cadre's name, "" for none
	Missing      []string `json:"missing"`
}

// TownCount is how many of a town's active enterprises lack each document.
type TownCount struct {
	Town     string `json:"town"`
	TownName string `json:"town_name"`
	Total    int    `json:"total"`
	Missing  int    `json:"missing"` // lacking the kind asked, or either
	NoLetter int    `json:"missing_commitment_letter"`
	NoPlan   int    `json:"missing_prevention_plan"`
}

// Store is what the documents need from storage. Lists are limited to the
// actor's scope.
type Store interface {
	// AddDocument stores the file and the document in one transaction,
	// replacing the enterprise's current document of that kind.
	AddDocument(ctx context.Context, a fugong.Actor, uscc string, u Upload) (Document, error)
	Documents(ctx context.Context, uscc string) ([]Document, error)
	// MissingDocuments pages the enterprises lacking kind ("" for either);
	// perPage 0 is every one.
	MissingDocuments(ctx context.Context, a fugong.Actor, town, kind string, page, perPage int) ([]Missing, int, error)
	MissingDocumentsByTown(ctx context.Context, a fugong.Actor, kind string) ([]TownCount, error)
}

// Service applies the documents' rules over its store and the registry.
type Service struct {
	Store    Store
	Registry *registry.Service
	Now      func() time.Time
}

// CanRecord reports whether the actor may record documents of an enterprise
// already read in their scope: its clerk, its town, its cadre, the bureau's
// prevention group (联防联控组, which had the letters signed) and inspection
// group (which checks the plans on its visits), the admin.
func CanRecord(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleEnterprise, fugong.RoleTown, fugong.RoleCadre:
		return true
	}
	return a.WritesFor(fugong.GroupPrevention) || a.WritesFor(fugong.GroupInspection)
}

// Add records a document of an enterprise in the actor's scope. The file
// must be a PDF or an image by its bytes (files.Check); one too large is
// too_large, anything else wrong is one invalid error listing every field.
func (s *Service) Add(ctx context.Context, a fugong.Actor, uscc string, u Upload) (Document, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return Document{}, err
	}
	if !CanRecord(a) {
		return Document{}, fugong.Errorf(fugong.EForbidden, "", "无权登记承诺书或防控预案")
	}
	ps := u.Normalize(s.Now())
	if u.File.Name != "" || len(u.File.Data) > 0 {
		ctype, err := files.Check("file", u.File, files.Document)
		switch fe := fugong.AsError(err); {
		case err == nil:
			u.ContentType = ctype
		case fe != nil && fe.Code == fugong.EInvalid:
			ps = append(ps, fugong.Problem{Field: "file", Message: fe.Message})
		default:
			return Document{}, err
		}
	}
	if err := fugong.Invalid(ps); err != nil {
		return Document{}, err
	}
	return s.Store.AddDocument(ctx, a, e.USCC, u)
}

// List returns an enterprise's documents, newest first, the replaced ones too.
func (s *Service) List(ctx context.Context, a fugong.Actor, uscc string) ([]Document, error) {
	e, err := s.Registry.Get(ctx, a, uscc)
	if err != nil {
		return nil, err
	}
	return s.Store.Documents(ctx, e.USCC)
}

// CanChase reports whether the actor chases the papers still missing, with
// the list of the enterprises lacking them in their menu: the towns, the
// cadres, the bureau and the admin. A clerk sees their own on the
// enterprise's page.
func CanChase(a fugong.Actor) bool {
	switch a.Role {
	case fugong.RoleAdmin, fugong.RoleBureau, fugong.RoleTown, fugong.RoleCadre:
		return true
	}
	return false
}

// Paper is an enterprise's documents of one kind: the current one, if
// any, and those it replaced, newest first.
type Paper struct {
	Kind     string
	Current  *Document
	Replaced []Document
}

// Papers sorts an enterprise's documents (List) by kind, in Kinds order,
// every kind listed whether recorded or not.
func Papers(docs []Document) []Paper {
	out := make([]Paper, 0, len(Kinds))
	for _, k := range Kinds {
		p := Paper{Kind: k}
		for _, d := range docs {
			switch {
			case d.Kind != k:
			case d.Current && p.Current == nil:
				p.Current = &d
			default:
				p.Replaced = append(p.Replaced, d)
			}
		}
		out = append(out, p)
	}
	return out
}

// NextKind is the kind to record next: the first still missing, else the
// letter (a new upload replaces it).
func NextKind(papers []Paper) string {
	for _, p := range papers {
		if p.Current == nil {
			return p.Kind
		}
	}
	return KindLetter
}

// Lacks names what an enterprise of the missing list lacks, in Kinds order.
func (m Missing) Lacks() []string {
	var out []string
	for _, k := range Kinds {
		if slices.Contains(m.Missing, k) {
			out = append(out, KindNames[k])
		}
	}
	return out
}

// Sum adds up the towns' counts (合计).
func Sum(towns []TownCount) TownCount {
	s := TownCount{TownName: "合计"}
	for _, t := range towns {
		s.Total += t.Total
		s.Missing += t.Missing
		s.NoLetter += t.NoLetter
		s.NoPlan += t.NoPlan
	}
	return s
}

// Current picks the current document of each kind from a list.
func Current(docs []Document) map[string]Document {
	out := map[string]Document{}
	for _, d := range docs {
		if d.Current {
			out[d.Kind] = d
		}
	}
	return out
}

// MissingList is the enterprises lacking documents: the counts of every
// town in scope, and a page of the enterprises (of one town, if asked).
type MissingList struct {
	Towns   []TownCount `json:"towns"`
	Items   []Missing   `json:"items"`
	Total   int         `json:"total"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
}

// Missing returns the enterprises in scope lacking kind ("" for either).
func (s *Service) Missing(ctx context.Context, a fugong.Actor, town, kind string, page, perPage int) (MissingList, error) {
	town, kind, page, perPage, err := checkMissingParams(town, kind, page, perPage)
	if err != nil {
		return MissingList{}, err
	}
	l := MissingList{Page: page, PerPage: perPage}
	if l.Towns, err = s.Store.MissingDocumentsByTown(ctx, a, kind); err != nil {
		return l, err
	}
	l.Items, l.Total, err = s.Store.MissingDocuments(ctx, a, town, kind, page, perPage)
	return l, err
}

// AllMissing returns every enterprise in scope (and town) lacking kind, for
// the download.
func (s *Service) AllMissing(ctx context.Context, a fugong.Actor, town, kind string) ([]Missing, error) {
	town, kind, _, _, err := checkMissingParams(town, kind, 1, 0)
	if err != nil {
		return nil, err
	}
	items, _, err := s.Store.MissingDocuments(ctx, a, town, kind, 1, 0)
	return items, err
}

func checkMissingParams(town, kind string, page, perPage int) (string, string, int, int, error) {
	if town != "" {
		t, ok := registry.TownByNameOrCode(strings.TrimSpace(town))
		if !ok {
			return "", "", 0, 0, fugong.Errorf(fugong.EInvalid, "town", "不是本市的乡镇街道")
		}
		town = t.Code
	}
	if _, ok := KindNames[kind]; kind != "" && !ok {
		return "", "", 0, 0, fugong.Errorf(fugong.EInvalid, "kind", "文件类别应为 commitment_letter 或 prevention_plan")
	}
	if page < 0 {
		return "", "", 0, 0, fugong.Errorf(fugong.EInvalid, "page", "页码应为正整数")
	}
	if perPage < 0 || perPage > registry.MaxPerPage {
		return "", "", 0, 0, fugong.Errorf(fugong.EInvalid, "per_page", "每页条数应在 1–500 之间")
	}
	return town, kind, max(page, 1), cmp.Or(perPage, registry.DefaultPerPage), nil
}
