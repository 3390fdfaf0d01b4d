"""Processed platform updates: a repeated update id is recognised and ignored.

Failed updates: an update whose processing raised is counted; after POISON_ATTEMPTS failures it
is given up (recorded as processed, so a platform's retry is ignored), so one bad update cannot
stop a channel. Only ids and the exception's type are kept, never a message's text.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

# Failures after which an update is given up.
POISON_ATTEMPTS = 2


def transient(error: BaseException) -> bool:
    """The database itself failed (locked, busy, disk full): not the update's fault. Such an
    update is offered again until the database takes it, never given up."""
    return isinstance(error, sqlite3.OperationalError)


def _storable(value: str) -> str:
    return value.encode("utf-8", "replace").decode("utf-8")


def mark_processed(db: Database, channel: str, update_id: str, now: int) -> bool:
    """Record the update; False when it was already processed (a platform retry or a double tap)."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO processed_updates (channel, update_id, processed_at) "
        "VALUES (?, ?, ?)",
        [channel, _storable(update_id), now],
    )
    return cursor.rowcount == 1


def record_failure(db: Database, channel: str, update_id: str, error: str, now: int) -> int:
    """Count one failed try of the update; the number of failures so far. When it reaches
    POISON_ATTEMPTS the update is given up: marked failed and processed, in one transaction."""
    update_id = _storable(update_id)
    with db.atomic():
        db.execute(
            "INSERT INTO failed_updates (channel, update_id, attempts, error, first_failed_at, "
            "last_failed_at) VALUES (?, ?, 1, ?, ?, ?) "
            "ON CONFLICT (channel, update_id) DO UPDATE SET attempts = attempts + 1, "
            "error = excluded.error, last_failed_at = excluded.last_failed_at",
            [channel, update_id, error[:100], now, now],
        )
        row = db.execute(
            "SELECT attempts FROM failed_updates WHERE channel = ? AND update_id = ?",
            [channel, update_id],
        ).fetchone()
        attempts = int(row[0])
        if attempts >= POISON_ATTEMPTS:
            db.execute(
                "UPDATE failed_updates SET given_up_at = COALESCE(given_up_at, ?) "
                "WHERE channel = ? AND update_id = ?",
                [now, channel, update_id],
            )
            mark_processed(db, channel, update_id, now)
    return attempts


def given_up(db: Database, channel: str | None = None) -> list[tuple[str, str, int, str]]:
    """Updates given up: (channel, update_id, attempts, error), oldest first."""
    where, params = ("AND channel = ?", [channel]) if channel else ("", [])
    return [
        (row[0], row[1], int(row[2]), row[3])
        for row in db.execute(
            "SELECT channel, update_id, attempts, error FROM failed_updates "
            f"WHERE given_up_at IS NOT NULL {where} ORDER BY given_up_at, update_id",
            params,
        ).fetchall()
    ]


def prune(db: Database, older_than: int) -> int:
    """Forget update ids older than the platforms' redelivery window."""
    cursor = db.execute("DELETE FROM processed_updates WHERE processed_at < ?", [older_than])
    db.execute("DELETE FROM failed_updates WHERE last_failed_at < ?", [older_than])
    return cursor.rowcount
