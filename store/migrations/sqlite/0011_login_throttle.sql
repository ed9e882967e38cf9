-- Login throttling keeps one row per key instead of a row per failure, so
-- that an attempt is counted and checked in one step: the address as a
-- whole (username '') and each account at an address. An attempt counts
-- as a failure from its start; until_at is when the next may come.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
	username TEXT NOT NULL,
	address  TEXT NOT NULL,
	failures INTEGER NOT NULL,
	last_at  TIMESTAMP NOT NULL,
	until_at TIMESTAMP NOT NULL,
	PRIMARY KEY (address, username)
);
CREATE INDEX login_throttle_last ON login_throttle (last_at);
