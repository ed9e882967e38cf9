package pairing

import (
	"net/http"

	"fugong"
	"fugong/pairing"
	"fugong/registry"
	"fugong/web"
)

// cadreSection is the enterprise page's cadre (一企一员), with the form
// to change it; the papers after it are the documents module's section.
type cadreSection struct {
	USCC, CSRF string
	Notice     string
	Pairing    pairing.Pairing
	SinceText  string
	CanPair    bool
	PairInput  string
	PairError  string
}

// cadreOrder places the cadre first among the enterprise page's sections.
const cadreOrder = 50

// enterpriseSections is the cadre section of e's page.
func (m *module) enterpriseSections(r *http.Request, ss *web.Session, e registry.Enterprise) ([]web.Section, error) {
	p, err := m.cadre(r, ss, e.USCC)
	if err != nil {
		return nil, err
	}
	return m.section(ss, p)
}

func (m *module) section(ss *web.Session, p *cadreSection) ([]web.Section, error) {
	h, err := ss.Partial("enterprise-paperwork", p)
	if err != nil {
		return nil, err
	}
	return []web.Section{{HTML: h, Order: cadreOrder}}, nil
}

// cadre builds the section of the enterprise uscc, already read in scope.
func (m *module) cadre(r *http.Request, ss *web.Session, uscc string) (*cadreSection, error) {
	ctx, a := r.Context(), ss.Actor()
	p := &cadreSection{USCC: uscc, CSRF: ss.CSRF(), CanPair: pairing.CanPair(a)}
	var err error
	if p.Pairing, err = m.svc.Get(ctx, a, uscc); err != nil {
		return nil, err
	}
	if p.Pairing.Since != nil {
		p.SinceText = p.Pairing.Since.In(fugong.Location).Format("2006-01-02")
	}
	switch q := r.URL.Query(); {
	case q.Get("paired") == "1":
		p.Notice = "已结对干部。"
	case q.Get("unpaired") == "1":
		p.Notice = "已解除干部结对。"
	}
	return p, nil
}

// cadreRefused shows the enterprise page again with its cadre form
// refused: typed in the input and err's message beside it. An error that
// is no form's to show (not found, forbidden, internal) is returned as it
// is, for the error page.
func (m *module) cadreRefused(w http.ResponseWriter, r *http.Request, ss *web.Session, uscc, typed string, err error) error {
	switch fugong.ErrorCode(err) {
	case fugong.EInvalid, fugong.EConflict, fugong.ETooLarge:
	default:
		return err
	}
	p, cerr := m.cadre(r, ss, uscc)
	if cerr != nil {
		return cerr
	}
	p.PairInput, p.PairError = typed, fugong.AsError(err).Message
	sec, serr := m.section(ss, p)
	if serr != nil {
		return serr
	}
	return ss.EnterprisePage(w, r, web.Status(fugong.ErrorCode(err)), uscc, sec...)
}
