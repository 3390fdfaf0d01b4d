"""Officials' accounts: passwords (argon2id via argon2-cffi), roles, and one-time codes that link
an account to the official's chat account so /baocao answers there."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from bot.certificates import CODE_ALPHABET, normalise_code
from bot.store import audit, officials
from bot.store.officials import Official

ROLES = ("admin", "village")
LINK_CODE_SECONDS = 24 * 3600
MIN_PASSWORD = 10
# The login form reads at most this many characters (bot/web/dashboard_auth.MAX_FIELD): a longer
# password could be set but never typed in.
MAX_PASSWORD = 200
_hasher = PasswordHasher()
_dummy: list[str] = []


def _dummy_hash() -> str:
    """Verifying against this when the username is unknown takes as long as a real check, so
    the answer time does not tell which usernames exist. Made on first use, not at start-up."""
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[0]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(db: Database, username: str, password: str, now: int) -> Official | None:
    official = officials.by_username(db, username)
    try:
        _hasher.verify(official.password_hash if official else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if official is None or not official.active:
        return None
    if _hasher.check_needs_rehash(official.password_hash):
        officials.set_password(db, official.id, hash_password(password), now)
    return official


def create(
    db: Database,
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    unit_id: int | None,
    now: int,
    actor: str,
) -> int:
    if role not in ROLES or (role == "village") != (unit_id is not None):
        raise ValueError("role")
    with db.atomic():
        official_id = officials.create(
            db,
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            role=role,
            unit_id=unit_id,
            now=now,
        )
        audit.record(
            db,
            now,
            "official.created",
            subject=f"official:{official_id}",
            role=role,
            unit_id=unit_id,
            by=actor,
        )
    return official_id


def change_role(
    db: Database, official_id: int, role: str, unit_id: int | None, now: int, actor: str
) -> None:
    if role not in ROLES or (role == "village") != (unit_id is not None):
        raise ValueError("role")
    with db.atomic():
        officials.set_role(db, official_id, role, unit_id, now)
        officials.end_sessions_of(db, official_id)  # the next page load asks to log in again
        audit.record(
            db,
            now,
            "official.role_changed",
            subject=f"official:{official_id}",
            role=role,
            unit_id=unit_id,
            by=actor,
        )


def new_link_code(db: Database, official_id: int, now: int, actor: str) -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    code = f"{raw[:4]}-{raw[4:]}"
    with db.atomic():
        officials.create_link_code(db, code, official_id, now + LINK_CODE_SECONDS, actor, now)
        audit.record(db, now, "official.link_code", subject=f"official:{official_id}", by=actor)
    return code


def link_chat(db: Database, typed_code: str, user_id: int, now: int) -> Official | None:
    """Use a one-time code: the chat account now answers /baocao for that official."""
    official_id = officials.take_link_code(db, normalise_code(typed_code), now)
    if official_id is None:
        return None
    officials.link_user(db, official_id, user_id, now)
    audit.record(
        db, now, "official.linked", actor_user_id=user_id, subject=f"official:{official_id}"
    )
    return officials.get(db, official_id)
