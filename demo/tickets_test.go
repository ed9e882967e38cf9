package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/registry"
	"fugong/store"
	"fugong/store/storetest"
	"fugong/tickets"
)

// Seed's month of tickets: every category and state, some overdue, the
// clerk's and the cadre's own, and the model case matched to the 龙港 maker.
func TestSeedTickets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Now()
		if _, err := Seed(ctx, db, nil, false); err != nil {
			t.Fatal(err)
		}
		t.Logf("Seed on %s took %v", db.Engine, time.Since(start).Round(time.Millisecond))
		now := db.Now()
		svc := &tickets.Service{Store: db, Registry: &registry.Service{Store: db}, Now: db.Now}
		bureau := fugong.Actor{Username: "ducha", Role: fugong.RoleBureau, Group: fugong.GroupInspection}
		all, err := svc.All(ctx, bureau, tickets.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != ticketCount+1 {
			t.Errorf("%d tickets, want %d", len(all), ticketCount+1)
		}
		cats, statuses := map[string]int{}, map[string]int{}
		overdue, withPass, withDelivery := 0, 0, 0
		var model tickets.Ticket
		for _, k := range all {
			cats[k.Category]++
			statuses[k.Status]++
			if k.Overdue {
				overdue++
			}
			if k.RaisedAt.After(now) || k.RaisedAt.Before(now.AddDate(0, 0, -historyDays-1)) {
				t.Errorf("ticket %d raised %v, outside the month", k.ID, k.RaisedAt)
			}
			if k.Title == ModelTicketTitle {
				model = k
			}
		}
		for _, c := range tickets.Categories {
			if cats[c] < 10 {
				t.Errorf("%d tickets of %s", cats[c], c)
			}
		}
		for _, s := range tickets.Statuses {
			if statuses[s] == 0 {
				t.Errorf("no ticket is %s: %v", s, statuses)
			}
		}
		if overdue == 0 || overdue > len(all)/3 {
			t.Errorf("%d overdue of %d", overdue, len(all))
		}
		t.Logf("statuses %v, %d overdue", statuses, overdue)
		for _, k := range all {
			d, err := svc.Get(ctx, bureau, k.ID)
			if err != nil {
				t.Fatal(err)
			}
			for i, ev := range d.Events {
				if i > 0 && ev.At.Before(d.Events[i-1].At) || ev.At.After(now) {
					t.Errorf("ticket %d: event %d at %v out of order", k.ID, i, ev.At)
				}
			}
			if last := d.Events[len(d.Events)-1]; last.Kind == tickets.EventMove && last.To != d.Status || last.Kind == tickets.EventRaise && d.Status != tickets.StatusNew {
				t.Errorf("ticket %d is %s, its history ends %+v", k.ID, d.Status, last)
			}
			for _, p := range d.Passes {
				if plate, msg := tickets.NormalizePlate(p.Plate); msg != "" || plate != p.Plate {
					t.Errorf("ticket %d: plate %q: %s", k.ID, p.Plate, msg)
				}
				withPass++
			}
			withDelivery += len(d.Deliveries)
		}
		if withPass < 5 || withDelivery < 5 {
			t.Errorf("%d passes, %d deliveries", withPass, withDelivery)
		}
		for user, a := range map[string]fugong.Actor{
			"qiye":  {Role: fugong.RoleEnterprise, Enterprise: mustFirm(t, namedFirms[0].name)},
			"ganbu": cadreActor(t, db),
		} {
			if ts, err := svc.All(ctx, a, tickets.Filter{}); err != nil || len(ts) == 0 {
				t.Errorf("%s sees %d tickets (%v)", user, len(ts), err)
			}
		}

		// The model case.
		if model.ID == 0 {
			t.Fatal("no model case")
		}
		d, _ := svc.Get(ctx, bureau, model.ID)
		if d.EnterpriseName != suitMakerName || d.Status != tickets.StatusClosed || d.HoursToResolve == nil || *d.HoursToResolve > 24 ||
			d.Supplier == nil || !strings.Contains(d.Supplier.Address, "龙港") || len(d.Passes) != 1 ||
			!strings.HasPrefix(d.Passes[0].Plate, "浙C") || len(d.Deliveries) != 1 {
			t.Errorf("the model case %+v", d)
		}
		ss, err := svc.Suggest(ctx, bureau, model.ID)
		if err != nil || len(ss) == 0 || ss[0].Name != fabricMakerName || !strings.Contains(ss[0].Address, "龙港") {
			t.Errorf("the model case's suggestions %+v %v", ss, err)
		}
		st, err := svc.Stats(ctx, bureau)
		if err != nil || st.All.Total != len(all) || st.Categories[0].AvgHours == nil {
			t.Errorf("stats %+v %v", st.All, err)
		}
	})
}

func mustFirm(t *testing.T, name string) string {
	t.Helper()
	es, err := enterprises()
	if err != nil {
		t.Fatal(err)
	}
	u, err := firmByName(es, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func cadreActor(t *testing.T, db *store.DB) fugong.Actor {
	t.Helper()
	u, _, err := db.UserByName(context.Background(), "ganbu")
	if err != nil {
		t.Fatal(err)
	}
	return u.Actor()
}
