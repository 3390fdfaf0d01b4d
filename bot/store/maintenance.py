"""Whole-database operations for backup and restore: SQLite's backup API, integrity, identity.

These work on database files and plain sqlite3 connections (the backup API lives there), not on
the running app's connection, so `hocvuso backup` can run beside `hocvuso run`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

MIGRATIONS_TABLE = "_sqlite_migrations"
MIGRATION_SET = "hocvuso"


@contextmanager
def connect_existing(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a database file that must already exist (never create an empty one by mistake)."""
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        yield conn
    finally:
        conn.close()


def backup_file(source: Path, target: Path) -> None:
    """Copy `source` into a new file `target` as one consistent snapshot.

    One backup step copies every page inside a single read transaction: in WAL mode writers go
    on meanwhile and the copy is the database as of that transaction's start, committed
    transactions only. The copy is switched to a rollback journal so it is one self-contained
    file.
    """
    with connect_existing(source) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode = DELETE")


def integrity_problems(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` finds wrong; empty when the file is sound.

    Raises sqlite3.DatabaseError when the file is not an SQLite database at all.
    """
    with connect_existing(path) as conn:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems


def use_rollback_journal(path: Path) -> None:
    """Fold any WAL into the main file and leave it as one self-contained file."""
    with connect_existing(path) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")


def applied_migrations(path: Path) -> list[str] | None:
    """Names of this project's migrations applied to the file, in order; None if it has none."""
    with connect_existing(path) as conn:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]
        ).fetchone()
        if not exists:
            return None
        rows = conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid",
            [MIGRATION_SET],
        ).fetchall()
    return [str(row[0]) for row in rows] or None


def _data_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != ? ORDER BY name",
        [MIGRATIONS_TABLE],
    ).fetchall()
    return [str(row[0]) for row in rows]


def row_counts(path: Path) -> dict[str, int]:
    """Rows per data table (the migrations bookkeeping table excluded)."""
    with connect_existing(path) as conn:
        return {
            table: int(conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])
            for table in _data_tables(conn)
        }


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every data table, sorted, to compare two databases row for row."""
    with connect_existing(path) as conn:
        result: dict[str, list[tuple[Any, ...]]] = {}
        for table in _data_tables(conn):
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            result[table] = sorted(rows, key=repr)
        return result
