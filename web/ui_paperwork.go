package web

import (
	"net/http"

	"fugong"
	"fugong/account"
	"fugong/pairing"
	"fugong/registry"
)

// paperworkSection is the enterprise page's cadre (M3 结对), with the form
// to change it. The papers beside it are the documents module's section.
type paperworkSection struct {
	USCC, CSRF string
	Notice     string
	Pairing    pairing.Pairing
	SinceText  string
	CanPair    bool
	Cadres     []pairing.Cadre
	PairInput  string
	PairError  string
}

// paperwork builds the section for an enterprise already read in scope.
func (s *Server) paperwork(r *http.Request, ss *session, e registry.Enterprise) (*paperworkSection, error) {
	ctx, a := r.Context(), ss.actor()
	p := &paperworkSection{USCC: e.USCC, CSRF: account.CSRFToken(ss.token), CanPair: pairing.CanPair(a)}
	var err error
	if p.Pairing, err = s.Pairing.Get(ctx, a, e.USCC); err != nil {
		return nil, err
	}
	if p.Pairing.Since != nil {
		p.SinceText = p.Pairing.Since.In(fugong.Location).Format("2006-01-02")
	}
	if p.CanPair {
		if p.Cadres, err = s.Pairing.Cadres(ctx, a); err != nil {
			return nil, err
		}
	}
	switch q := r.URL.Query(); {
	case q.Get("paired") == "1":
		p.Notice = "已结对干部。"
	case q.Get("unpaired") == "1":
		p.Notice = "已解除干部结对。"
	}
	return p, nil
}

// paperworkFailed shows the enterprise page again with a refused form of
// its cadre section: edit puts the form's input and errors back. Errors
// that are no form's to show (out of scope, not allowed, internal) render
// as an error.
func (s *Server) paperworkFailed(w http.ResponseWriter, r *http.Request, ss *session, uscc string, err error, edit func(*paperworkSection)) error {
	switch fugong.ErrorCode(err) {
	case fugong.EInvalid, fugong.EConflict, fugong.ETooLarge:
	default:
		return err
	}
	return s.renderEnterprise(w, r, ss, statusOf[fugong.ErrorCode(err)], uscc, nil, nil, edit)
}
