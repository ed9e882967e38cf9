package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"fugong"
	"fugong/store"
)

// purgeKinds are what `fugong purge KIND` erases: each kind of personal
// record with its own retention. People takes the checkpoints'
// travellers (M8) with the staff; the isolation residents are "residents".
var purgeKinds = map[string]func(ctx context.Context, e *env, db *store.DB, before string, dryRun bool) error{
	"people":    purgePeople,
	"residents": purgeResidents,
}

// purge erases personal data after the emergency: `fugong purge people
// --ended-before DATE [--dry-run]`.
func (e *env) purge(ctx context.Context, args []string) error {
	if len(args) == 0 || purgeKinds[args[0]] == nil {
		fmt.Fprintf(e.stderr, "usage: fugong purge KIND --ended-before YYYY-MM-DD [--dry-run] [--db DSN]\nkinds: %v\n", slices.Sorted(maps.Keys(purgeKinds)))
		return usageError{errors.New("purge what?")}
	}
	kind := args[0]
	fs := e.flags("purge " + kind)
	dsn, err := e.dbFlag(fs)
	if err != nil {
		return err
	}
	before := fs.String("ended-before", "", "erase the records last changed before this day (YYYY-MM-DD, Beijing time)")
	dryRun := fs.Bool("dry-run", false, "only count what would be erased")
	if _, err := parse(fs, args[1:], 0); err != nil {
		return err
	}
	if *before == "" {
		fmt.Fprintln(e.stderr, "fugong purge: --ended-before is required")
		return usageError{errors.New("--ended-before is required")}
	}
	db, err := e.open(ctx, *dsn, false)
	if err != nil {
		return err
	}
	defer db.Close()
	return purgeKinds[kind](ctx, e, db, *before, *dryRun)
}

func purgePeople(ctx context.Context, e *env, db *store.DB, before string, dryRun bool) error {
	// No key is needed: what is erased is never decrypted.
	rep, err := peopleService(db, nil).Purge(ctx, fugong.System, before, dryRun)
	if err != nil {
		return describe(err)
	}
	verb := "erased"
	if dryRun {
		verb = "would erase"
	}
	fmt.Fprintf(e.stdout, "%s the personal data of %d people last changed before %s, at %d enterprises:\n", verb, rep.People, before, len(rep.Enterprises))
	for _, uscc := range slices.Sorted(maps.Keys(rep.Enterprises)) {
		fmt.Fprintf(e.stdout, "  %s  %d\n", uscc, rep.Enterprises[uscc])
	}
	fmt.Fprintf(e.stdout, "  names, ID numbers, phones, origins and health codes of %d people\n", rep.People)
	fmt.Fprintf(e.stdout, "  %d temperature readings (kept as daily counts per enterprise)\n", rep.Readings)
	fmt.Fprintf(e.stdout, "  the notes of %d alerts (the alerts stay, without the person)\n", rep.Alerts)
	fmt.Fprintf(e.stdout, "  the contents of %d audit rows about them (who did what and when stays)\n", rep.AuditScrubs)
	trav, err := db.Checkpoints().PurgeTravellers(ctx, fugong.System, before, dryRun)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(e.stdout, "%s the travellers' registrations at the checkpoints made before %s:\n", verb, before)
	fmt.Fprintf(e.stdout, "  %d registrations (names, ID numbers, phones, plates, routes; kept as counts per post, day and direction)\n", trav.Registrations)
	fmt.Fprintf(e.stdout, "  the traveller named on %d alerts (the alerts stay)\n", trav.Alerts)
	fmt.Fprintf(e.stdout, "  the contents of %d audit rows about them\n", trav.AuditScrubs)
	fmt.Fprintf(e.stdout, "  %d phones' remembered details unused since then\n", trav.Remembered)
	if dryRun || rep.People+trav.Registrations+trav.Remembered == 0 {
		return nil
	}
	fmt.Fprintln(e.stdout, "kept for the statistics: a tombstone per person (enterprise, Hubei flag, return and quarantine dates)")
	complete, err := db.VacuumPurged(ctx)
	if err != nil {
		return fmt.Errorf("the data is erased, but rewriting the database files failed: %w", err)
	}
	if db.Engine == store.SQLite && !complete {
		fmt.Fprintln(e.stderr, "fugong: warning: another process held the write-ahead log; stop the servers and run the purge again to empty it")
	}
	fmt.Fprintf(e.stdout, "database files rewritten (%s): nothing erased can be read back from them\n", map[string]string{
		store.SQLite: "VACUUM with secure_delete, write-ahead log truncated", store.Postgres: "VACUUM FULL of the purged tables"}[db.Engine])
	return nil
}

// purgeResidents erases the isolation residents (M8) released before the
// day, as purgePeople does the roster: tombstones and daily counts kept.
func purgeResidents(ctx context.Context, e *env, db *store.DB, before string, dryRun bool) error {
	rep, err := isolationService(db, nil).Purge(ctx, fugong.System, before, dryRun)
	if err != nil {
		return describe(err)
	}
	verb := "erased"
	if dryRun {
		verb = "would erase"
	}
	fmt.Fprintf(e.stdout, "%s the personal data of %d isolation residents released before %s, at %d points:\n", verb, rep.Residents, before, len(rep.Points))
	for _, id := range slices.Sorted(maps.Keys(rep.Points)) {
		fmt.Fprintf(e.stdout, "  point %d  %d\n", id, rep.Points[id])
	}
	fmt.Fprintf(e.stdout, "  names, ID numbers, phones and origins of %d residents\n", rep.Residents)
	fmt.Fprintf(e.stdout, "  %d temperature readings (kept as daily counts per point) and %d meals\n", rep.Readings, rep.Meals)
	fmt.Fprintf(e.stdout, "  the notes of %d alerts (the alerts stay, without the resident)\n", rep.Alerts)
	fmt.Fprintf(e.stdout, "  the contents of %d audit rows about them (who did what and when stays)\n", rep.AuditScrubs)
	if dryRun || rep.Residents == 0 {
		return nil
	}
	fmt.Fprintln(e.stdout, "kept for the statistics: a tombstone per resident (point, room, admission and release dates)")
	complete, err := db.VacuumPurged(ctx)
	if err != nil {
		return fmt.Errorf("the data is erased, but rewriting the database files failed: %w", err)
	}
	if db.Engine == store.SQLite && !complete {
		fmt.Fprintln(e.stderr, "fugong: warning: another process held the write-ahead log; stop the servers and run the purge again to empty it")
	}
	fmt.Fprintln(e.stdout, "database files rewritten: nothing erased can be read back from them")
	return nil
}
