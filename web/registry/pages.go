package registry

import (
	"cmp"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"fugong"
	"fugong/registry"
	"fugong/web"
)

type enterpriseListPage struct {
	web.Base
	Pager       web.Pager
	Filter      registry.Filter
	Items       []registry.Enterprise
	Total       int
	Pages       int
	Towns       []registry.Town
	CanCreate   bool
	Query       template.URL // the filters without the page, already encoded for links
	FilterError string
}

func (m *module) enterpriseList(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p := enterpriseListPage{Base: ss.Base("企业名录", "/enterprises"), CanCreate: registry.CanRegister(ss.Actor())}
	p.Towns = web.TownsFor(ss.Actor())
	f, err := enterpriseFilter(r)
	if err != nil {
		e := fugong.AsError(err)
		if e == nil || e.Code != fugong.EInvalid {
			return err
		}
		p.FilterError = e.Message
		f = registry.Filter{Page: 1, PerPage: registry.DefaultPerPage}
	}
	p.Filter = f
	if p.Items, p.Total, err = m.svc.List(r.Context(), ss.Actor(), f); err != nil {
		return err
	}
	pg := web.Paging{Page: f.Page, PerPage: f.PerPage}
	p.Pages = pg.Pages(p.Total)
	p.Pager = pg.Pager(r, p.Total)
	q := r.URL.Query()
	q.Del("page")
	p.Query = template.URL(q.Encode())
	ss.Render(w, r, http.StatusOK, "enterprises", p)
	return nil
}

type enterpriseFormPage struct {
	web.Base
	New       bool
	E         registry.Enterprise
	Errors    map[string]string
	Towns     []registry.Town
	Editable  map[string]bool
	FormError string
}

func enterpriseForm(ss *web.Session, title string, isNew bool, e registry.Enterprise) enterpriseFormPage {
	towns := web.TownsFor(ss.Actor())
	if len(towns) == 0 {
		towns = registry.Towns // a clerk's form shows their town, not to be changed
	}
	p := enterpriseFormPage{Base: ss.Base(title, "/enterprises"), New: isNew, E: e, Towns: towns, Editable: map[string]bool{}}
	for _, f := range registry.Fields {
		p.Editable[f] = registry.CanChangeField(ss.Actor(), f, isNew)
	}
	return p
}

func (m *module) enterpriseNew(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !registry.CanRegister(ss.Actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权登记企业")
	}
	e := registry.Enterprise{SizeClass: registry.SizeBelow, Status: registry.StatusActive}
	if u := ss.User(); u.Role == fugong.RoleTown {
		e.Town = u.Town
	}
	ss.Render(w, r, http.StatusOK, "enterprise_form", enterpriseForm(ss, "登记企业", true, e))
	return nil
}

// formEnterprise reads the enterprise form; numbers that do not parse are
// reported per field like any other rule.
func formEnterprise(r *http.Request, e *registry.Enterprise, editable map[string]bool) map[string]string {
	bad := map[string]string{}
	set := func(field string, apply func(v string)) {
		if editable[field] {
			apply(strings.TrimSpace(r.PostFormValue(field)))
		}
	}
	set("uscc", func(v string) { e.USCC = v })
	set("name", func(v string) { e.Name = v })
	set("town", func(v string) { e.Town = v })
	set("address", func(v string) { e.Address = v })
	set("industry", func(v string) { e.Industry = v })
	set("size_class", func(v string) { e.SizeClass = v })
	set("legal_rep", func(v string) { e.LegalRep = v })
	set("contact_phone", func(v string) { e.ContactPhone = v })
	set("status", func(v string) { e.Status = v })
	set("employees", func(v string) {
		n, err := strconv.Atoi(cmp.Or(v, "0"))
		if err != nil {
			bad["employees"] = "职工人数应为整数"
		}
		e.Employees = n
	})
	set("land_mu", func(v string) {
		f, err := strconv.ParseFloat(cmp.Or(v, "0"), 64)
		if err != nil {
			bad["land_mu"] = "用地面积应为数字"
		}
		e.LandMu = f
	})
	set("mujun_class", func(v string) {
		if v == "" {
			e.MujunClass = nil
		} else {
			e.MujunClass = &v
		}
	})
	return bad
}

