-- A user's sessions by user: disabling a user, a password change and
-- "log out everywhere" delete them all.
CREATE INDEX sessions_user ON sessions (user_id);
