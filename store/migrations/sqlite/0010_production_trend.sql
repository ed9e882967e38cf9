-- The trend walks a period's production days in date order: with their
-- figures in the index it reads the index alone, instead of looking every
-- row up in the table.
DROP INDEX production_days_date;
CREATE INDEX production_days_trend ON production_days (date, enterprise_uscc, status, capacity_pct, on_post_pct);
