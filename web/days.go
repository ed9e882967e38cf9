package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/web/chart"
)

// The kit's helpers of days, rates and downloads, shared by the modules
// (exported in helpers.go).

// queryDay reads an optional YYYY-MM-DD query parameter, def when absent.
func queryDay(r *http.Request, name, def string) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	if _, err := daily.ParseDate(v); err != nil {
		return "", fugong.Errorf(fugong.EInvalid, name, "%s 应为 YYYY-MM-DD 格式的有效日期，收到“%s”", name, v)
	}
	return v, nil
}

// shiftDay shifts a YYYY-MM-DD day.
func shiftDay(day string, n int) string {
	d, err := time.ParseInLocation(daily.DateLayout, day, fugong.Location)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, n).Format(daily.DateLayout)
}

// trendDays is the default span of a trend: the 30 days ending today.
const trendDays = 30

// chartDays is the span of the trend charts.
const chartDays = 30

// roundPct rounds a rate in percent to one decimal.
func roundPct(x float64) float64 { return math.Round(x*10) / 10 }

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// rateClass names the colour band of a rate for the stylesheet, the same
// bands as the charts'.
func rateClass(v float64) string {
	switch {
	case v >= chart.GoodRate:
		return "good"
	case v >= chart.FairRate:
		return "fair"
	}
	return "poor"
}

// download sets the headers of a spreadsheet download named name (Chinese
// allowed), with an ASCII fallback for old browsers.
func download(w http.ResponseWriter, name, ascii, format string) {
	ctype := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"; filename*=UTF-8''%s`, ascii, format, url.PathEscape(name)))
}
