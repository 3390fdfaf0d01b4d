"""Đại sứ số: mentors, their mentees (one active mentor per mentee), pushes, alerts, assisted
learning, and the figures the village report shows about them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.store import progress

# A mentor is expected to guide at least this many people (the commune plans).
MENTEE_TARGET = 5


@dataclass(frozen=True)
class Mentee:
    id: int
    name: str
    channel: str
    assisted: bool
    unit_id: int | None
    core_done_at: int | None
    last_active_at: int
    lessons_done: int
    linked_at: int
    reachable: bool  # not blocked on their platform (assisted learners have no platform)


@dataclass(frozen=True)
class MentorInfo:
    id: int
    name: str
    unit_id: int | None  # the village the mentor serves


@dataclass(frozen=True)
class PushItem:
    id: int
    mentor_id: int
    mentee_id: int
    kind: str  # lesson | cheer
    lesson_id: str | None


# -- mentors ----------------------------------------------------------------------------------


def make_mentor(db: Database, user_id: int, unit_id: int | None, code: str, now: int) -> None:
    """Record the village a mentor serves; the caller sets users.role on the user it saves."""
    db.execute(
        "INSERT INTO mentors (user_id, unit_id, since, invite_code) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET unit_id = excluded.unit_id, "
        "invite_code = excluded.invite_code",
        [user_id, unit_id, now, code],
    )


# users.role says who is a mentor; the village served is the mentors row's, else their own.
_MENTORS = (
    "FROM users u LEFT JOIN mentors m ON m.user_id = u.id WHERE u.role = 'mentor' "
    "AND COALESCE(m.unit_id, u.unit_id) IS NOT NULL"
)
_SERVED = "COALESCE(m.unit_id, u.unit_id)"
_ACTIVE_MENTEES = (
    "(SELECT COUNT(*) FROM mentor_links l WHERE l.mentor_id = u.id AND l.ended_at IS NULL)"
)


def mentor_unit(db: Database, user_id: int) -> int | None:
    """The village a mentor serves."""
    row = db.execute(
        f"SELECT {_SERVED} FROM users u LEFT JOIN mentors m ON m.user_id = u.id WHERE u.id = ?",
        [user_id],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def active_mentors(db: Database) -> list[int]:
    """Mentors who can receive a message (not erased, not blocked)."""
    rows = db.execute(
        "SELECT id FROM users WHERE role = 'mentor' AND unreachable_at IS NULL AND assisted = 0 "
        "ORDER BY id"
    ).fetchall()
    return [int(r[0]) for r in rows]


# -- links ------------------------------------------------------------------------------------


def link(db: Database, mentor_id: int, mentee_id: int, now: int) -> None:
    """Link a mentee to a mentor, ending a link to another mentor first."""
    db.execute(
        "UPDATE mentor_links SET ended_at = ? WHERE mentee_id = ? AND mentor_id != ? "
        "AND ended_at IS NULL",
        [now, mentee_id, mentor_id],
    )
    db.execute(
        "INSERT INTO mentor_links (mentor_id, mentee_id, linked_at) VALUES (?, ?, ?) "
        "ON CONFLICT (mentor_id, mentee_id) DO UPDATE SET linked_at = excluded.linked_at, "
        "ended_at = NULL WHERE ended_at IS NOT NULL",
        [mentor_id, mentee_id, now],
    )


def unlink(db: Database, mentor_id: int, mentee_id: int, now: int) -> bool:
    cursor = db.execute(
        "UPDATE mentor_links SET ended_at = ? WHERE mentor_id = ? AND mentee_id = ? "
        "AND ended_at IS NULL",
        [now, mentor_id, mentee_id],
    )
    return cursor.rowcount == 1


def is_linked(db: Database, mentor_id: int, mentee_id: int) -> bool:
    row = db.execute(
        "SELECT 1 FROM mentor_links WHERE mentor_id = ? AND mentee_id = ? AND ended_at IS NULL",
        [mentor_id, mentee_id],
    ).fetchone()
    return row is not None


def mentor_of(db: Database, mentee_id: int) -> MentorInfo | None:
    row = db.execute(
        "SELECT u.id, IFNULL(u.display_name, ''), m.unit_id FROM mentor_links l "
        "JOIN users u ON u.id = l.mentor_id LEFT JOIN mentors m ON m.user_id = u.id "
        "WHERE l.mentee_id = ? AND l.ended_at IS NULL",
        [mentee_id],
    ).fetchone()
    return MentorInfo(*row) if row else None


_MENTEE = (
    "SELECT u.id, IFNULL(u.display_name, ''), u.channel, u.assisted, u.unit_id, u.core_done_at, "
    "u.last_active_at, (SELECT COUNT(*) FROM progress p WHERE p.user_id = u.id "
    "AND p.status = 'passed'), l.linked_at, u.unreachable_at IS NULL "
    "FROM mentor_links l JOIN users u ON u.id = l.mentee_id "
    "WHERE l.mentor_id = ? AND l.ended_at IS NULL"
)


def _mentee(r: tuple[Any, ...]) -> Mentee:
    return Mentee(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6], r[7], r[8], bool(r[9]))


def mentees(db: Database, mentor_id: int) -> list[Mentee]:
    rows = db.execute(_MENTEE + " ORDER BY u.display_name, u.id", [mentor_id]).fetchall()
    return [_mentee(r) for r in rows]


def mentee(db: Database, mentor_id: int, mentee_id: int) -> Mentee | None:
    """One of this mentor's mentees; None for anyone else (the rights check of every payload)."""
    r = db.execute(_MENTEE + " AND u.id = ?", [mentor_id, mentee_id]).fetchone()
    return _mentee(r) if r else None


