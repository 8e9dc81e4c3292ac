"""Storage: the database, the core's tables, SQL helpers, migrations and retention."""
