"""The officials' dashboard: the village table against the targets, per group, topic and
competence domain, the weekly trend, charts, a period filter, drill-down to a village, and the
downloads (Excel, CSV, Word) built from the same report the page shows.

A commune admin sees every village; a village official sees only their own: any other village,
on the page or in a file, is answered with HTTP 403.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from aiohttp import web

from bot.reports import charts, official
from bot.reports.columns import VILLAGE_COLUMNS, Value, group_table, line_table, village_table
from bot.reports.model import Report
from bot.reports.periods import Period, choices, local_today, parse, quarter_of
from bot.reports.sentences import extra_lines
from bot.reports.service import FORMATS, build_report, commune_name, learners_file, report_file
from bot.reports.targets import belongs_to, problems
from bot.reports.wording import report_texts
from bot.store import audit, units
from bot.store import reports as queries
from bot.web import dashboard_admin, dashboard_auth, dashboard_questions, dashboard_report
from bot.web.dashboard_auth import PATH, Auth, forbidden, login_required
from bot.web.dashboard_ui import download, number, redirect, render
from bot.web.keys import SERVICES

LEARNERS_SHOWN = 200
# The village table's columns an official reads first (on a phone, each village's card); the
# full table is one click away.
KEY_COLUMNS = (
    "village",
    "adults",
    "registered",
    "registered_pct",
    "core_done",
    "core_pct",
    "core_of_target",
    "joined",
    "active",
)


def setup(app: web.Application) -> None:
    dashboard_auth.setup(app)
    app.router.add_get(PATH, login_required(overview))
    app.router.add_get(f"{PATH}/village/{{unit_id:\\d+}}", login_required(village))
    app.router.add_get(f"{PATH}/export/{{kind}}.{{fmt}}", login_required(export))
    dashboard_admin.setup(app)
    dashboard_questions.setup(app)
    dashboard_report.setup(app)


def _period(request: web.Request) -> Period | None:
    services = request.app[SERVICES]
    text = request.query.get("period")
    if not text:
        return quarter_of(local_today(int(time.time()), services.engine.tz))
    try:
        return parse(text)
    except ValueError:
        return None


def _as_of(request: web.Request) -> tuple[bool, date | None]:
    """The day asked for with ?as_of=2026-09-30 (None: the period's last day, or today while it
    runs); (False, None) for a date that is not one, or one still to come."""
    text = request.query.get("as_of", "").strip()
    if not text:
        return True, None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return False, None
    services = request.app[SERVICES]
    if len(text) != 10 or day > local_today(int(time.time()), services.engine.tz):
        return False, None
    return True, day


def _bad_as_of(request: web.Request) -> web.Response:
    return render(
        request, "dashboard/error.html", None, status=400, message_key="dashboard.bad_as_of"
    )


def _allowed(auth: Auth, unit_id: int | None) -> bool:
    """An admin sees everything; a village official only their own village (never the whole)."""
    return auth.official.is_admin or (unit_id is not None and unit_id == auth.official.unit_id)


def key_columns(header: list[str], rows: list[list[Value]]) -> tuple[list[str], list[list[Value]]]:
    keys = [c.key for c in VILLAGE_COLUMNS]
    picked = [keys.index(k) for k in KEY_COLUMNS if k in keys]
    return [header[i] for i in picked], [[row[i] for i in picked] for row in rows]


def _targets_problems(request: web.Request, auth: Auth) -> list[dict[str, str]]:
    """Broken targets files, for the commune's admins: this commune's (or the default) first."""
    if not auth.official.is_admin:
        return []
    services = request.app[SERVICES]
    found = problems(services.settings.content_dir / "targets")
    name = commune_name(services)
    found.sort(key=lambda p: not belongs_to(p, name))
    return [
        {"file": p.path.name if p.path else "", "problem": str(p).split(": ", 1)[-1]} for p in found
    ]


def _page(
    request: web.Request, auth: Auth, report: Report, template: str, as_of: date | None = None
) -> web.Response:
    services = request.app[SERVICES]
    texts = report_texts(services, report.targets)
    header, rows = village_table(report, texts)
    key_header, key_rows = key_columns(header, rows)
    official_lines, official_heading = official.lines_for(services, report, texts)
    points, top = charts.trend(report.weeks)
    today = local_today(int(time.time()), services.engine.tz)
    learners = []
    if report.scope_unit is not None:
        learners = queries.learners(services.db, report.scope_unit.id)
    return render(
        request,
        template,
        auth,
        texts=texts,
        report=report,
        key_header=key_header,
        key_rows=key_rows,
        targets_problems=_targets_problems(request, auth),
        official_lines=official_lines,
        official_heading=official_heading,
        period_label=report.period.label(texts),
        as_of_asked=as_of,
        report_lines=extra_lines(report, texts),
        periods=[(p.key, p.label(texts)) for p in choices(today)],
        village_header=header,
        village_rows=rows,
        village_ids=[r.key for r in report.villages],
        groups=group_table(report, texts),
        topics=line_table(report.topics, texts),
        domains=line_table(report.domains, texts),
        chart=charts.bars(report, texts),
        trend=points,
        trend_top=top,
        gaps=report.gaps,
        gap_texts=[dashboard_admin.gap_line(g, texts) for g in report.gaps],
        learners=learners[:LEARNERS_SHOWN],
        learners_total=len(learners),
        group_names={g.id: g.name for g in services.curriculum.groups},
        day=lambda ts: (
            datetime.fromtimestamp(ts, services.engine.tz).strftime("%d/%m/%Y") if ts else ""
        ),
    )


async def overview(request: web.Request, auth: Auth) -> web.StreamResponse:
    period = _period(request)
    if period is None:  # before any redirect: what goes into a Location header is checked
        return forbidden(request, "dashboard.bad_period")
    ok, as_of = _as_of(request)
    if not ok:
        return _bad_as_of(request)
    if not auth.official.is_admin:
        query = f"?period={period.key}" if "period" in request.query else ""
        if as_of is not None:
            query += f"{'&' if query else '?'}as_of={as_of.isoformat()}"
        return redirect(f"{PATH}/village/{auth.official.unit_id}{query}")
    report = build_report(request.app[SERVICES], period, as_of=as_of)
    return _page(request, auth, report, "dashboard/overview.html", as_of)


async def village(request: web.Request, auth: Auth) -> web.StreamResponse:
    unit_id = number(request.match_info["unit_id"])
    if unit_id is None:
        raise web.HTTPNotFound()
    if not _allowed(auth, unit_id):
        return forbidden(request)
    services = request.app[SERVICES]
    unit = units.get(services.db, unit_id)
    if unit is None or unit.kind != "village":
        raise web.HTTPNotFound()
    period = _period(request)
    if period is None:
        return forbidden(request, "dashboard.bad_period")
    ok, as_of = _as_of(request)
    if not ok:
        return _bad_as_of(request)
    report = build_report(services, period, unit_id=unit_id, as_of=as_of)
    return _page(request, auth, report, "dashboard/village.html", as_of)


async def export(request: web.Request, auth: Auth) -> web.StreamResponse:
    """/dashboard/export/{table|learners|report}.{xlsx|csv|docx}?period=&unit=&as_of="""
    kind, fmt = request.match_info["kind"], request.match_info["fmt"]
    if kind not in ("table", "learners", "report") or fmt not in FORMATS:
        raise web.HTTPNotFound()
    if fmt == "docx" and kind != "report":
        raise web.HTTPNotFound()
    unit_text = request.query.get("unit", "")
    unit_id = number(unit_text)
    if unit_text and unit_id is None:
        raise web.HTTPNotFound()
    if not auth.official.is_admin and unit_id is None:
        unit_id = auth.official.unit_id
    if not _allowed(auth, unit_id):
        return forbidden(request)
    services = request.app[SERVICES]
    if unit_id is not None and units.get(services.db, unit_id) is None:
        raise web.HTTPNotFound()
    period = _period(request)
    if period is None:
        return forbidden(request, "dashboard.bad_period")
    ok, as_of = _as_of(request)
    if not ok:
        return _bad_as_of(request)
    if kind == "learners":
        file = learners_file(services, unit_id, fmt)
    else:
        report = build_report(services, period, unit_id=unit_id, as_of=as_of)
        file = report_file(services, report, fmt)
    with services.db.atomic():
        audit.record(
            services.db,
            int(time.time()),
            "report.exported",
            subject=f"official:{auth.official.id}",
            kind=kind,
            format=fmt,
            period=period.key,
            unit_id=unit_id,
            as_of=as_of.isoformat() if as_of else None,
        )
    return download(file.name, file.content_type, file.body)
