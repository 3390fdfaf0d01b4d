"""Processed platform updates: a repeated update id is recognised and ignored."""

from __future__ import annotations

from sqlite_utils import Database


def mark_processed(db: Database, channel: str, update_id: str, now: int) -> bool:
    """Record the update; False when it was already processed (a platform retry or a double tap)."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO processed_updates (channel, update_id, processed_at) "
        "VALUES (?, ?, ?)",
        [channel, update_id, now],
    )
    return cursor.rowcount == 1


def prune(db: Database, older_than: int) -> int:
    """Forget update ids older than the platforms' redelivery window."""
    cursor = db.execute("DELETE FROM processed_updates WHERE processed_at < ?", [older_than])
    return cursor.rowcount