# -- pushes -----------------------------------------------------------------------------------


def pushes_since(db: Database, mentor_id: int, since: int) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM mentor_pushes WHERE mentor_id = ? AND created_at >= ?",
        [mentor_id, since],
    ).fetchone()
    return int(row[0])


def record_push(
    db: Database,
    mentor_id: int,
    kind: str,
    lesson_id: str | None,
    mentee_ids: list[int],
    now: int,
) -> dict[int, int]:
    """One push to several mentees; returns mentee id → item id (the mentee's button)."""
    cursor = db.execute(
        "INSERT INTO mentor_pushes (mentor_id, kind, lesson_id, recipients, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [mentor_id, kind, lesson_id, len(mentee_ids), now],
    )
    push_id = cursor.lastrowid
    items: dict[int, int] = {}
    for mentee_id in mentee_ids:
        item = db.execute(
            "INSERT INTO mentor_push_items (push_id, mentee_id) VALUES (?, ?)", [push_id, mentee_id]
        ).lastrowid
        assert item is not None
        items[mentee_id] = item
    return items


def push_item(db: Database, item_id: int) -> PushItem | None:
    row = db.execute(
        "SELECT i.id, p.mentor_id, i.mentee_id, p.kind, p.lesson_id FROM mentor_push_items i "
        "JOIN mentor_pushes p ON p.id = i.push_id WHERE i.id = ?",
        [item_id],
    ).fetchone()
    return PushItem(*row) if row else None


def open_push(db: Database, item_id: int, now: int) -> None:
    db.execute(
        "UPDATE mentor_push_items SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
        [now, item_id],
    )


def pushed_lessons(db: Database, mentor_id: int, mentee_id: int, limit: int = 5) -> list[str]:
    """Lessons this mentor sent this mentee, newest first, each once."""
    rows = db.execute(
        "SELECT p.lesson_id FROM mentor_push_items i JOIN mentor_pushes p ON p.id = i.push_id "
        "WHERE p.mentor_id = ? AND i.mentee_id = ? AND p.kind = 'lesson' "
        "GROUP BY p.lesson_id ORDER BY MAX(p.created_at) DESC LIMIT ?",
        [mentor_id, mentee_id, limit],
    ).fetchall()
    return [str(r[0]) for r in rows]


# -- alerts -----------------------------------------------------------------------------------


