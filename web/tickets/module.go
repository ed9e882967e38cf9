// Package tickets is the web side of the difficulty tickets (M5, 问题困难):
// its API under /api/v1, its pages, templates and OpenAPI fragment. The
// rules are the package fugong/tickets.
package tickets

import (
	"embed"
	"io/fs"

	"fugong"
	"fugong/tickets"
	"fugong/web"
)

//go:embed templates openapi.json
var assets embed.FS

// module serves the tickets API and pages over the service.
type module struct {
	svc *tickets.Service
}

// New is the tickets module's web side over svc.
func New(svc *tickets.Service) web.Module {
	m := &module{svc: svc}
	templates, err := fs.Sub(assets, "templates")
	if err != nil {
		panic(err)
	}
	openAPI, err := assets.ReadFile("openapi.json")
	if err != nil {
		panic(err)
	}
	return web.Module{
		Name:          "tickets",
		Routes:        m.routes(),
		Nav:           nav,
		SettingsLinks: []web.Link{{Href: "/tickets/sla", Label: "问题办理时限", Note: "按紧急程度", Order: 300}},
		EnterpriseLinks: func(a fugong.Actor, uscc string) []web.Link {
			return []web.Link{
				{Href: "/tickets?enterprise=" + uscc, Label: "问题困难", Order: 300},
				{Href: "/tickets/new?enterprise=" + uscc, Label: "反映问题", Order: 310},
				{Href: web.EnterprisePath(uscc) + "/products", Label: "产品申报", Order: 400},
			}
		},
		Home:      m.home,
		Templates: templates,
		OpenAPI:   openAPI,
	}
}

func (m *module) routes() []web.Route {
	return []web.Route{
		{Method: "POST", Path: "/api/v1/tickets", API: m.apiRaiseTicket},
		{Method: "GET", Path: "/api/v1/tickets", API: m.apiListTickets},
		{Method: "GET", Path: "/api/v1/tickets/export", API: m.apiExportTickets},
		{Method: "GET", Path: "/api/v1/tickets/stats", API: m.apiTicketStats},
		{Method: "GET", Path: "/api/v1/tickets/assignees/suggest", API: m.apiSuggestAssignees},
		{Method: "GET", Path: "/api/v1/tickets/{id}", API: m.apiGetTicket},
		{Method: "PATCH", Path: "/api/v1/tickets/{id}", API: m.apiMoveTicket},
		{Method: "GET", Path: "/api/v1/tickets/{id}/suggestions", API: m.apiTicketSuggestions},
		{Method: "PUT", Path: "/api/v1/tickets/{id}/supplier", API: m.apiChooseSupplier},
		{Method: "POST", Path: "/api/v1/tickets/{id}/passes", API: m.apiAddPass},
		{Method: "POST", Path: "/api/v1/tickets/{id}/deliveries", API: m.apiAddDelivery},
		{Method: "GET", Path: "/api/v1/settings/ticket-sla", API: m.apiGetTicketSLA},
		{Method: "PUT", Path: "/api/v1/settings/ticket-sla", API: m.apiPutTicketSLA},
		{Method: "GET", Path: "/api/v1/enterprises/{uscc}/products", API: m.apiGetProducts},
		{Method: "PUT", Path: "/api/v1/enterprises/{uscc}/products", API: m.apiPutProducts},

		{Method: "GET", Path: "/tickets", Page: m.ticketList},
		{Method: "GET", Path: "/tickets/new", Page: m.ticketNew},
		{Method: "POST", Path: "/tickets", Page: m.ticketCreate},
		{Method: "GET", Path: "/tickets/export", Page: m.ticketExport},
		{Method: "GET", Path: "/tickets/stats", Page: m.ticketStatsPage},
		{Method: "GET", Path: "/tickets/sla", Page: m.ticketSLAForm},
		{Method: "POST", Path: "/tickets/sla", Page: m.ticketSLASave},
		{Method: "GET", Path: "/tickets/{id}", Page: m.ticketDetail},
		{Method: "POST", Path: "/tickets/{id}/move", Page: m.ticketMove},
		{Method: "POST", Path: "/tickets/{id}/supplier", Page: m.ticketSupplier},
		{Method: "POST", Path: "/tickets/{id}/passes", Page: m.ticketPass},
		{Method: "POST", Path: "/tickets/{id}/deliveries", Page: m.ticketDelivery},
		{Method: "GET", Path: "/enterprises/{uscc}/products", Page: m.productsForm},
		{Method: "POST", Path: "/enterprises/{uscc}/products", Page: m.productsSave},
	}
}

// nav is the menu entry of the tickets: everyone who raises them, not a
// checkpoint.
func nav(a fugong.Actor) []web.NavItem {
	if !tickets.CanRaise(a) {
		return nil
	}
	return []web.NavItem{{Href: "/tickets", Label: "问题困难", Order: 600, Group: web.NavService}}
}
