"""Queries of the reminder sweep and the nudges: indexed, so a minute's sweep stays cheap."""

from __future__ import annotations

from sqlite_utils import Database

from bot.reminders import MAX_UNANSWERED_NUDGES


def due(db: Database, now: int, limit: int = 1000) -> list[int]:
    """Users whose reminder time has come (partial index on next_reminder_at)."""
    rows = db.execute(
        "SELECT id FROM users WHERE next_reminder_at IS NOT NULL AND next_reminder_at <= ? "
        "ORDER BY next_reminder_at LIMIT ?",
        [now, limit],
    ).fetchall()
    return [r[0] for r in rows]


def nudge_candidates(
    db: Database, inactive_before: int, not_nudged_since: int, after_id: int, limit: int = 2000
) -> list[int]:
    """People without a chosen reminder, inactive since `inactive_before`, not nudged since
    `not_nudged_since` and not given up on: a page of ids after `after_id`."""
    rows = db.execute(
        "SELECT id FROM users WHERE onboarded_at IS NOT NULL AND reminders_off = 0 "
        "AND unreachable_at IS NULL AND assisted = 0 AND next_reminder_at IS NULL "
        "AND last_active_at < ? AND nudges_unanswered < ? "
        "AND (last_nudge_at IS NULL OR last_nudge_at < ?) AND id > ? ORDER BY id LIMIT ?",
        [inactive_before, MAX_UNANSWERED_NUDGES, not_nudged_since, after_id, limit],
    ).fetchall()
    return [r[0] for r in rows]
