-- ../0004_drop_dataset_tables.sql drops the copy that 0002 made: PostgreSQL never had it.
SELECT 1;
