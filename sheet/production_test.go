package sheet

import (
	"bytes"
	"io"
	"testing"

	"fugong"
	"fugong/production"
)

func TestWriteProductionDays(t *testing.T) {
	items := []production.EnterpriseDay{
		{USCC: uscc, Name: "甲汽配", TownName: "塘下镇", SizeClass: "above", Industry: "汽摩配件", ContactPhone: "057765812345",
			Employees: 200, Status: "full", CapacityPct: 95, OnPostPct: 90, StaffOnPost: 180, Upstream: "normal", Downstream: "strained",
			AsOf: "2020-02-19", Essential: true},
		{USCC: uscc2, Name: "=乙鞋厂", TownName: "仙降街道", SizeClass: "below", Employees: 12, Status: "closed"},
	}
	header := []string{"企业名称", "统一社会信用代码", "乡镇街道", "规模", "行业", "职工人数", "生产状态", "产能恢复率(%)", "员工到岗率(%)",
		"在岗人数", "上游供应", "下游销售", "状态填报日期", "保供重点企业", "联系电话", "统计日期"}
	want := [][]string{
		{"甲汽配", uscc, "塘下镇", "规上", "汽摩配件", "200", "满产", "95", "90", "180", "正常", "紧张", "2020-02-19", "是", "057765812345", "2020-02-20"},
		{"=乙鞋厂", uscc2, "仙降街道", "规下", "", "12", "停工", "0", "0", "0", "", "", "未填报", "", "", "2020-02-20"},
	}
	readsBack(t, "production", header, want, func(w io.Writer, name string) error {
		return WriteProductionDays(w, name, "2020-02-20", items)
	})
	if err := WriteProductionDays(&bytes.Buffer{}, "p.csv", "2020-02-30", nil); fugong.ErrorCode(err) != fugong.EInvalid {
		t.Errorf("bad date: %v", err)
	}
}
