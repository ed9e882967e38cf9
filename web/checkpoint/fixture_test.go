package checkpoint_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"fugong"
	"fugong/checkpoint"
	"fugong/web/webtest"
)

// fixture is what the scope matrix and the tests work on: a post in 塘下
// and one in 仙降, the checkpoint user assigned to the latter, and a
// pending registration at each.
type fixture struct {
	tang, xian       checkpoint.Post
	tangReg, xianReg checkpoint.RegistrationRow
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[*webtest.Env]*fixture{}
)

func admin(e *webtest.Env) fugong.Actor { return e.Users[webtest.RoleAdmin].Actor() }

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// fx is the environment's fixture, made on first use.
func fx(e *webtest.Env) *fixture {
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	if f := fixtures[e]; f != nil {
		return f
	}
	ctx := context.Background()
	svc := e.Services.Checkpoints
	f := &fixture{
		tang: newPost(e, webtest.TownTangxia),
		xian: newPost(e, webtest.TownXianjiang),
	}
	if err := svc.Assign(ctx, admin(e), checkpoint.Assignment{User: e.Users[webtest.RoleCheckpoint].ID, Post: f.xian.ID}); err != nil {
		panic(err)
	}
	f.tangReg = register(e, f.tang)
	f.xianReg = register(e, f.xian)
	fixtures[e] = f
	return f
}

func newPost(e *webtest.Env, town string) checkpoint.Post {
	return must(e.Services.Checkpoints.AddPost(context.Background(), admin(e),
		checkpoint.Post{Name: "卡口" + strconv.FormatInt(e.Next(), 10), Kind: "road", Town: town}))
}

const idA = "330381199001011230"

func travellerForm() url.Values {
	return url.Values{"name": {"张三"}, "id_number": {idA}, "phone": {"13812345678"}, "plate": {"浙C3L580"},
		"origin": {"温州市鹿城区"}, "destination": {"瑞安市塘下镇"}, "direction": {"in"},
		"fever": {"no"}, "cough": {"no"}, "high_risk_area": {"no"}, "health_code": {"green"}}
}

func register(e *webtest.Env, p checkpoint.Post) checkpoint.RegistrationRow {
	return must(e.Services.Checkpoints.Register(context.Background(), p, travellerForm(), "")).Row
}

func newShift(e *webtest.Env, post int64) checkpoint.Shift {
	return must(e.Services.Checkpoints.SaveShift(context.Background(), admin(e),
		checkpoint.Shift{Post: post, Day: e.Today(), Start: "08:00", End: "20:00", People: []string{"王五"}}))
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// path builds a route's path with {id} (and {token}, {number}) filled.
func path(route string, vals ...string) string {
	for i := 0; i+1 < len(vals); i += 2 {
		route = strings.Replace(route, "{"+vals[i]+"}", vals[i+1], 1)
	}
	return route
}