func (m *module) enterpriseCreate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	p := enterpriseForm(ss, "登记企业", true, registry.Enterprise{})
	bad := formEnterprise(r, &p.E, p.Editable)
	var err error
	if len(bad) == 0 {
		var created registry.Enterprise
		if created, err = m.svc.Create(r.Context(), ss.Actor(), p.E); err == nil {
			return web.SeeOther(w, r, web.EnterprisePath(created.USCC)+"?created=1")
		}
		if bad, err = web.FieldErrors(err); err != nil {
			return err
		}
	}
	formFailed(w, r, ss, p, bad)
	return nil
}

type enterprisePage struct {
	web.Base
	E       registry.Enterprise
	CanEdit bool
	Created bool
	Saved   bool
	// Sections are the modules' parts of the page (Module.EnterpriseSections).
	Sections []template.HTML
}

func (m *module) enterpriseDetail(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.showEnterprise(w, r, ss, http.StatusOK, r.PathValue("uscc"))
}

// showEnterprise is an enterprise's page with status, every module's
// tabs and sections on it (Module.EnterprisePage).
func (m *module) showEnterprise(w http.ResponseWriter, r *http.Request, ss *web.Session, status int, uscc string) error {
	e, err := m.svc.Get(r.Context(), ss.Actor(), uscc)
	if err != nil {
		return err
	}
	p := enterprisePage{Base: ss.Base(e.Name, "/enterprises"), E: e, CanEdit: registry.CanEditSome(ss.Actor()),
		Created: r.URL.Query().Get("created") == "1", Saved: r.URL.Query().Get("saved") == "1"}
	if p.Sections, err = ss.EnterpriseSections(r, e); err != nil {
		return err
	}
	ss.Render(w, r, status, "enterprise", p)
	return nil
}

func (m *module) enterpriseEdit(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	e, err := m.svc.Get(r.Context(), ss.Actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	if !registry.CanEditSome(ss.Actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权修改企业信息")
	}
	ss.Render(w, r, http.StatusOK, "enterprise_form", enterpriseForm(ss, "修改企业信息", false, e))
	return nil
}

func (m *module) enterpriseUpdate(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	var p enterpriseFormPage
	var bad map[string]string
	e, err := m.svc.Update(r.Context(), ss.Actor(), r.PathValue("uscc"), func(e *registry.Enterprise) error {
		p = enterpriseForm(ss, "修改企业信息", false, *e)
		bad = formEnterprise(r, e, p.Editable)
		p.E = *e
		if len(bad) > 0 {
			return fugong.Errorf(fugong.EInvalid, "", "表单有误")
		}
		return nil
	})
	if err == nil {
		return web.SeeOther(w, r, web.EnterprisePath(e.USCC)+"?saved=1")
	}
	if len(bad) == 0 {
		if bad, err = web.FieldErrors(err); err != nil {
			return err
		}
	}
	formFailed(w, r, ss, p, bad)
	return nil
}

func (m *module) enterpriseExport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	return m.exportEnterprises(w, r, ss.Actor())
}

type importPage struct {
	web.Base
	Done    bool
	Result  registry.ImportResult
	Rows    []registry.RowError
	Error   string
	SkipBad bool
}

func (m *module) enterpriseImportPage(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !registry.CanRegister(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	ss.Render(w, r, http.StatusOK, "import", importPage{Base: ss.Base("批量导入企业", "/enterprises/import")})
	return nil
}

func (m *module) enterpriseImport(w http.ResponseWriter, r *http.Request, ss *web.Session) error {
	if !registry.CanRegister(ss.Actor()) {
		return fugong.NotFound("页面")
	}
	p := importPage{Base: ss.Base("批量导入企业", "/enterprises/import"), SkipBad: r.FormValue("skip_bad") == "true"}
	res, err := m.importEnterprises(w, r, ss.Actor())
	rows, msg, status, internal := web.ImportOutcome(err)
	if internal != nil {
		return internal
	}
	p.Rows, p.Error = rows, msg
	if err == nil {
		p.Done, p.Result, p.Rows = true, res, res.Bad
	}
	ss.Render(w, r, status, "import", p)
	return nil
}

// formFailed shows the enterprise form again with its field errors.
func formFailed(w http.ResponseWriter, r *http.Request, ss *web.Session, p enterpriseFormPage, bad map[string]string) {
	p.Errors = bad
	p.FormError = "请修改标红的字段后再提交"
	ss.Render(w, r, http.StatusBadRequest, "enterprise_form", p)
}
