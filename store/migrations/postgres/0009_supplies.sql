-- M6, epidemic supplies: each enterprise's current stock and the history of
-- its changes (the enterprise's counts and the allocations it received), the
-- bureau supplies group's own stock, what came into it and what it gave out.
-- Disinfectant is kept in decilitres so that 0.1 L amounts add up exactly.
CREATE TABLE supply_stocks (
	uscc            TEXT PRIMARY KEY REFERENCES enterprises (uscc),
	masks           BIGINT NOT NULL CHECK (masks >= 0),
	thermometers    BIGINT NOT NULL CHECK (thermometers >= 0),
	disinfectant_dl BIGINT NOT NULL CHECK (disinfectant_dl >= 0),
	suits           BIGINT NOT NULL CHECK (suits >= 0),
	gloves          BIGINT NOT NULL CHECK (gloves >= 0),
	updated_at      TIMESTAMPTZ NOT NULL,
	updated_by      TEXT NOT NULL
);

CREATE TABLE bureau_supply_stock (
	item     TEXT PRIMARY KEY CHECK (item IN ('masks', 'thermometers', 'disinfectant_l', 'suits', 'gloves')),
	quantity BIGINT NOT NULL CHECK (quantity >= 0)
);
INSERT INTO bureau_supply_stock (item, quantity) VALUES
	('masks', 0), ('thermometers', 0), ('disinfectant_l', 0), ('suits', 0), ('gloves', 0);

CREATE TABLE supply_receipts (
	id       BIGSERIAL PRIMARY KEY,
	item     TEXT NOT NULL REFERENCES bureau_supply_stock (item),
	quantity BIGINT NOT NULL CHECK (quantity > 0),
	source   TEXT NOT NULL,
	note     TEXT NOT NULL,
	by_user  TEXT NOT NULL,
	at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE supply_allocations (
	id              BIGSERIAL PRIMARY KEY,
	enterprise_uscc TEXT NOT NULL REFERENCES enterprises (uscc),
	item            TEXT NOT NULL REFERENCES bureau_supply_stock (item),
	quantity        BIGINT NOT NULL CHECK (quantity > 0),
	note            TEXT NOT NULL,
	by_user         TEXT NOT NULL,
	at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX supply_allocations_enterprise ON supply_allocations (enterprise_uscc, id);

-- The before columns are NULL for an enterprise's first record.
CREATE TABLE supply_stock_changes (
	id                     BIGSERIAL PRIMARY KEY,
	uscc                   TEXT NOT NULL REFERENCES enterprises (uscc),
	at                     TIMESTAMPTZ NOT NULL,
	by_user                TEXT NOT NULL,
	source                 TEXT NOT NULL CHECK (source IN ('declare', 'allocation')),
	allocation_id          BIGINT REFERENCES supply_allocations (id),
	note                   TEXT NOT NULL,
	masks_before           BIGINT,
	thermometers_before    BIGINT,
	disinfectant_dl_before BIGINT,
	suits_before           BIGINT,
	gloves_before          BIGINT,
	masks                  BIGINT NOT NULL,
	thermometers           BIGINT NOT NULL,
	disinfectant_dl        BIGINT NOT NULL,
	suits                  BIGINT NOT NULL,
	gloves                 BIGINT NOT NULL
);
CREATE INDEX supply_stock_changes_uscc ON supply_stock_changes (uscc, id);
