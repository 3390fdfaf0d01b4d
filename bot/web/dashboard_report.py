"""Dashboard pages that feed the Word report: the sections the commune writes (kết quả, khó khăn
vướng mắc, đề xuất kiến nghị, nhiệm vụ quý tới), the signer and the report's date, kept per
period and scope; and the official VNeID figures the commune receives, per village, dated and
sourced. Bad input is answered politely and nothing is saved."""

from __future__ import annotations

import time
from datetime import date

from aiohttp import web

from bot.store import audit, official_figures, report_sections, units
from bot.store.report_sections import MAX_SIGNER, MAX_TEXT, Sections
from bot.web.dashboard_auth import (
    PATH,
    Auth,
    admin_required,
    checked_form,
    forbidden,
    login_required,
)
from bot.web.dashboard_ui import redirect, render
from bot.web.keys import SERVICES

MAX_SOURCE = 120
MAX_FIGURE = 10_000_000


def setup(app: web.Application) -> None:
    app.router.add_get(f"{PATH}/report", login_required(sections_page))
    app.router.add_post(f"{PATH}/report", login_required(sections_post))
    app.router.add_get(f"{PATH}/official", admin_required(official_page))
    app.router.add_post(f"{PATH}/official", admin_required(official_post))


def _scope(request: web.Request, auth: Auth, values: dict[str, str]) -> tuple[bool, int | None]:
    """(allowed, the unit the page is for; None: the whole commune). A village official may
    only write their own village's report."""
    text = values.get("unit", "")
    unit_id = int(text) if text.isdigit() else None
    if text and unit_id is None:
        return False, None
    if not auth.official.is_admin:
        if unit_id is not None and unit_id != auth.official.unit_id:
            return False, None
        unit_id = auth.official.unit_id
    if unit_id is not None:
        unit = units.get(request.app[SERVICES].db, unit_id)
        if unit is None or unit.kind != "village":
            return False, None
    return True, unit_id


def _period_key(values: dict[str, str]) -> str | None:
    from bot.reports.periods import parse

    try:
        return parse(values.get("period", "")).key
    except ValueError:
        return None


def _sections_view(
    request: web.Request,
    auth: Auth,
    period: str,
    unit_id: int | None,
    sections: Sections,
    *,
    status: int = 200,
    problem: str | None = None,
    saved: bool = False,
) -> web.Response:
    services = request.app[SERVICES]
    unit = units.get(services.db, unit_id) if unit_id is not None else None
    default = services.settings.report_signer_name if unit_id is None else None
    signer = sections.signer or default or ""
    return render(
        request,
        "dashboard/report_form.html",
        auth,
        status=status,
        period=period,
        unit=unit,
        sections=sections,
        signer=signer,
        problem=problem,
        saved=saved,
        limit=MAX_TEXT,
    )


async def sections_page(request: web.Request, auth: Auth) -> web.StreamResponse:
    values = dict(request.query)
    allowed, unit_id = _scope(request, auth, values)
    period = _period_key(values)
    if not allowed:
        return forbidden(request)
    if period is None:
        return forbidden(request, "dashboard.bad_period")
    sections = report_sections.get(request.app[SERVICES].db, period, unit_id)
    return _sections_view(request, auth, period, unit_id, sections)


async def sections_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    form = await checked_form(request, auth)
    if form is None:
        return forbidden(request, "dashboard.csrf_failed")
    allowed, unit_id = _scope(request, auth, form)
    period = _period_key(form)
    if not allowed:
        return forbidden(request)
    if period is None:
        return forbidden(request, "dashboard.bad_period")
    texts = {f: form.get(f, "").replace("\r\n", "\n").strip() for f in report_sections.FIELDS}
    signer = " ".join(form.get("signer", "").split())
    day_text = form.get("report_date", "").strip()
    problem = None
    day: date | None = None
    if any(len(v) > MAX_TEXT for v in texts.values()) or len(signer) > MAX_SIGNER:
        problem = "report_form_too_long"
    elif day_text:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            problem = "report_form_bad_date"
    sections = Sections(**texts, signer=signer, report_date=day)
    if problem:
        return _sections_view(request, auth, period, unit_id, sections, status=400, problem=problem)
    db = request.app[SERVICES].db
    now = int(time.time())
    with db.atomic():
        report_sections.save(db, period, unit_id, sections, now, f"official:{auth.official.id}")
        audit.record(
            db,
            now,
            "report.sections",
            subject=f"official:{auth.official.id}",
            period=period,
            unit_id=unit_id,
        )
    return _sections_view(request, auth, period, unit_id, sections, saved=True)


# -- official figures -----------------------------------------------------------------------------


def _official_view(
    request: web.Request,
    auth: Auth,
    *,
    status: int = 200,
    problem: str | None = None,
    form: dict[str, str] | None = None,
) -> web.Response:
    db = request.app[SERVICES].db
    villages = units.villages(db)
    standing = official_figures.latest(db, "vneid2", "9999-12-31")
    return render(
        request,
        "dashboard/official_figures.html",
        auth,
        status=status,
        villages=villages,
        standing=standing,
        problem=problem,
        form=form or {},
        day=lambda text: date.fromisoformat(text).strftime("%d/%m/%Y"),
    )


async def official_page(request: web.Request, auth: Auth) -> web.StreamResponse:
    return _official_view(request, auth)


async def official_post(request: web.Request, auth: Auth) -> web.StreamResponse:
    """One date and source for the figures of any villages filled in (blank: not given)."""
    form = await checked_form(request, auth)
    if form is None:
        return forbidden(request, "dashboard.csrf_failed")
    db = request.app[SERVICES].db
    source = " ".join(form.get("source", "").split())
    try:
        as_of = date.fromisoformat(form.get("as_of", "").strip())
    except ValueError:
        return _official_view(request, auth, status=400, problem="official_bad_date", form=form)
    if not source or len(source) > MAX_SOURCE:
        return _official_view(request, auth, status=400, problem="official_bad_source", form=form)
    values: dict[int, int] = {}
    for village in units.villages(db):
        text = form.get(f"v{village.id}", "").strip().replace(".", "").replace(" ", "")
        if not text:
            continue
        if not text.isdigit() or int(text) > MAX_FIGURE:
            return _official_view(
                request, auth, status=400, problem="official_bad_number", form=form
            )
        values[village.id] = int(text)
    if not values:
        return _official_view(request, auth, status=400, problem="official_none", form=form)
    now = int(time.time())
    actor = f"official:{auth.official.id}"
    with db.atomic():
        for unit_id, value in values.items():
            official_figures.add(
                db, unit_id, "vneid2", value, as_of.isoformat(), source, now, actor
            )
        audit.record(
            db, now, "official.figures", subject=actor, as_of=as_of.isoformat(), count=len(values)
        )
    return redirect(f"{PATH}/official")
