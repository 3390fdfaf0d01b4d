"""Units: the commune and its villages (thôn, xóm, ấp, tổ dân phố) with report denominators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.collation import vi_key
from lessons.text import fold


@dataclass(frozen=True)
class Unit:
    id: int
    parent_id: int | None
    kind: str
    name: str
    adult_population: int | None
    households: int | None


@dataclass(frozen=True)
class VillageRow:
    name: str
    adult_population: int | None
    households: int | None


_COLUMNS = "id, parent_id, kind, name, adult_population, households"


def commune(db: Database) -> Unit | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM units WHERE kind = 'commune' ORDER BY id LIMIT 1"
    ).fetchone()
    return Unit(*row) if row else None


def ensure_commune(db: Database, name: str, now: int) -> Unit:
    existing = commune(db)
    if existing is not None:
        return existing
    cursor = db.execute(
        "INSERT INTO units (parent_id, kind, name, name_folded, created_at, updated_at) "
        "VALUES (NULL, 'commune', ?, ?, ?, ?)",
        [name, fold(name), now, now],
    )
    assert cursor.lastrowid is not None
    return Unit(cursor.lastrowid, None, "commune", name, None, None)


def villages(db: Database) -> list[Unit]:
    """Every village in Vietnamese alphabetical order (bot.collation), as every table shows them."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM units WHERE kind = 'village'").fetchall()
    return sorted((Unit(*r) for r in rows), key=lambda u: vi_key(u.name))


def get(db: Database, unit_id: int) -> Unit | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM units WHERE id = ?", [unit_id]).fetchone()
    return Unit(*row) if row else None


def upsert_villages(
    db: Database, commune_id: int, rows: list[VillageRow], now: int
) -> dict[str, int]:
    """Insert new villages and update denominators of known ones (matched without diacritics)."""
    counts = {"added": 0, "updated": 0}
    with db.atomic():
        for row in rows:
            params: list[Any] = [row.name, row.adult_population, row.households, now]
            cursor = db.execute(
                "UPDATE units SET name = ?, adult_population = ?, households = ?, updated_at = ? "
                "WHERE parent_id = ? AND name_folded = ?",
                [*params, commune_id, fold(row.name)],
            )
            if cursor.rowcount:
                counts["updated"] += 1
                continue
            db.execute(
                "INSERT INTO units (parent_id, kind, name, name_folded, adult_population, "
                "households, created_at, updated_at) VALUES (?, 'village', ?, ?, ?, ?, ?, ?)",
                [
                    commune_id,
                    row.name,
                    fold(row.name),
                    row.adult_population,
                    row.households,
                    now,
                    now,
                ],
            )
            counts["added"] += 1
    return counts
