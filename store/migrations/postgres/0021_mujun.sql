-- M9, 亩均论英雄 and finance support.
--
-- Each enterprise's annual figures; the evaluation runs of a year (each
-- keeps the settings it ran with and is numbered within its year, so a
-- re-run after a correction keeps the earlier one), their results and the
-- results' counts per group, town and class; saved relief scenarios.
-- A result's score, ranks, last year's class, exemption and indicator
-- marks are packed in one blob (store/mujun.go): a year's results are
-- written a million at a time and read a page or a firm at a time, never
-- searched by those; the columns are what lists filter and join on.
CREATE TABLE mujun_annual_data (
	year            INTEGER NOT NULL,
	uscc            TEXT NOT NULL REFERENCES enterprises (uscc),
	land_mu         DOUBLE PRECISION NOT NULL CHECK (land_mu > 0),
	tax_wan         DOUBLE PRECISION NOT NULL CHECK (tax_wan >= 0),
	value_added_wan DOUBLE PRECISION NOT NULL CHECK (value_added_wan >= 0),
	revenue_wan     DOUBLE PRECISION NOT NULL CHECK (revenue_wan >= 0),
	energy_tce      DOUBLE PRECISION NOT NULL CHECK (energy_tce >= 0),
	emissions_t     DOUBLE PRECISION CHECK (emissions_t >= 0),
	rd_wan          DOUBLE PRECISION NOT NULL CHECK (rd_wan >= 0),
	staff           DOUBLE PRECISION NOT NULL CHECK (staff >= 0),
	electricity_kwh DOUBLE PRECISION NOT NULL CHECK (electricity_kwh >= 0),
	water_t         DOUBLE PRECISION NOT NULL CHECK (water_t >= 0),
	utility         BOOLEAN NOT NULL DEFAULT FALSE,
	start_year      INTEGER NOT NULL DEFAULT 0,
	updated_at      TIMESTAMPTZ NOT NULL,
	updated_by      TEXT NOT NULL,
	PRIMARY KEY (year, uscc)
);
CREATE INDEX mujun_annual_data_uscc ON mujun_annual_data (uscc, year);

CREATE TABLE mujun_runs (
	id                     BIGSERIAL PRIMARY KEY,
	year                   INTEGER NOT NULL,
	version                INTEGER NOT NULL,
	note                   TEXT NOT NULL,
	settings               TEXT NOT NULL,
	firms_above            INTEGER NOT NULL,
	firms_below            INTEGER NOT NULL,
	graded_above           INTEGER NOT NULL,
	graded_below           INTEGER NOT NULL,
	emission_average_above BIGINT NOT NULL,
	emission_average_below BIGINT NOT NULL,
	set_classes            BOOLEAN NOT NULL,
	created_at             TIMESTAMPTZ NOT NULL,
	created_by             TEXT NOT NULL,
	UNIQUE (year, version)
);

-- pos is the result's place in its group's list: by rank, the firms not
-- graded last. run_id has no foreign key: a run's results are written
-- only with it, in its transaction (store.SaveRun), and a check per row
-- (PostgreSQL's is a trigger) was a third of writing a million.
CREATE TABLE mujun_results (
	run_id     BIGINT NOT NULL,
	uscc       TEXT NOT NULL,
	grp        TEXT NOT NULL CHECK (grp IN ('above', 'below')),
	pos        INTEGER NOT NULL,
	town_code  TEXT NOT NULL,
	class      TEXT NOT NULL CHECK (class IN ('A', 'B', 'C', 'D')),
	detail     BYTEA NOT NULL,
	PRIMARY KEY (run_id, uscc)
);
CREATE INDEX mujun_results_pos ON mujun_results (run_id, grp, pos);

CREATE TABLE mujun_class_counts (
	run_id    BIGINT NOT NULL REFERENCES mujun_runs (id),
	grp       TEXT NOT NULL,
	town_code TEXT NOT NULL,
	class     TEXT NOT NULL,
	firms     INTEGER NOT NULL,
	PRIMARY KEY (run_id, grp, town_code, class)
);

CREATE TABLE mujun_scenarios (
	id         BIGSERIAL PRIMARY KEY,
	name       TEXT NOT NULL,
	year       INTEGER NOT NULL,
	run_id     BIGINT NOT NULL REFERENCES mujun_runs (id),
	relief     TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	created_by TEXT NOT NULL
);

-- Finance support: key epidemic-prevention applications in batches, loans
-- under the special re-lending (money in fen, rates in 0.0001 %), the
-- policy catalogue and its articles, and what firms received (兑现).
CREATE TABLE finance_applications (
	id         BIGSERIAL PRIMARY KEY,
	uscc       TEXT NOT NULL REFERENCES enterprises (uscc),
	batch      INTEGER NOT NULL CHECK (batch BETWEEN 1 AND 100),
	status     TEXT NOT NULL CHECK (status IN ('submitted', 'recommended', 'approved', 'rejected')),
	note       TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	created_by TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	updated_by TEXT NOT NULL
);
CREATE INDEX finance_applications_batch ON finance_applications (batch, id);
CREATE INDEX finance_applications_uscc ON finance_applications (uscc);

CREATE TABLE finance_loans (
	id            BIGSERIAL PRIMARY KEY,
	uscc          TEXT NOT NULL REFERENCES enterprises (uscc),
	lender        TEXT NOT NULL,
	principal_fen BIGINT NOT NULL CHECK (principal_fen > 0),
	rate          BIGINT NOT NULL CHECK (rate > 0),
	date          TEXT NOT NULL,
	days          INTEGER NOT NULL CHECK (days > 0),
	created_at    TIMESTAMPTZ NOT NULL,
	created_by    TEXT NOT NULL
);
CREATE INDEX finance_loans_uscc ON finance_loans (uscc);

CREATE TABLE finance_policies (
	id         BIGSERIAL PRIMARY KEY,
	code       TEXT NOT NULL,
	name       TEXT NOT NULL UNIQUE,
	issued_on  TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	created_by TEXT NOT NULL
);

CREATE TABLE finance_articles (
	id        BIGSERIAL PRIMARY KEY,
	policy_id BIGINT NOT NULL REFERENCES finance_policies (id),
	no        INTEGER NOT NULL,
	title     TEXT NOT NULL,
	summary   TEXT NOT NULL,
	UNIQUE (policy_id, no)
);

CREATE TABLE finance_grants (
	id         BIGSERIAL PRIMARY KEY,
	uscc       TEXT NOT NULL REFERENCES enterprises (uscc),
	article_id BIGINT NOT NULL REFERENCES finance_articles (id),
	amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
	date       TEXT NOT NULL,
	note       TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX finance_grants_uscc ON finance_grants (uscc);
CREATE INDEX finance_grants_article ON finance_grants (article_id);
