package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"fugong/checkpoint"
	"fugong/cmd/fugong/wiring"
	"fugong/people"
	"fugong/pii"
	"fugong/store"
)

// The personal-data key file (package pii): ID numbers and phones are
// encrypted under its keys, which are never in the database.

// keyFileFlag adds --key-file with its environment default, FUGONG_KEY_FILE.
func (e *env) keyFileFlag(fs *flag.FlagSet) *string {
	return fs.String("key-file", e.getenv("FUGONG_KEY_FILE"),
		"personal-data key file: ID numbers and phones are encrypted under its keys (env FUGONG_KEY_FILE)")
}

// peopleService is the people module over db with keys.
func peopleService(db *store.DB, keys *pii.Keyring) *people.Service {
	svc := wiring.NewServices(db, db.Now).People
	svc.Keys = keys
	return svc
}

// isolationService is the isolation points over db with keys (people's).
func isolationService(db *store.DB, keys *pii.Keyring) *checkpoint.Isolation {
	svc := wiring.NewServices(db, db.Now).Isolation
	svc.People.Keys = keys
	return svc
}

// serveKeys loads the key file serve runs with, and refuses to start where
// personal data could not be read: stored without a key file, or under a
// key the file lacks. Without a key file and without personal data the
// server starts, and refuses personal data until it has one.
func (e *env) serveKeys(ctx context.Context, db *store.DB, path string) (*pii.Keyring, error) {
	counts, err := sealedKeyIDs(ctx, db)
	if err != nil {
		return nil, err
	}
	stored := 0
	for _, n := range counts {
		stored += n
	}
	if path == "" {
		if stored > 0 {
			return nil, fmt.Errorf("the database holds personal data (%d people's, travellers' and isolation residents' ID numbers and phones, encrypted), and no key file was given: "+
				"start with --key-file FILE or FUGONG_KEY_FILE=FILE (the file `fugong demo` or your operator created); without it they cannot be read", stored)
		}
		fmt.Fprintln(e.stderr, "fugong: no personal-data key file (--key-file, FUGONG_KEY_FILE): staff ID numbers and phones cannot be entered until there is one")
		return nil, nil
	}
	keys, err := pii.LoadKeyFile(path)
	if err != nil {
		return nil, err
	}
	if err := checkKeys(ctx, db, keys, path); err != nil {
		return nil, err
	}
	return keys, nil
}

// sealedKeyIDs counts the rows sealed under each key: people's,
// travellers' (the checkpoints' registrations) and isolation residents'.
func sealedKeyIDs(ctx context.Context, db *store.DB) (map[pii.KeyID]int, error) {
	counts, err := db.KeyIDs(ctx)
	if err != nil {
		return nil, err
	}
	regs, err := db.Checkpoints().RegistrationKeyIDs(ctx)
	if err != nil {
		return nil, err
	}
	residents, err := db.ResidentKeyIDs(ctx)
	for _, m := range []map[pii.KeyID]int{regs, residents} {
		for k, n := range m {
			counts[k] += n
		}
	}
	return counts, err
}

// checkKeys refuses a key file that lacks a key some people, travellers or
// isolation residents are sealed under.
func checkKeys(ctx context.Context, db *store.DB, keys *pii.Keyring, path string) error {
	unknown, err := peopleService(db, keys).UnknownKeys(ctx)
	if err != nil {
		return err
	}
	residents, err := isolationService(db, keys).UnknownKeys(ctx)
	if err != nil {
		return err
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(unknown)) {
		parts = append(parts, fmt.Sprintf("%d people under key %s", unknown[k], k))
	}
	for _, k := range slices.Sorted(maps.Keys(residents)) {
		parts = append(parts, fmt.Sprintf("%d isolation residents under key %s", residents[k], k))
	}
	regs, err := db.Checkpoints().RegistrationKeyIDs(ctx)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(regs)) {
		if !slices.Contains(keys.IDs(), k) {
			parts = append(parts, fmt.Sprintf("%d travellers' registrations under key %s", regs[k], k))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return fmt.Errorf("the key file %s lacks keys of the database's personal data (%s): is it the right file, or an older copy from before a rotation?",
		path, strings.Join(parts, ", "))
}

// demoKeys is the demo's key file in its data directory: created (mode
// 0600) on the first run, loaded after. A missing file beside a database
// that holds personal data is an error, not a new key: that data would be
// lost for good.
func (e *env) demoKeys(ctx context.Context, db *store.DB, path string) (*pii.Keyring, error) {
	keys, err := pii.LoadKeyFile(path)
	if err == nil {
		return keys, checkKeys(ctx, db, keys, path)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	has, err := db.HasPersonalData(ctx)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, fmt.Errorf("the demo database holds personal data but its key file %s is gone: restore it, or start over with an empty data directory", path)
	}
	keys, err = pii.CreateKeyFile(path)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.stderr, "fugong: created the personal-data key file %s (mode 0600); keep it with the data directory\n", path)
	return keys, nil
}

// existingKeys loads the key file a command needs: there must be one.
func existingKeys(path string) (*pii.Keyring, error) {
	if path == "" {
		return nil, errors.New("no key file: pass --key-file FILE or set FUGONG_KEY_FILE")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	return pii.LoadKeyFile(path)
}
