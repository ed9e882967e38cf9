package mujun

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// synthetic makes n above-scale firms over Ruian's 23 towns, grouped by
// town as a store would list them: sizes skewed to the small end, one in
// ten without an emission figure, 2 % utilities and 5 % start-ups.
func synthetic(n int) []Firm {
	towns := []string{"330381001", "330381002", "330381003", "330381004", "330381005", "330381007", "330381008",
		"330381009", "330381010", "330381011", "330381012", "330381013", "330381101", "330381116", "330381120",
		"330381122", "330381125", "330381126", "330381127", "330381128", "330381129", "330381221", "330381222"}
	rng := rand.New(rand.NewPCG(14, 9))
	firms := make([]Firm, n)
	emissions := make([]float64, n)
	for i := range firms {
		s, e := rng.Float64(), rng.Float64()
		land := 5 + 145*s*s
		va := land * (40 + 200*e*e)
		d := AnnualData{USCC: "F" + strconv.Itoa(i), Year: 2019, LandMu: land, TaxWan: va * (0.1 + 0.2*rng.Float64()),
			ValueAddedWan: va, RevenueWan: va * (3 + 2*rng.Float64()), EnergyTce: va / (1 + 4*rng.Float64()),
			RDWan: va * 0.1 * rng.Float64(), Staff: float64(50 + int(750*s*s)),
			ElectricityKWh: float64(int(va * 2000)), WaterT: float64(int(va * 5))}
		if rng.IntN(10) > 0 {
			emissions[i] = va / (2000 + 6000*rng.Float64())
			d.EmissionsT = &emissions[i]
		}
		switch p := rng.IntN(100); {
		case p < 2:
			d.Utility = true
		case p < 7:
			d.StartYear = 2018
		default:
			d.StartYear = 1990 + rng.IntN(25)
		}
		firms[i] = Firm{Data: d, Town: towns[i*len(towns)/n], LastClass: Classes[rng.IntN(4)]}
	}
	return firms
}

func benchmarkEvaluate(b *testing.B, n int) {
	firms := synthetic(n)
	s := DefaultSettings()
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		start := cpuTime()
		if _, err := Evaluate(2019, Above, s, firms); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - start
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/firm")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/eval")
	// CPU time includes the garbage collector's work on other threads.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/eval")
}

// BenchmarkEvaluate7000 is a city: Ruian rated 6,833 firms in 2018.
func BenchmarkEvaluate7000(b *testing.B) { benchmarkEvaluate(b, 7_000) }

// BenchmarkEvaluate1M is a province's worth of firms; the goal is well
// under 2 s.
func BenchmarkEvaluate1M(b *testing.B) { benchmarkEvaluate(b, 1_000_000) }

func BenchmarkRelief7000(b *testing.B) {
	firms := synthetic(7_000)
	uses := make([]Use, len(firms))
	for i, f := range firms {
		uses[i] = Use{USCC: f.Data.USCC, Town: f.Town, Class: f.LastClass, ElectricityKWh: f.Data.ElectricityKWh, WaterT: f.Data.WaterT}
	}
	p, plan := DefaultPrices(), SeedPlan()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SimulateRelief(p, plan, uses); err != nil {
			b.Fatal(err)
		}
	}
}
