package people

import (
	"encoding/json"
	"math"
	"strconv"

	"fugong"
)

// Settings are the prevention group's rules for staff health.
type Settings struct {
	// QuarantineDays is a quarantine's length when none is given (14: the
	// medical observation of staff back from high-risk areas).
	QuarantineDays int `json:"quarantine_days"`
	// FeverThreshold: a temperature at or above it is a fever (37.3 °C,
	// the national convention at checkpoints).
	FeverThreshold float64 `json:"fever_threshold"`
}

// Defaults are the settings until the prevention group changes them.
var Defaults = Settings{QuarantineDays: 14, FeverThreshold: 37.3}

// SettingsKey is the key the settings are stored under.
const SettingsKey = "people"

// SettingLabels are the Chinese names of the settings.
var SettingLabels = map[string]string{
	"quarantine_days": "默认隔离天数",
	"fever_threshold": "发热预警体温（℃）",
}

// Bounds of the settings.
const (
	MaxQuarantineDays = 60
	MinFeverThreshold = 37.0
	MaxFeverThreshold = 38.5
)

// Normalize returns every rule the settings break.
func (s *Settings) Normalize() []fugong.Problem {
	var ps []fugong.Problem
	if s.QuarantineDays < 1 || s.QuarantineDays > MaxQuarantineDays {
		ps = append(ps, fugong.Problem{Field: "quarantine_days",
			Message: SettingLabels["quarantine_days"] + "应在 1–" + strconv.Itoa(MaxQuarantineDays) + " 天之间"})
	}
	t := s.FeverThreshold
	switch {
	case math.IsNaN(t) || t < MinFeverThreshold || t > MaxFeverThreshold:
		ps = append(ps, fugong.Problem{Field: "fever_threshold", Message: SettingLabels["fever_threshold"] + "应在 37.0–38.5 之间"})
	case math.Abs(math.Round(t*10)-t*10) > 1e-6:
		ps = append(ps, fugong.Problem{Field: "fever_threshold", Message: SettingLabels["fever_threshold"] + "最多保留一位小数"})
	}
	return ps
}

// ParseSettings reads stored settings over the defaults, so that a setting
// added later starts at its default.
func ParseSettings(stored string) (Settings, error) {
	s := Defaults
	if err := json.Unmarshal([]byte(stored), &s); err != nil {
		return Defaults, err
	}
	if err := fugong.Invalid(s.Normalize()); err != nil {
		return Defaults, err
	}
	return s, nil
}

// tenths is a temperature in tenths of a degree, so that 37.3 read from a
// form and 37.3 in the settings compare equal.
func tenths(c float64) int { return int(math.Round(c * 10)) }

// Fever reports whether a temperature is at or above the threshold.
func (s Settings) Fever(celsius float64) bool {
	return tenths(celsius) >= tenths(s.FeverThreshold)
}
