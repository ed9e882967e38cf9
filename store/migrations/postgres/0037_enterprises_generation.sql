-- Issue 16: every report submission read its enterprise (and the town's
-- name) from the database, a round trip a request on PostgreSQL. The rows
-- are cached in memory (store/enterprises.go GetEnterprise) while the
-- 'enterprises' generation is unchanged; every change of an enterprise or
-- a town bumps it, in the transaction of the change, whoever makes it. An
-- insert changes no cached row (what was not found is not cached).
INSERT INTO cache_generations (name, gen) VALUES ('enterprises', 0);

CREATE FUNCTION bump_enterprises_gen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'enterprises';
	RETURN NULL;
END;
$$;
CREATE TRIGGER enterprises_gen AFTER UPDATE OR DELETE ON enterprises
	FOR EACH STATEMENT EXECUTE FUNCTION bump_enterprises_gen();
CREATE TRIGGER towns_gen AFTER UPDATE OR DELETE ON towns
	FOR EACH STATEMENT EXECUTE FUNCTION bump_enterprises_gen();
