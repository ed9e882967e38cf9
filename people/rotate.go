package people

import (
	"context"
	"fmt"
	"slices"

	"fugong"
	"fugong/pii"
)

// UnknownKeys lists the keys people are sealed under that s.Keys lacks,
// with how many people each: a key file that cannot open the database.
func (s *Service) UnknownKeys(ctx context.Context) (map[pii.KeyID]int, error) {
	keys, err := s.keys()
	if err != nil {
		return nil, err
	}
	counts, err := s.Store.KeyIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := map[pii.KeyID]int{}
	for k, n := range counts {
		if !slices.Contains(keys.IDs(), k) {
			out[k] = n
		}
	}
	return out, nil
}

// Unrotated counts the people sealed under another key than the current.
func (s *Service) Unrotated(ctx context.Context) (int, error) {
	keys, err := s.keys()
	if err != nil {
		return 0, err
	}
	counts, err := s.Store.KeyIDs(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for k, n := range counts {
		if k != keys.Current() {
			total += n
		}
	}
	return total, nil
}

// ResealAll is the second step of a rotation (package pii's doc): every
// row sealed under an older key of s.Keys is sealed again under its
// current key, its ID index recomputed with it, batch rows a transaction,
// in order of id. A row changed meanwhile is under the current key
// already and is left alone; stopped at any point, the pass is run again
// and skips what is done. It returns how many rows it moved; progress, if
// set, is called with (done, total).
func (s *Service) ResealAll(ctx context.Context, a fugong.Actor, batch int, progress func(done, total int)) (int, error) {
	keys, err := s.keys()
	if err != nil {
		return 0, err
	}
	unknown, err := s.UnknownKeys(ctx)
	if err != nil {
		return 0, err
	}
	for k, n := range unknown {
		return 0, fmt.Errorf("people: %d people are sealed under key %s, which the key file lacks: it cannot rotate them", n, k)
	}
	total, err := s.Unrotated(ctx)
	if err != nil {
		return 0, err
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	progress(0, total)
	done, moved := 0, 0
	var after int64
	for {
		rows, err := s.Store.NotUnder(ctx, keys.Current(), after, batch)
		if err != nil {
			return moved, err
		}
		if len(rows) == 0 {
			return moved, nil
		}
		out := make([]Resealed, 0, len(rows))
		for _, r := range rows {
			sealed, changed, err := Reseal(keys, r.ID, r.Sealed)
			if err != nil {
				return moved, fmt.Errorf("people: person %d: %w", r.ID, err)
			}
			if changed {
				out = append(out, Resealed{ID: r.ID, Old: r.Sealed.KeyID, Sealed: sealed})
			}
			after = r.ID
		}
		n, err := s.Store.Reseal(ctx, a, out)
		if err != nil {
			return moved, err
		}
		moved += n
		done += len(rows)
		progress(min(done, max(total, done)), max(total, done))
	}
}
