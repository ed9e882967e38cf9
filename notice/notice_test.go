package notice

import (
	"strings"
	"testing"
	"time"

	"fugong"
	"fugong/files"
)

func TestAudienceNormalize(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    Audience
		want  Audience
		field string // the first problem's field, "" for none
	}{
		{"all", Audience{All: true}, Audience{All: true}, ""},
		{"towns by name, short name and code", Audience{Towns: []string{"塘下镇", "仙降", "330381009", "塘下"}},
			Audience{Towns: []string{"330381101", "330381010", "330381009"}}, ""},
		{"size and classes", Audience{SizeClass: "above", MujunClasses: []string{"a", " C", "A"}},
			Audience{SizeClass: "above", MujunClasses: []string{"A", "C"}}, ""},
		{"a list", Audience{Enterprises: []string{"91310110666007217t", "91310110666007217T"}},
			Audience{Enterprises: []string{"91310110666007217T"}}, ""},
		{"nothing", Audience{}, Audience{}, "audience.all"},
		{"all and towns", Audience{All: true, Towns: []string{"塘下"}}, Audience{}, "audience.all"},
		{"filters and a list", Audience{SizeClass: "below", Enterprises: []string{"91310110666007217T"}}, Audience{}, "audience.all"},
		{"a town that does not exist", Audience{Towns: []string{"塘下", "火星镇"}}, Audience{}, "audience.towns"},
		{"a bad size", Audience{SizeClass: "huge"}, Audience{}, "audience.size_class"},
		{"a bad class", Audience{MujunClasses: []string{"E"}}, Audience{}, "audience.mujun_classes"},
		{"a bad code", Audience{Enterprises: []string{"91310110666007217A"}}, Audience{}, "audience.enterprises"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.in
			ps := a.Normalize()
			if tt.field != "" {
				if len(ps) == 0 || ps[0].Field != tt.field {
					t.Fatalf("problems %v, want one on %s", ps, tt.field)
				}
				return
			}
			if len(ps) > 0 {
				t.Fatalf("problems %v", ps)
			}
			if strings.Join(a.Towns, ",") != strings.Join(tt.want.Towns, ",") || a.SizeClass != tt.want.SizeClass ||
				strings.Join(a.MujunClasses, ",") != strings.Join(tt.want.MujunClasses, ",") ||
				strings.Join(a.Enterprises, ",") != strings.Join(tt.want.Enterprises, ",") || a.All != tt.want.All {
				t.Errorf("normalized %+v, want %+v", a, tt.want)
			}
		})
	}
}

func TestAudienceDescribe(t *testing.T) {
	for _, tt := range []struct {
		a    Audience
		want string
	}{
		{Audience{All: true}, "全部企业"},
		{Audience{Towns: []string{"330381101", "330381010"}, SizeClass: "above", MujunClasses: []string{"A", "B"}}, "塘下镇、仙降街道规上企业（亩均 A、B 类）"},
		{Audience{SizeClass: "below"}, "规下企业"},
		{Audience{Enterprises: []string{"x", "y"}}, "指定企业 2 家"},
	} {
		if got := tt.a.Describe(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.a, got, tt.want)
		}
	}
}

func problems(err error) map[string]string {
	out := map[string]string{}
	if e := fugong.AsError(err); e != nil {
		for _, p := range e.Problems {
			out[p.Field] = p.Message
		}
	}
	return out
}

