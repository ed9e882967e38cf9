-- M5, difficulty tickets: the ticket with its workflow state and SLA due
-- time, its history of events, its attachments, the vehicle passes and
-- deliveries recorded on it, and the products enterprises declare so that
-- a shortage can be matched to those who make or hold what is short.
CREATE TABLE tickets (
	id                INTEGER PRIMARY KEY,
	enterprise_uscc   TEXT NOT NULL REFERENCES enterprises (uscc),
	category          TEXT NOT NULL CHECK (category IN ('raw_materials', 'logistics', 'labour', 'supplies', 'finance', 'policy', 'other')),
	urgency           TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high', 'urgent')),
	title             TEXT NOT NULL,
	description       TEXT NOT NULL,
	status            TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'in_progress', 'resolved', 'closed', 'reopened')),
	assignee          TEXT NOT NULL DEFAULT '',
	raised_by         TEXT NOT NULL,
	raised_at         TIMESTAMP NOT NULL,
	due_at            TIMESTAMP NOT NULL,
	first_resolved_at TIMESTAMP,
	resolved_at       TIMESTAMP,
	closed_at         TIMESTAMP,
	resolution        TEXT NOT NULL DEFAULT '',
	supplier_uscc     TEXT REFERENCES enterprises (uscc),
	supplier_note     TEXT NOT NULL DEFAULT '',
	supplier_by       TEXT NOT NULL DEFAULT '',
	supplier_at       TIMESTAMP,
	updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX tickets_enterprise ON tickets (enterprise_uscc);
CREATE INDEX tickets_raised ON tickets (raised_at);
CREATE INDEX tickets_status_due ON tickets (status, due_at);
CREATE INDEX tickets_assignee ON tickets (assignee, status);

CREATE TABLE ticket_events (
	id          INTEGER PRIMARY KEY,
	ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
	at          TIMESTAMP NOT NULL,
	actor       TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('raise', 'move', 'supplier', 'pass', 'delivery')),
	from_status TEXT NOT NULL DEFAULT '',
	to_status   TEXT NOT NULL DEFAULT '',
	assignee    TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE ticket_files (
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	file_id   INTEGER NOT NULL REFERENCES files (id),
	PRIMARY KEY (ticket_id, file_id)
);

CREATE TABLE ticket_passes (
	id         INTEGER PRIMARY KEY,
	ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
	plate      TEXT NOT NULL,
	route      TEXT NOT NULL,
	valid_from TIMESTAMP NOT NULL,
	valid_to   TIMESTAMP NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	CHECK (valid_to > valid_from)
);
CREATE INDEX ticket_passes_ticket ON ticket_passes (ticket_id);

CREATE TABLE ticket_deliveries (
	id            INTEGER PRIMARY KEY,
	ticket_id     INTEGER NOT NULL REFERENCES tickets (id),
	supplier_uscc TEXT NOT NULL REFERENCES enterprises (uscc),
	quantity      REAL NOT NULL CHECK (quantity > 0),
	unit          TEXT NOT NULL,
	date          TEXT NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	created_by    TEXT NOT NULL,
	created_at    TIMESTAMP NOT NULL
);
CREATE INDEX ticket_deliveries_ticket ON ticket_deliveries (ticket_id);

CREATE TABLE enterprise_products (
	uscc     TEXT NOT NULL REFERENCES enterprises (uscc),
	product  TEXT NOT NULL,
	note     TEXT NOT NULL DEFAULT '',
	position INTEGER NOT NULL,
	PRIMARY KEY (uscc, product)
);
CREATE INDEX enterprise_products_product ON enterprise_products (product);
