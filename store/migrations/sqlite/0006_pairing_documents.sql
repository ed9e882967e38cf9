-- Each enterprise's commitment letter and prevention plan (M3): a file with
-- who recorded it and when. A new upload replaces the current one of its
-- kind (replaced_at set) and the old ones stay as history; at most one of
-- each kind is current.
CREATE TABLE enterprise_documents (
	id              INTEGER PRIMARY KEY,
	enterprise_uscc TEXT NOT NULL REFERENCES enterprises (uscc),
	kind            TEXT NOT NULL CHECK (kind IN ('commitment_letter', 'prevention_plan')),
	file_id         INTEGER NOT NULL REFERENCES files (id),
	signed_on       TEXT,
	recorded_by     TEXT NOT NULL,
	recorded_at     TIMESTAMP NOT NULL,
	replaced_at     TIMESTAMP
);
CREATE UNIQUE INDEX enterprise_documents_current ON enterprise_documents (enterprise_uscc, kind) WHERE replaced_at IS NULL;
CREATE INDEX enterprise_documents_history ON enterprise_documents (enterprise_uscc, recorded_at);
