"""Dashboard login: argon2 passwords, server-side sessions, CSRF tokens, login throttling.

- The session cookie is a random token (only its SHA-256 is stored), HttpOnly and
  SameSite=Strict, Secure behind HTTPS; sessions end after SESSION_IDLE of inactivity and
  SESSION_MAX in all.
- Every POST carries the session's CSRF token in a form field (the login form a token of its
  own, also held in a cookie); a POST without it, or from another origin, changes nothing.
- Failed logins slow down the one who fails: after a few wrong passwords for one username
  from one address, that address waits before its next try for that username, longer after
  each failure (no lock a stranger elsewhere can put on an official); an address failing for
  many usernames waits too. The address is the client's (TRUSTED_PROXIES, bot/web/addresses);
  failures are stored under hashes, and the audit log names only accounts that exist.
- Passwords are checked in a small thread pool (bot.officials.PasswordPool): logins beyond
  its queue get 429 and the event loop stays free for chats and webhooks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlite_utils import Database

from bot import officials as accounts
from bot.store import audit, officials
from bot.store.officials import Official
from bot.web.addresses import address_key, client_address
from bot.web.dashboard_ui import redirect, render
from bot.web.keys import SERVICES

COOKIE = "hvs_dash"
LOGIN_COOKIE = "hvs_login"
PATH = "/dashboard"
SESSION_IDLE = 2 * 3600
SESSION_MAX = 12 * 3600
THROTTLE_WINDOW = 3600  # failures older than this are forgotten
FREE_FAILURES_PER_PAIR = 3  # wrong passwords for one username from one address, then waits
FREE_FAILURES_PER_ADDRESS = 20  # wrong passwords from one address for any usernames
FIRST_WAIT = 30  # seconds after the first failure past the free ones; doubles each time
LONGEST_WAIT = 15 * 60
MAX_FIELD = accounts.MAX_PASSWORD
PASSWORDS: web.AppKey[accounts.PasswordPool] = web.AppKey("password_pool")
clock = time.time  # login throttling's clock (a test moves it on)

Handler = Callable[[web.Request, "Auth"], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Auth:
    official: Official
    csrf: str
    token_hash: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _secure(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "") == "https"


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="Strict",
        secure=_secure(request),
        path=PATH,
        max_age=SESSION_MAX if name == COOKIE else 3600,
    )


def current(request: web.Request) -> Auth | None:
    token = request.cookies.get(COOKIE, "")
    if not 20 <= len(token) <= 100:
        return None
    db = request.app[SERVICES].db
    token_hash = _hash(token)
    session = officials.session(db, token_hash)
    now = int(time.time())
    if session is None:
        return None
    if session.seen_at < now - SESSION_IDLE or session.created_at < now - SESSION_MAX:
        with db.atomic():
            officials.end_session(db, token_hash)
        return None
    official = officials.get(db, session.official_id)
    if official is None or not official.active:
        return None
    if now - session.seen_at > 60:
        with db.atomic():
            officials.touch_session(db, token_hash, now)
    return Auth(official, session.csrf, token_hash)


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("X-Forwarded-Host") or request.host
    return origin.split("://", 1)[-1] == host


async def checked_form(request: web.Request, auth: Auth) -> dict[str, str] | None:
    """The posted form, or None when the CSRF token or the origin is wrong."""
    if not _same_origin(request):
        return None
    data = await request.post()
    token = data.get("csrf")
    if not isinstance(token, str) or not hmac.compare_digest(token, auth.csrf):
        return None
    return {k: v for k, v in data.items() if isinstance(v, str)}


def forbidden(request: web.Request, key: str = "dashboard.forbidden") -> web.Response:
    return render(request, "dashboard/error.html", None, status=403, message_key=key)


def login_required(
    handler: Handler, *, admin: bool = False
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        auth = current(request)
        if auth is None:
            if request.method == "GET":
                raise web.HTTPSeeOther(f"{PATH}/login")
            return forbidden(request, "dashboard.session_expired")
        if admin and not auth.official.is_admin:
            return forbidden(request)
        return await handler(request, auth)

    return wrapped


def admin_required(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    return login_required(handler, admin=True)


# -- routes -----------------------------------------------------------------------------------


def setup(app: web.Application) -> None:
    settings = app[SERVICES].settings
    app[PASSWORDS] = accounts.PasswordPool(settings.login_threads, settings.login_queue)

    async def close_pool(app: web.Application) -> None:
        app[PASSWORDS].close()

    app.on_cleanup.append(close_pool)
    app.router.add_get(f"{PATH}/login", login_page)
    app.router.add_post(f"{PATH}/login", login_post)
    app.router.add_post(f"{PATH}/logout", login_required(logout))


def _login_form(request: web.Request, status: int = 200, **values: Any) -> web.Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "dashboard/login.html", None, status=status, csrf=token, **values)
    set_cookie(request, response, LOGIN_COOKIE, token)
    return response


async def login_page(request: web.Request) -> web.StreamResponse:
    if current(request) is not None:
        raise web.HTTPSeeOther(PATH)
    return _login_form(request)


def _keys(address: str, username: str) -> tuple[str, str]:
    """login_failures keys for (address, username) and for the address: hashes, so neither a
    typed password in the username field nor an address is stored as typed."""
    pair = hashlib.sha256(f"{address}\n{username}".encode()).hexdigest()[:24]
    return f"login:p:{pair}", f"login:a:{address_key(address)}"


def _wait(count: int, free: int) -> int:
    return 0 if count < free else min(LONGEST_WAIT, FIRST_WAIT * 2 ** (count - free))


def _seconds_to_wait(db: Database, keys: tuple[str, str], now: int) -> int:
    """0 when a try is allowed now, else how long this address must still wait."""
    since = now - THROTTLE_WINDOW
    longest = 0
    for key, free in zip(keys, (FREE_FAILURES_PER_PAIR, FREE_FAILURES_PER_ADDRESS), strict=True):
        count, last = officials.failures_and_last(db, key, since)
        if last is not None:
            longest = max(longest, last + _wait(count, free) - now)
    return longest


def _subject(official: Official | None) -> str | None:
    return f"official:{official.id}" if official is not None else None


def _throttled(request: web.Request, username: str, wait: int) -> web.Response:
    minutes = max(1, -(-wait // 60))
    return _login_form(
        request, 429, error_key="dashboard.login_throttled", username=username, minutes=minutes
    )


async def login_post(request: web.Request) -> web.StreamResponse:
    db = request.app[SERVICES].db
    data = await request.post()
    token, cookie = data.get("csrf"), request.cookies.get(LOGIN_COOKIE, "")
    if (
        not _same_origin(request)
        or not isinstance(token, str)
        or not cookie
        or not hmac.compare_digest(token, cookie)
    ):
        return forbidden(request, "dashboard.csrf_failed")
    username = str(data.get("username", "")).strip().lower()[:MAX_FIELD]
    password = str(data.get("password", ""))[:MAX_FIELD]
    now = int(clock())
    address = client_address(request)
    keys = _keys(address, username)
    wait = _seconds_to_wait(db, keys, now)
    if wait > 0:
        return _throttled(request, username, wait)  # no password check at all
    try:
        official = await accounts.check_password(
            request.app[PASSWORDS], db, username, password, now
        )
    except accounts.Busy:
        return _login_form(request, 429, error_key="dashboard.login_busy", username=username)
    if official is None:
        known = officials.by_username(db, username)
        with db.atomic():
            officials.record_failure(db, keys[0], now)
            officials.record_failure(db, keys[1], now)
            officials.purge_failures(db, now - 24 * 3600)
            audit.record(db, now, "official.login_failed", subject=_subject(known))
            since = now - THROTTLE_WINDOW
            pair_count, _ = officials.failures_and_last(db, keys[0], since)
            address_count, _ = officials.failures_and_last(db, keys[1], since)
            if pair_count == FREE_FAILURES_PER_PAIR or address_count == FREE_FAILURES_PER_ADDRESS:
                # The notice: from now on this address waits (once, not for every try).
                audit.record(
                    db,
                    now,
                    "official.login_throttled",
                    subject=_subject(known) if pair_count == FREE_FAILURES_PER_PAIR else None,
                    address=keys[1].removeprefix("login:a:")[:8],
                    failures=max(pair_count, address_count),
                )
        wait = _seconds_to_wait(db, keys, now)
        if wait > 0:
            return _throttled(request, username, wait)
        return _login_form(request, 401, error_key="dashboard.login_failed", username=username)
    session_token = secrets.token_urlsafe(32)
    with db.atomic():
        officials.clear_failures(db, keys[0])
        officials.purge_sessions(db, now - SESSION_IDLE, now - SESSION_MAX)
        officials.create_session(
            db, _hash(session_token), official.id, secrets.token_urlsafe(24), now
        )
        officials.logged_in(db, official.id, now)
        audit.record(db, now, "official.login", subject=f"official:{official.id}")
    response = redirect(PATH)
    set_cookie(request, response, COOKIE, session_token)
    response.del_cookie(LOGIN_COOKIE, path=PATH)
    return response


async def logout(request: web.Request, auth: Auth) -> web.StreamResponse:
    if await checked_form(request, auth) is None:
        return forbidden(request, "dashboard.csrf_failed")
    db = request.app[SERVICES].db
    with db.atomic():
        officials.end_session(db, auth.token_hash)
        audit.record(
            db, int(time.time()), "official.logout", subject=f"official:{auth.official.id}"
        )
    response = redirect(f"{PATH}/login")
    response.del_cookie(COOKIE, path=PATH)
    return response
