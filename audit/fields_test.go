package audit_test

import (
	"encoding/json"
	"slices"
	"testing"

	"fugong/audit"
)

// TestChanges: an entry's record reads as Chinese fields, the changed ones
// only, with codes and yes/no in words.
func TestChanges(t *testing.T) {
	got := audit.Changes(json.RawMessage(`{"role":"town","town":"330381101","disabled":false,"display_name":"王五"}`),
		json.RawMessage(`{"role":"checkpoint","town":"330381101","disabled":true,"display_name":"王五"}`))
	want := []audit.Change{{"已停用", "否", "是"}, {"角色", "乡镇街道", "卡口/隔离点"}}
	if !slices.Equal(got, want) {
		t.Errorf("an update: %+v", got)
	}
	got = audit.Changes(nil, json.RawMessage(`{"sent":{"received":3},"note":""}`))
	want = []audit.Change{{"备注", "", "（空）"}, {"确认时上报的数据 · 已报", "", "3"}}
	if !slices.Equal(got, want) {
		t.Errorf("a creation: %+v", got)
	}
	if got := audit.Changes(json.RawMessage(`"16:00"`), json.RawMessage(`"17:00"`)); !slices.Equal(got, []audit.Change{{"值", "16:00", "17:00"}}) {
		t.Errorf("a setting: %+v", got)
	}
}
