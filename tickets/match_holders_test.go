package tickets

import (
	"fugong"
	"slices"
	"testing"

	"fugong/supplies"
)

func TestAddHolders(t *testing.T) {
	maker := Suggestion{USCC: "A", Name: "甲防护", Score: pointsTrade, Matched: []string{}, Products: []string{}, Reasons: []string{"所属行业：防护用品"}}
	donors := []supplies.Donor{
		{USCC: "B", Name: "乙鞋业", Town: "t1", TownName: "塘下镇", Spare: 300},
		{USCC: "A", Name: "甲防护", Town: "t2", TownName: "安阳街道", Spare: 12.5},
	}
	out := AddHolders([]Suggestion{maker}, "口罩", supplies.Masks, donors, "t1")
	if len(out) != 2 || out[0].USCC != "A" || out[0].Score != pointsTrade+pointsStock {
		t.Fatalf("the maker holding stock should lead with both scores: %+v", out)
	}
	if out[0].Reasons[0] != "库存富余：口罩可调出约 12.5 只" || out[0].Reasons[1] != "所属行业：防护用品" || out[0].Matched[0] != "口罩" {
		t.Errorf("merged reasons %+v", out[0])
	}
	if out[1].USCC != "B" || out[1].Score != pointsStock+pointsSameTown || len(out[1].Reasons) != 2 {
		t.Errorf("the new holder in the raiser's town: %+v", out[1])
	}
}

func TestDeliveryQuantityRoundedBeforeChecked(t *testing.T) {
	for _, c := range []struct {
		q    float64
		want float64
		bad  bool
	}{{0.0001, 0, true}, {0.0004, 0, true}, {0.0005, 0.001, false}, {2.5, 2.5, false}, {-1, -1, true}} {
		d := Delivery{Quantity: c.q, Unit: "吨", Date: "2020-02-03"}
		ps := d.Normalize("2020-02-05", "2020-02-02")
		bad := slices.ContainsFunc(ps, func(p fugong.Problem) bool { return p.Field == "quantity" })
		if bad != c.bad || !c.bad && d.Quantity != c.want {
			t.Errorf("%v: quantity %v, problems %v; want %v, refused %v", c.q, d.Quantity, ps, c.want, c.bad)
		}
	}
}
