"""Storage: SQLModel tables and the database engine. Imported lazily (it is heavy)."""
