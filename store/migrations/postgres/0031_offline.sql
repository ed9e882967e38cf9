-- Offline entry: a visit filed on a phone without a network is sent again
-- until it is answered, with the key the form carried; the same user's same
-- key is the same visit, never a second one.
ALTER TABLE visits ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX visits_client_key ON visits (recorded_by, client_key) WHERE client_key IS NOT NULL;
