package store_test

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"fugong"
	"fugong/mujun"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
)

// TestMujunPackedResults checks a run's packed results against the
// evaluation they were written from, on a city large enough for many
// chunks and lists of more than one part: both ways of reading a year
// give the same firms, pages of every filter and scope hold the results
// in rank order, a firm's result is found wherever its chunk starts.
func TestMujunPackedResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		es, y18, y19 := benchCity(t, 6_000)
		for i := range es {
			if i%97 == 5 {
				es[i].Status = registry.StatusClosed
			}
		}
		if err := db.LoadEnterprises(ctx, es); err != nil {
			t.Fatal(err)
		}
		for _, rows := range [][]mujun.AnnualData{y18, y19} {
			if err := db.LoadAnnualData(ctx, rows); err != nil {
				t.Fatal(err)
			}
		}
		svc := mujunService(db)
		r18 := must(svc.Evaluate(ctx, statistician, 2018, ""))

		// The year read joined and merged.
		above, below := must2(db.Firms(ctx, 2019))
		old := store.SetMujunMergeFrom(1)
		mAbove, mBelow := must2(db.Firms(ctx, 2019))
		store.SetMujunMergeFrom(old)
		if !reflect.DeepEqual(above, mAbove) || !reflect.DeepEqual(below, mBelow) {
			t.Fatalf("joined and merged reads differ: %d/%d firms and %d/%d", len(above), len(below), len(mAbove), len(mBelow))
		}
		if n := len(above) + len(below); n != len(es)-len(es)/97-1 {
			t.Fatalf("%d firms read, want the %d active", n, len(es)-len(es)/97-1)
		}
		last := map[string]mujun.Class{}
		for p := 1; ; p++ {
			ls := must2l(svc.Results(ctx, statistician, mujun.ResultFilter{Run: r18.ID, Page: p, PerPage: 500}))
			if len(ls) == 0 {
				break
			}
			for _, l := range ls {
				last[l.USCC] = l.Class
			}
		}
		for _, f := range append(slices.Clone(above), below...) {
			if f.LastClass == "" || f.LastClass != last[f.Data.USCC] {
				t.Fatalf("%s: class of 2018 %q, want %q", f.Data.USCC, f.LastClass, last[f.Data.USCC])
			}
		}

		r := must(svc.Evaluate(ctx, statistician, 2019, ""))
		set := must(svc.YearSettings(ctx, statistician, 2019))
		// want: every result in list order (group, rank, the firms not
		// graded last, USCC).
		var want []mujun.Listed
		for i, g := range []mujun.Group{mujun.Above, mujun.Below} {
			ev := must(mujun.Evaluate(2019, g, *set.For(g), [][]mujun.Firm{above, below}[i]))
			var ls []mujun.Listed
			for _, res := range ev.Results {
				ls = append(ls, mujun.Listed{Result: res, Group: g})
			}
			slices.SortStableFunc(ls, func(a, b mujun.Listed) int {
				return cmp.Compare(rank(a.CityRank), rank(b.CityRank))
			})
			want = append(want, ls...)
		}
		key := func(l mujun.Listed) string {
			return fmt.Sprintf("%s %s %s %s %d %d/%d %s %s %v", l.Group, l.USCC, l.Town, l.Class, l.Score, l.CityRank, l.TownRank, l.LastClass, l.Exempt, l.Marks)
		}
		check := func(a fugong.Actor, f mujun.ResultFilter, keep func(l mujun.Listed) bool) {
			t.Helper()
			var all []string
			for _, l := range want {
				if keep(l) && (f.Town == "" || l.Town == f.Town) && (f.Class == "" || l.Class == f.Class) && (f.Group == "" || l.Group == f.Group) {
					all = append(all, key(l))
				}
			}
			got, total, err := svc.Results(ctx, a, f)
			if err != nil || total != len(all) {
				t.Fatalf("%+v: total %d, want %d (%v)", f, total, len(all), err)
			}
			from := min(len(all), (f.Page-1)*f.PerPage)
			page := all[from:min(len(all), from+f.PerPage)]
			if len(got) != len(page) {
				t.Fatalf("%+v: %d results, want %d", f, len(got), len(page))
			}
			for i, l := range got {
				if key(l) != page[i] || l.Name == "" || last[l.USCC] != l.LastClass {
					t.Fatalf("%+v: result %d\n got %s (%q)\nwant %s", f, i, key(l), l.Name, page[i])
				}
			}
		}
		every := func(mujun.Listed) bool { return true }
		nAbove := len(above)
		for _, f := range []mujun.ResultFilter{
			{Page: 1, PerPage: 500},
			{Page: nAbove/500 + 1, PerPage: 500},         // across the groups
			{Group: mujun.Below, Page: 41, PerPage: 100}, // across a list's first two parts
			{Group: mujun.Below, Page: 9, PerPage: 500},
			{Town: tangxia, Page: 2, PerPage: 20},
			{Class: mujun.ClassC, Page: 3, PerPage: 100},
			{Town: xianjiang, Class: mujun.ClassA, Page: 1, PerPage: 10},
			{Town: xianjiang, Class: mujun.ClassD, Group: mujun.Above, Page: 1, PerPage: 10},
			{Class: mujun.ClassB, Page: 400, PerPage: 50}, // past the end
		} {
			f.Run = r.ID
			check(statistician, f, every)
		}
		town := fugong.Actor{Username: "tangxia", Role: fugong.RoleTown, Town: tangxia}
		check(town, mujun.ResultFilter{Run: r.ID, Page: 2, PerPage: 30}, func(l mujun.Listed) bool { return l.Town == tangxia })
		check(town, mujun.ResultFilter{Run: r.ID, Town: xianjiang, Page: 1, PerPage: 30}, func(mujun.Listed) bool { return false })
		firm := fugong.Actor{Username: "qiye", Role: fugong.RoleEnterprise, Enterprise: want[7].USCC}
		check(firm, mujun.ResultFilter{Run: r.ID, Page: 1, PerPage: 30}, func(l mujun.Listed) bool { return l.USCC == want[7].USCC })
		if cs := must(db.Classes(ctx, firm, r.ID)); len(cs) != 1 || cs[0].USCC != want[7].USCC {
			t.Errorf("a firm's classes: %v", cs)
		}
		if cs := must(db.ClassCounts(ctx, firm, r.ID)); len(cs) != 1 || cs[0].Firms != 1 || cs[0].Class != want[7].Class {
			t.Errorf("a firm's counts: %v", cs)
		}

		// A firm's result, wherever it is in its chunk; one not graded.
		byCode := slices.Clone(want)
		slices.SortFunc(byCode, func(a, b mujun.Listed) int { return cmp.Compare(a.USCC, b.USCC) })
		for _, i := range []int{0, 255, 256, 257, 4000, len(byCode) - 1} {
			l, err := db.Result(ctx, r.ID, byCode[i].USCC)
			if err != nil || key(l) != key(byCode[i]) || l.Name == "" {
				t.Errorf("result %d: %s %v\nwant %s", i, key(l), err, key(byCode[i]))
			}
		}
		if _, err := db.Result(ctx, r.ID, es[5].USCC); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("a closed firm's result: %v", err)
		}
		if _, err := db.Result(ctx, r.ID, "00000000000000000X"); fugong.ErrorCode(err) != fugong.ENotFound {
			t.Errorf("a code before the first: %v", err)
		}
		if cs := must(db.Classes(ctx, statistician, r.ID)); len(cs) != len(want) {
			t.Errorf("%d classes, want %d", len(cs), len(want))
		}
		uses := must(db.Uses(ctx, town, r.ID))
		n := 0
		for _, l := range want {
			if l.Town == tangxia {
				n++
			}
		}
		if len(uses) != n || uses[0].ElectricityKWh <= 0 {
			t.Errorf("塘下's uses: %d, want %d", len(uses), n)
		}

		// A database from before the packed layout: Migrate packs its
		// figures and its runs' results.
		above, below = must2(db.Firms(ctx, 2019))
		for _, id := range []int64{r18.ID, r.ID} {
			if err := db.UnpackMujun(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := db.Firms(ctx, 2019); err == nil {
			t.Fatal("figures read unpacked")
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if a, b := must2(db.Firms(ctx, 2019)); !reflect.DeepEqual(a, above) || !reflect.DeepEqual(b, below) {
			t.Error("the figures packed by Migrate read differently")
		}
		check(statistician, mujun.ResultFilter{Run: r.ID, Page: 3, PerPage: 500}, every)
		check(statistician, mujun.ResultFilter{Run: r.ID, Town: tangxia, Class: mujun.ClassB, Page: 2, PerPage: 10}, every)
		if l, err := db.Result(ctx, r18.ID, byCode[300].USCC); err != nil || l.LastClass != "" || l.Score == 0 {
			t.Errorf("a converted 2018 result: %+v %v", l, err)
		}
	})
}

func rank(r int32) int64 {
	if r == 0 {
		return 1 << 40
	}
	return int64(r)
}

func must2(a, b []mujun.Firm, err error) ([]mujun.Firm, []mujun.Firm) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func must2l(ls []mujun.Listed, _ int, err error) []mujun.Listed {
	if err != nil {
		panic(err)
	}
	return ls
}
