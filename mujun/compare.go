package mujun

import (
	"cmp"
	"slices"
)

// Directions of a move between two evaluations.
const (
	Up   = "up"   // a better class
	Down = "down" // a worse class
	New  = "new"  // graded in the later run only
	Gone = "gone" // in the earlier run only
)

// Move is a firm whose class differs between two evaluations.
type Move struct {
	USCC      string `json:"uscc"`
	Town      string `json:"town"`
	From      Class  `json:"from"` // "" for a firm new in the later run
	To        Class  `json:"to"`   // "" for a firm gone from it
	Direction string `json:"direction"`
}

// Compare lists the firms whose class moved from one evaluation to a
// later one, ordered up first, then down, new and gone, each by town and
// USCC. Firms in the same class in both do not appear.
func Compare(before, after []Result) []Move {
	was := make(map[string]*Result, len(before))
	for i := range before {
		was[before[i].USCC] = &before[i]
	}
	var moves []Move
	for i := range after {
		r := &after[i]
		b, ok := was[r.USCC]
		if !ok {
			moves = append(moves, Move{USCC: r.USCC, Town: r.Town, To: r.Class, Direction: New})
			continue
		}
		delete(was, r.USCC)
		switch d := r.Class.order() - b.Class.order(); {
		case d < 0:
			moves = append(moves, Move{USCC: r.USCC, Town: r.Town, From: b.Class, To: r.Class, Direction: Up})
		case d > 0:
			moves = append(moves, Move{USCC: r.USCC, Town: r.Town, From: b.Class, To: r.Class, Direction: Down})
		}
	}
	for _, b := range was {
		moves = append(moves, Move{USCC: b.USCC, Town: b.Town, From: b.Class, Direction: Gone})
	}
	order := map[string]int{Up: 0, Down: 1, New: 2, Gone: 3}
	slices.SortFunc(moves, func(a, b Move) int {
		return cmp.Or(cmp.Compare(order[a.Direction], order[b.Direction]),
			cmp.Compare(a.Town, b.Town), cmp.Compare(a.USCC, b.USCC))
	})
	return moves
}

// MoveCounts counts the moves by direction.
func MoveCounts(moves []Move) map[string]int {
	n := map[string]int{Up: 0, Down: 0, New: 0, Gone: 0}
	for _, m := range moves {
		n[m.Direction]++
	}
	return n
}
