"""Transactional outbox: replies are written in the update's transaction and sent afterwards.

A row is claimed by one sender at a time (`UPDATE … RETURNING`), so the same claim works on
PostgreSQL later. Per-chat order is the row id order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    chat_id: str
    user_id: int | None
    body: dict[str, Any]
    attempts: int


def enqueue(
    db: Database,
    *,
    channel: str,
    chat_id: str,
    user_id: int | None,
    body: dict[str, Any],
    now: int,
    not_before: int | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO outbox (channel, chat_id, user_id, body, not_before, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            channel,
            chat_id,
            user_id,
            json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            now if not_before is None else not_before,
            now,
        ],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _items(rows: list[tuple[Any, ...]]) -> list[OutboxItem]:
    items = [
        OutboxItem(
            id=r[0], channel=r[1], chat_id=r[2], user_id=r[3], body=json.loads(r[4]), attempts=r[5]
        )
        for r in rows
    ]
    return sorted(items, key=lambda item: item.id)


def take_for_chat(db: Database, channel: str, chat_id: str, now: int) -> list[OutboxItem]:
    """Deliver-and-mark for channels that show replies at once (console, web chat)."""
    with db.atomic():
        rows = db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1 "
            "WHERE channel = ? AND chat_id = ? AND status = 'pending' AND not_before <= ? "
            "RETURNING id, channel, chat_id, user_id, body, attempts",
            [now, channel, chat_id, now],
        ).fetchall()
    return _items(rows)


def pending_count(db: Database, channel: str | None = None) -> int:
    sql = "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"
    params: list[Any] = []
    if channel:
        sql += " AND channel = ?"
        params.append(channel)
    return int(db.execute(sql, params).fetchone()[0])


def for_chat(db: Database, channel: str, chat_id: str) -> list[OutboxItem]:
    rows = db.execute(
        "SELECT id, channel, chat_id, user_id, body, attempts FROM outbox "
        "WHERE channel = ? AND chat_id = ? ORDER BY id",
        [channel, chat_id],
    ).fetchall()
    return _items(rows)
