"""Official figures the commune receives (from Công an xã or the national platform), per village,
with the date they stand at and their source; shown beside the learners' own answers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

MEASURES = ("vneid2",)  # VNeID level-2 accounts activated


@dataclass(frozen=True)
class Figure:
    unit_id: int
    measure: str
    value: int
    as_of: str  # YYYY-MM-DD
    source: str


def add(
    db: Database,
    unit_id: int,
    measure: str,
    value: int,
    as_of: str,
    source: str,
    now: int,
    actor: str,
) -> None:
    db.execute(
        "INSERT INTO official_figures (unit_id, measure, value, as_of, source, entered_at, "
        "entered_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [unit_id, measure, value, as_of, source, now, actor],
    )


def latest(db: Database, measure: str, until: str) -> dict[int, Figure]:
    """Per village, the figure standing at the latest date on or before `until` (YYYY-MM-DD);
    of two entered for the same date, the later entry."""
    rows = db.execute(
        "SELECT unit_id, measure, value, as_of, source FROM official_figures "
        "WHERE measure = ? AND as_of <= ? ORDER BY unit_id, as_of, id",
        [measure, until],
    ).fetchall()
    return {row[0]: Figure(*row) for row in rows}
