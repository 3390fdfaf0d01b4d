"""Opening the database: WAL, foreign keys, busy timeout, migrations applied at start."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from bot.store.migrations import migrations

AUTOCHECKPOINT_PAGES = 10_000


def checkpoint(db: Database) -> None:
    """Copy the WAL back into the database without blocking readers or writers."""
    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def truncate_wal(db: Database) -> bool:
    """Copy the whole WAL into the database and cut the -wal file to nothing (after an erasure:
    no old copy of a row stays in it). True when a reader kept it from finishing."""
    row = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(row and row[0])


def open_db(path: Path | str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # One connection, used by the event loop's thread; check_same_thread is off so that a test
    # or a worker thread may read through it too (SQLite serialises access to a connection).
    db = Database(sqlite3.connect(str(path), check_same_thread=False))
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    # Deleted rows are overwritten with zeros, so an erased person's name does not linger in
    # free pages of the file.
    db.execute("PRAGMA secure_delete = ON")
    if str(path) != ":memory:":
        db.enable_wal()
        # WAL with synchronous=NORMAL keeps every committed transaction across a process crash;
        # only a power cut can lose the last few, which the platform then re-delivers.
        db.execute("PRAGMA synchronous = NORMAL")
        # Checkpointing runs as a scheduler job once a minute (`checkpoint`), off the path of
        # updates; the automatic one is only a safety net for a WAL that grows past ~40 MB.
        db.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
    if migrate:
        migrations.apply(db)
    return db


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One atomic unit of work; nested calls become savepoints."""
    with db.atomic():
        yield db


def now_ts() -> int:
    """Current time as UTC epoch seconds: the only time format stored."""
    return int(time.time())
