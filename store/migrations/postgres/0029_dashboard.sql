-- The production of every town, size class and status as a running sum of
-- changes by day (M12's dashboard): a row holds what changed on its day, so
-- a day's figures are the sum of the rows up to it, and a trend one walk
-- over them, whatever the number of firms. The day '' is the baseline:
-- every active firm counted closed. A firm's report on a day moves it out
-- of its previous state and into the new one there, and back at its next
-- report; reported counts the reports of the row's day itself (not a
-- running sum). Kept with every production write and every change of a
-- firm's town, size class, staff or status (store/rollup.go).
CREATE TABLE production_rollup (
	date        TEXT NOT NULL,
	town_code   TEXT NOT NULL REFERENCES towns (code),
	size_class  TEXT NOT NULL,
	status      TEXT NOT NULL,
	enterprises BIGINT NOT NULL DEFAULT 0,
	employees   BIGINT NOT NULL DEFAULT 0,
	capacity    BIGINT NOT NULL DEFAULT 0,
	capacity_w  BIGINT NOT NULL DEFAULT 0,
	on_post     BIGINT NOT NULL DEFAULT 0,
	reported    BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (date, town_code, size_class, status)
);

-- Filled from the days stored so far (qRecountRollup in store/rollup.go).
INSERT INTO production_rollup (date, town_code, size_class, status, enterprises, employees, capacity, capacity_w, on_post, reported)
	SELECT x.date, x.town_code, x.size_class, x.status, sum(x.n), sum(x.emp), sum(x.cap), sum(x.capw), sum(x.onpost), sum(x.rep)
	FROM (
	SELECT '' AS date, e.town_code, e.size_class, 'closed' AS status, 1 AS n, e.employees AS emp, 0 AS cap, 0 AS capw, 0 AS onpost, 0 AS rep
	FROM enterprises e WHERE e.status = 'active'
	UNION ALL
	SELECT p.date, e.town_code, e.size_class, p.status, 1, e.employees, p.capacity_pct, p.capacity_pct * e.employees,
		(p.on_post_pct * e.employees + 50) / 100, 1
	FROM production_days p JOIN enterprises e ON e.uscc = p.enterprise_uscc WHERE e.status = 'active'
	UNION ALL
	SELECT p.date, e.town_code, e.size_class, coalesce(q.status, 'closed'), -1, -e.employees, -coalesce(q.capacity_pct, 0),
		-coalesce(q.capacity_pct, 0) * e.employees, -((coalesce(q.on_post_pct, 0) * e.employees + 50) / 100), 0
	FROM (SELECT enterprise_uscc, date, lag(date) OVER (PARTITION BY enterprise_uscc ORDER BY date) AS prev FROM production_days) p
	JOIN enterprises e ON e.uscc = p.enterprise_uscc
	LEFT JOIN production_days q ON q.enterprise_uscc = p.enterprise_uscc AND q.date = p.prev
	WHERE e.status = 'active'
	) x GROUP BY x.date, x.town_code, x.size_class, x.status;

-- A town's dashboard reads its own rows.
CREATE INDEX production_rollup_town ON production_rollup (town_code, date);
