package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fugong"
	"fugong/registry"
)

type enterpriseListPage struct {
	basePage
	Filter      registry.Filter
	Items       []registry.Enterprise
	Total       int
	Pages       int
	Towns       []registry.Town
	CanCreate   bool
	Query       template.URL // the filters without the page, already encoded for links
	FilterError string
}

func (s *Server) enterpriseList(w http.ResponseWriter, r *http.Request, ss *session) error {
	p := enterpriseListPage{basePage: s.base(ss, "企业名录", "/enterprises"), CanCreate: registry.CanRegister(ss.actor())}
	p.Towns = townsFor(ss.actor())
	f, err := enterpriseFilter(r)
	if err != nil {
		e := s.publicError(r, err)
		if e.Code != fugong.EInvalid {
			return err
		}
		p.FilterError = e.Message
		f = registry.Filter{Page: 1, PerPage: registry.DefaultPerPage}
	}
	p.Filter = f
	if p.Items, p.Total, err = s.Registry.List(r.Context(), ss.actor(), f); err != nil {
		return err
	}
	p.Pages = (p.Total + f.PerPage - 1) / f.PerPage
	q := r.URL.Query()
	q.Del("page")
	p.Query = template.URL(q.Encode())
	s.render(w, r, http.StatusOK, "enterprises", p)
	return nil
}

// townsFor lists the towns the actor can pick in filters and forms.
func townsFor(a fugong.Actor) []registry.Town {
	if a.Role == fugong.RoleTown {
		if t, ok := registry.TownByCode(a.Town); ok {
			return []registry.Town{t}
		}
	}
	return registry.Towns
}

type enterpriseFormPage struct {
	basePage
	New       bool
	E         registry.Enterprise
	Errors    map[string]string
	Towns     []registry.Town
	Editable  map[string]bool
	FormError string
}

func (s *Server) enterpriseForm(ss *session, title string, isNew bool, e registry.Enterprise) enterpriseFormPage {
	p := enterpriseFormPage{basePage: s.base(ss, title, "/enterprises"), New: isNew, E: e, Towns: townsFor(ss.actor()), Editable: map[string]bool{}}
	for _, f := range registry.Fields {
		p.Editable[f] = registry.CanChangeField(ss.actor(), f, isNew)
	}
	return p
}

