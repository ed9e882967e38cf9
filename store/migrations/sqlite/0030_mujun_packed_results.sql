-- A run's results packed (store/mujun_pack.go): writing a row per firm
-- per run was most of evaluating a million firms. The chunks hold the
-- results in USCC order, 256 to a row (first_uscc finds a firm's); the
-- lists hold, per group and per group with a town, a class or both, the
-- results' places in that order by rank, a page of them at most two rows.
-- Runs evaluated before are converted by store.Migrate (convertResults),
-- which empties mujun_results; the table goes in a later migration.
CREATE TABLE mujun_result_chunks (
	run_id     BIGINT NOT NULL,
	seq        INTEGER NOT NULL,
	first_uscc TEXT NOT NULL,
	head       BLOB NOT NULL,
	detail     BLOB NOT NULL,
	PRIMARY KEY (run_id, seq)
);
CREATE UNIQUE INDEX mujun_result_chunks_first ON mujun_result_chunks (run_id, first_uscc);

CREATE TABLE mujun_result_lists (
	run_id BIGINT NOT NULL,
	list   TEXT NOT NULL,
	part   INTEGER NOT NULL,
	ids    BLOB NOT NULL,
	PRIMARY KEY (run_id, list, part)
);
