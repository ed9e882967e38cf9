-- M4, resumption and production (复工复产): applications to resume and the
-- towns' decisions, the essential list of firms that work without one, and
-- each enterprise's daily production status with the versions a correction
-- replaced.
CREATE TABLE resumption_applications (
	id              BIGSERIAL PRIMARY KEY,
	enterprise_uscc TEXT NOT NULL REFERENCES enterprises (uscc),
	planned_date    TEXT NOT NULL,
	staff_expected  INTEGER NOT NULL CHECK (staff_expected >= 0),
	note            TEXT NOT NULL DEFAULT '',
	plan_file_id    BIGINT REFERENCES files (id),
	status          TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned')),
	submitted_by    TEXT NOT NULL,
	submitted_at    TIMESTAMPTZ NOT NULL,
	decided_by      TEXT NOT NULL DEFAULT '',
	decided_at      TIMESTAMPTZ,
	return_reason   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX resumption_applications_enterprise ON resumption_applications (enterprise_uscc, submitted_at);
CREATE INDEX resumption_applications_status ON resumption_applications (status, submitted_at);
-- One open application per enterprise: a pending one waits for the town, an
-- approved one is the permission; only a returned one makes way for another.
CREATE UNIQUE INDEX resumption_applications_open ON resumption_applications (enterprise_uscc)
	WHERE status IN ('submitted', 'approved');

CREATE TABLE essential_enterprises (
	enterprise_uscc TEXT PRIMARY KEY REFERENCES enterprises (uscc),
	reason          TEXT NOT NULL DEFAULT '',
	set_by          TEXT NOT NULL,
	set_at          TIMESTAMPTZ NOT NULL
);

-- The latest version of each enterprise's day. Other modules read it (the
-- supplies' daily use: staff on post = (on_post_pct * employees + 50) / 100).
CREATE TABLE production_days (
	enterprise_uscc TEXT NOT NULL REFERENCES enterprises (uscc),
	date            TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('closed', 'resumed', 'full')),
	capacity_pct    INTEGER NOT NULL CHECK (capacity_pct BETWEEN 0 AND 100),
	on_post_pct     INTEGER NOT NULL CHECK (on_post_pct BETWEEN 0 AND 100),
	upstream        TEXT NOT NULL CHECK (upstream IN ('normal', 'strained', 'broken')),
	downstream      TEXT NOT NULL CHECK (downstream IN ('normal', 'strained', 'broken')),
	note            TEXT NOT NULL DEFAULT '',
	updated_by      TEXT NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (enterprise_uscc, date)
);
-- A day's reports and a period's changes, in date order.
CREATE INDEX production_days_date ON production_days (date, enterprise_uscc);

-- Each enterprise's latest reported day, kept with every write of a day: a
-- summary of today (or of any day after the latest reports) reads one row
-- per enterprise here instead of looking back through its history.
CREATE TABLE production_latest (
	enterprise_uscc TEXT PRIMARY KEY REFERENCES enterprises (uscc),
	date            TEXT NOT NULL,
	status          TEXT NOT NULL,
	capacity_pct    INTEGER NOT NULL,
	on_post_pct     INTEGER NOT NULL,
	upstream        TEXT NOT NULL,
	downstream      TEXT NOT NULL
);

-- The versions a correction replaced, numbered from 1; the current one is
-- the next number.
CREATE TABLE production_day_versions (
	enterprise_uscc TEXT NOT NULL REFERENCES enterprises (uscc),
	date            TEXT NOT NULL,
	version         INTEGER NOT NULL,
	status          TEXT NOT NULL,
	capacity_pct    INTEGER NOT NULL,
	on_post_pct     INTEGER NOT NULL,
	upstream        TEXT NOT NULL,
	downstream      TEXT NOT NULL,
	note            TEXT NOT NULL,
	updated_by      TEXT NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (enterprise_uscc, date, version)
);
