package store

import "context"

// DisableUser switches an account off, as no service does yet, for the
// tests that a disabled cadre is not offered for pairing.
func (db *DB) DisableUser(ctx context.Context, username string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE users SET disabled = TRUE WHERE username = $1`, username)
	return err
}
