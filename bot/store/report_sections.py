"""What the commune writes in its report beside the numbers (kết quả đạt được, khó khăn vướng
mắc, đề xuất kiến nghị, nhiệm vụ quý tới), the signer and the report's date: one row per period
and scope (unit_id 0 is the whole commune)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

FIELDS = ("achieved", "difficulties", "proposals", "next_tasks")
MAX_TEXT = 4000
MAX_SIGNER = 80


@dataclass(frozen=True)
class Sections:
    achieved: str = ""
    difficulties: str = ""
    proposals: str = ""
    next_tasks: str = ""
    signer: str = ""
    report_date: date | None = None

    def text(self, field: str) -> str:
        value: str = getattr(self, field)
        return value


def get(db: Database, period: str, unit_id: int | None) -> Sections:
    row = db.execute(
        "SELECT achieved, difficulties, proposals, next_tasks, signer, report_date "
        "FROM report_sections WHERE period = ? AND unit_id = ?",
        [period, unit_id or 0],
    ).fetchone()
    if row is None:
        return Sections()
    achieved, difficulties, proposals, next_tasks, signer, day = row
    return Sections(
        achieved,
        difficulties,
        proposals,
        next_tasks,
        signer,
        date.fromisoformat(day) if day else None,
    )


def save(
    db: Database, period: str, unit_id: int | None, sections: Sections, now: int, actor: str
) -> None:
    day = sections.report_date.isoformat() if sections.report_date else None
    db.execute(
        "INSERT INTO report_sections (period, unit_id, achieved, difficulties, proposals, "
        "next_tasks, signer, report_date, updated_at, updated_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (period, unit_id) DO UPDATE SET "
        "achieved = excluded.achieved, difficulties = excluded.difficulties, "
        "proposals = excluded.proposals, next_tasks = excluded.next_tasks, "
        "signer = excluded.signer, report_date = excluded.report_date, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        [
            period,
            unit_id or 0,
            sections.achieved,
            sections.difficulties,
            sections.proposals,
            sections.next_tasks,
            sections.signer,
            day,
            now,
            actor,
        ],
    )
