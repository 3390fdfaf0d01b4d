"""Every quiz answer, right or wrong: the questions a mentor's people (or a village) miss most."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class Missed:
    lesson_id: str
    question: int  # 0-based index in the lesson's quiz
    missed: int  # people who answered it wrong at least once
    answered: int  # people who answered it


def record(
    db: Database,
    user_id: int,
    lesson_id: str,
    question: int,
    *,
    correct: bool,
    now: int,
    assisted_by: int | None = None,
) -> None:
    db.execute(
        "INSERT INTO quiz_answers (user_id, lesson_id, question, correct, assisted_by, "
        "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
        [user_id, lesson_id, question, int(correct), assisted_by, now],
    )


def most_missed(
    db: Database, *, mentor_id: int | None = None, unit_id: int | None = None, limit: int = 5
) -> list[Missed]:
    """Questions missed by the most people: a mentor's active mentees, or a village's learners."""
    if (mentor_id is None) == (unit_id is None):
        raise ValueError("most_missed needs exactly one of mentor_id, unit_id")
    people = (
        "SELECT mentee_id FROM mentor_links WHERE mentor_id = ? AND ended_at IS NULL"
        if mentor_id is not None
        else "SELECT id FROM users WHERE unit_id = ?"
    )
    rows = db.execute(
        "SELECT lesson_id, question, COUNT(DISTINCT CASE WHEN correct = 0 THEN user_id END) "
        "AS missed, COUNT(DISTINCT user_id) AS answered FROM quiz_answers "
        f"WHERE user_id IN ({people}) GROUP BY lesson_id, question HAVING missed > 0 "
        "ORDER BY missed DESC, answered DESC, lesson_id, question LIMIT ?",
        [mentor_id if mentor_id is not None else unit_id, limit],
    ).fetchall()
    return [Missed(*r) for r in rows]


def count_for_user(db: Database, user_id: int) -> tuple[int, int]:
    """(quiz answers kept, of which right) for one person."""
    row = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM quiz_answers WHERE user_id = ?", [user_id]
    ).fetchone()
    return int(row[0]), int(row[1])
