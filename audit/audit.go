// Package audit describes the audit log: every write leaves an entry saying
// who did what to which record, with the record before and after.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"fugong"
)

// Entry is one audited write.
type Entry struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entity_id"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

// MaxPerPage is the largest page of entries served.
const MaxPerPage = 500

// Filter selects entries to browse.
type Filter struct {
	Actor    string
	Entity   string
	EntityID string
	Action   string
	Page     int
	PerPage  int
}

// Store reads the log; writes happen inside each module's transaction.
type Store interface {
	ListAudit(ctx context.Context, f Filter) ([]Entry, int, error)
}

// ActionNames are the Chinese names of the actions, for the admin's view.
var ActionNames = map[string]string{
	"create": "新增", "update": "修改", "import": "导入", "login": "登录", "logout": "退出",
	"password": "修改密码", "signoff": "确认", "reopen": "退回重报",
	"revise": "修订新版本", "rectify": "提交整改", "verify": "验收整改", "reject": "退回整改",
	"approve": "批准", "return": "退回", "delete": "删除", "file": "报送", "finalize": "定稿",
	"disable": "停用", "enable": "启用", "end_sessions": "注销全部登录",
	"reveal": "查看完整身份信息", "temperature": "登记体温", "close": "关闭", "rotate": "密钥轮换", "purge": "清除个人信息",
	"admit": "入住", "round": "测温", "correct_round": "更正测温", "meal": "送餐", "release": "解除隔离",
}

// EntityNames are the Chinese names of the audited records.
var EntityNames = map[string]string{
	"enterprise": "企业", "user": "用户", "session": "登录会话", "cadre_pairing": "干部结对",
	"daily_report": "日报", "followup": "催报记录", "town_day": "乡镇日报确认", "setting": "设置", "file": "附件",
	"checklist": "检查表", "visit": "督导检查", "rectification": "整改",
	"supply_stock": "防疫物资库存", "supply_receipt": "物资入库", "supply_allocation": "物资调拨", "bureau_supply_stock": "物资组库存",
	"ticket": "问题困难", "ticket_pass": "车辆通行证", "ticket_delivery": "物资送达", "enterprise_products": "企业产品",
	"enterprise_document":    "承诺书/防控预案",
	"resumption_application": "复工申请", "essential_enterprise": "保供重点企业", "production_day": "生产情况",
	"person": "人员", "alert": "预警", "people": "人员信息（清除）", "pii_key": "个人信息密钥",
	"isolation_point": "隔离点", "isolation_resident": "隔离人员", "isolation_residents": "隔离人员信息（清除）",
	"finance_application": "金融支持申请", "finance_article": "金融政策文章", "finance_grant": "补助", "finance_loan": "贷款",
	"finance_policy": "金融政策", "group_day": "工作组日报", "mujun_evaluation": "亩均评价", "notice": "通知公告",
	"briefing": "日日报",
}

// List returns a page of the log; only the admin may read it.
func List(ctx context.Context, s Store, a fugong.Actor, f Filter) ([]Entry, int, error) {
	if a.Role != fugong.RoleAdmin {
		return nil, 0, fugong.NotFound("页面")
	}
	f.Normalize()
	return s.ListAudit(ctx, f)
}

// Normalize fills in the page defaults.
func (f *Filter) Normalize() {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 {
		f.PerPage = 50
	}
	f.PerPage = min(f.PerPage, MaxPerPage)
}
