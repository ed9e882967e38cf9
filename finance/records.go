package finance

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fugong"
	"fugong/registry"
)

// The records the finance module keeps beside the calculators: the loans
// listed firms took under the special re-lending, the city's policy
// catalogue (the "30 articles" and "25 articles") and what each firm
// received under which article (兑现).

// LoanInput is a loan as the bureau records it: the calculator's loan and
// the firm and its lender.
type LoanInput struct {
	USCC   string `json:"uscc"`
	Lender string `json:"lender"`
	Loan
}

// LoanRecord is a stored loan with its subsidy worked out against the LPR
// table: a loan above the cap is flagged (Subsidy.AboveCap).
type LoanRecord struct {
	ID        int64     `json:"id"`
	USCC      string    `json:"uscc"`
	Name      string    `json:"name"`
	Town      string    `json:"town"`
	Lender    string    `json:"lender"`
	Subsidy   Subsidy   `json:"subsidy"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// MaxNameRunes bounds a lender's, policy's or article's name.
const MaxNameRunes = 100

// cleanText trims s and checks it: valid text, at most limit characters,
// present when required.
func cleanText(s string, limit int, required bool) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return s, "含有无效字符"
	case required && s == "":
		return s, "必填"
	case utf8.RuneCountInString(s) > limit:
		return s, "不能超过" + strconv.Itoa(limit) + "个字"
	}
	return s, ""
}

func usccProblem(u *string) []fugong.Problem {
	n, msg := registry.NormalizeUSCC(*u)
	*u = n
	if msg != "" {
		return []fugong.Problem{{Field: "uscc", Message: "统一社会信用代码" + msg}}
	}
	return nil
}

// Normalize returns every rule the loan breaks.
func (l *LoanInput) Normalize() []fugong.Problem {
	ps := usccProblem(&l.USCC)
	var msg string
	if l.Lender, msg = cleanText(l.Lender, MaxNameRunes, true); msg != "" {
		ps = append(ps, fugong.Problem{Field: "lender", Message: "贷款银行" + msg})
	}
	return append(ps, l.Loan.Normalize()...)
}

// Policy is one of the city's policy documents, with its articles.
type Policy struct {
	ID int64 `json:"id"`
	// Code is the document's number (瑞政发〔2020〕…), optional.
	Code     string    `json:"code"`
	Name     string    `json:"name"`
	IssuedOn string    `json:"issued_on"` // YYYY-MM-DD
	Articles []Article `json:"articles"`
}

// Article is one article of a policy: its number in the document and what
// it gives.
type Article struct {
	ID      int64  `json:"id"`
	Policy  int64  `json:"policy_id"`
	No      int    `json:"no"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// Normalize returns every rule the policy breaks (its articles are
// checked one by one when added).
func (p *Policy) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	var msg string
	if p.Code, msg = cleanText(p.Code, MaxNameRunes, false); msg != "" {
		ps = append(ps, fugong.Problem{Field: "code", Message: "文号" + msg})
	}
	if p.Name, msg = cleanText(p.Name, MaxNameRunes, true); msg != "" {
		ps = append(ps, fugong.Problem{Field: "name", Message: "政策名称" + msg})
	}
	if _, err := time.Parse(DateLayout, p.IssuedOn); err != nil {
		ps = append(ps, fugong.Problem{Field: "issued_on", Message: "发布日期应为 YYYY-MM-DD 格式的有效日期"})
	}
	return ps
}

// MaxArticles bounds the articles of a policy.
const MaxArticles = 200

// Normalize returns every rule the article breaks.
func (ar *Article) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	if ar.No < 1 || ar.No > MaxArticles {
		ps = append(ps, fugong.Problem{Field: "no", Message: "条款序号应在 1–" + strconv.Itoa(MaxArticles) + " 之间"})
	}
	var msg string
	if ar.Title, msg = cleanText(ar.Title, MaxNameRunes, true); msg != "" {
		ps = append(ps, fugong.Problem{Field: "title", Message: "条款名称" + msg})
	}
	if ar.Summary, msg = cleanText(ar.Summary, MaxNoteRunes, false); msg != "" {
		ps = append(ps, fugong.Problem{Field: "summary", Message: "条款内容" + msg})
	}
	return ps
}

// Grant is what a firm received under an article (政策兑现).
type Grant struct {
	ID      int64  `json:"id"`
	USCC    string `json:"uscc"`
	Article int64  `json:"article_id"`
	Amount  Fen    `json:"amount_yuan"`
	Date    string `json:"date"`
	Note    string `json:"note"`
	// Filled in by the store when read.
	Name         string `json:"name,omitempty"`
	Town         string `json:"town,omitempty"`
	Class        string `json:"mujun_class,omitempty"`
	Policy       int64  `json:"policy_id,omitempty"`
	PolicyName   string `json:"policy_name,omitempty"`
	ArticleNo    int    `json:"article_no,omitempty"`
	ArticleTitle string `json:"article_title,omitempty"`
}

// GrantInput is a grant as typed: the amount in yuan.
type GrantInput struct {
	USCC       string  `json:"uscc"`
	Article    int64   `json:"article_id"`
	AmountYuan float64 `json:"amount_yuan"`
	Date       string  `json:"date"`
	Note       string  `json:"note"`
}

// Normalize checks a grant and returns it with its amount in fen.
func (in *GrantInput) Normalize() (Grant, []fugong.Problem) {
	ps := usccProblem(&in.USCC)
	if in.Article <= 0 {
		ps = append(ps, fugong.Problem{Field: "article_id", Message: "请选择政策条款"})
	}
	amount, msg := ParseYuan(in.AmountYuan)
	if msg == "" && amount == 0 {
		msg = "应大于 0"
	}
	if msg != "" {
		ps = append(ps, fugong.Problem{Field: "amount_yuan", Message: "兑现金额（元）" + msg})
	}
	if _, err := time.Parse(DateLayout, in.Date); err != nil {
		ps = append(ps, fugong.Problem{Field: "date", Message: "兑现日期应为 YYYY-MM-DD 格式的有效日期"})
	}
	if in.Note, msg = cleanText(in.Note, MaxNoteRunes, false); msg != "" {
		ps = append(ps, fugong.Problem{Field: "note", Message: "备注" + msg})
	}
	return Grant{USCC: in.USCC, Article: in.Article, Amount: amount, Date: in.Date, Note: in.Note}, ps
}

// GrantFilter selects grants.
type GrantFilter struct {
	Policy  int64
	Article int64
	Town    string
	USCC    string
	Page    int
	PerPage int // 0: every grant
}

// GrantTotal is the grants of one policy, article, town or class added
// up: Key is the policy's or article's id, the town's code or the class
// ("" for firms without one).
type GrantTotal struct {
	Key    string `json:"key"`
	Label  string `json:"label"`
	Grants int    `json:"grants"`
	Firms  int    `json:"firms"`
	Amount Fen    `json:"amount_yuan"`
}

// GrantTotals are the grants in scope added up four ways.
type GrantTotals struct {
	All       GrantTotal   `json:"all"`
	ByPolicy  []GrantTotal `json:"by_policy"`
	ByArticle []GrantTotal `json:"by_article"`
	ByTown    []GrantTotal `json:"by_town"`
	ByClass   []GrantTotal `json:"by_class"`
}

// Batch is one batch of applications and how many stand at each status.
type Batch struct {
	Batch    int            `json:"batch"`
	Total    int            `json:"total"`
	ByStatus map[Status]int `json:"by_status"`
}
