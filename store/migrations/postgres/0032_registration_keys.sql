-- Offline entry at a post: a registration the staff file for a traveller
-- without a phone may be sent again from the phone's outbox; the post's
-- same key is the same registration, never a second one.
ALTER TABLE checkpoint_registrations ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX checkpoint_registrations_client_key ON checkpoint_registrations (post_id, client_key) WHERE client_key IS NOT NULL;
