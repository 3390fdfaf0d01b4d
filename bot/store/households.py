"""Gia đình số: households, their members, and how many households are covered per village
(covered: at least one member finished the core track, users.core_done_at)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class Household:
    id: int
    code: str
    unit_id: int | None
    created_by: int | None
    created_at: int


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    assisted: bool
    core_done_at: int | None
    lessons_done: int


_COLUMNS = "h.id, h.code, h.unit_id, h.created_by, h.created_at"


def create(db: Database, *, code: str, unit_id: int | None, created_by: int, now: int) -> int:
    cursor = db.execute(
        "INSERT INTO households (code, unit_id, created_by, created_at) VALUES (?, ?, ?, ?)",
        [code, unit_id, created_by, now],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def set_code(db: Database, household_id: int, code: str) -> None:
    db.execute("UPDATE households SET code = ? WHERE id = ?", [code, household_id])


def get(db: Database, household_id: int) -> Household | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM households h WHERE h.id = ?", [household_id])
    found = row.fetchone()
    return Household(*found) if found else None


def of_user(db: Database, user_id: int) -> Household | None:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM household_members m JOIN households h ON h.id = m.household_id "
        "WHERE m.user_id = ?",
        [user_id],
    ).fetchone()
    return Household(*row) if row else None


def add_member(db: Database, household_id: int, user_id: int, now: int) -> None:
    """Join a household, leaving the one the user was in (a person is in one household)."""
    remove_member(db, user_id)
    db.execute(
        "INSERT INTO household_members (household_id, user_id, joined_at) VALUES (?, ?, ?)",
        [household_id, user_id, now],
    )


def remove_member(db: Database, user_id: int) -> int | None:
    """Leave the household; one left empty is deleted with its codes. Returns its id."""
    row = db.execute(
        "DELETE FROM household_members WHERE user_id = ? RETURNING household_id", [user_id]
    ).fetchone()
    if row is None:
        return None
    household_id = int(row[0])
    empty = db.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM household_members WHERE household_id = ?)",
        [household_id],
    ).fetchone()[0]
    if empty:
        db.execute(
            "DELETE FROM invite_codes WHERE kind = 'household' AND household_id = ?",
            [household_id],
        )
        db.execute("DELETE FROM households WHERE id = ?", [household_id])
    return household_id


def members(db: Database, household_id: int) -> list[Member]:
    rows = db.execute(
        "SELECT u.id, IFNULL(u.display_name, ''), u.assisted, u.core_done_at, "
        "(SELECT COUNT(*) FROM progress p WHERE p.user_id = u.id AND p.status = 'passed') "
        "FROM household_members m JOIN users u ON u.id = m.user_id WHERE m.household_id = ? "
        "ORDER BY m.joined_at, u.id",
        [household_id],
    ).fetchall()
    return [Member(r[0], r[1], bool(r[2]), r[3], r[4]) for r in rows]


def is_covered(db: Database, household_id: int) -> bool:
    row = db.execute(
        "SELECT EXISTS (SELECT 1 FROM household_members m JOIN users u ON u.id = m.user_id "
        "WHERE m.household_id = ? AND u.core_done_at IS NOT NULL)",
        [household_id],
    ).fetchone()
    return bool(row[0])


def households_covered_per_village(db: Database) -> dict[int, tuple[int, int | None]]:
    """Village id → (households covered, the village's household count from the units import;
    None when the commune has not given it). Villages with a count and nothing covered are 0."""
    covered = dict(
        db.execute(
            "SELECT h.unit_id, COUNT(*) FROM households h WHERE h.unit_id IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM household_members m JOIN users u ON u.id = m.user_id "
            "WHERE m.household_id = h.id AND u.core_done_at IS NOT NULL) GROUP BY h.unit_id"
        ).fetchall()
    )
    totals = dict(db.execute("SELECT id, households FROM units WHERE kind = 'village'").fetchall())
    return {
        int(unit): (int(covered.get(unit, 0)), None if total is None else int(total))
        for unit, total in {**dict.fromkeys(covered), **totals}.items()
    }
