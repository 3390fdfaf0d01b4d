"""Building reports and their files from the running services (settings, texts, curriculum)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.reports import exports, model
from bot.reports.columns import group_table as group_rows
from bot.reports.columns import learner_columns, learner_table, line_table, village_table
from bot.reports.periods import Period, local_today
from bot.reports.targets import Targets, TargetsError, pick
from bot.reports.wording import report_texts
from bot.store import reports as queries
from bot.store import units
from lessons.text import fold

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv", "docx")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class File:
    name: str
    content_type: str
    body: bytes


def commune_name(services: Services) -> str:
    commune = units.commune(services.db)
    return commune.name if commune else services.engine.commune_name


def targets_for(services: Services, year: int) -> Targets | None:
    try:
        return pick(services.settings.content_dir / "targets", commune_name(services), year)
    except TargetsError as problem:
        log.error("targets file is wrong", extra={"problem": str(problem)})
        return None


def build_report(
    services: Services,
    period: Period,
    *,
    unit_id: int | None = None,
    now: int | None = None,
    as_of: date | None = None,
) -> model.Report:
    """The report for `period`; its "as of" columns on `as_of` (default: the period's last day,
    or today while the period runs)."""
    today = local_today(int(time.time()) if now is None else now, services.engine.tz)
    return model.build(
        services.db,
        services.curriculum,
        commune=commune_name(services),
        period=period,
        today=today,
        targets=targets_for(services, period.year),
        unit_id=unit_id,
        as_of=as_of,
        webchat_kiosk=services.settings.webchat_kiosk,
    )


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split()) or "xa"


def _titles(services: Services, report: model.Report) -> dict[str, str]:
    texts = report_texts(services, report.targets)  # reports-docs: the commune's unit word
    values = {
        "scope": report.scope_name,
        "period": report.period.label(texts),
        "date": report.built_on.strftime("%d/%m/%Y"),
    }
    return {
        kind: texts.render(f"report.title_{kind}", **values)
        for kind in ("villages", "groups", "topics", "domains")
    }


def table_file(services: Services, report: model.Report, fmt: str) -> File:
    """The village table (with groups, topics and domains as more sheets in Excel)."""
    texts = report_texts(services, report.targets)  # reports-docs: the commune's unit word
    header, rows = village_table(report, texts)
    base = f"ket-qua-{slug(report.scope_name)}-{report.period.key}"
    if fmt == "csv":
        return File(f"{base}.csv", CONTENT_TYPES["csv"], exports.csv_bytes(header, rows))
    titles = _titles(services, report)
    sheets: list[exports.Sheet] = [
        (texts.render("report.sheet_villages"), titles["villages"], header, rows),
        (texts.render("report.sheet_groups"), titles["groups"], *group_rows(report, texts)),
        (texts.render("report.sheet_topics"), titles["topics"], *line_table(report.topics, texts)),
        (
            texts.render("report.sheet_domains"),
            titles["domains"],
            *line_table(report.domains, texts),
        ),
    ]
    return File(f"{base}.xlsx", CONTENT_TYPES["xlsx"], exports.xlsx(sheets))


def learners_file(
    services: Services, unit_id: int | None, fmt: str, now: int | None = None
) -> File:
    texts = services.texts
    groups = {g.id: g.name for g in services.curriculum.groups}
    columns = learner_columns(services.engine.tz, texts, groups)
    header, rows = learner_table(queries.learners(services.db, unit_id), columns, texts)
    unit = units.get(services.db, unit_id) if unit_id is not None else None
    scope = unit.name if unit else commune_name(services)
    base = f"nguoi-hoc-{slug(scope)}"
    if fmt == "csv":
        return File(f"{base}.csv", CONTENT_TYPES["csv"], exports.csv_bytes(header, rows))
    today = local_today(int(time.time()) if now is None else now, services.engine.tz)
    title = texts.render("report.title_learners", scope=scope, date=today.strftime("%d/%m/%Y"))
    sheet = (texts.render("report.sheet_learners"), title, header, rows)
    return File(f"{base}.xlsx", CONTENT_TYPES["xlsx"], exports.xlsx([sheet]))


def report_file(services: Services, report: model.Report, fmt: str) -> File:
    """`hocvuso report` and the dashboard's download buttons: docx, xlsx or csv."""
    if fmt == "docx":
        from bot.reports import word  # python-docx loads only when a report is asked for

        name = f"bao-cao-{slug(report.scope_name)}-{report.period.key}.docx"
        return File(name, CONTENT_TYPES["docx"], word.for_services(services, report))
    return table_file(services, report, fmt)
