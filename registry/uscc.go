package registry

import (
	"fmt"
	"strings"
)

// usccAlphabet is GB 32100-2015's alphabet of 31: a character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// USCCCheckChar computes the 18th character for the first 17 of a unified
// social credit code.
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("need 17 characters, got %d", len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("character %d (%q) is not in the USCC alphabet", i+1, first17[i])
		}
		sum += v * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccAlphabet[c], nil
}

// NormalizeUSCC upper-cases and trims a code and checks it against GB 32100;
// the message is the Chinese rule the code broke.
func NormalizeUSCC(s string) (string, string) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", "必填"
	}
	if len([]rune(s)) != 18 || len(s) != 18 {
		return s, "应为18位"
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccAlphabet, s[i]) < 0 {
			return s, fmt.Sprintf("第%d位字符“%c”不合法（不得含 I、O、Z、S、V 及其他符号）", i+1, s[i])
		}
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return s, "第3–8位应为行政区划代码数字"
		}
	}
	want, _ := USCCCheckChar(s[:17])
	if s[17] != want {
		return s, "校验位错误"
	}
	return s, ""
}
