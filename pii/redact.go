package pii

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Redact masks every ID number and mainland mobile number in free text, for
// logs and audit rows: they must never hold a whole one. It finds
//
//   - 18-character ID numbers (17 digits and a digit or X) whose first two
//     digits are a province and whose birth date is real, check character
//     right or not (a mistyped number is still someone's), and 15-digit
//     first-generation ones; both become 330381********1234;
//   - mobile numbers, 1[3-9] and 9 more digits, also after 86 or 0086 and
//     written 138 1234 5678 or 138-1234-5678; they become 138****5678;
//   - ID numbers written 330381 19900101 123X.
//
// A number counts only as a whole run of digits: the digits inside a longer
// number (an order or card number) are left alone. Full-width digits count
// as digits. The province and date tests keep other 18-digit codes, such as
// an all-digit unified social credit code (which begins 9), unmasked.
func Redact(s string) string {
	if !strings.ContainsAny(s, "0123456789０１２３４５６７８９") {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		if n, masked := matchToken(rs, i); n > 0 {
			b.WriteString(masked)
			i += n
			continue
		}
		j := runEnd(rs, i)
		for _, r := range rs[i:j] {
			b.WriteRune(r)
		}
		i = j
	}
	return b.String()
}

func runEnd(rs []rune, i int) int {
	for i < len(rs) && isDigit(rs[i]) {
		i++
	}
	return i
}

func ascii(rs []rune) string {
	b := make([]byte, len(rs))
	for i, r := range rs {
		b[i] = asciiDigit(r)
	}
	return string(b)
}

func isX(r rune) bool { return r == 'X' || r == 'x' || r == 'Ｘ' || r == 'ｘ' }

// matchToken looks for an ID or mobile number at the start i of a run of
// digits; it returns how many runes it covers and their masked form.
func matchToken(rs []rune, i int) (int, string) {
	j := runEnd(rs, i)
	tok := ascii(rs[i:j])
	switch len(tok) {
	case 17:
		if j < len(rs) && isX(rs[j]) && (j+1 == len(rs) || !isDigit(rs[j+1])) && idShaped(tok+"X") {
			return 18, MaskID(tok + "X")
		}
	case 18:
		if idShaped(tok) {
			return 18, MaskID(tok)
		}
	case 15:
		if oldIDShaped(tok) {
			return 15, MaskID(tok)
		}
		if strings.HasPrefix(tok, "0086") && isMobile(tok[4:]) {
			return 15, "0086" + MaskPhone(tok[4:])
		}
	case 13:
		if strings.HasPrefix(tok, "86") && isMobile(tok[2:]) {
			return 13, "86" + MaskPhone(tok[2:])
		}
	case 11:
		if isMobile(tok) {
			return 11, MaskPhone(tok)
		}
	case 3:
		if g, sep, ok := groups(rs, i, 3, 4, 4); ok && isMobile(strings.Join(g, "")) {
			return 13, g[0] + sep + "****" + sep + g[2]
		}
	case 6:
		if g, sep, ok := groups(rs, i, 6, 8, 4); ok && idShaped(strings.Join(g, "")) {
			return 20, g[0] + sep + "********" + sep + g[2]
		}
	}
	return 0, ""
}

// groups reads runs of digits of the given sizes from i, separated by one
// and the same space or hyphen, the whole not followed by a digit. The last
// group may end in X (an ID number's check character).
func groups(rs []rune, i int, sizes ...int) ([]string, string, bool) {
	var out []string
	sep := rune(0)
	for k, n := range sizes {
		if k > 0 {
			if i >= len(rs) || (rs[i] != ' ' && rs[i] != '-') || (sep != 0 && rs[i] != sep) {
				return nil, "", false
			}
			sep = rs[i]
			i++
		}
		j := runEnd(rs, i)
		last := k == len(sizes)-1
		if last && j-i == n-1 && j < len(rs) && isX(rs[j]) {
			j++
		}
		if j-i != n {
			return nil, "", false
		}
		out = append(out, ascii(rs[i:j]))
		i = j
	}
	if i < len(rs) && isDigit(rs[i]) {
		return nil, "", false
	}
	return out, string(sep), true
}

func isMobile(s string) bool {
	return len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && allDigits(s)
}

// idShaped: 17 digits and a digit or X, a province and a real birth date.
func idShaped(s string) bool {
	if len(s) != 18 || !allDigits(s[:17]) || (s[17] != 'X' && (s[17] < '0' || s[17] > '9')) {
		return false
	}
	_, ok := birthDate(s[6:14])
	return ok && provinces[s[:2]]
}

// oldIDShaped: a 15-digit first-generation number, born 19YYMMDD.
func oldIDShaped(s string) bool {
	if len(s) != 15 || !allDigits(s) || !provinces[s[:2]] {
		return false
	}
	_, ok := birthDate("19" + s[6:12])
	return ok
}

// sensitiveKeys are JSON keys whose values are masked whole, whatever
// their shape: a landline or a malformed ID number under them is hidden
// too.
var sensitiveKeys = map[string]func(string) string{
	"id_number":     MaskID,
	"phone":         MaskPhone,
	"contact_phone": MaskPhone,
	"mobile":        MaskPhone,
}

// maxJSONDepth bounds the nesting RedactJSON follows.
const maxJSONDepth = 200

// RedactJSON masks the personal data in a JSON document, such as an audit
// row's before and after: the values of id_number, phone, contact_phone
// and mobile whole (strings and numbers alike), and every other string,
// number and key through Redact. Keys keep their order. A number that
// needed masking becomes a string.
func RedactJSON(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var out bytes.Buffer
	out.Grow(len(doc))
	if err := redactValue(dec, &out, "", 0); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("pii: text after the JSON value")
	}
	return out.Bytes(), nil
}

func redactValue(dec *json.Decoder, out *bytes.Buffer, key string, depth int) error {
	if depth > maxJSONDepth {
		return errors.New("pii: JSON nested too deep")
	}
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("pii: %w", err)
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			out.WriteByte('{')
			for n := 0; dec.More(); n++ {
				kt, err := dec.Token()
				if err != nil {
					return fmt.Errorf("pii: %w", err)
				}
				k, _ := kt.(string)
				if n > 0 {
					out.WriteByte(',')
				}
				writeString(out, Redact(k))
				out.WriteByte(':')
				if err := redactValue(dec, out, k, depth+1); err != nil {
					return err
				}
			}
			out.WriteByte('}')
		case '[':
			out.WriteByte('[')
			for n := 0; dec.More(); n++ {
				if n > 0 {
					out.WriteByte(',')
				}
				// An array's elements are masked as their key's value is.
				if err := redactValue(dec, out, key, depth+1); err != nil {
					return err
				}
			}
			out.WriteByte(']')
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return fmt.Errorf("pii: %w", err)
		}
	case string:
		if mask, ok := sensitiveKeys[key]; ok {
			writeString(out, mask(v))
		} else {
			writeString(out, Redact(v))
		}
	case json.Number:
		s := string(v)
		if mask, ok := sensitiveKeys[key]; ok {
			writeString(out, mask(s))
		} else if r := Redact(s); r != s {
			writeString(out, r)
		} else {
			out.WriteString(s)
		}
	case bool:
		if v {
			out.WriteString("true")
		} else {
			out.WriteString("false")
		}
	case nil:
		out.WriteString("null")
	}
	return nil
}

func writeString(out *bytes.Buffer, s string) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.Encode(s)               // a string always encodes
	out.Truncate(out.Len() - 1) // the encoder's newline
}