def claim_alert(db: Database, mentor_id: int, kind: str, ref: str, now: int) -> bool:
    """True the first time (mentor, kind, ref) is claimed: an alert is sent once, ever."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO mentor_alerts (mentor_id, kind, ref, sent_at) VALUES (?, ?, ?, ?)",
        [mentor_id, kind, ref, now],
    )
    return cursor.rowcount == 1


def lessons_passed_since(db: Database, mentor_id: int, since: int) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM mentor_links l JOIN progress p ON p.user_id = l.mentee_id "
        "WHERE l.mentor_id = ? AND l.ended_at IS NULL AND p.status = 'passed' "
        "AND p.finished_at >= ?",
        [mentor_id, since],
    ).fetchone()
    return int(row[0])


# -- assisted learners ------------------------------------------------------------------------


def create_assisted_learner(
    db: Database,
    *,
    mentor_id: int,
    name: str,
    unit_id: int,
    birth_year: int,
    grp: str,
    now: int,
) -> int:
    """A resident without a phone or chat, registered by a mentor with their spoken consent
    (confirmed by the mentor): channel 'assisted', nothing is ever sent to them, no reminders."""
    external_id = f"m{mentor_id}-{secrets.token_hex(6)}"
    cursor = db.execute(
        "INSERT INTO users (channel, external_id, chat_id, display_name, unit_id, birth_year, "
        "grp, consent_at, onboarded_at, assisted, registered_by, reminders_off, created_at, "
        "last_active_at) VALUES ('assisted', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1, ?, ?)",
        [external_id, external_id, name, unit_id, birth_year, grp, now, now, mentor_id, now, now],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def record_assisted_lesson(
    db: Database,
    *,
    learner_id: int,
    mentor_id: int,
    lesson_id: str,
    unit_id: int | None,
    score: int,
    total: int,
    passed: bool,
    now: int,
) -> None:
    """A lesson a mentor taught face to face. assisted_by is set before the attempt finishes the
    row, so everything that counts a pass (the report summaries too) sees it as assisted."""
    progress.start(db, learner_id, lesson_id, unit_id, now)
    db.execute(
        "UPDATE progress SET assisted_by = ? WHERE user_id = ? AND lesson_id = ?",
        [mentor_id, learner_id, lesson_id],
    )
    progress.record_attempt(
        db,
        learner_id,
        lesson_id,
        score=score,
        total=total,
        passed=passed,
        unit_id=unit_id,
        now=now,
    )


# -- the village report -----------------------------------------------------------------------


def mentors_per_village(db: Database) -> dict[int, int]:
    """Village id → mentors serving it (the village of their code, else their own)."""
    rows = db.execute(f"SELECT {_SERVED}, COUNT(*) {_MENTORS} GROUP BY 1").fetchall()
    return {int(unit): int(n) for unit, n in rows}


def mentees_per_mentor(db: Database, unit_id: int | None = None) -> dict[int, int]:
    """Mentor user id → active mentees (0 for a mentor with none), optionally of one village."""
    rows = db.execute(
        f"SELECT u.id, {_ACTIVE_MENTEES} {_MENTORS} AND ({_SERVED} = ? OR ? IS NULL)",
        [unit_id, unit_id],
    ).fetchall()
    return {int(mentor): int(n) for mentor, n in rows}


def mentees_per_village(db: Database) -> dict[int, tuple[int, int]]:
    """Village id → (active mentees of its mentors, mentors with at least MENTEE_TARGET)."""
    rows = db.execute(
        f"SELECT unit_id, SUM(n), SUM(n >= ?) FROM (SELECT {_SERVED} AS unit_id, "
        f"{_ACTIVE_MENTEES} AS n {_MENTORS}) GROUP BY unit_id",
        [MENTEE_TARGET],
    ).fetchall()
    return {int(unit): (int(n), int(at_target)) for unit, n, at_target in rows}


def assisted_completions_per_village(
    db: Database, since: int | None = None, until: int | None = None
) -> dict[int, int]:
    """Village id (where the lesson was learned) → lessons passed by assisted learners (people a
    mentor registered and taught face to face) with finished_at in [since, until)."""
    # From the (few) assisted learners to their progress rows, never a scan of all progress.
    rows = db.execute(
        "SELECT IFNULL(unit_id, 0), COUNT(*) FROM progress "
        "WHERE user_id IN (SELECT id FROM users WHERE assisted = 1) AND status = 'passed' "
        "AND finished_at >= ? AND finished_at < ? GROUP BY 1",
        [since if since is not None else 0, until if until is not None else 2**62],
    ).fetchall()
    return {int(unit): int(n) for unit, n in rows}
