"""Dashboard page: the questions residents asked that had no answer, most asked first, so the
commune writes the FAQ entries people need. A commune admin sees every village (or one, with
?unit=); a village official only their own village: any other is answered with HTTP 403."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.store import questions, units
from bot.web.dashboard_auth import PATH, Auth, forbidden, login_required
from bot.web.dashboard_ui import render
from bot.web.keys import SERVICES

SHOWN = 200


def setup(app: web.Application) -> None:
    app.router.add_get(f"{PATH}/questions", login_required(page))


async def page(request: web.Request, auth: Auth) -> web.StreamResponse:
    services = request.app[SERVICES]
    unit_text = request.query.get("unit", "")
    if unit_text and not unit_text.isdigit():
        raise web.HTTPBadRequest(text="unit")
    unit_id = int(unit_text) if unit_text else None
    if not auth.official.is_admin:
        if unit_id is not None and unit_id != auth.official.unit_id:
            return forbidden(request)
        unit_id = auth.official.unit_id
        if unit_id is None:  # a village official without a village sees nothing
            return forbidden(request)
    unit = units.get(services.db, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise web.HTTPNotFound()
    tz = services.engine.tz
    return render(
        request,
        "dashboard/questions.html",
        auth,
        rows=questions.top(services.db, unit_id, SHOWN),
        total=questions.total(services.db, unit_id),
        village=unit.name if unit else "",
        villages=units.villages(services.db) if auth.official.is_admin else [],
        unit_id=unit_id,
        day=lambda ts: datetime.fromtimestamp(ts, tz).strftime("%d/%m/%Y"),
    )
