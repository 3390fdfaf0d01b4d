"""Access: the web chat's cookie-signing key, and wrong codes typed (guesses are throttled).

Wrong codes share the login_failures table (key, at) under keys of their own: "code:u:<user
id>" and "code:a:<hash of the address>", so no address is stored as typed.
"""

from __future__ import annotations

import secrets

from sqlite_utils import Database


def secret(db: Database, name: str, now: int) -> str:
    """The named random key, made on first use and kept (the same across restarts)."""
    db.execute(
        "INSERT INTO app_secrets (name, value, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (name) DO NOTHING",
        [name, secrets.token_urlsafe(32), now],
    )
    row = db.execute("SELECT value FROM app_secrets WHERE name = ?", [name]).fetchone()
    return str(row[0])


def wrong_codes_since(db: Database, keys: list[str], since: int) -> int:
    """The most wrong codes any one of these keys typed since then."""
    most = 0
    for key in keys:
        row = db.execute(
            "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?", [key, since]
        ).fetchone()
        most = max(most, int(row[0]))
    return most


def record_wrong_code(db: Database, keys: list[str], now: int) -> None:
    for key in keys:
        db.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", [key, now])


def prune_wrong_codes(db: Database, before: int) -> None:
    db.execute("DELETE FROM login_failures WHERE key LIKE 'code:%' AND at < ?", [before])
