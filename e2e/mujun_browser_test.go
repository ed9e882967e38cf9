package e2e

// 亩均论英雄 in the browser: the statistics group runs the 2019 evaluation
// of the city's firms from the module's page, reads the class
// distribution and the results, and opens a firm's result with every
// indicator; the coordination group simulates the seed's relief plan
// (class C, electricity and water, February to June 2020), reads how the
// figures come out and saves the plan as a scenario.

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fugong"
	"fugong/account"
	"fugong/mujun"
	"fugong/store"
	"fugong/store/storetest"
)

const (
	mujunStatUser  = "tongji-chen"
	mujunStatPW    = "tongji-mujun-2020"
	mujunCoordUser = "xietiao-wang"
	mujunCoordPW   = "xietiao-relief-2020"
)

func TestBrowserMujun(t *testing.T) {
	exe := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := startServer(t, db)
		fx := seed(t, db)
		addUser(t, db, account.User{Username: mujunStatUser, DisplayName: "陈国伟", Role: fugong.RoleBureau, Group: fugong.GroupStatistics}, mujunStatPW)
		addUser(t, db, account.User{Username: mujunCoordUser, DisplayName: "王丽芳", Role: fugong.RoleBureau, Group: fugong.GroupCoordination}, mujunCoordPW)
		// The five firms' 2019 figures, the last the least efficient.
		var rows []mujun.AnnualData
		i := 0
		for _, m := range []map[string]string{fx.tangxia, fx.xianjiang} {
			for _, code := range m {
				k := float64(5 - i)
				em := 0.5 * k
				rows = append(rows, mujun.AnnualData{USCC: code, Year: 2019, LandMu: 10, TaxWan: 30 * k, ValueAddedWan: 150 * k,
					RevenueWan: 600 * k, EnergyTce: 60 * k, EmissionsT: &em, RDWan: 18 * k, Staff: 80, ElectricityKWh: 2_000_000, WaterT: 10_000})
				i++
			}
		}
		if _, err := db.SaveAnnualData(context.Background(), fugong.System, rows); err != nil {
			t.Fatal(err)
		}
		mujunScenario(t, newBrowser(t, exe), srv.URL)
	})
}

