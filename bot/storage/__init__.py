"""Storage: the database, its numbered migrations, and the repositories (the only SQL)."""
