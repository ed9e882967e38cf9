-- M7, people and health: each enterprise's staff roster with the ID number
-- and phone sealed (package pii: XChaCha20-Poly1305 under a key kept outside
-- the database, the ID number findable through a keyed HMAC index), their
-- temperature readings, the alerts a fever raises, and what a retention
-- purge keeps for the statistics. Days are YYYY-MM-DD text, '' for none.
CREATE TABLE people (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: ciphertexts are bound to it
	enterprise_uscc     TEXT NOT NULL REFERENCES enterprises (uscc),
	name                TEXT NOT NULL,
	origin              TEXT NOT NULL DEFAULT '',
	hubei               BOOLEAN NOT NULL DEFAULT FALSE,
	returned_on         TEXT NOT NULL DEFAULT '',
	quarantine_start    TEXT NOT NULL DEFAULT '',
	quarantine_days     INTEGER NOT NULL DEFAULT 0,
	quarantine_end      TEXT NOT NULL DEFAULT '',
	health_code         TEXT NOT NULL CHECK (health_code IN ('green', 'yellow', 'red')),
	code_since          TEXT NOT NULL DEFAULT '',
	code_held_by_family BOOLEAN NOT NULL DEFAULT FALSE,
	on_post             BOOLEAN NOT NULL DEFAULT TRUE,
	key_id              BIGINT NOT NULL,  -- the pii key the row is sealed under
	id_cipher           BLOB NOT NULL,
	id_index            TEXT NOT NULL,    -- keyed HMAC of the ID number under key_id
	id_masked           TEXT NOT NULL,    -- 330381********1234
	phone_cipher        BLOB,             -- NULL when they have no phone
	phone_masked        TEXT NOT NULL DEFAULT '',
	created_at          TIMESTAMP NOT NULL,
	updated_at          TIMESTAMP NOT NULL,
	updated_by          TEXT NOT NULL
);
-- One ID number is one record per enterprise.
CREATE UNIQUE INDEX people_enterprise_id ON people (enterprise_uscc, id_index);
CREATE INDEX people_roster ON people (enterprise_uscc, name, id);
CREATE INDEX people_id_index ON people (id_index);
CREATE INDEX people_key ON people (key_id);
CREATE INDEX people_updated ON people (updated_at);
-- The day's lists start from these.
CREATE INDEX people_quarantine ON people (quarantine_end) WHERE quarantine_end <> '';
CREATE INDEX people_code ON people (health_code) WHERE health_code <> 'green';
CREATE INDEX people_family ON people (id) WHERE code_held_by_family;

-- Several readings a day; tenths of a degree, so 37.3 compares exactly.
CREATE TABLE person_temperatures (
	id        INTEGER PRIMARY KEY,
	person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
	day       TEXT NOT NULL,
	at        TIMESTAMP NOT NULL,
	tenths    INTEGER NOT NULL CHECK (tenths BETWEEN 340 AND 430),
	by_user   TEXT NOT NULL
);
CREATE INDEX person_temperatures_person ON person_temperatures (person_id, day);
CREATE INDEX person_temperatures_day ON person_temperatures (day, tenths);

-- Alerts of every module: a roster's fever names its staff_id; a
-- checkpoint's (M8) names its registration or resident in reference.
CREATE TABLE alerts (
	id             INTEGER PRIMARY KEY,
	kind           TEXT NOT NULL,
	uscc           TEXT REFERENCES enterprises (uscc),
	town_code      TEXT NOT NULL REFERENCES towns (code),
	staff_id       BIGINT REFERENCES people (id) ON DELETE SET NULL,
	reference      TEXT NOT NULL DEFAULT '',
	celsius_tenths INTEGER NOT NULL,
	status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	opened_at      TIMESTAMP NOT NULL,
	opened_by      TEXT NOT NULL,
	closed_at      TIMESTAMP,
	closed_by      TEXT NOT NULL DEFAULT '',
	note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_town ON alerts (town_code, status, id);
CREATE INDEX alerts_uscc ON alerts (uscc, status, id);
CREATE INDEX alerts_status ON alerts (status, id);
CREATE INDEX alerts_staff ON alerts (staff_id) WHERE staff_id IS NOT NULL;

-- After a retention purge: what is left of a person, nothing that names
-- them, and each enterprise's readings of a day as counts.
CREATE TABLE people_purged (
	id               BIGINT PRIMARY KEY,
	enterprise_uscc  TEXT NOT NULL REFERENCES enterprises (uscc),
	hubei            BOOLEAN NOT NULL,
	returned_on      TEXT NOT NULL,
	quarantine_start TEXT NOT NULL,
	quarantine_end   TEXT NOT NULL,
	on_post          BOOLEAN NOT NULL,
	last_changed     TEXT NOT NULL,
	purged_at        TIMESTAMP NOT NULL
);
CREATE INDEX people_purged_enterprise ON people_purged (enterprise_uscc);

CREATE TABLE health_day_counts (
	enterprise_uscc TEXT NOT NULL REFERENCES enterprises (uscc),
	day             TEXT NOT NULL,
	readings        INTEGER NOT NULL,
	fever_people    INTEGER NOT NULL,
	PRIMARY KEY (enterprise_uscc, day)
);
