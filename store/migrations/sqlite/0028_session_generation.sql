-- Issue 16: sessions are cached in memory (store/sessions.go). A cached
-- session stays valid while the 'sessions' generation is unchanged; every
-- change that can end or alter a session bumps it, in the transaction of
-- the change, whoever makes it (this instance, another one, the CLI).
CREATE TABLE cache_generations (
	name TEXT PRIMARY KEY,
	gen  INTEGER NOT NULL
);
INSERT INTO cache_generations (name, gen) VALUES ('sessions', 0);

CREATE TRIGGER sessions_deleted_gen AFTER DELETE ON sessions
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'sessions';
END;
CREATE TRIGGER sessions_updated_gen AFTER UPDATE ON sessions
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'sessions';
END;
CREATE TRIGGER users_updated_gen AFTER UPDATE ON users
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'sessions';
END;
CREATE TRIGGER users_deleted_gen AFTER DELETE ON users
BEGIN
	UPDATE cache_generations SET gen = gen + 1 WHERE name = 'sessions';
END;
