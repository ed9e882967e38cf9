-- Settings are cached in memory (store/daily.go Setting): a report
-- submission reads the deadline. A cached setting stays valid while the
-- 'settings' generation is unchanged; every change bumps it, in the
-- transaction of the change, whoever makes it.
INSERT INTO cache_generations (name, gen) VALUES ('settings', 0);

CREATE FUNCTION bump_settings_gen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'settings';
	RETURN NULL;
END;
$$;
CREATE TRIGGER settings_gen AFTER INSERT OR UPDATE OR DELETE ON settings
	FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_gen();
