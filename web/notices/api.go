package notices

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"fugong"
	"fugong/files"
	"fugong/notice"
	"fugong/sheet"
	"fugong/web"
)

// The API (M10): send, list, read and acknowledge notices; follow their
// coverage and call list; remind; the SMS gateway settings.

// noticeID reads a notice's id from the path; anything but a positive
// number is no notice.
func noticeID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fugong.NotFound("通知")
	}
	return id, nil
}

type fileJSON struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	URL         string `json:"url"`
}

type townJSON struct {
	Town            string  `json:"town"`
	TownName        string  `json:"town_name"`
	Recipients      int     `json:"recipients"`
	Read            int     `json:"read"`
	Acknowledged    int     `json:"acknowledged"`
	SMSSent         int     `json:"sms_sent"`
	AcknowledgedPct float64 `json:"acknowledged_pct"`
}

// noticeJSON is a notice with its coverage in the caller's scope.
type noticeJSON struct {
	ID           int64           `json:"id"`
	Title        string          `json:"title"`
	Body         string          `json:"body"`
	SMSText      string          `json:"sms_text"`
	Audience     notice.Audience `json:"audience"`
	AudienceText string          `json:"audience_text"`
	Channels     []string        `json:"channels"`
	RequiresAck  bool            `json:"requires_ack"`
	Sender       string          `json:"sender"`
	SenderGroup  fugong.Group    `json:"sender_group"`
	SenderTown   string          `json:"sender_town"`
	CreatedBy    string          `json:"created_by"`
	CreatedAt    time.Time       `json:"created_at"`
	Attachments  []fileJSON      `json:"attachments"`
	Recipients   int             `json:"recipients"`
	Read         int             `json:"read"`
	Acknowledged int             `json:"acknowledged"`
	ReadPct      float64         `json:"read_pct"`
	AckPct       float64         `json:"acknowledged_pct"`
	Towns        []townJSON      `json:"towns"`
	SMS          notice.SMS      `json:"sms"`
	LastReminder *time.Time      `json:"last_reminder"`
	Receipt      *notice.Receipt `json:"receipt"`
}

func attachmentURL(id, file int64) string {
	return "/api/v1/notices/" + strconv.FormatInt(id, 10) + "/files/" + strconv.FormatInt(file, 10)
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return web.RoundPct(float64(n) * 100 / float64(d))
}

func viewJSON(v notice.View) noticeJSON {
	n, c := v.Notice, v.Coverage
	out := noticeJSON{ID: n.ID, Title: n.Title, Body: n.Body, SMSText: n.SMSText, Audience: n.Audience, AudienceText: n.AudienceText(),
		Channels: n.Channels, RequiresAck: n.RequiresAck, Sender: n.Sender(), SenderGroup: n.SenderGroup, SenderTown: n.SenderTown,
		CreatedBy: n.CreatedBy, CreatedAt: n.CreatedAt, Attachments: []fileJSON{}, Recipients: c.City.Recipients, Read: c.City.Read,
		Acknowledged: c.City.Acknowledged, ReadPct: pct(c.City.Read, c.City.Recipients), AckPct: pct(c.City.Acknowledged, c.City.Recipients),
		Towns: []townJSON{}, SMS: c.SMS, LastReminder: c.LastReminder, Receipt: v.Receipt}
	for _, f := range n.Files {
		out.Attachments = append(out.Attachments, fileJSON{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, URL: attachmentURL(n.ID, f.ID)})
	}
	for _, t := range c.Towns {
		out.Towns = append(out.Towns, townJSON{Town: t.Town.Code, TownName: t.Town.Name, Recipients: t.Recipients, Read: t.Read,
			Acknowledged: t.Acknowledged, SMSSent: t.SMSSent, AcknowledgedPct: pct(t.Acknowledged, t.Recipients)})
	}
	if out.Audience.Towns == nil {
		out.Audience.Towns = []string{}
	}
	if out.Audience.MujunClasses == nil {
		out.Audience.MujunClasses = []string{}
	}
	if out.Audience.Enterprises == nil {
		out.Audience.Enterprises = []string{}
	}
	return out
}

// listedJSON is a notice in a list.
type listedJSON struct {
	ID           int64           `json:"id"`
	Title        string          `json:"title"`
	Sender       string          `json:"sender"`
	AudienceText string          `json:"audience_text"`
	Channels     []string        `json:"channels"`
	RequiresAck  bool            `json:"requires_ack"`
	CreatedAt    time.Time       `json:"created_at"`
	Recipients   int             `json:"recipients"`
	Read         int             `json:"read"`
	Acknowledged int             `json:"acknowledged"`
	Receipt      *notice.Receipt `json:"receipt,omitempty"`
}

