"""Learning progress: one row per user and lesson, and the days a user learned (streaks)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

_COLUMNS = "lesson_id, status, step, score, total, attempts, unit_id, started_at, finished_at"


@dataclass(frozen=True)
class Progress:
    lesson_id: str
    status: str  # started | quiz | passed | failed
    step: int
    score: int | None
    total: int | None
    attempts: int
    unit_id: int | None
    started_at: int
    finished_at: int | None


def get(db: Database, user_id: int, lesson_id: str) -> Progress | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM progress WHERE user_id = ? AND lesson_id = ?",
        [user_id, lesson_id],
    ).fetchone()
    return Progress(*row) if row else None


def for_user(db: Database, user_id: int) -> list[Progress]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM progress WHERE user_id = ? ORDER BY started_at, id", [user_id]
    ).fetchall()
    return [Progress(*r) for r in rows]


def passed_ids(db: Database, user_id: int) -> set[str]:
    rows = db.execute(
        "SELECT lesson_id FROM progress WHERE user_id = ? AND status = 'passed'", [user_id]
    ).fetchall()
    return {r[0] for r in rows}


def unfinished(db: Database, user_id: int) -> Progress | None:
    """The lesson the user last left half-way (reading or in its quiz), if any."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM progress WHERE user_id = ? AND status IN ('started', 'quiz') "
        "ORDER BY started_at DESC, id DESC LIMIT 1",
        [user_id],
    ).fetchone()
    return Progress(*row) if row else None


def start(db: Database, user_id: int, lesson_id: str, unit_id: int | None, now: int) -> None:
    """Begin a lesson; a lesson already passed keeps its status (reading it again is review)."""
    db.execute(
        "INSERT INTO progress (user_id, lesson_id, status, step, unit_id, started_at) "
        "VALUES (?, ?, 'started', 0, ?, ?) "
        "ON CONFLICT (user_id, lesson_id) DO UPDATE SET step = 0, "
        "status = CASE WHEN status = 'passed' THEN 'passed' ELSE 'started' END, started_at = ?",
        [user_id, lesson_id, unit_id, now, now],
    )


def set_step(db: Database, user_id: int, lesson_id: str, step: int) -> None:
    db.execute(
        "UPDATE progress SET step = ? WHERE user_id = ? AND lesson_id = ?",
        [step, user_id, lesson_id],
    )


def begin_quiz(db: Database, user_id: int, lesson_id: str) -> None:
    db.execute(
        "UPDATE progress SET status = CASE WHEN status = 'passed' THEN 'passed' ELSE 'quiz' END "
        "WHERE user_id = ? AND lesson_id = ?",
        [user_id, lesson_id],
    )


def save_quiz(db: Database, user_id: int, lesson_id: str, place: dict[str, Any] | None) -> None:
    """Keep where a quiz stands (None once it is finished), so a pause does not lose it."""
    db.execute(
        "UPDATE progress SET quiz_state = ? WHERE user_id = ? AND lesson_id = ?",
        [None if place is None else json.dumps(place), user_id, lesson_id],
    )


def saved_quiz(db: Database, user_id: int, lesson_id: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT quiz_state FROM progress WHERE user_id = ? AND lesson_id = ?",
        [user_id, lesson_id],
    ).fetchone()
    if not row or not row[0]:
        return None
    try:
        place = json.loads(row[0])
    except ValueError:
        return None
    return place if isinstance(place, dict) else None


def record_attempt(
    db: Database,
    user_id: int,
    lesson_id: str,
    *,
    score: int,
    total: int,
    passed: bool,
    unit_id: int | None,
    now: int,
) -> None:
    """Count a finished quiz attempt. The village is written at completion, so a later move
    does not rewrite where the lesson was learned."""
    db.execute(
        "UPDATE progress SET attempts = attempts + 1, total = ?, "
        "score = MAX(IFNULL(score, 0), ?), "
        "status = CASE WHEN status = 'passed' OR ? THEN 'passed' ELSE 'failed' END, "
        "unit_id = CASE WHEN finished_at IS NULL AND ? THEN ? ELSE unit_id END, "
        "finished_at = CASE WHEN finished_at IS NULL AND ? THEN ? ELSE finished_at END "
        "WHERE user_id = ? AND lesson_id = ?",
        [total, score, passed, passed, unit_id, passed, now, user_id, lesson_id],
    )


def count_for_user(db: Database, user_id: int) -> dict[str, int]:
    rows = db.execute(
        "SELECT status, COUNT(*) FROM progress WHERE user_id = ? GROUP BY status", [user_id]
    ).fetchall()
    return {status: n for status, n in rows}


def mark_day(db: Database, user_id: int, day: str) -> None:
    """Remember that the user learned on this local date (YYYY-MM-DD, Vietnam time)."""
    db.execute("INSERT OR IGNORE INTO learning_days (user_id, day) VALUES (?, ?)", [user_id, day])


def recent_days(db: Database, user_id: int, limit: int = 400) -> list[str]:
    rows = db.execute(
        "SELECT day FROM learning_days WHERE user_id = ? ORDER BY day DESC LIMIT ?",
        [user_id, limit],
    ).fetchall()
    return [r[0] for r in rows]


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
