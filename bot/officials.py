"""Officials' accounts: passwords (argon2id via argon2-cffi), roles, and one-time codes that link
an account to the official's chat account so /baocao answers there."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from bot.certificates import CODE_ALPHABET, normalise_code
from bot.store import audit, officials, units
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


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False


T = TypeVar("T")


class Busy(Exception):
    """More logins are waiting for a password check than the queue holds."""


class PasswordPool:
    """argon2 in a few threads, off the event loop that chats and webhooks share; at most
    `queue` checks waiting or running, beyond that Busy (the dashboard answers 429)."""

    def __init__(self, threads: int, queue: int) -> None:
        self.queue = max(queue, threads)
        self.in_flight = 0
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self.in_flight >= self.queue:
            raise Busy()
        self.in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self.in_flight -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


async def check_password(
    pool: PasswordPool, db: Database, username: str, password: str, now: int
) -> Official | None:
    """The active official with this username and password, else None. The time taken does not
    tell whether the username exists (an unknown one is checked against a dummy hash)."""
    official = officials.by_username(db, username)
    known = official.password_hash if official else None
    if not await pool.run(_verify, known, password):
        return None
    if official is None or not official.active:
        return None
    if _hasher.check_needs_rehash(official.password_hash):
        new_hash = await pool.run(hash_password, password)
        officials.set_password(db, official.id, new_hash, now)
    return official


def _check_role(db: Database, role: str, unit_id: int | None) -> None:
    """A village official has a village (never the commune unit); an admin has none."""
    if role not in ROLES or (role == "village") != (unit_id is not None):
        raise ValueError("role")
    if unit_id is not None:
        unit = units.get(db, unit_id)
        if unit is None or unit.kind != "village":
            raise ValueError("unit")


def password_problem(password: str) -> str | None:
    """Why a new password cannot be used (a message key), or None."""
    if len(password) < MIN_PASSWORD:
        return "too_short"
    if len(password) > MAX_PASSWORD:
        return "too_long"
    return None


def set_active(db: Database, official_id: int, active: bool, now: int, actor: str) -> None:
    """Deactivate (every session ends now) or activate again (no old session comes back:
    they were deleted, and any left are ended too)."""
    with db.atomic():
        officials.set_active(db, official_id, active, now)
        officials.end_sessions_of(db, official_id)
        audit.record(
            db,
            now,
            "official.activated" if active else "official.deactivated",
            subject=f"official:{official_id}",
            by=actor,
        )


def reset_password(db: Database, official_id: int, password: str, now: int, actor: str) -> None:
    """A new password set by an administrator; the account's sessions end. Raises ValueError
    when password_problem() finds one."""
    if password_problem(password) is not None:
        raise ValueError("password")
    store_password(db, official_id, hash_password(password), now, actor)


def store_password(db: Database, official_id: int, new_hash: str, now: int, actor: str) -> None:
    """reset_password() with the hash made already (the dashboard makes it in its pool)."""
    with db.atomic():
        officials.set_password(db, official_id, new_hash, now)
        officials.end_sessions_of(db, official_id)
        audit.record(
            db, now, "official.password_reset", subject=f"official:{official_id}", by=actor
        )


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
    _check_role(db, role, unit_id)
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
    _check_role(db, role, unit_id)
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
