"""SQLite store. All SQL of the project lives in this package; handlers call named functions."""
