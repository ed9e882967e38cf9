-- M8, checkpoints (卡口): the posts and their QR tokens (current and
-- retired), the checkpoint staff's assignment to a post (or an isolation
-- point), travellers' registrations with their ID number and phone sealed
-- as people's are (package pii), the phones' remembered details under the
-- keyed hash of their cookie's reference, and the posts' duty roster.
-- Days are YYYY-MM-DD text.
CREATE TABLE checkpoint_posts (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	name         TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('road', 'station', 'community', 'enterprise')),
	town_code    TEXT NOT NULL REFERENCES towns (code),
	location     TEXT NOT NULL DEFAULT '',
	token        TEXT NOT NULL UNIQUE,
	token_set_at TIMESTAMP NOT NULL,
	closed       BOOLEAN NOT NULL DEFAULT FALSE,
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX checkpoint_posts_town ON checkpoint_posts (town_code, name, id);

-- A post's tokens before its current one: a scan of one says the code
-- was replaced. A token is never given twice (checked against both).
CREATE TABLE checkpoint_retired_tokens (
	token      TEXT PRIMARY KEY,
	post_id    BIGINT NOT NULL REFERENCES checkpoint_posts (id),
	retired_at TIMESTAMP NOT NULL
);

-- Where a user of the checkpoint role works: one post or one point.
CREATE TABLE checkpoint_assignments (
	user_id  BIGINT PRIMARY KEY REFERENCES users (id),
	post_id  BIGINT REFERENCES checkpoint_posts (id),
	point_id BIGINT,
	CHECK ((post_id IS NULL) <> (point_id IS NULL))
);
CREATE INDEX checkpoint_assignments_post ON checkpoint_assignments (post_id);

CREATE TABLE checkpoint_registrations (
	id             INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: ciphertexts are bound to it
	post_id        BIGINT NOT NULL REFERENCES checkpoint_posts (id),
	town_code      TEXT NOT NULL REFERENCES towns (code),
	day            TEXT NOT NULL,
	number         TEXT NOT NULL,
	at             TIMESTAMP NOT NULL,
	name           TEXT NOT NULL,
	plate          TEXT NOT NULL DEFAULT '',
	origin         TEXT NOT NULL,
	destination    TEXT NOT NULL,
	direction      TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	fever          TEXT NOT NULL CHECK (fever IN ('yes', 'no')),
	cough          TEXT NOT NULL CHECK (cough IN ('yes', 'no')),
	high_risk_area TEXT NOT NULL CHECK (high_risk_area IN ('yes', 'no')),
	health_code    TEXT NOT NULL CHECK (health_code IN ('green', 'yellow', 'red')),
	flagged        BOOLEAN NOT NULL,
	key_id         BIGINT NOT NULL,
	id_cipher      BLOB NOT NULL,
	id_index       TEXT NOT NULL,
	id_masked      TEXT NOT NULL,
	phone_cipher   BLOB,
	phone_masked   TEXT NOT NULL DEFAULT '',
	confirmed_at   TIMESTAMP,
	confirmed_by   TEXT NOT NULL DEFAULT '',
	celsius_tenths INTEGER NOT NULL DEFAULT 0,
	fever_alert    BOOLEAN NOT NULL DEFAULT FALSE
);
-- A number is unique per post and day (checkpoint.NewNumber).
CREATE UNIQUE INDEX checkpoint_registrations_number ON checkpoint_registrations (post_id, day, number);
CREATE INDEX checkpoint_registrations_post ON checkpoint_registrations (post_id, day, id);
CREATE INDEX checkpoint_registrations_town ON checkpoint_registrations (town_code, day);
CREATE INDEX checkpoint_registrations_day ON checkpoint_registrations (day);
CREATE INDEX checkpoint_registrations_index ON checkpoint_registrations (id_index);
CREATE INDEX checkpoint_registrations_key ON checkpoint_registrations (key_id);

-- The row's key is the keyed hash of the phone's cookie, never the cookie.
CREATE TABLE remembered_travellers (
	lookup     TEXT PRIMARY KEY,
	key_id     BIGINT NOT NULL,
	details    BLOB NOT NULL,
	created_at TIMESTAMP NOT NULL,
	used_at    TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX remembered_travellers_expires ON remembered_travellers (expires_at);

CREATE TABLE checkpoint_shifts (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id  BIGINT NOT NULL REFERENCES checkpoint_posts (id),
	day      TEXT NOT NULL,
	start_at TEXT NOT NULL,
	end_at   TEXT NOT NULL,
	people   TEXT NOT NULL, -- JSON array of names
	note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX checkpoint_shifts_post ON checkpoint_shifts (post_id, day, start_at);

-- After a purge of travellers (fugong purge people): their registrations'
-- counts per post, day and direction, nothing that names anyone.
CREATE TABLE checkpoint_day_counts (
	post_id    BIGINT NOT NULL REFERENCES checkpoint_posts (id),
	day        TEXT NOT NULL,
	direction  TEXT NOT NULL,
	registered INTEGER NOT NULL,
	confirmed  INTEGER NOT NULL,
	fever      INTEGER NOT NULL,
	PRIMARY KEY (post_id, day, direction)
);

-- A checkpoint's or an isolation point's alert names no member of staff:
-- who it is about (the name and masked ID number) is kept on the alert.
ALTER TABLE alerts ADD COLUMN subject_name TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN subject_id_masked TEXT NOT NULL DEFAULT '';
CREATE INDEX alerts_reference ON alerts (reference) WHERE reference <> '';
