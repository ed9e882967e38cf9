package audit

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// The admin reads an entry's record as a list of fields in Chinese, not as
// JSON: Changes flattens the before and the after into the fields that
// differ (every field of a record created or deleted), each named by
// FieldLabels and its values written as words.

// Change is one field of an entry: its name and its values before and after
// ("" when the record had none).
type Change struct {
	Field, Before, After string
}

// Changes lists the fields of an entry's record, those that changed first
// when both sides are there; a field the same on both sides is left out.
func Changes(before, after json.RawMessage) []Change {
	b, a := flatten(before), flatten(after)
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		if b[k] != a[k] || len(b) == 0 || len(a) == 0 {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	out := make([]Change, 0, len(names))
	for _, k := range names {
		out = append(out, Change{Field: fieldName(k), Before: b[k], After: a[k]})
	}
	return out
}

// fieldName is a flattened key in Chinese: each part by FieldLabels, a part
// without a label (an id, a code) as it is.
func fieldName(key string) string {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		if l, ok := FieldLabels[p]; ok {
			parts[i] = l
		}
	}
	return strings.Join(parts, " · ")
}

// flatten reads a JSON value into key → words: an object's fields by their
// path, anything else under "" (a setting's value).
func flatten(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
		return out
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		out["值"] = string(raw)
		return out
	}
	walk(out, "", v)
	return out
}

func walk(out map[string]string, path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walk(out, p, e)
		}
	case []any:
		if len(x) == 0 {
			out[key(path)] = "（无）"
			return
		}
		for i, e := range x {
			walk(out, path+"."+strconv.Itoa(i+1), e)
		}
	default:
		out[key(path)] = words(x)
	}
}

func key(path string) string {
	if path == "" {
		return "值"
	}
	return path
}

// words writes a JSON scalar for people: yes or no, empty, a value's
// Chinese name where it is one of ValueNames.
func words(v any) string {
	switch x := v.(type) {
	case nil:
		return "（空）"
	case bool:
		if x {
			return "是"
		}
		return "否"
	case json.Number:
		return x.String()
	case string:
		if x == "" {
			return "（空）"
		}
		if n, ok := ValueNames[x]; ok {
			return n
		}
		return x
	}
	return ""
}

// SessionKinds name a login session's kind (the entity id of a session's
// entries): the browser's, or an API token's.
var SessionKinds = map[string]string{"web": "网页登录", "api": "接口令牌"}

// ValueNames are the Chinese names of the values records keep as codes.
var ValueNames = map[string]string{
	"admin": "系统管理员", "bureau": "经信局工作人员", "town": "乡镇街道", "cadre": "驻企干部",
	"enterprise": "企业填报员", "checkpoint": "卡口/隔离点",
	"coordination": "综合协调组", "inspection": "检查督导组", "statistics": "信息统计组", "supplies": "物资筹备组", "prevention": "联防联控组",
	"active": "在营", "closed": "停业/注销", "resumed": "已复工", "full": "满产",
	"open": "待整改", "rectified": "已整改待验收", "verified": "已验收",
	"pass": "合格", "fail": "不合格", "na": "不适用",
	"submitted": "待审批", "approved": "已批准", "returned": "已退回",
	"new": "新提交", "assigned": "已分派", "in_progress": "办理中", "resolved": "已办结", "reopened": "重新打开",
	"above": "规上", "below": "规下", "normal": "正常", "strained": "紧张", "broken": "中断",
	"phone": "电话", "visit": "上门", "sms": "短信",
	"web": "网页登录", "api": "接口令牌",
}

// FieldLabels are the Chinese names of the fields records keep.
var FieldLabels = map[string]string{
	"id": "编号", "username": "用户名", "display_name": "姓名", "role": "角色", "town": "乡镇街道", "town_code": "乡镇街道",
	"enterprise": "企业", "uscc": "统一社会信用代码", "group": "工作组", "group_leader": "组长", "disabled": "已停用",
	"created_at": "创建时间", "updated_at": "修改时间", "sessions_ended": "注销的登录数", "kind": "方式",
	"name": "名称", "address": "地址", "industry": "行业", "size_class": "规模", "legal_rep": "法定代表人",
	"contact_phone": "联系电话", "employees": "职工人数", "land_mu": "用地（亩）", "mujun_class": "亩均分类", "status": "状态",
	"staff_total": "职工总数", "staff_in_city": "在瑞人数", "returned_today": "当日返温人数", "persuaded_today": "当日劝返人数",
	"tickets_refunded_today": "当日劝退票人数", "hubei_staff": "湖北籍人数", "hubei_contacted_today": "当日联系湖北籍人数",
	"quarantined": "隔离人数", "fever": "发热人数", "on_duty": "值守人数", "commitment_signed": "已签承诺书", "note": "备注",
	"date": "日期", "signed": "已确认", "signed_by": "确认人", "signed_at": "确认时间", "reopened_by": "重新打开人",
	"reopen_reason": "重新打开原因", "sent": "确认时上报的数据", "expected": "应报", "received": "已报", "on_time": "按时",
	"late": "逾期", "totals": "合计", "signed_off": "已确认", "returned": "当日返温", "persuaded": "当日劝返",
	"capacity_pct": "产能恢复（%）", "on_post_pct": "在岗率（%）", "upstream": "上游供应", "downstream": "下游销售",
	"reason": "原因", "outcome": "结果", "promised_at": "承诺补报时间", "owner": "责任人", "due_date": "整改期限",
	"problem": "问题", "result": "结果", "title": "标题", "category": "类别", "assignee": "承办人", "quantity": "数量",
	"item": "物资", "unit": "单位", "cadre": "驻企干部", "value": "值",
	"id_number": "身份证号", "phone": "手机号", "celsius": "体温（℃）", "reference": "关联记录", "room": "房间",
	"admitted_on": "入住日期", "release_on": "解除日期", "days": "隔离天数", "direction": "方向", "number": "登记号",
	"origin": "出发地", "destination": "目的地", "plate": "车牌号", "health_code": "健康码",
}
