package supplies

import (
	"math"
	"strconv"

	"fugong"
	"fugong/settings"
)

// Settings are the rules of daily use and shortage, set by the supplies
// group. Daily use is per person on post per day:
//   - masks 2: the SPEC's default, one mask per half shift, as the
//     prevention guidance of February 2020 asked masks to be changed
//     every four hours;
//   - gloves 1 pair: disposable gloves are for the canteen, cleaning and
//     goods handling, not every worker all day, so one pair a head is the
//     city's average rather than a per-worker rule;
//   - disinfectant 0.05 L of concentrate (84 disinfectant diluted 1:100):
//     about 5 L of working solution per person a day for wiping workshops,
//     canteens and dormitories twice a day.
//
// Thermometers and protective suits are kept, not used up daily: they have
// no daily use and no days of cover; the stock of them is reported as it is.
type Settings struct {
	MasksPerPerson        float64 `json:"masks_per_person_day"`
	GlovesPerPerson       float64 `json:"gloves_per_person_day"`
	DisinfectantPerPerson float64 `json:"disinfectant_l_per_person_day"`
	// ShortageDays is the threshold: an enterprise whose masks last fewer
	// days than this is in shortage.
	ShortageDays int `json:"shortage_days"`
}

// Defaults are the settings until the supplies group changes them.
var Defaults = Settings{MasksPerPerson: 2, GlovesPerPerson: 1, DisinfectantPerPerson: 0.05, ShortageDays: 3}

// SurplusFactor decides who has a surplus to share: more than SurplusFactor
// times the shortage threshold in days of cover (9 days by default), well
// clear of needing help itself after giving.
const SurplusFactor = 3

// SettingsKey is the key the settings are stored under.
const SettingsKey = "supplies"

// SettingLabels are the Chinese names of the settings.
var SettingLabels = map[string]string{
	"masks_per_person_day":          "每人每天口罩用量（只）",
	"gloves_per_person_day":         "每人每天手套用量（副）",
	"disinfectant_l_per_person_day": "每人每天消毒液用量（升）",
	"shortage_days":                 "缺口预警天数",
}

// settingRule is the range and precision of one setting.
type settingRule struct {
	field    string
	min, max float64
	decimals int
}

var settingRules = []settingRule{
	{"masks_per_person_day", 0.1, 20, 1},
	{"gloves_per_person_day", 0, 20, 1},
	{"disinfectant_l_per_person_day", 0, 2, 2},
	{"shortage_days", 1, 60, 0},
}

func (s *Settings) values() []float64 {
	return []float64{s.MasksPerPerson, s.GlovesPerPerson, s.DisinfectantPerPerson, float64(s.ShortageDays)}
}

// Normalize returns every rule the settings break.
func (s *Settings) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	for i, v := range s.values() {
		if msg := checkSetting(settingRules[i], v); msg != "" {
			f := settingRules[i].field
			ps = append(ps, fugong.Problem{Field: f, Message: SettingLabels[f] + msg})
		}
	}
	return ps
}

func checkSetting(r settingRule, v float64) string {
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	if math.IsNaN(v) || v < r.min || v > r.max {
		return "应在 " + num(r.min) + "–" + num(r.max) + " 之间"
	}
	scale := math.Pow(10, float64(r.decimals))
	if math.Abs(math.Round(v*scale)-v*scale) > 1e-6 {
		if r.decimals == 0 {
			return "应为整数"
		}
		return "最多保留" + strconv.Itoa(r.decimals) + "位小数"
	}
	return ""
}

// SettingsPatch changes some settings; a nil field keeps its value. The
// days are a number here so that 2.5 is told apart as not whole.
type SettingsPatch struct {
	MasksPerPerson        *float64 `json:"masks_per_person_day"`
	GlovesPerPerson       *float64 `json:"gloves_per_person_day"`
	DisinfectantPerPerson *float64 `json:"disinfectant_l_per_person_day"`
	ShortageDays          *float64 `json:"shortage_days"`
}

// Apply returns the settings changed by the patch and every problem.
func (p SettingsPatch) Apply(s Settings) (Settings, []fugong.Problem) {
	if p.MasksPerPerson != nil {
		s.MasksPerPerson = *p.MasksPerPerson
	}
	if p.GlovesPerPerson != nil {
		s.GlovesPerPerson = *p.GlovesPerPerson
	}
	if p.DisinfectantPerPerson != nil {
		s.DisinfectantPerPerson = *p.DisinfectantPerPerson
	}
	// The days are checked as given, before they are made whole.
	var bad string
	if p.ShortageDays != nil {
		if bad = checkSetting(settingRules[3], *p.ShortageDays); bad == "" {
			s.ShortageDays = int(math.Round(*p.ShortageDays))
		}
	}
	ps := s.Normalize()
	if bad != "" {
		ps = append(ps, fugong.Problem{Field: "shortage_days", Message: SettingLabels["shortage_days"] + bad})
	}
	return s, ps
}

// Config is the setting: the supplies group's (and the admin's) to change.
var Config = settings.Setting[Settings]{
	Key: SettingsKey, Default: Defaults,
	Check:     func(s Settings) []fugong.Problem { return s.Normalize() },
	CanSet:    CanManage,
	Forbidden: "只有物资筹备组和系统管理员可以修改物资设置",
}

// Rate is the daily use of an item per person on post, in stored units
// (disinfectant in decilitres); 0 for the items not used up daily.
func (s Settings) Rate(i Item) float64 {
	switch i {
	case Masks:
		return s.MasksPerPerson
	case Gloves:
		return s.GlovesPerPerson
	case Disinfectant:
		return s.DisinfectantPerPerson * float64(infos[i].scale)
	}
	return 0
}

// SurplusDays is the days of cover above which an enterprise has a surplus.
func (s Settings) SurplusDays() int { return SurplusFactor * s.ShortageDays }
