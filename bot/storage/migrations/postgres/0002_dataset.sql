-- ../0002_dataset.sql made a SQLite copy of the dataset that 0004 dropped again: nothing to do here.
SELECT 1;
