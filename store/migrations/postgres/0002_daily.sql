-- M2, the daily report: every version kept, the latest per enterprise and
-- day for queries, counters per town and day so completeness and trends stay
-- cheap at a million enterprises, town sign-offs, follow-ups, reminders,
-- idempotency keys and settings.
CREATE TABLE daily_report_versions (
	uscc                   TEXT NOT NULL REFERENCES enterprises (uscc),
	date                   TEXT NOT NULL,
	version                INTEGER NOT NULL,
	staff_total            INTEGER NOT NULL,
	staff_in_city          INTEGER NOT NULL,
	returned_today         INTEGER NOT NULL,
	persuaded_today        INTEGER NOT NULL,
	tickets_refunded_today INTEGER NOT NULL,
	hubei_staff            INTEGER NOT NULL,
	hubei_contacted_today  INTEGER NOT NULL,
	quarantined            INTEGER NOT NULL,
	fever                  INTEGER NOT NULL,
	on_duty                INTEGER NOT NULL,
	commitment_signed      BOOLEAN NOT NULL,
	note                   TEXT NOT NULL,
	submitted_at           TIMESTAMPTZ NOT NULL,
	submitted_by           TEXT NOT NULL,
	PRIMARY KEY (uscc, date, version)
);

CREATE TABLE daily_reports (
	uscc                   TEXT NOT NULL REFERENCES enterprises (uscc),
	date                   TEXT NOT NULL,
	town_code              TEXT NOT NULL REFERENCES towns (code),
	version                INTEGER NOT NULL,
	staff_total            INTEGER NOT NULL,
	staff_in_city          INTEGER NOT NULL,
	returned_today         INTEGER NOT NULL,
	persuaded_today        INTEGER NOT NULL,
	tickets_refunded_today INTEGER NOT NULL,
	hubei_staff            INTEGER NOT NULL,
	hubei_contacted_today  INTEGER NOT NULL,
	quarantined            INTEGER NOT NULL,
	fever                  INTEGER NOT NULL,
	on_duty                INTEGER NOT NULL,
	commitment_signed      BOOLEAN NOT NULL,
	note                   TEXT NOT NULL,
	first_at               TIMESTAMPTZ NOT NULL,
	submitted_at           TIMESTAMPTZ NOT NULL,
	submitted_by           TEXT NOT NULL,
	on_time                BOOLEAN NOT NULL,
	PRIMARY KEY (uscc, date)
);
CREATE INDEX daily_reports_date_town ON daily_reports (date, town_code);

CREATE TABLE daily_counts (
	date                   TEXT NOT NULL,
	town_code              TEXT NOT NULL REFERENCES towns (code),
	received               INTEGER NOT NULL,
	on_time                INTEGER NOT NULL,
	staff_total            INTEGER NOT NULL,
	staff_in_city          INTEGER NOT NULL,
	returned_today         INTEGER NOT NULL,
	persuaded_today        INTEGER NOT NULL,
	tickets_refunded_today INTEGER NOT NULL,
	hubei_staff            INTEGER NOT NULL,
	hubei_contacted_today  INTEGER NOT NULL,
	quarantined            INTEGER NOT NULL,
	fever                  INTEGER NOT NULL,
	on_duty                INTEGER NOT NULL,
	commitment_signed      INTEGER NOT NULL,
	PRIMARY KEY (date, town_code)
);

CREATE TABLE town_signoffs (
	town_code     TEXT NOT NULL REFERENCES towns (code),
	date          TEXT NOT NULL,
	signed        BOOLEAN NOT NULL,
	signed_by     TEXT NOT NULL,
	signed_at     TIMESTAMPTZ NOT NULL,
	reopened_by   TEXT NOT NULL DEFAULT '',
	reopen_reason TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (town_code, date)
);

CREATE TABLE followups (
	id          BIGSERIAL PRIMARY KEY,
	uscc        TEXT NOT NULL REFERENCES enterprises (uscc),
	date        TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('phone', 'visit', 'sms')),
	outcome     TEXT NOT NULL,
	note        TEXT NOT NULL,
	promised_at TIMESTAMPTZ,
	by_user     TEXT NOT NULL,
	at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX followups_uscc ON followups (uscc, date);

CREATE TABLE reminders_sent (
	date    TEXT NOT NULL,
	uscc    TEXT NOT NULL REFERENCES enterprises (uscc),
	sent_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (date, uscc)
);

CREATE TABLE idempotency_keys (
	user_id    BIGINT NOT NULL,
	key        TEXT NOT NULL,
	hash       TEXT NOT NULL,
	uscc       TEXT NOT NULL,
	date       TEXT NOT NULL,
	version    INTEGER NOT NULL,
	created    BOOLEAN NOT NULL,
	at         TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (user_id, key)
);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE INDEX enterprises_status_town ON enterprises (status, town_code);
