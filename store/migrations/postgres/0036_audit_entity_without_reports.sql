-- Issue 16: report submissions are most of the audit log, and their entries
-- in the entity index, keyed by uscc/date, cost a random page each: with
-- the actor index, a third of the pages a batch of reports commits. The
-- entity index leaves them out; a report's audit rows are found through its
-- versions' key and the actor index instead (store/audit.go). A query that
-- is to use this index names its condition, entity <> 'daily_report'.
DROP INDEX audit_log_entity;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id) WHERE entity <> 'daily_report';
