-- Settings are cached in memory (store/daily.go Setting): a report
-- submission reads the deadline. A cached setting stays valid while the
-- 'settings' generation is unchanged; every change bumps it, in the
-- transaction of the change, whoever makes it.
INSERT INTO cache_generations (name, gen) VALUES ('settings', 0);

CREATE TRIGGER settings_inserted_gen AFTER INSERT ON settings
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'settings';
END;
CREATE TRIGGER settings_updated_gen AFTER UPDATE ON settings
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'settings';
END;
CREATE TRIGGER settings_deleted_gen AFTER DELETE ON settings
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'settings';
END;
