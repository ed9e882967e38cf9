package daily

import (
	"net/http"
	"time"

	"fugong"
	"fugong/daily"
	"fugong/registry"
	"fugong/web"
)

// figuresInput is a report body. Every count is required: a field left out
// must not be stored as a zero nobody reported. The letter flag and the note
// may be left out (not signed, no note).
type figuresInput struct {
	StaffTotal           *int    `json:"staff_total"`
	StaffInCity          *int    `json:"staff_in_city"`
	ReturnedToday        *int    `json:"returned_today"`
	PersuadedToday       *int    `json:"persuaded_today"`
	TicketsRefundedToday *int    `json:"tickets_refunded_today"`
	HubeiStaff           *int    `json:"hubei_staff"`
	HubeiContactedToday  *int    `json:"hubei_contacted_today"`
	Quarantined          *int    `json:"quarantined"`
	Fever                *int    `json:"fever"`
	OnDuty               *int    `json:"on_duty"`
	CommitmentSigned     *bool   `json:"commitment_signed"`
	Note                 *string `json:"note"`
}

// figures returns the report's figures (a missing count as zero) and the
// counts that are missing, in daily.CountFields order.
func (in figuresInput) figures() (daily.Figures, []fugong.Problem) {
	var f daily.Figures
	var missing []fugong.Problem
	got := []*int{in.StaffTotal, in.StaffInCity, in.ReturnedToday, in.PersuadedToday, in.TicketsRefundedToday,
		in.HubeiStaff, in.HubeiContactedToday, in.Quarantined, in.Fever, in.OnDuty}
	for i, c := range f.Counts() {
		if got[i] == nil {
			field := daily.CountFields[i]
			missing = append(missing, fugong.Problem{Field: field, Message: "请填写" + daily.FieldLabels[field]})
			continue
		}
		*c = *got[i]
	}
	if in.CommitmentSigned != nil {
		f.CommitmentSigned = *in.CommitmentSigned
	}
	if in.Note != nil {
		f.Note = *in.Note
	}
	return f, missing
}

// apiPutReport submits an enterprise's report for a day: 201 for the day's
// first version, 200 for a correction (or the replay of either under the
// same Idempotency-Key).
func (m *module) apiPutReport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in figuresInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	uscc, date := r.PathValue("uscc"), r.PathValue("date")
	f, missing := in.figures()
	if len(missing) > 0 {
		return m.svc.Incomplete(r.Context(), a, uscc, date, f, missing)
	}
	res, err := m.svc.Submit(r.Context(), a, uscc, date, f, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if res.Created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/enterprises/"+res.Report.USCC+"/reports/"+res.Report.Date)
	web.WriteJSON(w, status, submitted{Report: res.Report})
	return nil
}

// submitted is a stored version as PUT answers it: without the cumulative
// figures, which GET derives. Reading them back would cost every submission
// two more queries, a good part of what a submission costs at all.
type submitted struct {
	daily.Report
	ReturnedTotal  *int `json:"returned_total,omitempty"`
	PersuadedTotal *int `json:"persuaded_total,omitempty"`
	RefundedTotal  *int `json:"tickets_refunded_total,omitempty"`
}

func (m *module) apiGetReport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	rep, err := m.svc.Get(r.Context(), a, r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rep)
	return nil
}