func (s *Server) enterpriseNew(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !registry.CanRegister(ss.actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权登记企业")
	}
	e := registry.Enterprise{SizeClass: registry.SizeBelow, Status: registry.StatusActive}
	if ss.user.Role == fugong.RoleTown {
		e.Town = ss.user.Town
	}
	s.render(w, r, http.StatusOK, "enterprise_form", s.enterpriseForm(ss, "登记企业", true, e))
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

func (s *Server) enterpriseCreate(w http.ResponseWriter, r *http.Request, ss *session) error {
	p := s.enterpriseForm(ss, "登记企业", true, registry.Enterprise{})
	bad := formEnterprise(r, &p.E, p.Editable)
	var err error
	if len(bad) == 0 {
		var created registry.Enterprise
		if created, err = s.Registry.Create(r.Context(), ss.actor(), p.E); err == nil {
			http.Redirect(w, r, "/enterprises/"+url.PathEscape(created.USCC)+"?created=1", http.StatusSeeOther)
			return nil
		}
		if bad, err = fieldErrors(err); err != nil {
			return err
		}
	}
	s.formFailed(w, r, p, bad)
	return nil
}

type enterprisePage struct {
	basePage
	E       registry.Enterprise
	CanEdit bool
	Created bool
	Saved   bool
	// Paperwork is the enterprise's cadre (M3).
	Paperwork *paperworkSection
	// Sections are the modules' parts of the page (Module.EnterpriseSections).
	Sections []template.HTML
}

func (s *Server) enterpriseDetail(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.showEnterprise(w, r, ss, http.StatusOK, r.PathValue("uscc"), nil, nil)
}

// showEnterprise shows an enterprise's page with status; the sections of
// module from, if set, are own instead (Session.EnterprisePage).
func (s *Server) showEnterprise(w http.ResponseWriter, r *http.Request, ss *session, status int, uscc string, from *Module, own []Section) error {
	return s.renderEnterprise(w, r, ss, status, uscc, from, own, nil)
}

// renderEnterprise is showEnterprise with edit, if set, applied to the
// cadre section (a refused form of it, shown again).
func (s *Server) renderEnterprise(w http.ResponseWriter, r *http.Request, ss *session, status int, uscc string, from *Module, own []Section, edit func(*paperworkSection)) error {
	e, err := s.Registry.Get(r.Context(), ss.actor(), uscc)
	if err != nil {
		return err
	}
	p := enterprisePage{basePage: s.base(ss, e.Name, "/enterprises"), E: e, CanEdit: registry.CanEditSome(ss.actor()),
		Created: r.URL.Query().Get("created") == "1", Saved: r.URL.Query().Get("saved") == "1"}
	if p.Paperwork, err = s.paperwork(r, ss, e); err != nil {
		return err
	}
	if edit != nil {
		edit(p.Paperwork)
	}
	if p.Sections, err = s.enterpriseSections(r, ss, e, from, own); err != nil {
		return err
	}
	s.render(w, r, status, "enterprise", p)
	return nil
}

func (s *Server) enterpriseEdit(w http.ResponseWriter, r *http.Request, ss *session) error {
	e, err := s.Registry.Get(r.Context(), ss.actor(), r.PathValue("uscc"))
	if err != nil {
		return err
	}
	if !registry.CanEditSome(ss.actor()) {
		return fugong.Errorf(fugong.EForbidden, "", "无权修改企业信息")
	}
	s.render(w, r, http.StatusOK, "enterprise_form", s.enterpriseForm(ss, "修改企业信息", false, e))
	return nil
}

func (s *Server) enterpriseUpdate(w http.ResponseWriter, r *http.Request, ss *session) error {
	var p enterpriseFormPage
	var bad map[string]string
	e, err := s.Registry.Update(r.Context(), ss.actor(), r.PathValue("uscc"), func(e *registry.Enterprise) error {
		p = s.enterpriseForm(ss, "修改企业信息", false, *e)
		bad = formEnterprise(r, e, p.Editable)
		p.E = *e
		if len(bad) > 0 {
			return fugong.Errorf(fugong.EInvalid, "", "表单有误")
		}
		return nil
	})
	if err == nil {
		http.Redirect(w, r, "/enterprises/"+url.PathEscape(e.USCC)+"?saved=1", http.StatusSeeOther)
		return nil
	}
	if len(bad) == 0 {
		if bad, err = fieldErrors(err); err != nil {
			return err
		}
	}
	s.formFailed(w, r, p, bad)
	return nil
}

func (s *Server) enterpriseExport(w http.ResponseWriter, r *http.Request, ss *session) error {
	return s.exportEnterprises(w, r, ss.actor())
}

type importPage struct {
	basePage
	Done    bool
	Result  registry.ImportResult
	Rows    []registry.RowError
	Error   string
	SkipBad bool
}

func (s *Server) enterpriseImportPage(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !registry.CanRegister(ss.actor()) {
		return fugong.NotFound("页面")
	}
	s.render(w, r, http.StatusOK, "import", importPage{basePage: s.base(ss, "批量导入企业", "/enterprises/import")})
	return nil
}

func (s *Server) enterpriseImport(w http.ResponseWriter, r *http.Request, ss *session) error {
	if !registry.CanRegister(ss.actor()) {
		return fugong.NotFound("页面")
	}
	p := importPage{basePage: s.base(ss, "批量导入企业", "/enterprises/import"), SkipBad: r.FormValue("skip_bad") == "true"}
	res, err := s.importEnterprises(w, r, ss.actor())
	rows, msg, status, internal := s.importOutcome(r, err)
	if internal != nil {
		return internal
	}
	p.Rows, p.Error = rows, msg
	if err == nil {
		p.Done, p.Result, p.Rows = true, res, res.Bad
	}
	s.render(w, r, status, "import", p)
	return nil
}

// formFailed shows the enterprise form again with its field errors.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, p enterpriseFormPage, bad map[string]string) {
	p.Errors = bad
	p.FormError = "请修改标红的字段后再提交"
	s.render(w, r, http.StatusBadRequest, "enterprise_form", p)
}
