-- M10 notices (宣传 and 通知) and M11 the work groups' day and the bureau's
-- daily briefing.
--
-- A notice's recipients are the active enterprises of its audience when it
-- was sent, written in the request's transaction; each recipient's read
-- and acknowledgement are kept on its row. The SMS go through an outbox:
-- one row per message to a firm's mobile, claimed by one sender loop of
-- any instance at a time (FOR UPDATE SKIP LOCKED and a lease), retried with
-- backoff, its status and the gateway's answer kept.
CREATE TABLE notices (
	id           BIGSERIAL PRIMARY KEY,
	title        TEXT NOT NULL,
	body         TEXT NOT NULL,
	sms_text     TEXT NOT NULL DEFAULT '',
	audience     TEXT NOT NULL,
	channels     TEXT NOT NULL,
	requires_ack BOOLEAN NOT NULL,
	sender_group TEXT NOT NULL DEFAULT '',
	sender_town  TEXT NOT NULL DEFAULT '',
	recipients   INTEGER NOT NULL,
	created_by   TEXT NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX notices_created ON notices (created_at);
CREATE INDEX notices_sender_town ON notices (sender_town, id);

CREATE TABLE notice_files (
	notice_id BIGINT NOT NULL REFERENCES notices (id),
	file_id   BIGINT NOT NULL REFERENCES files (id),
	PRIMARY KEY (notice_id, file_id)
);

CREATE TABLE notice_recipients (
	notice_id BIGINT NOT NULL REFERENCES notices (id),
	uscc      TEXT NOT NULL REFERENCES enterprises (uscc),
	town_code TEXT NOT NULL,
	read_at   TIMESTAMPTZ,
	read_by   TEXT NOT NULL DEFAULT '',
	acked_at  TIMESTAMPTZ,
	acked_by  TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (notice_id, uscc)
);
CREATE INDEX notice_recipients_uscc ON notice_recipients (uscc, notice_id);
CREATE INDEX notice_recipients_town ON notice_recipients (notice_id, town_code);

-- A message is one text sent to many: the notice itself, or a reminder.
CREATE TABLE notice_messages (
	id         BIGSERIAL PRIMARY KEY,
	notice_id  BIGINT NOT NULL REFERENCES notices (id),
	kind       TEXT NOT NULL CHECK (kind IN ('notice', 'reminder')),
	text       TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX notice_messages_notice ON notice_messages (notice_id);

CREATE TABLE sms_outbox (
	id          BIGSERIAL PRIMARY KEY,
	message_id  BIGINT NOT NULL REFERENCES notice_messages (id),
	notice_id   BIGINT NOT NULL REFERENCES notices (id),
	uscc        TEXT NOT NULL,
	town_code   TEXT NOT NULL,
	phone       TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     TIMESTAMPTZ NOT NULL,
	lease_until TIMESTAMPTZ,
	lease_token TEXT NOT NULL DEFAULT '',
	sent_at     TIMESTAMPTZ,
	answer      TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL
);
-- The sender loops read only the rows still to send.
CREATE INDEX sms_outbox_due ON sms_outbox (next_at, id) WHERE status IN ('queued', 'sending');
CREATE INDEX sms_outbox_notice ON sms_outbox (notice_id, uscc, id);
CREATE INDEX sms_outbox_uscc ON sms_outbox (uscc);

-- M11: each work group's day, and the briefings as issued.
CREATE TABLE group_days (
	grp          TEXT NOT NULL CHECK (grp IN ('coordination', 'inspection', 'statistics', 'supplies', 'prevention')),
	date         TEXT NOT NULL,
	summary      TEXT NOT NULL,
	figures      TEXT NOT NULL,
	final        BOOLEAN NOT NULL DEFAULT FALSE,
	final_by     TEXT NOT NULL DEFAULT '',
	final_at     TIMESTAMPTZ,
	version      INTEGER NOT NULL,
	updated_by   TEXT NOT NULL,
	updated_at   TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (grp, date)
);

-- An issue is numbered across days (第N期) and within its day (revision);
-- the PDF is kept as it was issued.
CREATE TABLE briefing_issues (
	number     INTEGER PRIMARY KEY,
	date       TEXT NOT NULL,
	revision   INTEGER NOT NULL,
	headline   TEXT NOT NULL,
	content    TEXT NOT NULL,
	pdf        BYTEA NOT NULL,
	sha256     TEXT NOT NULL,
	issued_by  TEXT NOT NULL,
	issued_at  TIMESTAMPTZ NOT NULL,
	UNIQUE (date, revision)
);
