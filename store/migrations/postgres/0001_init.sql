-- The foundation: towns, enterprises, users and their sessions, cadre
-- pairings (the cadre's scope), and the audit log.
CREATE TABLE towns (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	sort INTEGER NOT NULL
);

CREATE TABLE enterprises (
	uscc          TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	town_code     TEXT NOT NULL REFERENCES towns (code),
	address       TEXT NOT NULL DEFAULT '',
	industry      TEXT NOT NULL DEFAULT '',
	size_class    TEXT NOT NULL CHECK (size_class IN ('above', 'below')),
	legal_rep     TEXT NOT NULL DEFAULT '',
	contact_phone TEXT NOT NULL DEFAULT '',
	employees     INTEGER NOT NULL CHECK (employees >= 0),
	land_mu       DOUBLE PRECISION NOT NULL CHECK (land_mu >= 0),
	mujun_class   TEXT CHECK (mujun_class IN ('A', 'B', 'C', 'D')),
	status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
	created_at    TIMESTAMPTZ NOT NULL,
	updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX enterprises_town ON enterprises (town_code, size_class);
CREATE INDEX enterprises_name ON enterprises (name);

CREATE TABLE users (
	id              BIGSERIAL PRIMARY KEY,
	username        TEXT NOT NULL UNIQUE,
	display_name    TEXT NOT NULL DEFAULT '',
	role            TEXT NOT NULL CHECK (role IN ('admin', 'bureau', 'town', 'cadre', 'enterprise', 'checkpoint')),
	town_code       TEXT REFERENCES towns (code),
	enterprise_uscc TEXT REFERENCES enterprises (uscc),
	work_group      TEXT,
	group_leader    BOOLEAN NOT NULL DEFAULT FALSE,
	password_hash   TEXT NOT NULL,
	disabled        BOOLEAN NOT NULL DEFAULT FALSE,
	created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL CHECK (kind IN ('web', 'api')),
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
	id       BIGSERIAL PRIMARY KEY,
	username TEXT NOT NULL,
	ip       TEXT NOT NULL,
	at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_user ON login_failures (username, at);
CREATE INDEX login_failures_ip ON login_failures (ip, at);

CREATE TABLE cadre_pairings (
	enterprise_uscc TEXT PRIMARY KEY REFERENCES enterprises (uscc),
	user_id         BIGINT NOT NULL REFERENCES users (id),
	since           TIMESTAMPTZ NOT NULL
);
CREATE INDEX cadre_pairings_user ON cadre_pairings (user_id);

CREATE TABLE audit_log (
	id        BIGSERIAL PRIMARY KEY,
	at        TIMESTAMPTZ NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	before    JSONB,
	after     JSONB
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
