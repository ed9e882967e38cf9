-- M3, inspections (督导): versioned checklist templates, shipped with the
-- report's four six-item lists (四个六必); visits answering one version item
-- by item, with photos; the rectification (整改) every failed item opens and
-- the history of its moves. A template's revision after a visit answered it
-- is a new row (same name, version + 1), so recorded visits never change.
CREATE TABLE checklists (
	id         BIGSERIAL PRIMARY KEY,
	name       TEXT NOT NULL,
	version    INTEGER NOT NULL CHECK (version >= 1),
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	UNIQUE (name, version)
);

-- An item id dropped from an unused template is never reused (the
-- sequence), so an id always means one question.
CREATE TABLE checklist_items (
	id           BIGSERIAL PRIMARY KEY,
	checklist_id BIGINT NOT NULL REFERENCES checklists (id),
	sort         INTEGER NOT NULL,
	text         TEXT NOT NULL,
	due_days     INTEGER NOT NULL CHECK (due_days BETWEEN 1 AND 90)
);
CREATE INDEX checklist_items_checklist ON checklist_items (checklist_id, sort);

CREATE TABLE visits (
	id                BIGSERIAL PRIMARY KEY,
	enterprise_uscc   TEXT NOT NULL REFERENCES enterprises (uscc),
	visited_at        TIMESTAMPTZ NOT NULL,
	checklist_id      BIGINT NOT NULL REFERENCES checklists (id),
	checklist_version INTEGER NOT NULL,
	inspectors        TEXT NOT NULL, -- a JSON array of names
	findings          TEXT NOT NULL DEFAULT '',
	failed            INTEGER NOT NULL CHECK (failed >= 0),
	recorded_by       TEXT NOT NULL,
	recorded_at       TIMESTAMPTZ NOT NULL
);
-- Coverage counts the enterprises visited in a period; the cadres' list
-- finds each enterprise's last visit.
CREATE INDEX visits_enterprise ON visits (enterprise_uscc, visited_at);
CREATE INDEX visits_at ON visits (visited_at);
CREATE INDEX visits_checklist ON visits (checklist_id);

CREATE TABLE visit_answers (
	visit_id BIGINT NOT NULL REFERENCES visits (id),
	item_id  BIGINT NOT NULL REFERENCES checklist_items (id),
	result   TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
	note     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (visit_id, item_id)
);

CREATE TABLE visit_photos (
	file_id  BIGINT PRIMARY KEY REFERENCES files (id),
	visit_id BIGINT NOT NULL REFERENCES visits (id),
	item_id  BIGINT NOT NULL REFERENCES checklist_items (id)
);
CREATE INDEX visit_photos_visit ON visit_photos (visit_id);

CREATE TABLE rectifications (
	id              BIGSERIAL PRIMARY KEY,
	visit_id        BIGINT NOT NULL REFERENCES visits (id),
	item_id         BIGINT NOT NULL REFERENCES checklist_items (id),
	enterprise_uscc TEXT NOT NULL REFERENCES enterprises (uscc),
	problem         TEXT NOT NULL DEFAULT '',
	owner           TEXT NOT NULL,
	due_date        TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('open', 'rectified', 'verified')),
	opened_at       TIMESTAMPTZ NOT NULL,
	updated_at      TIMESTAMPTZ NOT NULL,
	updated_by      TEXT NOT NULL,
	UNIQUE (visit_id, item_id)
);
CREATE INDEX rectifications_enterprise ON rectifications (enterprise_uscc, status);
CREATE INDEX rectifications_status_due ON rectifications (status, due_date);

CREATE TABLE rectification_events (
	id               BIGSERIAL PRIMARY KEY,
	rectification_id BIGINT NOT NULL REFERENCES rectifications (id),
	from_status      TEXT NOT NULL,
	to_status        TEXT NOT NULL,
	note             TEXT NOT NULL DEFAULT '',
	file_id          BIGINT REFERENCES files (id),
	by_user          TEXT NOT NULL,
	at               TIMESTAMPTZ NOT NULL
);
CREATE INDEX rectification_events_rectification ON rectification_events (rectification_id, id);

-- The four 六必 lists as the report words them, the same ids on both
-- engines. Failures of the checks on site (六必查, 六必督) are due sooner
-- than those of the questions and the help.
INSERT INTO checklists (id, name, version, created_by, created_at) VALUES
	(1, '六必问', 1, 'system', '2020-01-27 16:00:00+00'),
	(2, '六必查', 1, 'system', '2020-01-27 16:00:00+00'),
	(3, '六必督', 1, 'system', '2020-01-27 16:00:00+00'),
	(4, '六必助', 1, 'system', '2020-01-27 16:00:00+00');

INSERT INTO checklist_items (id, checklist_id, sort, text, due_days) VALUES
	(1, 1, 1, '一问企业产能恢复情况', 7),
	(2, 1, 2, '二问企业员工到岗情况', 3),
	(3, 1, 3, '三问企业上下游配套情况', 7),
	(4, 1, 4, '四问企业防疫物资储备情况', 3),
	(5, 1, 5, '五问企业复工复产困难情况', 7),
	(6, 1, 6, '六问企业返岗员工健康情况', 1),
	(7, 2, 1, '一查企业员工口罩佩戴到位情况', 1),
	(8, 2, 2, '二查企业员工体温检测到位情况', 1),
	(9, 2, 3, '三查企业厂区防疫消杀到位情况', 1),
	(10, 2, 4, '四查企业员工用餐管理到位情况', 3),
	(11, 2, 5, '五查企业返瑞员工隔离到位情况', 1),
	(12, 2, 6, '六查企业保持室内通风到位情况', 1),
	(13, 3, 1, '一督企业防控应急预案制定情况', 3),
	(14, 3, 2, '二督企业防控问题整改落实情况', 3),
	(15, 3, 3, '三督企业员工出行管理落实情况', 3),
	(16, 3, 4, '四督企业立即报告制度落实情况', 1),
	(17, 3, 5, '五督企业外来人员登记落实情况', 1),
	(18, 3, 6, '六督企业员工防疫知识培训情况', 7),
	(19, 4, 1, '一助企业防控措施落实到位', 3),
	(20, 4, 2, '二助企业外地员工返岗到位', 7),
	(21, 4, 3, '三助企业优惠政策兑现到位', 7),
	(22, 4, 4, '四助企业顺利复产达产到位', 7),
	(23, 4, 5, '五助企业解决问题困难到位', 7),
	(24, 4, 6, '六助企业安全生产管理到位', 3);

-- The shipped rows took their ids by hand: start the sequences after them.
SELECT setval(pg_get_serial_sequence('checklists', 'id'), 4);
SELECT setval(pg_get_serial_sequence('checklist_items', 'id'), 24);