func (m *module) apiReportVersions(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	vs, err := m.svc.Versions(r.Context(), a, r.PathValue("uscc"), r.PathValue("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(vs))
	return nil
}

// dayCountsJSON are completeness and the figures' totals for an area.
type dayCountsJSON struct {
	Expected   int          `json:"expected"`
	Received   int          `json:"received"`
	OnTime     int          `json:"on_time"`
	Late       int          `json:"late"`
	Rate       float64      `json:"rate"`
	OnTimeRate float64      `json:"on_time_rate"`
	Totals     daily.Totals `json:"totals"`
}

func dayCountsJSONOf(c daily.Counts) dayCountsJSON {
	return dayCountsJSON{Expected: c.Expected, Received: c.Received, OnTime: c.OnTime, Late: c.Late,
		Rate: web.RoundPct(c.Rate()), OnTimeRate: web.RoundPct(c.OnTimeRate()), Totals: c.Totals}
}

type townCompletenessJSON struct {
	Town       string       `json:"town"`
	Name       string       `json:"name"`
	Expected   int          `json:"expected"`
	Received   int          `json:"received"`
	OnTime     int          `json:"on_time"`
	Late       int          `json:"late"`
	SignedOff  bool         `json:"signed_off"`
	SignedBy   string       `json:"signed_by"`
	SignedAt   *time.Time   `json:"signed_at"`
	Rate       float64      `json:"rate"`
	OnTimeRate float64      `json:"on_time_rate"`
	Totals     daily.Totals `json:"totals"`
	// The figures sent at the sign-off, and how many reports came after.
	Sent             *daily.Counts `json:"sent"`
	LateAfterSignOff int           `json:"late_after_signoff"`
}

type completenessJSON struct {
	Date     string                 `json:"date"`
	Deadline string                 `json:"deadline"`
	City     dayCountsJSON          `json:"city"`
	Towns    []townCompletenessJSON `json:"towns"`
}

// apiCompleteness is a day's reporting in the caller's scope, the city (of
// the towns in scope) and per town, with each town's sign-off.
func (m *module) apiCompleteness(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	date, err := web.QueryDay(r, "date", m.svc.Today())
	if err != nil {
		return err
	}
	c, err := m.svc.Completeness(r.Context(), a, date)
	if err != nil {
		return err
	}
	out := completenessJSON{Date: c.Date, Deadline: c.Deadline.String(), City: dayCountsJSONOf(c.City), Towns: []townCompletenessJSON{}}
	for _, t := range c.Towns {
		tc := townCompletenessJSON{Town: t.Town.Code, Name: t.Town.Name, Expected: t.Expected, Received: t.Received,
			OnTime: t.OnTime, Late: t.Late, SignedOff: t.SignedOff,
			Rate: web.RoundPct(t.Rate()), OnTimeRate: web.RoundPct(t.OnTimeRate()), Totals: t.Totals,
			Sent: t.Sent, LateAfterSignOff: t.LateAfterSignOff()}
		// A reopened day keeps who signed it last in the store; it is not signed now.
		if t.SignedOff {
			at := t.SignedAt
			tc.SignedBy, tc.SignedAt = t.SignedBy, &at
		}
		out.Towns = append(out.Towns, tc)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

type trendDayJSON struct {
	Date     string       `json:"date"`
	Expected int          `json:"expected"`
	Received int          `json:"received"`
	OnTime   int          `json:"on_time"`
	Late     int          `json:"late"`
	Totals   daily.Totals `json:"totals"`
}

func (m *module) apiTrend(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	to, err := web.QueryDay(r, "to", m.svc.Today())
	if err != nil {
		return err
	}
	end, _ := daily.ParseDate(to)
	from, err := web.QueryDay(r, "from", end.AddDate(0, 0, -(web.TrendDays-1)).Format(daily.DateLayout))
	if err != nil {
		return err
	}
	days, err := m.svc.Trend(r.Context(), a, from, to)
	if err != nil {
		return err
	}
	items := make([]trendDayJSON, 0, len(days))
	for _, d := range days {
		items = append(items, trendDayJSON{Date: d.Date, Expected: d.Expected, Received: d.Received, OnTime: d.OnTime, Late: d.Late, Totals: d.Totals})
	}
	web.WriteJSON(w, http.StatusOK, web.All(items))
	return nil
}

// apiMissing is the call list: the enterprises in scope without a report
// for the day.
func (m *module) apiMissing(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	date, err := web.QueryDay(r, "date", m.svc.Today())
	if err != nil {
		return err
	}
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := m.svc.MissingAmong(r.Context(), a, date, daily.Among{Town: q.Get("town"), Q: q.Get("q"), Cadre: q.Get("cadre")}, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

// signOffTownCode is the {code} of a sign-off route, a town of the city.
func signOffTownCode(r *http.Request) (string, error) {
	t, ok := registry.TownByCode(r.PathValue("code"))
	if !ok {
		return "", fugong.NotFound("乡镇街道")
	}
	return t.Code, nil
}

func (m *module) apiSignOff(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	town, err := signOffTownCode(r)
	if err != nil {
		return err
	}
	o, err := m.svc.SignOff(r.Context(), a, town, r.PathValue("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, o)
	return nil
}

func (m *module) apiReopen(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	town, err := signOffTownCode(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := m.svc.Reopen(r.Context(), a, town, r.PathValue("date"), in.Reason)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, o)
	return nil
}

// followupJSON is a follow-up as a client sends it; promised_at is RFC 3339.
type followupJSON struct {
	Date       string  `json:"date"`
	Kind       string  `json:"kind"`
	Outcome    string  `json:"outcome"`
	Note       string  `json:"note"`
	PromisedAt *string `json:"promised_at"`
}

func (m *module) apiAddFollowup(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in followupJSON
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	f := daily.Followup{Date: in.Date, Kind: in.Kind, Outcome: in.Outcome, Note: in.Note}
	if in.PromisedAt != nil && *in.PromisedAt != "" {
		t, err := time.Parse(time.RFC3339, *in.PromisedAt)
		if err != nil {
			return fugong.Errorf(fugong.EInvalid, "promised_at", "承诺时间应为 RFC 3339 格式，如 2020-02-10T15:00:00+08:00")
		}
		f.PromisedAt = &t
	}
	f, err := m.svc.AddFollowup(r.Context(), a, r.PathValue("uscc"), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, f)
	return nil
}

func (m *module) apiListFollowups(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	fs, err := m.svc.Followups(r.Context(), a, r.PathValue("uscc"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(fs))
	return nil
}

type deadlineJSON struct {
	Deadline string `json:"deadline"`
}

func (m *module) apiGetDeadline(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	d, err := m.svc.Deadline(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, deadlineJSON{d.String()})
	return nil
}

func (m *module) apiPutDeadline(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in deadlineJSON
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := m.svc.SetDeadline(r.Context(), a, in.Deadline); err != nil {
		return err
	}
	return m.apiGetDeadline(w, r, a)
}
