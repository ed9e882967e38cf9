package fugong

import (
	"strings"
	"unicode/utf8"
)

// CheckText refuses text that no store keeps as it came: a NUL, which
// PostgreSQL refuses (failing the whole statement) and SQLite keeps, and
// bytes that are not UTF-8. Every text from outside passes it where it is
// decoded, before any rule sees it: web for the path, the query, form
// values and file names, JSON strings and the headers kept; sheet for the
// cells of an uploaded file. field names the input in the error.
func CheckText(field, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return textError(field, "含有空字符（NUL），请删除后重新提交")
	}
	if !utf8.ValidString(s) {
		return textError(field, "不是有效的 UTF-8 文本，请检查编码后重新提交")
	}
	return nil
}

// textError names the field in the error; a name that is bad text itself
// (a query parameter's, say) is given cleaned, so that it can be shown.
func textError(field, problem string) *Error {
	field = strings.ToValidUTF8(strings.ReplaceAll(field, "\x00", ""), "")
	label := "输入内容"
	if field != "" {
		label = "“" + field + "”"
	}
	return Errorf(EInvalid, field, "%s%s", label, problem)
}
