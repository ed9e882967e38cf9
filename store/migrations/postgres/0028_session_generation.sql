-- Issue 16: sessions are cached in memory (store/sessions.go). A cached
-- session stays valid while the 'sessions' generation is unchanged; every
-- change that can end or alter a session bumps it, in the transaction of
-- the change, whoever makes it (any instance, the CLI). Row triggers: a
-- statement that changes no row bumps nothing.
CREATE TABLE cache_generations (
	name TEXT PRIMARY KEY,
	gen  BIGINT NOT NULL
);
INSERT INTO cache_generations (name, gen) VALUES ('sessions', 0);

CREATE FUNCTION bump_sessions_gen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'sessions';
	RETURN NULL;
END;
$$;
CREATE TRIGGER sessions_gen AFTER UPDATE OR DELETE ON sessions
	FOR EACH ROW EXECUTE FUNCTION bump_sessions_gen();
CREATE TRIGGER users_gen AFTER UPDATE OR DELETE ON users
	FOR EACH ROW EXECUTE FUNCTION bump_sessions_gen();
