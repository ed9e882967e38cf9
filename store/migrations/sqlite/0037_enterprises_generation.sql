-- Issue 16: every report submission read its enterprise (and the town's
-- name) from the database. The rows are cached in memory
-- (store/enterprises.go GetEnterprise) while the 'enterprises' generation
-- is unchanged; every change of an enterprise or a town bumps it, in the
-- transaction of the change, whoever makes it. An insert changes no cached
-- row (what was not found is not cached). SQLite's triggers run per row: a
-- year's first 亩均 run, which sets every firm's class in one UPDATE, bumps
-- it once a firm (about a second a million firms).
INSERT INTO cache_generations (name, gen) VALUES ('enterprises', 0);

CREATE TRIGGER enterprises_updated_gen AFTER UPDATE ON enterprises
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'enterprises';
END;
CREATE TRIGGER enterprises_deleted_gen AFTER DELETE ON enterprises
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'enterprises';
END;
CREATE TRIGGER towns_updated_gen AFTER UPDATE ON towns
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'enterprises';
END;
CREATE TRIGGER towns_deleted_gen AFTER DELETE ON towns
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'enterprises';
END;
