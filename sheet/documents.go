package sheet

import (
	"io"
	"slices"

	"fugong/documents"
)

var missingDocumentColumns = []column{
	{Header: "企业名称", Width: 32},
	{Header: "统一社会信用代码", Width: 22, Text: true},
	{Header: "所属乡镇街道", Width: 12},
	{Header: "法定代表人", Width: 10},
	{Header: "联系电话", Width: 15, Text: true},
	{Header: "驻企干部", Width: 10},
	{Header: "缺疫情防控承诺书", Width: 16},
	{Header: "缺疫情防控预案", Width: 14},
}

// WriteMissingDocuments writes the enterprises lacking their commitment
// letter or prevention plan, one 是/否 column per document, for the towns to
// chase. name's suffix picks the format.
func WriteMissingDocuments(w io.Writer, name string, items []documents.Missing) error {
	f, err := format(name)
	if err != nil {
		return err
	}
	rw, err := newWriter(w, f, missingDocumentColumns)
	if err != nil {
		return err
	}
	defer rw.Close()
	yes := func(kind string, m documents.Missing) string {
		if slices.Contains(m.Missing, kind) {
			return "是"
		}
		return "否"
	}
	for _, m := range items {
		cadre := m.Cadre
		if cadre == "" {
			cadre = "未结对"
		}
		if err := rw.Row([]any{m.Name, m.USCC, m.TownName, m.LegalRep, m.ContactPhone, cadre,
			yes(documents.KindLetter, m), yes(documents.KindPlan, m)}); err != nil {
			return err
		}
	}
	return rw.Flush()
}
