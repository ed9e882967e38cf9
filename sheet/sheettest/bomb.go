// Package sheettest builds hostile spreadsheets for tests: valid XLSX files
// that cost far more to open than their size suggests.
package sheettest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
)

// ZipBomb returns a valid XLSX whose first sheet unpacks to about
// sheetBytes of XML: a header row of header's cells, then identical rows
// of one long text cell until the size is reached. The rows repeat, so
// the file packs them about a thousand to one: 900 MB of sheet fits in
// under 1 MB.
func ZipBomb(header []string, sheetBytes int64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.DefaultCompression)
	})
	part := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			panic(err)
		}
		io.WriteString(w, body)
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		panic(err)
	}
	var head strings.Builder
	head.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>`)
	for _, h := range header {
		fmt.Fprintf(&head, `<c t="inlineStr"><is><t>%s</t></is></c>`, h)
	}
	head.WriteString(`</row>`)
	const tail = `</sheetData></worksheet>`
	row := []byte(`<row><c t="inlineStr"><is><t>` + strings.Repeat("x", 32000) + `</t></is></c></row>`)
	io.WriteString(w, head.String())
	for n := int64(head.Len() + len(tail)); n+int64(len(row)) <= sheetBytes; n += int64(len(row)) {
		w.Write(row)
	}
	io.WriteString(w, tail)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Repack returns the XLSX xlsx with the parts of extra added, or put in
// place of the parts of the same name.
func Repack(xlsx []byte, extra map[string][]byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name string, body []byte) {
		w, err := zw.Create(name)
		if err != nil {
			panic(err)
		}
		w.Write(body)
	}
	for _, f := range zr.File {
		if _, ok := extra[f.Name]; ok {
			continue
		}
		if err := zw.Copy(f); err != nil {
			panic(err)
		}
	}
	for name, body := range extra {
		put(name, body)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
