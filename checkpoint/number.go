package checkpoint

import (
	"crypto/rand"
	"errors"
	"io"
	"strings"
)

// A registration number is what the traveller's phone shows big once they
// have registered, for the staff to read at a glance or from a metre away:
// NumberLen characters of NumberAlphabet.
//
// The alphabet is the digits 2–9 and the letters that none of them, nor
// another letter, can be taken for on a phone held up in the sun: no 0 O Q,
// 1 I L, Z (2), S (5), G (6), B (8), U V. 24 characters, so 24⁶ ≈ 191
// million numbers.
//
// Collision rule: a number is unique per post per day (the store's unique
// index on post, day and number). The store draws one (NewNumber), inserts,
// and on a clash with that index draws again, at most NumberAttempts times
// in all. With n numbers already given at a post that day, a draw clashes
// with probability n / 24⁶: at the busiest post's 5,000 a day that is
// 1 in 38,000, and eight clashes in a row never happen; if they do, the
// store reports an internal error rather than loop. A number is not
// secret: it only finds the day's registration for the staff at its post.
const (
	NumberAlphabet = "23456789ACDEFHJKMNPRTWXY"
	NumberLen      = 6
	NumberAttempts = 8
)

// numberLimit is the largest multiple of the alphabet's size not above
// 256: bytes from it on are drawn again, so every character is equally
// likely.
var numberLimit = 256 - 256%len(NumberAlphabet)

// NewNumber draws a registration number from random (crypto/rand.Reader
// when nil).
func NewNumber(random io.Reader) (string, error) {
	if random == nil {
		random = rand.Reader
	}
	out := make([]byte, 0, NumberLen)
	buf := make([]byte, 2*NumberLen)
	for tries := 0; len(out) < NumberLen; tries++ {
		if tries == 100 {
			return "", errors.New("checkpoint: the random source keeps giving bytes out of range")
		}
		if _, err := io.ReadFull(random, buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if int(b) < numberLimit && len(out) < NumberLen {
				out = append(out, NumberAlphabet[int(b)%len(NumberAlphabet)])
			}
		}
	}
	return string(out), nil
}

// ParseNumber reads a number as the staff type it (spaces, lower case,
// full-width letters): the number, or false when it cannot be one.
func ParseNumber(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\u3000' || r == '-':
			return -1
		case r >= 'ａ' && r <= 'ｚ':
			return r - 'ａ' + 'A'
		case r >= 'Ａ' && r <= 'Ｚ':
			return r - 'Ａ' + 'A'
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		}
		return r
	}, strings.ToUpper(s))
	if len(s) != NumberLen {
		return "", false
	}
	for i := range len(s) {
		if strings.IndexByte(NumberAlphabet, s[i]) < 0 {
			return "", false
		}
	}
	return s, true
}
