-- The trend walks a period's production days in date order, and a day's
-- status takes most firms' reports of the day before: with the figures in
-- the date index both read the index alone, instead of looking every row up
-- in the table.
DROP INDEX production_days_date;
CREATE INDEX production_days_by_date ON production_days (date, enterprise_uscc, status, capacity_pct, on_post_pct, upstream, downstream);