func TestCheck(t *testing.T) {
	ok := Input{Title: " 关于做好复工复产的通知 ", Body: "各企业：\r\n请落实。", Audience: Audience{All: true}, Channels: []string{"sms", "app", "sms"}}
	d, err := Check(ok, []files.Upload{{Name: "通知.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}}, SMSDefaults)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "关于做好复工复产的通知" || d.Body != "各企业：\n请落实。" || strings.Join(d.Channels, ",") != "app,sms" ||
		len(d.Uploads) != 1 || d.Types[0] != files.PDF {
		t.Errorf("draft %+v", d)
	}
	if got := SMSDefaults.Text(d.Notice); got != "【瑞安经信】《关于做好复工复产的通知》各企业：\n请落实。" {
		t.Errorf("text %q", got)
	}
	long := ok
	long.Body = strings.Repeat("字", 600)
	_, err = Check(long, nil, SMSDefaults)
	if msg := problems(err)["body"]; !strings.Contains(msg, "超过短信网关上限 500 个字") {
		t.Errorf("a body too long for a text: %v", err)
	}
	long.SMSText = "请登录平台查看《复工通知》全文。"
	if d, err := Check(long, nil, SMSDefaults); err != nil || SMSDefaults.Text(d.Notice) != "【瑞安经信】请登录平台查看《复工通知》全文。" {
		t.Errorf("a long notice with a short text: %v", err)
	}
	long.SMSText, long.Channels = "", []string{"app"}
	if _, err := Check(long, nil, SMSDefaults); err != nil {
		t.Errorf("a long notice in the app only: %v", err)
	}
	bad := Input{Title: "a\nb", Audience: Audience{Towns: []string{"火星镇"}}, Channels: []string{"wechat"}}
	ps := problems(func() error {
		_, err := Check(bad, []files.Upload{{Name: "a.exe", Data: []byte("MZ")}}, SMSDefaults)
		return err
	}())
	for _, f := range []string{"title", "body", "audience.towns", "channels", "attachment"} {
		if ps[f] == "" {
			t.Errorf("no problem on %s: %v", f, ps)
		}
	}
	if _, err := Check(Input{Title: "t", Body: "b", Audience: Audience{All: true}}, nil, SMSDefaults); problems(err)["channels"] == "" {
		t.Errorf("no channel: %v", err)
	}
}

func TestSMSSettingsNormalize(t *testing.T) {
	s := SMSSettings{Gateway: Gateway{URL: "https://sms.example.cn/send", Headers: map[string]string{"X-Api-Key": "k"}}}
	if ps := s.Normalize(); len(ps) > 0 {
		t.Fatal(ps)
	}
	if s.MaxRunes != 500 || s.Gateway.Method != "POST" || s.Gateway.TimeoutSeconds != 10 || s.Gateway.Body == "" {
		t.Errorf("defaults not filled: %+v", s)
	}
	bad := SMSSettings{MaxRunes: 10, Gateway: Gateway{URL: "ftp://x", Method: "DELETE", Headers: map[string]string{"Bad Header": "v"},
		Body: "{{.Nope}}", TimeoutSeconds: 600}}
	fields := map[string]bool{}
	for _, p := range bad.Normalize() {
		fields[p.Field] = true
	}
	for _, f := range []string{"max_runes", "gateway.url", "gateway.method", "gateway.headers", "gateway.body", "gateway.timeout_seconds"} {
		if !fields[f] {
			t.Errorf("no problem on %s: %v", f, fields)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{First: 30 * time.Second, Max: 5 * time.Minute, Attempts: 6}
	var got []time.Duration
	for i := 1; ; i++ {
		d, ok := b.Next(i)
		if !ok {
			break
		}
		got = append(got, d)
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute}
	if len(got) != len(want) {
		t.Fatalf("delays %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("delay %d: %v, want %v", i+1, got[i], want[i])
		}
	}
}

func TestRules(t *testing.T) {
	coord := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupCoordination}
	stat := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupStatistics}
	insp := fugong.Actor{Role: fugong.RoleBureau, Group: fugong.GroupInspection}
	byStat := Notice{SenderGroup: fugong.GroupStatistics}
	for _, tt := range []struct {
		a            fugong.Actor
		send, remind bool
	}{
		{fugong.Actor{Role: fugong.RoleAdmin}, true, true},
		{coord, true, true},
		{stat, true, true},
		{insp, true, false},
		{fugong.Actor{Role: fugong.RoleTown}, true, true},
		{fugong.Actor{Role: fugong.RoleCadre}, false, false},
		{fugong.Actor{Role: fugong.RoleEnterprise}, false, false},
		{fugong.Actor{Role: fugong.RoleCheckpoint}, false, false},
	} {
		if CanSend(tt.a) != tt.send || CanRemind(tt.a, byStat) != tt.remind {
			t.Errorf("%+v: send %v remind %v", tt.a, CanSend(tt.a), CanRemind(tt.a, byStat))
		}
	}
}
