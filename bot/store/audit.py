"""Audit log: who did what, without personal data in the detail."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database


def record(
    db: Database,
    now: int,
    action: str,
    *,
    actor_user_id: int | None = None,
    subject: str | None = None,
    **detail: Any,
) -> None:
    db.execute(
        "INSERT INTO audit_log (at, actor_user_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        [now, actor_user_id, action, subject, json.dumps(detail, ensure_ascii=False)],
    )


def entries(db: Database, action: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT id, at, actor_user_id, action, subject, detail FROM audit_log"
    params: list[Any] = []
    if action:
        sql += " WHERE action = ?"
        params.append(action)
    rows = db.execute(sql + " ORDER BY id", params).fetchall()
    return [
        {
            "id": r[0],
            "at": r[1],
            "actor_user_id": r[2],
            "action": r[3],
            "subject": r[4],
            "detail": json.loads(r[5]),
        }
        for r in rows
    ]
