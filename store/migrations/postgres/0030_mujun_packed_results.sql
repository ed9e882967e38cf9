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
	head       BYTEA NOT NULL,
	detail     BYTEA NOT NULL,
	PRIMARY KEY (run_id, seq)
);
CREATE UNIQUE INDEX mujun_result_chunks_first ON mujun_result_chunks (run_id, first_uscc);

CREATE TABLE mujun_result_lists (
	run_id BIGINT NOT NULL,
	list   TEXT NOT NULL,
	part   INTEGER NOT NULL,
	ids    BYTEA NOT NULL,
	PRIMARY KEY (run_id, list, part)
);

-- A year's figures as evaluation reads them, packed in one column beside
-- the columns (store/mujun_figures.go): scanning a million rows costs per
-- column. Every write of a row sets it; rows from before are packed by
-- store.Migrate (packFigures), found through the partial index.
ALTER TABLE mujun_annual_data ADD COLUMN fig BYTEA;
CREATE INDEX mujun_annual_data_unpacked ON mujun_annual_data (year, uscc) WHERE fig IS NULL;

-- What evaluation needs of every enterprise, read in key order beside the
-- year's figures without visiting the table.
CREATE INDEX enterprises_mujun ON enterprises (status, uscc, town_code, size_class, mujun_class);
