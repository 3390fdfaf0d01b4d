"""Questions residents asked that search could not answer: normalised, counted per village and
Đại sứ số, shown to officials (dashboard) and mentors (chat) so content follows real needs.

Nothing here names the person who asked: a row holds the normalised question, one sample as
typed (long digit runs masked), the village and the asker's mentor at the time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlite_utils import Database

SAMPLE_CHARS = 200
_DIGITS = re.compile(r"\d{6,}")  # a phone, card or account number: never kept


@dataclass(frozen=True)
class Unanswered:
    id: int
    sample: str  # the question as last typed (digits masked)
    asked: int  # how many times
    to_mentor: int  # how many times passed to a Đại sứ số
    to_commune: int  # how many times passed to the commune
    last_at: int
    unit_id: int | None = None


def clean(text: str) -> str:
    """The question as it may be kept: digit runs masked, spaces collapsed, cut."""
    text = " ".join(_DIGITS.sub("…", text).split())
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


def record(
    db: Database, normalized: str, text: str, unit_id: int | None, mentor_id: int | None, now: int
) -> int:
    """Count one more asking of `normalized` (in this village, for this mentor); its row id."""
    normalized = _DIGITS.sub("…", normalized)[:SAMPLE_CHARS]
    db.execute(
        "INSERT INTO unanswered_questions (normalized, sample, unit_id, mentor_id, first_at, "
        "last_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (normalized, IFNULL(unit_id, 0), IFNULL(mentor_id, 0)) DO UPDATE SET "
        "asked = asked + 1, sample = excluded.sample, last_at = excluded.last_at",
        [normalized, clean(text), unit_id, mentor_id, now, now],
    )
    row = db.execute(
        "SELECT id FROM unanswered_questions WHERE normalized = ? AND IFNULL(unit_id, 0) = ? "
        "AND IFNULL(mentor_id, 0) = ?",
        [normalized, unit_id or 0, mentor_id or 0],
    ).fetchone()
    return int(row[0])


def get(db: Database, question_id: int) -> Unanswered | None:
    row = db.execute(
        "SELECT id, sample, asked, to_mentor, to_commune, last_at, unit_id "
        "FROM unanswered_questions WHERE id = ?",
        [question_id],
    ).fetchone()
    return Unanswered(*row) if row else None


def passed_on(db: Database, question_id: int, to: str) -> None:
    """Count that the asker passed the question on ("mentor" or "commune")."""
    column = {"mentor": "to_mentor", "commune": "to_commune"}[to]
    db.execute(
        f"UPDATE unanswered_questions SET {column} = {column} + 1 WHERE id = ?", [question_id]
    )


_GROUPED = (
    "SELECT MIN(id), (SELECT sample FROM unanswered_questions s WHERE s.normalized = "
    "q.normalized {scope_s} ORDER BY s.last_at DESC, s.id DESC LIMIT 1), SUM(asked), "
    "SUM(to_mentor), SUM(to_commune), MAX(last_at) FROM unanswered_questions q {where} "
    "GROUP BY normalized ORDER BY SUM(asked) DESC, MAX(last_at) DESC, MIN(id) LIMIT ?"
)


def top(db: Database, unit_id: int | None = None, limit: int = 100) -> list[Unanswered]:
    """Most asked first, all villages together (None) or one village's."""
    if unit_id is None:
        sql = _GROUPED.format(scope_s="", where="")
        params: list[object] = [limit]
    else:
        sql = _GROUPED.format(scope_s="AND s.unit_id = q.unit_id", where="WHERE unit_id = ?")
        params = [unit_id, limit]
    return [Unanswered(*row) for row in db.execute(sql, params).fetchall()]


def for_mentor(db: Database, mentor_id: int, limit: int = 10) -> list[Unanswered]:
    """The unanswered questions of the people this mentor guides, most asked first."""
    sql = _GROUPED.format(scope_s="AND s.mentor_id = q.mentor_id", where="WHERE mentor_id = ?")
    return [Unanswered(*row) for row in db.execute(sql, [mentor_id, limit]).fetchall()]


def total(db: Database, unit_id: int | None = None) -> int:
    sql = "SELECT IFNULL(SUM(asked), 0) FROM unanswered_questions"
    if unit_id is None:
        return int(db.execute(sql).fetchone()[0])
    return int(db.execute(sql + " WHERE unit_id = ?", [unit_id]).fetchone()[0])
