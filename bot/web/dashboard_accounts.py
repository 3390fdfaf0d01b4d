"""Dashboard pages for the commune admin: one official's account — deactivate (every session
ends), activate again (no old session comes back), a new password (made in the password pool,
off the event loop). CSRF-checked and audited like every other form."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from bot import officials as accounts
from bot.store import officials
from bot.store.officials import Official
from bot.web.dashboard_auth import PASSWORDS, PATH, Auth, admin_required, checked_form, forbidden
from bot.web.dashboard_ui import render
from bot.web.keys import SERVICES


def setup(app: web.Application) -> None:
    oid = "{oid:\\d{1,9}}"
    app.router.add_get(f"{PATH}/officials/{oid}", admin_required(official_page))
    app.router.add_post(f"{PATH}/officials/{oid}/active", admin_required(official_active_post))
    app.router.add_post(f"{PATH}/officials/{oid}/password", admin_required(official_password_post))


def _csrf_failed(request: web.Request) -> web.Response:
    return forbidden(request, "dashboard.csrf_failed")


def _official_view(
    request: web.Request, auth: Auth, target: Official, status: int = 200, **values: Any
) -> web.Response:
    return render(
        request,
        "dashboard/official.html",
        auth,
        status=status,
        target=target,
        min_len=accounts.MIN_PASSWORD,
        max_len=accounts.MAX_PASSWORD,
        **values,
    )


def _official_or_404(request: web.Request) -> Official:
    found = officials.get(request.app[SERVICES].db, int(request.match_info["oid"]))
    if found is None:
        raise web.HTTPNotFound()
    return found


async def official_page(request: web.Request, auth: Auth) -> web.StreamResponse:
    return _official_view(request, auth, _official_or_404(request))


async def official_active_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    target = _official_or_404(request)
    form = await checked_form(request, auth)
    if form is None:
        return _csrf_failed(request)
    if target.id == auth.official.id or form.get("active") not in ("0", "1"):
        return _official_view(request, auth, target, 400, problem="dashboard.official_not_self")
    db = request.app[SERVICES].db
    active = form["active"] == "1"
    accounts.set_active(db, target.id, active, int(time.time()), f"official:{auth.official.id}")
    done = "dashboard.official_activated" if active else "dashboard.official_deactivated"
    return _official_view(request, auth, _official_or_404(request), done=done)


async def official_password_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    target = _official_or_404(request)
    form = await checked_form(request, auth)
    if form is None:
        return _csrf_failed(request)
    if target.id == auth.official.id:
        return _official_view(request, auth, target, 400, problem="dashboard.official_not_self")
    password = form.get("password", "")
    if password != form.get("password_again", ""):
        return _official_view(
            request, auth, target, 400, problem="dashboard.official_password_mismatch"
        )
    if accounts.password_problem(password) is not None:
        return _official_view(request, auth, target, 400, problem="dashboard.official_bad_password")
    db = request.app[SERVICES].db
    actor = f"official:{auth.official.id}"
    try:
        new_hash = await request.app[PASSWORDS].run(accounts.hash_password, password)
    except accounts.Busy:
        return _official_view(request, auth, target, 429, problem="dashboard.login_busy")
    accounts.store_password(db, target.id, new_hash, int(time.time()), actor)
    return _official_view(request, auth, target, done="dashboard.official_password_set")
