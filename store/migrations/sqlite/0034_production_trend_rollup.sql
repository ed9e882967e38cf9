-- The production trend of whole towns reads the rollup kept on every
-- write (0029): the days the trend kept apart (0025) repeated it.
DROP TABLE production_trend_cells;
DROP TABLE production_trend_dates;
DROP TABLE production_trend_gen;
