"""Learning progress: one row per user and lesson."""

from __future__ import annotations

from sqlite_utils import Database


def count_for_user(db: Database, user_id: int) -> dict[str, int]:
    rows = db.execute(
        "SELECT status, COUNT(*) FROM progress WHERE user_id = ? GROUP BY status", [user_id]
    ).fetchall()
    return {status: n for status, n in rows}


def anonymize_for_user(db: Database, user_id: int) -> int:
    """Fold a leaving user's finished lessons into per-village counts, keeping report totals."""
    cursor = db.execute(
        "INSERT INTO anonymous_completions (unit_id, lesson_id, completions) "
        "SELECT IFNULL(unit_id, 0), lesson_id, 1 FROM progress "
        "WHERE user_id = ? AND status = 'passed' "
        "ON CONFLICT (unit_id, lesson_id) DO UPDATE SET completions = completions + 1",
        [user_id],
    )
    return cursor.rowcount
