-- M8, isolation points (隔离点): points with their rooms, residents with
-- their ID number and phone sealed as people's are (package pii), their
-- twice-daily temperature rounds (a correction is the round's next
-- version), the meals delivered, and what a retention purge keeps for the
-- statistics. A resident's fever goes to M7's alerts, linked by
-- resident_id. Days are YYYY-MM-DD text, '' for none.
CREATE TABLE isolation_points (
	id         BIGSERIAL PRIMARY KEY,
	name       TEXT NOT NULL,
	town_code  TEXT NOT NULL REFERENCES towns (code),
	address    TEXT NOT NULL DEFAULT '',
	rooms      INTEGER NOT NULL CHECK (rooms BETWEEN 1 AND 2000),
	capacity   TEXT NOT NULL DEFAULT '{}', -- JSON: the rooms taking more than one resident
	closed     BOOLEAN NOT NULL DEFAULT FALSE,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	updated_by TEXT NOT NULL
);
CREATE INDEX isolation_points_town ON isolation_points (town_code, name, id);

CREATE TABLE isolation_residents (
	id           BIGSERIAL PRIMARY KEY,           -- never reused: ciphertexts are bound to it
	point_id     BIGINT NOT NULL REFERENCES isolation_points (id),
	room         TEXT NOT NULL,
	name         TEXT NOT NULL,
	origin       TEXT NOT NULL DEFAULT '',
	admitted_on  TEXT NOT NULL,
	days         INTEGER NOT NULL CHECK (days BETWEEN 1 AND 60),
	release_on   TEXT NOT NULL,
	released_on  TEXT NOT NULL DEFAULT '',
	released_by  TEXT NOT NULL DEFAULT '',
	release_note TEXT NOT NULL DEFAULT '',
	key_id       BIGINT NOT NULL,
	id_cipher    BYTEA NOT NULL,
	id_index     TEXT NOT NULL,
	id_masked    TEXT NOT NULL,
	phone_cipher BYTEA,
	phone_masked TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMPTZ NOT NULL,
	updated_at   TIMESTAMPTZ NOT NULL,
	updated_by   TEXT NOT NULL
);
CREATE INDEX isolation_residents_point ON isolation_residents (point_id, released_on, admitted_on);
CREATE INDEX isolation_residents_id_index ON isolation_residents (id_index);
CREATE INDEX isolation_residents_key ON isolation_residents (key_id);
CREATE INDEX isolation_residents_released ON isolation_residents (released_on) WHERE released_on <> '';

-- One row per version of a round: a correction is the next version.
CREATE TABLE isolation_readings (
	id          BIGSERIAL PRIMARY KEY,
	resident_id BIGINT NOT NULL REFERENCES isolation_residents (id) ON DELETE CASCADE,
	point_id    BIGINT NOT NULL REFERENCES isolation_points (id),
	day         TEXT NOT NULL,
	round       TEXT NOT NULL CHECK (round IN ('morning', 'afternoon')),
	version     INTEGER NOT NULL CHECK (version >= 1),
	tenths      INTEGER NOT NULL CHECK (tenths BETWEEN 340 AND 430),
	at          TIMESTAMPTZ NOT NULL,
	by_user     TEXT NOT NULL
);
CREATE UNIQUE INDEX isolation_readings_round ON isolation_readings (resident_id, day, round, version);
CREATE INDEX isolation_readings_point ON isolation_readings (point_id, day);

CREATE TABLE isolation_meals (
	id           BIGSERIAL PRIMARY KEY,
	resident_id  BIGINT NOT NULL REFERENCES isolation_residents (id) ON DELETE CASCADE,
	point_id     BIGINT NOT NULL REFERENCES isolation_points (id),
	day          TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('breakfast', 'lunch', 'dinner')),
	delivered_at TIMESTAMPTZ NOT NULL,
	by_user      TEXT NOT NULL
);
CREATE UNIQUE INDEX isolation_meals_kind ON isolation_meals (resident_id, day, kind);
CREATE INDEX isolation_meals_point ON isolation_meals (point_id, day);

-- A resident's fever alert names them here (reference says resident:ID).
ALTER TABLE alerts ADD COLUMN resident_id BIGINT REFERENCES isolation_residents (id) ON DELETE SET NULL;
CREATE INDEX alerts_resident ON alerts (resident_id) WHERE resident_id IS NOT NULL;

-- After a retention purge: what is left of a resident, nothing that names
-- them, and each point's readings of a day as counts.
CREATE TABLE isolation_residents_purged (
	id          BIGINT PRIMARY KEY,
	point_id    BIGINT NOT NULL REFERENCES isolation_points (id),
	room        TEXT NOT NULL,
	admitted_on TEXT NOT NULL,
	days        INTEGER NOT NULL,
	release_on  TEXT NOT NULL,
	released_on TEXT NOT NULL,
	purged_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX isolation_residents_purged_point ON isolation_residents_purged (point_id);

CREATE TABLE isolation_day_counts (
	point_id        BIGINT NOT NULL REFERENCES isolation_points (id),
	day             TEXT NOT NULL,
	readings        INTEGER NOT NULL,
	fever_residents INTEGER NOT NULL,
	PRIMARY KEY (point_id, day)
);