func mujunScenario(t *testing.T, ctx context.Context, base string) {
	start := time.Now()
	shots := screenshotDir(t)

	// The statistics group opens the module from the menu: 2019 has figures
	// but no run yet.
	statCtx := newTab(t, ctx, 1280, 900, false)
	stat := browser{t: t, ctx: statCtx, base: base}
	statConsole := watchConsole(statCtx)
	stat.login(mujunStatUser, mujunStatPW)
	stat.expectStatus("open 亩均论英雄", stat.load("click 亩均论英雄", menuLink("/mujun")), http.StatusOK)
	if s := stat.text("#no-run"); !strings.Contains(s, "尚未进行评价") {
		t.Errorf("before the run the page says %q", s)
	}
	stat.typeInto(`#run-evaluation input[name="note"]`, "首次评价")
	resp := stat.load("run the evaluation", chromedp.Click(chromedp.CSS(`#run-evaluation button[type="submit"]`)))
	stat.expectStatus("run the evaluation", resp, http.StatusOK)
	if p := stat.path(); !strings.HasPrefix(p, "/mujun/2019/results?evaluation=") {
		t.Fatalf("after the run the browser is at %s", p)
	}
	if s := stat.text("#done"); !strings.Contains(s, "5 家企业参评") || !strings.Contains(s, "第 1 次") {
		t.Errorf("the run says %q", s)
	}
	// Five above-scale firms at 25/70/95 %: A 1, B 3, C 1.
	counts := map[string]string{}
	for _, c := range []string{"A", "B", "C", "D"} {
		counts[c] = stat.text(`#class-dist tr[data-class="` + c + `"] td.firms`)
	}
	if counts["A"] != "1" || counts["B"] != "3" || counts["C"] != "1" || counts["D"] != "0" {
		t.Errorf("class distribution %v", counts)
	}
	if n := len(stat.texts("#class-chart svg rect.bar")); n != 4 {
		t.Errorf("%d bars in the distribution chart, want 4", n)
	}
	ranks := stat.texts("#results-above td.rank")
	if strings.Join(ranks, ",") != "1,2,3,4,5" {
		t.Errorf("ranks %q", ranks)
	}
	stat.screenshot(shots, "mujun-results")

	// The best firm's result: six indicators whose points add up to the score.
	stat.expectStatus("open the best firm", stat.load("click the first firm", chromedp.Click(chromedp.CSS(`#results-above tbody tr:first-child td a`))), http.StatusOK)
	points := stat.texts("#indicators tbody td.points")
	if len(points) != 6 {
		t.Fatalf("%d indicators on the firm's result, want 6", len(points))
	}
	sum := 0.0
	for _, p := range points {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			t.Fatalf("points %q", p)
		}
		sum += v
	}
	score, _ := strconv.ParseFloat(stat.text("#score"), 64)
	if d := sum - score; d > 0.001 || d < -0.001 {
		t.Errorf("the indicators add up to %.2f, the score is %.2f", sum, score)
	}
	if r := stat.text("#city-rank"); r != "1 / 5" {
		t.Errorf("city rank %q", r)
	}
	stat.screenshot(shots, "mujun-firm")

	// The coordination group simulates the seed's plan: it is the form's default.
	coordCtx := newTab(t, ctx, 1280, 900, false)
	coord := browser{t: t, ctx: coordCtx, base: base}
	coordConsole := watchConsole(coordCtx)
	coord.login(mujunCoordUser, mujunCoordPW)
	coord.expectStatus("open 亩均论英雄", coord.navigate("/mujun"), http.StatusOK)
	coord.expectStatus("open the relief page", coord.load("click 减免测算", chromedp.Click(chromedp.CSS(`a[href="/mujun/relief"]`))), http.StatusOK)
	if v := coord.value(`#relief-form input[name="from"]`); v != "2020-02-01" {
		t.Errorf("the plan starts %q", v)
	}
	// A period that ends before it starts is refused, field by field.
	coord.do("set the end before the start", chromedp.SetValue(chromedp.CSS(`#relief-form input[name="to"]`), "2020-01-15"))
	coord.expectStatus("simulate backwards", coord.load("simulate", chromedp.Click(chromedp.CSS(`#simulate`))), http.StatusBadRequest)
	if s := coord.text(`#relief-form .error[data-field="to"]`); s != "结束日期不能早于开始日期" {
		t.Errorf("the period's error %q", s)
	}
	coord.do("set the end", chromedp.SetValue(chromedp.CSS(`#relief-form input[name="to"]`), "2020-06-30"))
	coord.expectStatus("simulate", coord.load("simulate", chromedp.Click(chromedp.CSS(`#simulate`))), http.StatusOK)
	// One class-C firm: 2,000,000 kWh × 0.10 × 151/366 = 82,513.66; 10,000 t × 0.60 × 151/366 = 2,475.41.
	if s := coord.text("#relief-electricity"); s != "82,513.66" {
		t.Errorf("electricity relief %q", s)
	}
	if s := coord.text("#relief-water"); s != "2,475.41" {
		t.Errorf("water relief %q", s)
	}
	if s := coord.text("#relief-firms"); s != "1" {
		t.Errorf("firms relieved %q", s)
	}
	if s := coord.text(`#basis tr[data-resource="electricity"] td.use`); s != "2,000,000 千瓦时" {
		t.Errorf("the basis shows the class's use as %q", s)
	}
	coord.screenshot(shots, "mujun-relief")
	coord.do("name the scenario", chromedp.SetValue(chromedp.CSS(`#relief-form input[name="name"]`), "暂停C类加价至6月底"))
	coord.expectStatus("save the scenario", coord.load("save", chromedp.Click(chromedp.CSS(`#save-scenario`))), http.StatusOK)
	if s := coord.text("#done"); !strings.Contains(s, "暂停C类加价至6月底") {
		t.Errorf("after saving the page says %q", s)
	}
	if s := coord.texts("#scenario-table td.scenario-total"); len(s) != 1 || s[0] != "84,989.07" {
		t.Errorf("the saved scenario's total %q", s)
	}
	if href := eval[string](coord, "export link", `document.querySelector("#export").getAttribute("href")`); !strings.HasPrefix(href, "/mujun/relief/export?ids=") {
		t.Errorf("export link %q", href)
	}
	for who, c := range map[string]*console{"statistics group": statConsole, "coordination group": coordConsole} {
		if ps := c.problems(); len(ps) > 0 {
			t.Errorf("the %s's pages wrote to the console:\n%s", who, strings.Join(ps, "\n"))
		}
	}
	t.Logf("亩均 scenario ran in %v", time.Since(start).Round(time.Millisecond))
}
