-- Issue 11 (ui-forms): a town's sign-off no longer locks out firms that had
-- not reported. The figures sent to the bureau are kept with the sign-off
-- (sent, the town's counts as JSON, '' for sign-offs from before), and a
-- report whose first version came in after the sign-off is marked.
ALTER TABLE town_signoffs ADD COLUMN sent TEXT NOT NULL DEFAULT '';
ALTER TABLE daily_reports ADD COLUMN after_signoff BOOLEAN NOT NULL DEFAULT FALSE;

-- The production trend's closed days, per town (issue 11, the slow
-- /production): a day two or more days back is walked once and kept here,
-- so the page reads 30 days of cells instead of every firm's 30 reports.
-- A write that could change a kept day (a production day that far back, an
-- enterprise) bumps gen and drops what it touches; a fill stores only if
-- gen is still the one it read before computing.
CREATE TABLE production_trend_gen (
	id  INTEGER PRIMARY KEY,
	gen BIGINT NOT NULL
);
INSERT INTO production_trend_gen (id, gen) VALUES (1, 0);
CREATE TABLE production_trend_dates (
	date TEXT PRIMARY KEY
);
CREATE TABLE production_trend_cells (
	date        TEXT NOT NULL,
	town_code   TEXT NOT NULL,
	size_class  TEXT NOT NULL,
	status      TEXT NOT NULL,
	enterprises INTEGER NOT NULL,
	reported    INTEGER NOT NULL,
	employees   BIGINT NOT NULL,
	capacity    BIGINT NOT NULL,
	capacity_w  BIGINT NOT NULL,
	on_post     BIGINT NOT NULL,
	PRIMARY KEY (date, town_code, size_class, status)
);
