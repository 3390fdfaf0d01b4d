"""Self-assessments: the baseline at onboarding and later follow-ups, to measure real change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from lessons.model import ASSESSMENT_QUESTIONS

QUESTIONS = ASSESSMENT_QUESTIONS


@dataclass(frozen=True)
class Assessment:
    kind: str
    answers: dict[str, int | None]
    taken_at: int


def save(
    db: Database,
    *,
    user_id: int,
    unit_id: int | None,
    kind: str,
    answers: dict[str, int | None],
    now: int,
) -> None:
    db.execute(
        "INSERT INTO self_assessments (user_id, unit_id, kind, smartphone, epayment, vneid2, "
        "ai_tool, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [user_id, unit_id, kind, *(answers.get(q) for q in QUESTIONS), now],
    )


def for_user(db: Database, user_id: int) -> list[Assessment]:
    rows = db.execute(
        "SELECT kind, smartphone, epayment, vneid2, ai_tool, taken_at FROM self_assessments "
        "WHERE user_id = ? ORDER BY taken_at, id",
        [user_id],
    ).fetchall()
    return [Assessment(r[0], dict(zip(QUESTIONS, r[1:5], strict=True)), r[5]) for r in rows]


def latest(db: Database, user_id: int, kind: str | None = None) -> Assessment | None:
    found = [a for a in for_user(db, user_id) if kind is None or a.kind == kind]
    return found[-1] if found else None
