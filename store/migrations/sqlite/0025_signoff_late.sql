-- Issue 11 (ui-forms): a town's sign-off no longer locks out firms that had
-- not reported. The figures sent to the bureau are kept with the sign-off
-- (sent, the town's counts as JSON, '' for sign-offs from before), and a
-- report whose first version came in after the sign-off is marked.
ALTER TABLE town_signoffs ADD COLUMN sent TEXT NOT NULL DEFAULT '';
ALTER TABLE daily_reports ADD COLUMN after_signoff BOOLEAN NOT NULL DEFAULT FALSE;
