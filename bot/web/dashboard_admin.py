"""Dashboard pages for the commune admin: import villages, compose broadcasts, read the audit
log, manage officials' roles; and for every official: a one-time code to link their chat.

Every change is audited; every form is CSRF-checked (dashboard_auth.checked_form).
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from bot import broadcasts
from bot import officials as accounts
from bot.reports.sentences import gap_text
from bot.reports.service import commune_name
from bot.store import audit, officials, units
from bot.units import import_file
from bot.web import dashboard_accounts
from bot.web.dashboard_auth import (
    PATH,
    Auth,
    admin_required,
    checked_form,
    forbidden,
    login_required,
)
from bot.web.dashboard_ui import number, redirect, render
from bot.web.keys import SERVICES

MAX_UPLOAD = 2 * 1024 * 1024
AUDIT_SHOWN = 300
gap_line = gap_text


def setup(app: web.Application) -> None:
    app.router.add_get(f"{PATH}/import", admin_required(import_page))
    app.router.add_post(f"{PATH}/import", admin_required(import_post))
    app.router.add_get(f"{PATH}/broadcasts", admin_required(broadcasts_page))
    app.router.add_post(f"{PATH}/broadcasts", admin_required(broadcasts_post))
    app.router.add_post(f"{PATH}/broadcasts/{{bid:\\d+}}/cancel", admin_required(cancel_post))
    app.router.add_get(f"{PATH}/audit", admin_required(audit_page))
    app.router.add_get(f"{PATH}/officials", admin_required(officials_page))
    app.router.add_post(f"{PATH}/officials", admin_required(officials_post))
    dashboard_accounts.setup(app)
    app.router.add_get(f"{PATH}/account", login_required(account_page))
    app.router.add_post(f"{PATH}/account", login_required(account_post))


def _csrf_failed(request: web.Request) -> web.Response:
    return forbidden(request, "dashboard.csrf_failed")


# -- import villages --------------------------------------------------------------------------


async def import_page(request: web.Request, auth: Auth) -> web.StreamResponse:
    return render(request, "dashboard/import.html", auth, messages=[], ok=None)


async def import_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    """Multipart upload, read in a stream with a size cap; all rows or none (bot.units)."""
    services = request.app[SERVICES]
    reader = await request.multipart()
    csrf, name, content = "", "", b""
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "csrf":
            csrf = (await part.read(decode=True)).decode("utf-8", "replace")[:200]
        elif part.name == "file":
            name = Path(part.filename or "").name
            chunks = bytearray()
            while chunk := await part.read_chunk():
                chunks += chunk
                if len(chunks) > MAX_UPLOAD:
                    return render(
                        request,
                        "dashboard/import.html",
                        auth,
                        status=413,
                        ok=False,
                        messages=[services.texts.render("dashboard.import_too_big")],
                    )
            content = bytes(chunks)
    if not csrf or csrf != auth.csrf:
        return _csrf_failed(request)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix if suffix in ('.csv', '.xlsx') else '.bin'}"
        path.write_bytes(content)
        groups = {g.id: g.name for g in services.curriculum.groups}
        result = import_file(services.db, path, services.texts, commune_name(services), groups)
    with services.db.atomic():
        audit.record(
            services.db,
            int(time.time()),
            "units.imported" if result.ok else "units.import_failed",
            subject=f"official:{auth.official.id}",
            rows=len(result.messages),
        )
    status = 200 if result.ok else 400
    return render(
        request,
        "dashboard/import.html",
        auth,
        status=status,
        ok=result.ok,
        messages=result.messages,
    )


# -- broadcasts -------------------------------------------------------------------------------


def _target(form: dict[str, str], multi: dict[str, list[str]]) -> broadcasts.Target | None:
    kind = form.get("kind", "all")
    try:
        if kind == "villages":
            found = [number(v) for v in multi.get("unit_ids", [])]
            ids = tuple(i for i in found if i is not None)
            ok = ids and len(ids) == len(found)
            return broadcasts.Target("villages", unit_ids=ids) if ok else None
        if kind == "groups":
            groups = tuple(multi.get("groups", []))
            return broadcasts.Target("groups", groups=groups) if groups else None
        if kind == "inactive":
            days = number(form.get("inactive_days", "")) or 0
            return broadcasts.Target("inactive", inactive_days=days) if 1 <= days <= 365 else None
        if kind in ("all", "not_core"):
            return broadcasts.Target(kind)  # type: ignore[arg-type]
    except ValueError:
        return None
    return None


def _send_at(request: web.Request, form: dict[str, str], now: int) -> int | None:
    text = f"{form.get('date', '')} {form.get('time', '')}".strip()
    if not form.get("date"):
        return now
    try:
        moment = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    send_at = int(moment.replace(tzinfo=request.app[SERVICES].engine.tz).timestamp())
    return send_at if send_at >= now - 60 else None


def _broadcasts_view(
    request: web.Request, auth: Auth, status: int = 200, **values: Any
) -> web.Response:
    services = request.app[SERVICES]
    items = [
        (b, broadcasts.tally(services.db, b.id)) for b in broadcasts.list_broadcasts(services.db)
    ]
    tz = services.engine.tz
    return render(
        request,
        "dashboard/broadcasts.html",
        auth,
        status=status,
        items=items,
        when=lambda ts: datetime.fromtimestamp(ts, tz).strftime("%H:%M %d/%m/%Y"),
        villages=units.villages(services.db),
        groups=services.curriculum.groups,
        lessons=list(services.curriculum.lessons.values()),
        form=values.pop("form", {}),
        **values,
    )


async def broadcasts_page(request: web.Request, auth: Auth) -> web.StreamResponse:
    return _broadcasts_view(request, auth)


async def broadcasts_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    form = await checked_form(request, auth)
    if form is None:
        return _csrf_failed(request)
    data = await request.post()
    multi = {key: [str(v) for v in data.getall(key, [])] for key in ("unit_ids", "groups")}
    services = request.app[SERVICES]
    now = int(time.time())
    target = _target(form, multi)
    text = form.get("text", "").strip()
    send_at = _send_at(request, form, now)
    lesson = form.get("lesson") or None
    name = form.get("name", "").strip()[:120]
    problems = []
    if target is None:
        problems.append("dashboard.bc_bad_target")
    if not 0 < len(text) <= broadcasts.MAX_TEXT:
        problems.append("dashboard.bc_bad_text")
    if send_at is None:
        problems.append("dashboard.bc_bad_time")
    if lesson is not None and lesson not in services.curriculum.lessons:
        problems.append("dashboard.bc_bad_lesson")
    if not name:
        problems.append("dashboard.bc_bad_name")
    view: dict[str, Any] = {"form": {**form, **multi}}
    if problems or target is None or send_at is None:
        return _broadcasts_view(request, auth, 400, problems=problems, **view)
    count = broadcasts.count_recipients(services.db, target, now)
    if form.get("confirm") != str(count):
        # First the preview: how many people it will reach; sending needs a second press.
        return _broadcasts_view(request, auth, preview=count, **view)
    with services.db.atomic():
        broadcast_id = broadcasts.create(
            services.db,
            name=name,
            target=target,
            send_at=send_at,
            now=now,
            message_text=text,
            lesson_id=lesson,
            created_by=f"official:{auth.official.id}",
        )
        audit.record(
            services.db,
            now,
            "broadcast.created",
            subject=f"broadcast:{broadcast_id}",
            official=auth.official.id,
            recipients=count,
            target=target.to_dict(),
        )
    return redirect(f"{PATH}/broadcasts")


async def cancel_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    if await checked_form(request, auth) is None:
        return _csrf_failed(request)
    services = request.app[SERVICES]
    broadcast_id = number(request.match_info["bid"])
    if broadcast_id is None:
        raise web.HTTPNotFound()
    now = int(time.time())
    if broadcasts.cancel(services.db, broadcast_id, now):
        with services.db.atomic():
            audit.record(
                services.db,
                now,
                "broadcast.cancelled",
                subject=f"broadcast:{broadcast_id}",
                official=auth.official.id,
            )
    return redirect(f"{PATH}/broadcasts")


# -- audit log --------------------------------------------------------------------------------


async def audit_page(request: web.Request, auth: Auth) -> web.StreamResponse:
    services = request.app[SERVICES]
    tz = services.engine.tz
    entries = audit.entries(services.db)[-AUDIT_SHOWN:][::-1]
    wanted = request.query.get("action", "")
    if wanted:
        entries = [e for e in entries if e["action"].startswith(wanted)]
    return render(
        request,
        "dashboard/audit.html",
        auth,
        entries=entries,
        wanted=wanted,
        when=lambda ts: datetime.fromtimestamp(ts, tz).strftime("%H:%M:%S %d/%m/%Y"),
    )


# -- officials and chat links -----------------------------------------------------------------


def _officials_view(
    request: web.Request, auth: Auth, status: int = 200, **values: Any
) -> web.Response:
    db = request.app[SERVICES].db
    villages = units.villages(db)
    return render(
        request,
        "dashboard/officials.html",
        auth,
        status=status,
        items=officials.all_officials(db),
        villages=villages,
        village_names={v.id: v.name for v in villages},
        **values,
    )


async def officials_page(request: web.Request, auth: Auth) -> web.StreamResponse:
    return _officials_view(request, auth)


async def officials_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    form = await checked_form(request, auth)
    if form is None:
        return _csrf_failed(request)
    db = request.app[SERVICES].db
    official_id = number(form.get("official_id"))
    target = officials.get(db, official_id) if official_id is not None else None
    role = form.get("role", "")
    unit_id = number(form.get("unit_id")) if role == "village" else None
    if target is None or target.id == auth.official.id:
        return _officials_view(request, auth, 400, problem="dashboard.officials_bad")
    try:
        accounts.change_role(
            db, target.id, role, unit_id, int(time.time()), actor=f"official:{auth.official.id}"
        )
    except ValueError as error:
        problem = "not_village" if str(error) == "unit" else "bad"
        return _officials_view(request, auth, 400, problem=f"dashboard.officials_{problem}")
    return redirect(f"{PATH}/officials")


async def account_page(request: web.Request, auth: Auth) -> web.StreamResponse:
    return render(request, "dashboard/account.html", auth, code=None)


async def account_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    if await checked_form(request, auth) is None:
        return _csrf_failed(request)
    db = request.app[SERVICES].db
    code = accounts.new_link_code(
        db, auth.official.id, int(time.time()), f"official:{auth.official.id}"
    )
    return render(request, "dashboard/account.html", auth, code=code)