func listedOf(l notice.Listed) listedJSON {
	return listedJSON{ID: l.ID, Title: l.Title, Sender: l.Sender(), AudienceText: l.AudienceText(), Channels: l.Channels,
		RequiresAck: l.RequiresAck, CreatedAt: l.CreatedAt, Recipients: l.Counts.Recipients, Read: l.Counts.Read,
		Acknowledged: l.Counts.Acknowledged, Receipt: l.Receipt}
}

func queryBool(r *http.Request, name string) (bool, error) {
	switch v := r.URL.Query().Get(name); v {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, fugong.Errorf(fugong.EInvalid, name, "%s 应为 true 或 false", name)
}

func (m *module) apiList(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	unread, err := queryBool(r, "unread")
	if err != nil {
		return err
	}
	if pg.PerPage == 0 {
		pg.PerPage = notice.DefaultPerPage
	}
	items, total, err := m.svc.List(r.Context(), a, notice.ListFilter{Unread: unread, Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	out := make([]listedJSON, len(items))
	for i, l := range items {
		out[i] = listedOf(l)
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(out, total, pg))
	return nil
}

// apiSend sends a notice: a JSON body, or a multipart form with the JSON
// in the field "notice" and the files in "attachment".
func (m *module) apiSend(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	var in notice.Input
	var ups []files.Upload
	if web.IsMultipart(r) {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return web.UploadError(err)
		}
		raw := r.FormValue("notice")
		if raw == "" {
			return fugong.Errorf(fugong.EInvalid, "notice", "请在 notice 字段中提交通知内容（JSON）")
		}
		if err := web.DecodeStrict([]byte(raw), &in); err != nil {
			return err
		}
		var err error
		if ups, err = uploads(r); err != nil {
			return err
		}
	} else if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := m.svc.Send(r.Context(), a, in, ups)
	if err != nil {
		return err
	}
	v, err := m.svc.Get(r.Context(), a, n.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/notices/"+strconv.FormatInt(n.ID, 10))
	web.WriteJSON(w, http.StatusCreated, viewJSON(v))
	return nil
}

// uploads reads the parsed form's attachments, unchecked (the notice's
// rules check them with its other fields).
func uploads(r *http.Request) ([]files.Upload, error) {
	var out []files.Upload
	if r.MultipartForm == nil {
		return nil, nil
	}
	for _, h := range r.MultipartForm.File["attachment"] {
		u, err := web.ReadPart(h)
		if err != nil {
			return nil, err
		}
		if len(u.Data) == 0 && h.Filename == "" {
			continue // an empty file input
		}
		out = append(out, u)
	}
	return out, nil
}

func (m *module) apiGet(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	v, err := m.svc.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, viewJSON(v))
	return nil
}

func (m *module) apiAcknowledge(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	rc, err := m.svc.Acknowledge(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rc)
	return nil
}

func (m *module) apiRemind(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	n, err := m.svc.Remind(r.Context(), a, id)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]int{"queued": n})
	return nil
}

func (m *module) apiPending(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	pg, err := web.QueryPaging(r)
	if err != nil {
		return err
	}
	_, items, total, err := m.svc.Pending(r.Context(), a, id, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, web.ListOf(items, total, pg))
	return nil
}

// apiPendingExport writes the call list as a spreadsheet; the page's
// download is served by it too.
func (m *module) apiPendingExport(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	format, err := web.ExportFormat(r)
	if err != nil {
		return err
	}
	n, items, err := m.svc.AllPending(r.Context(), a, id)
	if err != nil {
		return err
	}
	name := "通知未确认企业-" + strconv.FormatInt(n.ID, 10) + "." + format
	web.Download(w, name, "notice-pending-"+strconv.FormatInt(n.ID, 10), format)
	return sheet.WritePending(w, name, n, items)
}

func (m *module) apiFile(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	id, err := noticeID(r, "id")
	if err != nil {
		return err
	}
	fid, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil {
		return fugong.NotFound("附件")
	}
	f, data, err := m.svc.File(r.Context(), a, id, fid)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, err = w.Write(data)
	return err
}

// settingsJSON are the SMS settings as the API shows them.
type settingsJSON = notice.SMSSettings

func (m *module) apiGetSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if !notice.CanSetSMS(a) {
		return fugong.NotFound("短信网关设置")
	}
	s, err := m.svc.SMSSettings(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, settingsJSON(s))
	return nil
}

func (m *module) apiPutSettings(w http.ResponseWriter, r *http.Request, a fugong.Actor) error {
	if !notice.CanSetSMS(a) {
		return fugong.NotFound("短信网关设置")
	}
	var in settingsJSON
	if err := web.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	s, err := m.svc.SetSMSSettings(r.Context(), a, in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, settingsJSON(s))
	return nil
}

// splitCodes reads the enterprises typed into a form: one a line, or
// separated by commas, spaces or 、.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '　'
	})
}
