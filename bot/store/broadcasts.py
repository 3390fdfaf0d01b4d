"""Broadcasts and campaigns: rows with a target and a send time, and their delivery tally."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

_COLUMNS = (
    "id, name, target, message_key, message_text, lesson_id, send_at, status, recurring, "
    "created_by, created_at, cursor_user_id, queued"
)


@dataclass(frozen=True)
class BroadcastRow:
    id: int
    name: str
    target: dict[str, Any]
    message_key: str | None
    message_text: str | None
    lesson_id: str | None
    send_at: int
    status: str
    recurring: str | None
    created_by: str | None
    created_at: int
    cursor_user_id: int
    queued: int


def _row(values: tuple[Any, ...]) -> BroadcastRow:
    items = list(values)
    items[2] = json.loads(items[2])
    return BroadcastRow(*items)


def insert(
    db: Database,
    *,
    name: str,
    target: dict[str, Any],
    message_key: str | None,
    message_text: str | None,
    lesson_id: str | None,
    send_at: int,
    recurring: str | None,
    created_by: str | None,
    now: int,
) -> int:
    cursor = db.execute(
        "INSERT INTO broadcasts (name, target, message_key, message_text, lesson_id, send_at, "
        "recurring, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            name,
            json.dumps(target),
            message_key,
            message_text,
            lesson_id,
            send_at,
            recurring,
            created_by,
            now,
        ],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def get(db: Database, broadcast_id: int) -> BroadcastRow | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM broadcasts WHERE id = ?", [broadcast_id]).fetchone()
    return _row(row) if row else None


def all_rows(db: Database) -> list[BroadcastRow]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM broadcasts ORDER BY send_at DESC, id DESC")
    return [_row(r) for r in rows.fetchall()]


def due(db: Database, now: int) -> list[BroadcastRow]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM broadcasts WHERE status IN ('scheduled', 'sending') "
        "AND send_at <= ? ORDER BY send_at, id",
        [now],
    ).fetchall()
    return [_row(r) for r in rows]


def exists_named(db: Database, name: str) -> bool:
    return db.execute("SELECT 1 FROM broadcasts WHERE name = ?", [name]).fetchone() is not None


def advance(
    db: Database, broadcast_id: int, *, cursor_user_id: int, added: int, status: str
) -> None:
    db.execute(
        "UPDATE broadcasts SET cursor_user_id = ?, queued = queued + ?, status = ? WHERE id = ?",
        [cursor_user_id, added, status, broadcast_id],
    )


def cancel(db: Database, broadcast_id: int) -> int:
    """Stop a broadcast: no more fan-out, and its messages not yet sent are cancelled."""
    db.execute(
        "UPDATE broadcasts SET status = 'cancelled' WHERE id = ? AND status != 'done'",
        [broadcast_id],
    )
    cursor = db.execute(
        "UPDATE outbox SET status = 'cancelled' WHERE broadcast_id = ? AND status = 'pending'",
        [broadcast_id],
    )
    return cursor.rowcount


def tally(db: Database, broadcast_id: int) -> dict[str, int]:
    counts = {"queued": 0, "sent": 0, "failed": 0, "unreachable": 0, "cancelled": 0}
    rows = db.execute(
        "SELECT status, COUNT(*) FROM outbox WHERE broadcast_id = ? GROUP BY status",
        [broadcast_id],
    ).fetchall()
    for status, count in rows:
        counts["queued" if status == "pending" else status] = count
    return counts


def recipient_filter(target: dict[str, Any], now: int) -> tuple[str, list[Any]]:
    """SQL condition and parameters choosing the users a target names."""
    where = [
        "u.onboarded_at IS NOT NULL",
        "u.unreachable_at IS NULL",
        "u.assisted = 0",
        "u.consent_at IS NOT NULL",
    ]
    params: list[Any] = []
    kind = target.get("kind", "all")
    if kind == "villages":
        ids = [int(i) for i in target.get("unit_ids", [])] or [-1]
        where.append(f"u.unit_id IN ({', '.join('?' for _ in ids)})")
        params.extend(ids)
    elif kind == "groups":
        groups = [str(g) for g in target.get("groups", [])] or [""]
        where.append(f"u.grp IN ({', '.join('?' for _ in groups)})")
        params.extend(groups)
    elif kind == "not_core":
        where.append("u.core_done_at IS NULL")
    elif kind == "inactive":
        where.append("u.last_active_at <= ?")
        params.append(now - int(target.get("inactive_days", 7)) * 86400)
    elif kind != "all":
        raise ValueError(f"unknown target kind {kind!r}")
    return " AND ".join(where), params


def count_recipients(db: Database, target: dict[str, Any], now: int) -> int:
    condition, params = recipient_filter(target, now)
    return int(db.execute(f"SELECT COUNT(*) FROM users u WHERE {condition}", params).fetchone()[0])


def next_recipients(
    db: Database, target: dict[str, Any], now: int, after_user_id: int, limit: int
) -> list[int]:
    condition, params = recipient_filter(target, now)
    rows = db.execute(
        f"SELECT u.id FROM users u WHERE {condition} AND u.id > ? ORDER BY u.id LIMIT ?",
        [*params, after_user_id, limit],
    ).fetchall()
    return [r[0] for r in rows]
