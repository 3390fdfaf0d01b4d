"""Report periods: a year ("2026"), a quarter ("2026-Q1") or a month ("2026-03"), in Vietnam dates.

Every period is whole months, so "active in the period" can be counted once per person per
period (report_active) and added up by village without counting anyone twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.engine.texts import Texts

ROMAN = ("I", "II", "III", "IV")
_PATTERN = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


@dataclass(frozen=True)
class Period:
    key: str
    kind: str  # year | quarter | month
    year: int
    number: int  # quarter 1-4, month 1-12, 0 for a year
    start: date
    end: date  # first day after the period

    @property
    def start_day(self) -> str:
        return self.start.isoformat()

    @property
    def end_day(self) -> str:
        return self.end.isoformat()

    @property
    def start_month(self) -> str:
        return self.start_day[:7]

    @property
    def end_month(self) -> str:
        return self.end_day[:7]

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def last_month(self) -> int:
        return self.last_day.month

    def label(self, texts: Texts) -> str:
        if self.kind == "quarter":
            return texts.render(
                "report.period_quarter", roman=ROMAN[self.number - 1], year=self.year
            )
        if self.kind == "month":
            return texts.render("report.period_month", month=self.number, year=self.year)
        return texts.render("report.period_year", year=self.year)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def parse(text: str) -> Period:
    """ "2026", "2026-Q1" or "2026-03"; ValueError for anything else."""
    match = _PATTERN.match(text.strip().upper())
    if not match:
        raise ValueError(text)
    year, part = int(match.group(1)), match.group(2)
    if not 2000 <= year <= 2100:
        raise ValueError(text)
    if part is None:
        return Period(str(year), "year", year, 0, date(year, 1, 1), date(year + 1, 1, 1))
    if part.startswith("Q"):
        quarter = int(part[1])
        first = 3 * quarter - 2
        return Period(
            f"{year}-Q{quarter}",
            "quarter",
            year,
            quarter,
            _month_start(year, first),
            _month_start(year, first + 3),
        )
    month = int(part)
    if not 1 <= month <= 12:
        raise ValueError(text)
    return Period(
        f"{year}-{month:02d}",
        "month",
        year,
        month,
        _month_start(year, month),
        _month_start(year, month + 1),
    )


def quarter_of(day: date) -> Period:
    return parse(f"{day.year}-Q{(day.month + 2) // 3}")


def local_today(now: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(now, tz).date()


def choices(today: date) -> list[Period]:
    """What the period filter offers: this year and last, their quarters so far, recent months."""
    found: list[Period] = []
    for year in (today.year, today.year - 1):
        found.append(parse(str(year)))
        found += [
            parse(f"{year}-Q{q}") for q in range(4, 0, -1) if parse(f"{year}-Q{q}").start <= today
        ]
    months = []
    first = date(today.year, today.month, 1)
    for back in range(6):
        start = _month_start(first.year, first.month - back)
        months.append(parse(f"{start.year}-{start.month:02d}"))
    return found + months
