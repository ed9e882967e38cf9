-- Attached files (photos, letters, plans), kept in the database so that
-- every instance over a shared PostgreSQL serves them alike. A file belongs
-- to an enterprise when it is about one: its scope decides who reads it.
CREATE TABLE files (
	id              BIGSERIAL PRIMARY KEY,
	enterprise_uscc TEXT REFERENCES enterprises (uscc),
	name            TEXT NOT NULL,
	content_type    TEXT NOT NULL,
	size            INTEGER NOT NULL CHECK (size > 0),
	sha256          TEXT NOT NULL,
	data            BYTEA NOT NULL,
	created_by      TEXT NOT NULL,
	created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX files_enterprise ON files (enterprise_uscc);
