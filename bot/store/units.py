"""Units: the commune and its villages (thôn, xóm, ấp, tổ dân phố) with report denominators."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
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
    """A village as imported; None is a blank cell (the known figure is kept)."""

    name: str
    adult_population: int | None
    households: int | None
    code: str | None = None
    groups: dict[str, int] = field(default_factory=dict)  # learner group id → population


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


def _find(db: Database, commune_id: int, row: VillageRow) -> tuple[int, str] | None:
    """The known village a row is: the same code, else (a village without a code yet, or any
    when the row has none) the same name without diacritics."""
    if row.code:
        found = db.execute(
            "SELECT id, name FROM units WHERE parent_id = ? AND code = ?", [commune_id, row.code]
        ).fetchone()
        if found:
            return int(found[0]), str(found[1])
        found = db.execute(
            "SELECT id, name FROM units WHERE parent_id = ? AND name_folded = ? AND code IS NULL",
            [commune_id, fold(row.name)],
        ).fetchone()
    else:
        found = db.execute(
            "SELECT id, name FROM units WHERE parent_id = ? AND name_folded = ?",
            [commune_id, fold(row.name)],
        ).fetchone()
    return (int(found[0]), str(found[1])) if found else None


def name_taken(db: Database, commune_id: int, name: str, unit_id: int | None) -> bool:
    found = db.execute(
        "SELECT id FROM units WHERE parent_id = ? AND name_folded = ?", [commune_id, fold(name)]
    ).fetchone()
    return found is not None and found[0] != unit_id


def mark_demo(db: Database, unit_ids: list[int]) -> None:
    """Mark villages as the demo's (a database older than m018 has no such mark)."""
    if "demo" in db["units"].columns_dict:
        for unit_id in unit_ids:
            db.execute("UPDATE units SET demo = 1 WHERE id = ?", [unit_id])


def upsert_villages(
    db: Database, commune_id: int, rows: list[VillageRow], now: int, *, demo: bool = False
) -> dict[str, Any]:
    """Insert new villages and update known ones (bot.units validates the rows first).

    A blank figure keeps the known one; a known code with a new name is a rename. Returns the
    counts, the renames [(old, new)] and the ids of the villages in the file."""
    counts: dict[str, Any] = {"added": 0, "updated": 0, "renamed": [], "ids": []}
    with db.atomic():
        for row in rows:
            known = _find(db, commune_id, row)
            if known is not None:
                unit_id, old_name = known
                db.execute(
                    "UPDATE units SET name = ?, name_folded = ?, "
                    "adult_population = COALESCE(?, adult_population), "
                    "households = COALESCE(?, households), updated_at = ? WHERE id = ?",
                    [row.name, fold(row.name), row.adult_population, row.households, now, unit_id],
                )
                if row.code is not None:
                    db.execute("UPDATE units SET code = ? WHERE id = ?", [row.code, unit_id])
                if not demo:  # a demo village in the real list becomes real
                    db.execute("UPDATE units SET demo = 0 WHERE id = ? AND demo = 1", [unit_id])
                counts["updated"] += 1
                if old_name != row.name and fold(old_name) != fold(row.name):
                    counts["renamed"].append((old_name, row.name))
            else:
                cursor = db.execute(
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
                unit_id = int(cursor.lastrowid or 0)
                if row.code is not None:
                    db.execute("UPDATE units SET code = ? WHERE id = ?", [row.code, unit_id])
                counts["added"] += 1
            counts["ids"].append(unit_id)
            for group, population in row.groups.items():
                set_group_population(db, unit_id, group, population, now)
        if demo:
            mark_demo(db, counts["ids"])
    return counts


def set_group_population(db: Database, unit_id: int, group: str, population: int, now: int) -> None:
    db.execute(
        "INSERT INTO unit_group_populations (unit_id, grp, population, updated_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (unit_id, grp) DO UPDATE SET "
        "population = excluded.population, updated_at = excluded.updated_at",
        [unit_id, group, population, now],
    )


def group_populations(db: Database, unit_id: int | None = None) -> dict[int, dict[str, int]]:
    """Per village, the population of each learner group imported (for "% of a group reached")."""
    sql = "SELECT unit_id, grp, population FROM unit_group_populations"
    rows = db.execute(sql + (" WHERE unit_id = ?" if unit_id else ""), [unit_id] if unit_id else [])
    found: dict[int, dict[str, int]] = {}
    for uid, grp, population in rows.fetchall():
        found.setdefault(int(uid), {})[str(grp)] = int(population)
    return found


def demo_villages(db: Database) -> list[Unit]:
    ids = {r[0] for r in db.execute("SELECT id FROM units WHERE demo = 1").fetchall()}
    return [u for u in villages(db) if u.id in ids]


def registered_in(db: Database, unit_id: int) -> int:
    return int(db.execute("SELECT COUNT(*) FROM users WHERE unit_id = ?", [unit_id]).fetchone()[0])


def remove_unused(db: Database, unit_id: int) -> bool:
    """Delete a village nothing refers to; False (and nothing changed) when something does."""
    try:
        with db.atomic():
            db.execute("DELETE FROM units WHERE id = ?", [unit_id])
    except sqlite3.IntegrityError:
        return False
    return True


def codes(db: Database) -> dict[int, str | None]:
    """Each village's code from the commune's list (None when it has none)."""
    rows = db.execute("SELECT id, code FROM units WHERE kind = 'village'").fetchall()
    return {int(r[0]): r[1] for r in rows}
