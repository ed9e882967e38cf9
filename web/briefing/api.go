package briefing

import (
	"bytes"
	"net/http"
	"time"

	"fugong"
	"fugong/briefing"
	"fugong/pdf"
	"fugong/web"
)

// The API (M11): the briefing of a date as JSON, PDF or XLSX and its
// issues; the groups' days.

// briefingJSON is a briefing with the issues of its date.
type briefingJSON struct {
	Date        string             `json:"date"`
	Scope       string             `json:"scope"`
	Title       string             `json:"title"`
	Headline    []string           `json:"headline"`
	Sections    []briefing.Section `json:"sections"`
	GeneratedAt time.Time          `json:"generated_at"`
	Issue       *briefing.Issue    `json:"issue"`
	Issues      []briefing.Issue   `json:"issues"`
}

func briefingOf(b briefing.Briefing, issues []briefing.Issue) briefingJSON {
	if issues == nil {
		issues = []briefing.Issue{}
	}
	for i := range b.Sections {
		s := &b.Sections[i]
		for _, p := range []*[]string{&s.Headline, &s.Notes} {
			if *p == nil {
				*p = []string{}
			}
		}
		if s.Figures == nil {
			s.Figures = []briefing.Figure{}
		}
		if s.Charts == nil {
			s.Charts = []briefing.Chart{}
		}
		if s.Tables == nil {
			s.Tables = []briefing.Table{}
		}
	}
	return briefingJSON{Date: b.Date, Scope: b.Scope, Title: b.Title, Headline: b.Headline, Sections: b.Sections,
		GeneratedAt: b.GeneratedAt, Issue: b.Issue, Issues: issues}
}

// apiBriefing answers GET /api/v1/briefings/{date}, .pdf and .xlsx.
func (m *module) apiBriefing(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	date, format, err := dayFile(r)
	if err != nil {
		return err
	}
	return m.serve(w, r, a, date, format, func(b briefing.Briefing, issues []briefing.Issue) error {
		web.WriteJSON(w, http.StatusOK, briefingOf(b, issues))
		return nil
	})
}

func (m *module) apiIssues(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	items, err := m.svc.Issues(r.Context(), a, r.PathValue("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.All(items))
	return nil
}

// issue issues the city's briefing of date, its PDF drawn in the module's
// font.
func (m *module) issue(r *http.Request, a fugong.Actor, date string) (briefing.Issue, error) {
	return m.svc.Issue(r.Context(), a, date, func(b briefing.Briefing) ([]byte, error) {
		var buf bytes.Buffer
		err := pdf.Briefing(&buf, b, m.font)
		return buf.Bytes(), err
	})
}

func (m *module) apiIssue(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	is, err := m.issue(r, a, r.PathValue("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, is)
	return nil
}

// group reads the path's work group; another name is no group.
func group(r *http.Request) (fugong.Group, error) {
	g, ok := briefing.ParseGroup(r.PathValue("group"))
	if !ok {
		return "", fugong.NotFound("工作组")
	}
	return g, nil
}

func (m *module) apiGroupDay(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	g, err := group(r)
	if err != nil {
		return err
	}
	d, err := m.svc.GroupDay(r.Context(), a, g, r.PathValue("date"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}

// apiPutGroupDay files a group's day: 201 for its first version, 200 after.
func (m *module) apiPutGroupDay(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	g, err := group(r)
	if err != nil {
		return err
	}
	if !briefing.CanRead(a) {
		return fugong.NotFound("工作组日报")
	}
	var in briefing.DayInput
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	d, created, err := m.svc.SaveGroupDay(r.Context(), a, g, r.PathValue("date"), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	web.WriteJSON(w, status, d)
	return nil
}

func (m *module) apiFinalize(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.apiFinal(w, r, a, true)
}

func (m *module) apiReopen(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	return m.apiFinal(w, r, a, false)
}

func (m *module) apiFinal(w http.ResponseWriter, r *http.Request, a fugong.Actor, final bool) error {
	g, err := group(r)
	if err != nil {
		return err
	}
	d, err := m.svc.Finalize(r.Context(), a, g, r.PathValue("date"), final)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, d)
	return nil
}
