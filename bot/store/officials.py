"""Officials: dashboard accounts (commune admin, village official), their sessions, login
throttling, and the one-time codes that link an account to a chat account for /baocao."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

_COLUMNS = (
    "id, username, display_name, password_hash, role, unit_id, user_id, active, created_at, "
    "last_login_at"
)


@dataclass(frozen=True)
class Official:
    id: int
    username: str
    display_name: str
    password_hash: str
    role: str  # admin | village
    unit_id: int | None
    user_id: int | None
    active: int
    created_at: int
    last_login_at: int | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def create(
    db: Database,
    *,
    username: str,
    display_name: str,
    password_hash: str,
    role: str,
    unit_id: int | None,
    now: int,
) -> int:
    cursor = db.execute(
        "INSERT INTO officials (username, display_name, password_hash, role, unit_id, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [username, display_name, password_hash, role, unit_id, now, now],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _one(db: Database, where: str, value: object) -> Official | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM officials WHERE {where} = ?", [value]).fetchone()
    return Official(*row) if row else None


def get(db: Database, official_id: int) -> Official | None:
    return _one(db, "id", official_id)


def by_username(db: Database, username: str) -> Official | None:
    return _one(db, "username", username)


def by_user(db: Database, user_id: int) -> Official | None:
    """The active official linked to this chat account, if any."""
    found = _one(db, "user_id", user_id)
    return found if found is not None and found.active else None


def all_officials(db: Database) -> list[Official]:
    rows = db.execute(f"SELECT {_COLUMNS} FROM officials ORDER BY role, username").fetchall()
    return [Official(*r) for r in rows]


def set_role(db: Database, official_id: int, role: str, unit_id: int | None, now: int) -> None:
    db.execute(
        "UPDATE officials SET role = ?, unit_id = ?, updated_at = ? WHERE id = ?",
        [role, unit_id, now, official_id],
    )


def set_password(db: Database, official_id: int, password_hash: str, now: int) -> None:
    db.execute(
        "UPDATE officials SET password_hash = ?, updated_at = ? WHERE id = ?",
        [password_hash, now, official_id],
    )


def set_active(db: Database, official_id: int, active: bool, now: int) -> None:
    db.execute(
        "UPDATE officials SET active = ?, updated_at = ? WHERE id = ?",
        [int(active), now, official_id],
    )


def logged_in(db: Database, official_id: int, now: int) -> None:
    db.execute("UPDATE officials SET last_login_at = ? WHERE id = ?", [now, official_id])


def link_user(db: Database, official_id: int, user_id: int, now: int) -> None:
    """Link the chat account; a chat account serves one official at a time."""
    db.execute("UPDATE officials SET user_id = NULL WHERE user_id = ?", [user_id])
    db.execute(
        "UPDATE officials SET user_id = ?, updated_at = ? WHERE id = ?",
        [user_id, now, official_id],
    )


# -- sessions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    official_id: int
    csrf: str
    created_at: int
    seen_at: int


def create_session(db: Database, token_hash: str, official_id: int, csrf: str, now: int) -> None:
    db.execute(
        "INSERT INTO official_sessions (token_hash, official_id, csrf, created_at, seen_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [token_hash, official_id, csrf, now, now],
    )


def session(db: Database, token_hash: str) -> Session | None:
    row = db.execute(
        "SELECT official_id, csrf, created_at, seen_at FROM official_sessions WHERE token_hash = ?",
        [token_hash],
    ).fetchone()
    return Session(*row) if row else None


def touch_session(db: Database, token_hash: str, now: int) -> None:
    db.execute("UPDATE official_sessions SET seen_at = ? WHERE token_hash = ?", [now, token_hash])


def end_session(db: Database, token_hash: str) -> None:
    db.execute("DELETE FROM official_sessions WHERE token_hash = ?", [token_hash])


def end_sessions_of(db: Database, official_id: int) -> None:
    db.execute("DELETE FROM official_sessions WHERE official_id = ?", [official_id])


def purge_sessions(db: Database, seen_before: int, created_before: int) -> None:
    db.execute(
        "DELETE FROM official_sessions WHERE seen_at < ? OR created_at < ?",
        [seen_before, created_before],
    )


# -- login throttling -------------------------------------------------------------------------


def record_failure(db: Database, key: str, now: int) -> None:
    db.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", [key, now])


def failures_since(db: Database, key: str, since: int) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?", [key, since]
    ).fetchone()
    return int(row[0])


def failures_and_last(db: Database, key: str, since: int) -> tuple[int, int | None]:
    """How many failures under `key` since then, and when the last one was."""
    row = db.execute(
        "SELECT COUNT(*), MAX(at) FROM login_failures WHERE key = ? AND at >= ?", [key, since]
    ).fetchone()
    return int(row[0]), row[1]


def clear_failures(db: Database, key: str) -> None:
    db.execute("DELETE FROM login_failures WHERE key = ?", [key])


def purge_failures(db: Database, before: int) -> None:
    db.execute("DELETE FROM login_failures WHERE at < ?", [before])


# -- one-time chat link codes (invite_codes, kind 'official') ----------------------------------


def create_link_code(
    db: Database, code: str, official_id: int, expires_at: int, created_by: str, now: int
) -> None:
    db.execute(
        "DELETE FROM invite_codes WHERE kind = 'official' AND official_id = ?", [official_id]
    )
    db.execute(
        "INSERT INTO invite_codes (code, kind, official_id, uses_left, expires_at, created_by, "
        "created_at) VALUES (?, 'official', ?, 1, ?, ?, ?)",
        [code, official_id, expires_at, created_by, now],
    )


def take_link_code(db: Database, code: str, now: int) -> int | None:
    """The official a valid code belongs to; the code is used up (one time only)."""
    row = db.execute(
        "DELETE FROM invite_codes WHERE code = ? AND kind = 'official' AND uses_left > 0 "
        "AND (expires_at IS NULL OR expires_at > ?) RETURNING official_id",
        [code, now],
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None
