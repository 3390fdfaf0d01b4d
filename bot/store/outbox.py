"""Transactional outbox: replies are written in the update's transaction and sent afterwards.

A row is claimed by one sender at a time (`UPDATE … RETURNING`), so the same claim works on
PostgreSQL later. Per-chat order is the row id order.

Delivery workers (bot/delivery) claim rows with a lease: a claimed row stays 'pending' with
`lease_until` set until it is confirmed sent, so only the oldest pending row of a chat is ever in
flight, and a row whose sender died is claimed again once its lease is released or expires.
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
    # Platform messages of this row already delivered (a long reply becomes several).
    parts_sent: int = 0


def enqueue(
    db: Database,
    *,
    channel: str,
    chat_id: str,
    user_id: int | None,
    body: dict[str, Any],
    now: int,
    not_before: int | None = None,
    broadcast_id: int | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO outbox (channel, chat_id, user_id, body, not_before, created_at, "
        "broadcast_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            channel,
            chat_id,
            user_id,
            json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            now if not_before is None else not_before,
            now,
            broadcast_id,
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
        _forget_delivered(db, [r[0] for r in rows])
    return _items(rows)


def _forget_delivered(db: Database, item_ids: list[int]) -> None:
    """Messages marked `forget` (the goodbye after an erasure) leave no row once delivered."""
    for item_id in item_ids:
        db.execute(
            "DELETE FROM outbox WHERE id = ? AND status = 'sent' "
            "AND json_extract(body, '$.forget') = 1",
            [item_id],
        )


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


# -- delivery workers -------------------------------------------------------------------------

_CLAIMED = "id, channel, chat_id, user_id, body, attempts, parts_sent"


def claim(
    db: Database, channel: str, *, now: int, lease_until: int, limit: int
) -> list[OutboxItem]:
    """Lease up to `limit` due rows, each the oldest pending row of its chat (per-chat order).

    `attempts` counts claims; a row already leased (in flight) and every later row of its chat are
    left alone until it is settled.
    """
    with db.atomic():
        rows = db.execute(
            "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN ("
            " SELECT o.id FROM outbox o"
            " WHERE o.channel = ? AND o.status = 'pending' AND o.not_before <= ?"
            " AND (o.lease_until IS NULL OR o.lease_until <= ?)"
            " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.channel = o.channel"
            "  AND p.chat_id = o.chat_id AND p.status = 'pending' AND p.id < o.id)"
            " ORDER BY o.not_before, o.id LIMIT ?"
            f") RETURNING {_CLAIMED}",
            [lease_until, channel, now, now, limit],
        ).fetchall()
    items = [
        OutboxItem(
            id=r[0],
            channel=r[1],
            chat_id=r[2],
            user_id=r[3],
            body=json.loads(r[4]),
            attempts=r[5],
            parts_sent=r[6],
        )
        for r in rows
    ]
    return sorted(items, key=lambda item: item.id)


def release_claims(db: Database, channel: str) -> int:
    """At a sender's start: rows a previous process claimed but never settled are due again.

    There is one sender per bot, so every lease of the channel belongs to a process that is gone.
    """
    with db.atomic():
        cursor = db.execute(
            "UPDATE outbox SET lease_until = NULL "
            "WHERE channel = ? AND status = 'pending' AND lease_until IS NOT NULL",
            [channel],
        )
    return cursor.rowcount


def mark_sent(db: Database, item_id: int, now: int) -> None:
    with db.atomic():
        db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = NULL "
            "WHERE id = ?",
            [now, item_id],
        )
        _forget_delivered(db, [item_id])


def record_parts_sent(db: Database, item_id: int, parts_sent: int) -> None:
    """Committed after each part of a split reply, so a crash never makes a part go out twice."""
    with db.atomic():
        db.execute("UPDATE outbox SET parts_sent = ? WHERE id = ?", [parts_sent, item_id])


def reschedule(
    db: Database, item_id: int, *, not_before: int, error: str, counts_as_attempt: bool = True
) -> None:
    """Try again at `not_before`; flow control (429) is not a failed attempt."""
    with db.atomic():
        db.execute(
            "UPDATE outbox SET lease_until = NULL, not_before = ?, last_error = ?, "
            "attempts = attempts - ? WHERE id = ?",
            [not_before, error[:500], 0 if counts_as_attempt else 1, item_id],
        )


def mark_failed(db: Database, item_id: int, error: str) -> None:
    with db.atomic():
        db.execute(
            "UPDATE outbox SET status = 'failed', lease_until = NULL, last_error = ? WHERE id = ?",
            [error[:500], item_id],
        )


def stop_chat(db: Database, channel: str, chat_id: str, error: str) -> int:
    """The chat cannot be reached (blocked, deleted): its pending rows become 'unreachable'."""
    with db.atomic():
        cursor = db.execute(
            "UPDATE outbox SET status = 'unreachable', lease_until = NULL, last_error = ? "
            "WHERE channel = ? AND chat_id = ? AND status = 'pending'",
            [error[:500], channel, chat_id],
        )
    return cursor.rowcount


def status_counts(db: Database, channel: str) -> dict[str, int]:
    rows = db.execute(
        "SELECT status, COUNT(*) FROM outbox WHERE channel = ? GROUP BY status", [channel]
    ).fetchall()
    return {str(status): int(n) for status, n in rows}


# Sent messages are kept this many days (the daily prune), then deleted.
KEEP_DAYS = 30


def prune(db: Database, older_than: int) -> int:
    """Forget delivered, failed and cancelled messages older than `older_than`: the outbox is a
    queue, not an archive of what people were told."""
    cursor = db.execute(
        "DELETE FROM outbox WHERE status != 'pending' AND created_at < ?", [older_than]
    )
    return cursor.rowcount


def kept_for_user(db: Database, user_id: int) -> tuple[int, int | None]:
    """(messages to this person still kept in the outbox, the time of the oldest)."""
    row = db.execute(
        "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE user_id = ?", [user_id]
    ).fetchone()
    return int(row[0]), row[1]
