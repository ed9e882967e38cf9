package checkpoint

import (
	"crypto/rand"
	"encoding/base64"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/registry"
)

// Kind is what a checkpoint guards.
type Kind string

const (
	KindRoad       Kind = "road"       // a road into or out of the city
	KindStation    Kind = "station"    // a railway or coach station
	KindCommunity  Kind = "community"  // a village's or housing estate's gate
	KindEnterprise Kind = "enterprise" // a factory's gate
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindRoad, KindStation, KindCommunity, KindEnterprise}

// KindNames are the Chinese names of the kinds.
var KindNames = map[Kind]string{
	KindRoad:       "道路卡口",
	KindStation:    "车站卡口",
	KindCommunity:  "社区（村）卡口",
	KindEnterprise: "企业门岗",
}

// ParseKind reads a kind in English or Chinese.
func ParseKind(s string) (Kind, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, k := range Kinds {
		if s == string(k) || s == KindNames[k] {
			return k, true
		}
	}
	switch s {
	case "道路", "公路", "高速":
		return KindRoad, true
	case "车站", "火车站", "汽车站":
		return KindStation, true
	case "社区", "村", "小区":
		return KindCommunity, true
	case "企业", "门岗", "厂区":
		return KindEnterprise, true
	}
	return "", false
}

// Post is a checkpoint (卡口). Its code carries a URL with its token: a
// traveller who scans it registers at the post on their own phone.
type Post struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Kind     Kind   `json:"kind"`
	Town     string `json:"town"` // town code
	Location string `json:"location"`
	// Token is in the post's code and nowhere else outside the server: it
	// is not in the JSON of a post, the web layer serves the code.
	Token      Token     `json:"-"`
	TokenSetAt time.Time `json:"token_set_at"`
	// Closed is a post taken down: its code then says so.
	Closed    bool      `json:"closed"`
	CreatedAt time.Time `json:"created_at"`
}

// PostLabels are the Chinese labels of a post's fields.
var PostLabels = map[string]string{
	"name":     "卡口名称",
	"kind":     "卡口类型",
	"town":     "所属乡镇街道",
	"location": "位置",
}

// Normalize trims the post, resolves its town (a code or a name) and kind
// (English or Chinese), and returns every rule it breaks.
func (p *Post) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	bad := func(field, msg string) {
		ps = append(ps, fugong.Problem{Field: field, Message: PostLabels[field] + msg})
	}
	p.Name = strings.TrimSpace(p.Name)
	checkText(bad, "name", p.Name, 50, true)
	if k, ok := ParseKind(string(p.Kind)); ok {
		p.Kind = k
	} else if strings.TrimSpace(string(p.Kind)) == "" {
		bad("kind", "必填")
	} else {
		bad("kind", "应为 road、station、community 或 enterprise（道路、车站、社区、企业门岗）")
	}
	checkTown(bad, &p.Town)
	// The location is optional: the contract's post is its name, town
	// and kind, and the name often says where it is.
	p.Location = strings.TrimSpace(p.Location)
	checkText(bad, "location", p.Location, 100, false)
	return ps
}

// checkTown resolves a town given by its code or name to its code.
func checkTown(bad func(field, msg string), town *string) {
	s := strings.TrimSpace(*town)
	if s == "" {
		bad("town", "必填")
		return
	}
	t, ok := registry.TownByNameOrCode(s)
	if !ok {
		bad("town", "不是瑞安市的乡镇街道")
		return
	}
	*town = t.Code
}

// checkText checks a trimmed text field: required, valid UTF-8 without
// NUL, at most max characters. The messages follow the label bad adds.
func checkText(bad func(field, msg string), field, v string, max int, required bool) {
	switch {
	case required && v == "":
		bad(field, "必填")
	case !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0:
		bad(field, "含有无效字符")
	case utf8.RuneCountInString(v) > max:
		bad(field, "不能超过"+strconv.Itoa(max)+"个字")
	}
}

// Token is a post's secret in its QR code: 128 random bits written as 22
// characters of unpadded base64url (A–Z a–z 0–9 - _), safe in a URL path.
// It cannot be guessed, so only someone at the post (or shown its code)
// can register there.
type Token string

// TokenBytes is a token's randomness: 16 bytes, 128 bits.
const TokenBytes = 16

// NewToken draws a token from random (crypto/rand.Reader when nil).
func NewToken(random io.Reader) (Token, error) {
	s, err := randomString(random, TokenBytes)
	return Token(s), err
}

func randomString(random io.Reader, n int) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ParseToken reads a token from a scanned URL's path: anything but 22
// characters that decode to 16 bytes (and encode back the same, so one
// token has one spelling) is no token, refused before any look-up.
func ParseToken(s string) (Token, bool) {
	if !canonical(s, TokenBytes) {
		return "", false
	}
	return Token(s), true
}

// canonical reports whether s is the unpadded base64url of n bytes, in
// its one canonical spelling.
func canonical(s string, n int) bool {
	if len(s) != base64.RawURLEncoding.EncodedLen(n) {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == n
}

// ScanPath is where a post's code points: the web layer serves the
// registration form at ScanPath + token.
const ScanPath = "/scan/"

// URL is the address a post's code carries, on the service's public base
// URL ("https://fugong.example.cn", with or without a trailing slash).
func (t Token) URL(base string) string {
	return strings.TrimRight(base, "/") + ScanPath + string(t)
}

// ScanError says why a scanned code does not lead to a post's form, or is
// nil when it does: the store found post p by the token, retired when it
// was a token the post had before its current one.
func ScanError(p Post, retired bool) error {
	switch {
	case retired:
		return fugong.Errorf(fugong.ENotFound, "token",
			"此二维码已停用：%s已更换二维码，请扫描卡口现场张贴的新二维码", p.Name)
	case p.Closed:
		return fugong.Errorf(fugong.ENotFound, "token", "%s已撤销，无需扫码登记", p.Name)
	}
	return nil
}

// ErrUnknownCode is a scanned token that is no post's, current or past.
func ErrUnknownCode() *fugong.Error {
	return fugong.Errorf(fugong.ENotFound, "token", "二维码无效：请扫描卡口现场张贴的登记二维码")
}

// Assignment puts a user of the checkpoint role at one post or at one
// isolation point: the post's registrations or the point's residents are
// theirs to work on. Exactly one of Post and Point is set.
type Assignment struct {
	User  int64 `json:"user"`
	Post  int64 `json:"post,omitempty"`
	Point int64 `json:"point,omitempty"`
}

// CheckAssignment returns the rules an assignment of the user (their role
// and town) to a post or point in town breaks: only checkpoint staff are
// assigned, to one place, in their own town.
func CheckAssignment(as Assignment, role fugong.Role, userTown, placeTown string) []fugong.Problem {
	var ps []fugong.Problem
	if role != fugong.RoleCheckpoint {
		ps = append(ps, fugong.Problem{Field: "user", Message: "只有“卡口/隔离点”角色的用户可以安排到卡口或隔离点"})
	}
	switch {
	case (as.Post > 0) == (as.Point > 0):
		ps = append(ps, fugong.Problem{Field: "post", Message: "请选择一个卡口或一个隔离点（只能选其一）"})
	case userTown != placeTown:
		field := "post"
		if as.Point > 0 {
			field = "point"
		}
		ps = append(ps, fugong.Problem{Field: field, Message: "只能安排到用户所属乡镇街道的卡口或隔离点"})
	}
	return ps
}
