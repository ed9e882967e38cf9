package main

import (
	"context"
	"errors"
	"fmt"

	"fugong"
	"fugong/checkpoint"
	"fugong/pii"
	"fugong/store"
)

// fugong keys rotate: a new current key, and every row re-encrypted under
// it, in the order package pii's doc.go gives, so that nothing is
// unreadable at any point:
//
//  1. the new key is added to the key file, which is replaced atomically
//     and synced, before any row is written under it;
//  2. rows under older keys are re-encrypted in batches, one transaction
//     each, each row only if still under its old key;
//  3. the older keys stay in the file, to decrypt what instances still
//     running with the old file write, until `fugong keys retire`.
//
// Interrupted, it is run again: when rows are still under an older key it
// finishes that pass instead of adding yet another key.
func (e *env) keysRotate(ctx context.Context, args []string) error {
	fs := e.flags("keys rotate")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	keyFile := e.keyFileFlag(fs)
	batch := fs.Int("batch", 500, "rows re-encrypted per transaction")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *batch < 1 {
		return usageError{errors.New("--batch must be at least 1")}
	}
	keys, err := existingKeys(*keyFile)
	if err != nil {
		return err
	}
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := peopleService(db, keys)
	if err := checkKeys(ctx, db, keys, *keyFile); err != nil {
		return err
	}
	left, err := svc.Unrotated(ctx)
	if err != nil {
		return err
	}
	residentsLeft, err := residentsUnder(ctx, db, keys)
	if err != nil {
		return err
	}
	regs, err := db.Checkpoints().RegistrationKeyIDs(ctx)
	if err != nil {
		return err
	}
	for k, n := range regs {
		if k != keys.Current() {
			left += n
		}
	}
	if left+residentsLeft > 0 {
		fmt.Fprintf(e.stdout, "resuming: %d people and travellers and %d isolation residents are still under older keys than the current key %s\n",
			left, residentsLeft, keys.Current())
	} else {
		next, err := keys.Rotate()
		if err != nil {
			return err
		}
		if err := pii.WriteKeyFile(*keyFile, next); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "new current key %s written to %s (older keys kept to decrypt)\n", next.Current(), *keyFile)
		keys = next
		svc.Keys = keys
	}
	bar := newBar(e.stderr, "重新加密个人信息")
	moved, err := svc.ResealAll(ctx, fugong.System, *batch, bar.set)
	bar.finish()
	if err != nil {
		return fmt.Errorf("stopped after re-encrypting %d people (run `fugong keys rotate` again to go on): %w", moved, err)
	}
	fmt.Fprintf(e.stdout, "%d people re-encrypted under key %s\n", moved, keys.Current())
	// The isolation points' residents and the checkpoints' travellers (M8)
	// are sealed under the same keys.
	iso := isolationService(db, keys)
	movedResidents, err := iso.ResealAll(ctx, fugong.System, *batch)
	if err != nil {
		return fmt.Errorf("stopped after re-encrypting %d isolation residents (run `fugong keys rotate` again to go on): %w", movedResidents, err)
	}
	fmt.Fprintf(e.stdout, "%d isolation residents re-encrypted under key %s\n", movedResidents, keys.Current())
	cp := &checkpoint.Service{Seals: db.Checkpoints(), Keys: keys}
	travellers, err := cp.ResealAll(ctx, fugong.System, *batch)
	if err != nil {
		return fmt.Errorf("stopped after re-encrypting %d travellers' registrations (run `fugong keys rotate` again to go on): %w", travellers, err)
	}
	fmt.Fprintf(e.stdout, "%d travellers' registrations re-encrypted under key %s\n", travellers, keys.Current())
	if len(keys.IDs()) > 1 {
		fmt.Fprintln(e.stdout, "restart every fugong serve with the new key file, run `fugong keys rotate` once more to catch what they wrote meanwhile, then `fugong keys retire`")
	}
	return nil
}

// fugong keys retire drops from the key file the older keys no person is
// sealed under any more.
func (e *env) keysRetire(ctx context.Context, args []string) error {
	fs := e.flags("keys retire")
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	keyFile := e.keyFileFlag(fs)
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	keys, err := existingKeys(*keyFile)
	if err != nil {
		return err
	}
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkKeys(ctx, db, keys, *keyFile); err != nil {
		return err
	}
	counts, err := sealedKeyIDs(ctx, db)
	if err != nil {
		return err
	}
	retired := 0
	for _, id := range keys.IDs()[1:] {
		if n := counts[id]; n > 0 {
			fmt.Fprintf(e.stdout, "key %s kept: %d people, travellers or isolation residents are still under it (run `fugong keys rotate`)\n", id, n)
			continue
		}
		if keys, err = keys.Retire(id); err != nil {
			return err
		}
		retired++
		fmt.Fprintf(e.stdout, "key %s retired\n", id)
	}
	if retired == 0 {
		fmt.Fprintln(e.stdout, "no key to retire")
		return nil
	}
	return pii.WriteKeyFile(*keyFile, keys)
}

// residentsUnder counts the isolation residents sealed under another key
// than keys' current one.
func residentsUnder(ctx context.Context, db *store.DB, keys *pii.Keyring) (int, error) {
	counts, err := db.ResidentKeyIDs(ctx)
	n := 0
	for k, c := range counts {
		if k != keys.Current() {
			n += c
		}
	}
	return n, err
}
