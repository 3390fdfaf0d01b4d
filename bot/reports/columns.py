"""The columns of each table, shared by the dashboard and the files: one list, so the Excel and
CSV files hold exactly the values the screen shows (percentages rounded once, here).

Headers are message keys in content/vi/messages/report.yaml (`report.col_<key>`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.engine.texts import Texts
from bot.reports.model import ASSESS, Line, Report, Row
from bot.store.reports import LearnerRow

Value = int | float | str | None


@dataclass(frozen=True)
class Column:
    key: str
    kind: str  # text | int | pct
    value: Callable[[Any], Value]

    def header(self, texts: Texts) -> str:
        return texts.render(f"report.col_{self.key}")


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _name(row: Row) -> str:
    return row.name


def _assessed(when: str, question: str) -> Callable[[Row], Value]:
    def value(row: Row) -> Value:
        answers: dict[str, int] = getattr(row, when)
        return answers[question]

    return value


VILLAGE_COLUMNS: tuple[Column, ...] = (
    Column("village", "text", _name),
    Column("adults", "int", lambda r: r.adults),
    Column("registered", "int", lambda r: r.registered),
    Column("assisted", "int", lambda r: r.assisted),
    Column("registered_pct", "pct", lambda r: _pct(r.registered_pct)),
    Column("joined", "int", lambda r: r.joined),
    Column("active", "int", lambda r: r.active),
    Column("core_done", "int", lambda r: r.core_done),
    Column("core_pct", "pct", lambda r: _pct(r.core_pct)),
    Column("core_of_target", "pct", lambda r: _pct(r.core_of_target)),
    Column("core_in_period", "int", lambda r: r.core_in_period),
    Column("passed", "int", lambda r: r.passed),
    Column("assisted_passed", "int", lambda r: r.assisted_passed),
    *(
        Column(f"{when}_{q}", "int", _assessed(when, q))
        for q in ASSESS
        for when in ("baseline", "now")
    ),
    Column("mentors", "int", lambda r: r.mentors),
    Column("mentored", "int", lambda r: r.mentored),
    Column("mentors_at_target", "int", lambda r: r.mentors_at_target),
    Column("hh_covered", "int", lambda r: r.hh_covered),
    Column("households", "int", lambda r: r.households),
    # Added for issue 17 (the bases stated in model.py): adults 18+ and 60+ by birth year.
    Column("registered_adults", "int", lambda r: r.registered_adults),
    Column("core_adults", "int", lambda r: r.core_adults),
    Column("now_vneid2_adults", "int", lambda r: r.now_adults["vneid2"]),
    Column("vneid2_pct", "pct", lambda r: _pct(r.vneid2_pct)),
    Column("identity_16", "int", lambda r: r.identity_16),
    Column("ai_pct", "pct", lambda r: _pct(r.ai_pct)),
    Column("registered_60", "int", lambda r: r.registered_60),
    Column("core_60", "int", lambda r: r.core_60),
    Column("mentees", "int", lambda r: r.mentees),
    Column("mentors_trained", "int", lambda r: r.mentors_trained),
    Column("hh_pct", "pct", lambda r: _pct(r.hh_pct)),
)

GROUP_COLUMNS: tuple[Column, ...] = (
    Column("group", "text", _name),
    Column("registered", "int", lambda r: r.registered),
    Column("assisted", "int", lambda r: r.assisted),
    Column("joined", "int", lambda r: r.joined),
    Column("active", "int", lambda r: r.active),
    Column("core_done", "int", lambda r: r.core_done),
    Column("core_in_period", "int", lambda r: r.core_in_period),
    Column("passed", "int", lambda r: r.passed),
    Column("assisted_passed", "int", lambda r: r.assisted_passed),
    *(Column(f"now_{q}", "int", _assessed("now", q)) for q in ASSESS),
    Column("registered_adults", "int", lambda r: r.registered_adults),
    Column("core_adults", "int", lambda r: r.core_adults),
    Column("identity_16", "int", lambda r: r.identity_16),
    Column("ai_pct", "pct", lambda r: _pct(r.ai_pct)),
    # Groups with a population imported with the units (officials, students, workers, elderly).
    Column("group_population", "int", lambda r: r.group_population),
    Column("group_registered_pct", "pct", lambda r: _pct(r.group_registered_pct)),
    Column("group_core_pct", "pct", lambda r: _pct(r.group_core_pct)),
)

CHANNELS = frozenset({"telegram", "zalo", "webchat", "assisted", "console"})
# Registered people by age from the birth year (60+ is not the self-chosen "Người cao tuổi").
AGE_BANDS = ("under16", "16_17", "18_59", "60plus", "unknown")

LINE_COLUMNS: tuple[Column, ...] = (
    Column("name", "text", lambda line: line.name),
    Column("lessons", "int", lambda line: line.lessons),
    Column("passed", "int", lambda line: line.passed),
    Column("assisted_passed", "int", lambda line: line.assisted),
)


def learner_columns(tz: ZoneInfo, texts: Texts, group_names: dict[str, str]) -> list[Column]:
    def day(ts: int | None) -> str:
        return "" if not ts else datetime.fromtimestamp(ts, tz).strftime("%d/%m/%Y")

    def channel(name: str) -> str:
        return texts.render(f"report.channel_{name}") if name in CHANNELS else name

    def yes(flag: bool) -> str:
        return texts.render("report.yes") if flag else ""

    return [
        Column("learner", "text", lambda r: r.name),
        Column("village", "text", lambda r: r.village),
        Column("group", "text", lambda r: group_names.get(r.grp, "")),
        Column("birth_year", "int", lambda r: r.birth_year),
        Column("assisted_flag", "text", lambda r: yes(r.assisted)),
        Column("helper", "text", lambda r: r.helper),
        Column("joined_on", "text", lambda r: day(r.joined_at)),
        Column("lessons_passed", "int", lambda r: r.lessons_passed),
        Column("core_done_on", "text", lambda r: day(r.core_done_at)),
        Column("last_active_on", "text", lambda r: day(r.last_active_at)),
        Column("now_vneid2", "text", lambda r: yes(r.vneid2)),
        Column("now_epayment", "text", lambda r: yes(r.epayment)),
        Column("channel", "text", lambda r: channel(r.channel)),
    ]


def display_name(row: Row, texts: Texts, *, total: bool = False, group: bool = False) -> str:
    if total:
        return texts.render("report.total_row")
    if row.level == "commune":
        return texts.render("report.commune_row")
    if row.name:
        return row.name
    return texts.render("report.unknown_group" if group else "report.unknown_village")


def village_table(report: Report, texts: Texts) -> tuple[list[str], list[list[Value]]]:
    """Header and rows (villages, then the total) exactly as shown and exported."""
    rows = [_values(VILLAGE_COLUMNS, r, display_name(r, texts)) for r in report.villages]
    if report.scope_unit is None:
        rows.append(
            _values(VILLAGE_COLUMNS, report.total, display_name(report.total, texts, total=True))
        )
    return [c.header(texts) for c in VILLAGE_COLUMNS], rows


def group_table(report: Report, texts: Texts) -> tuple[list[str], list[list[Value]]]:
    rows = [_values(GROUP_COLUMNS, r, display_name(r, texts, group=True)) for r in report.groups]
    return [c.header(texts) for c in GROUP_COLUMNS], rows


def age_table(report: Report, texts: Texts) -> tuple[list[str], list[list[Value]]]:
    """Registered people by age band, per village and in total, as of the report's day."""
    header = [texts.render("report.col_village")]
    header += [texts.render(f"report.age_{band}") for band in AGE_BANDS]
    lines = [*report.villages, *([report.total] if report.scope_unit is None else [])]
    rows: list[list[Value]] = []
    for row in lines:
        name = display_name(row, texts, total=row is report.total)
        bands = row.age_bands
        rows.append([name, *(bands[band] for band in AGE_BANDS)])
    return header, rows


def line_table(lines: Sequence[Line], texts: Texts) -> tuple[list[str], list[list[Value]]]:
    return [c.header(texts) for c in LINE_COLUMNS], [
        [c.value(line) for c in LINE_COLUMNS] for line in lines
    ]


def learner_table(
    learners: Sequence[LearnerRow], columns: Sequence[Column], texts: Texts
) -> tuple[list[str], list[list[Value]]]:
    return [c.header(texts) for c in columns], [[c.value(r) for c in columns] for r in learners]


def _values(columns: Sequence[Column], row: Row, name: str) -> list[Value]:
    return [name, *(c.value(row) for c in columns[1:])]


def fmt(value: Value) -> str:
    """How the screen writes a value: 1.234 and 45,2 (Vietnamese separators); — for unknown."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return value
