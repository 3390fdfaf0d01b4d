"""The report as data: one build feeds the dashboard, the Excel/CSV files, the Word report and
/baocao, so what an official downloads is what the screen shows.

A scope is the whole commune (the admin) or one village (a village official). Counts "now" are
as of when the report is built; the period's own columns are "joined in the period" (registered
then) and "active in the period" (learned then), kept apart on purpose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from bot.reports.periods import Period
from bot.reports.targets import Target, Targets
from bot.store import mentors as mentor_figures
from bot.store import reports as q
from bot.store import units
from lessons.model import Curriculum

ASSESS = q.ASSESS
TREND_WEEKS = 12
# Row counts that add up from villages to the commune.
SUMMED = (
    "registered",
    "assisted",
    "joined",
    "active",
    "core_done",
    "core_assisted",
    "core_in_period",
    "passed",
    "assisted_passed",
    "mentors",
    "mentored",
    "mentors_at_target",
    "hh_covered",
)
BEHIND_SHOWN = 3


@dataclass
class Row:
    """One line of the village or group table."""

    key: Any  # unit id, group id, or None for the total line
    name: str
    adults: int | None = None
    households: int | None = None
    registered: int = 0
    assisted: int = 0
    joined: int = 0
    active: int = 0
    core_done: int = 0  # people with basic digital skills now, erased people's included
    core_assisted: int = 0
    core_in_period: int = 0
    passed: int = 0
    assisted_passed: int = 0
    baseline: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASSESS, 0))
    now: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASSESS, 0))
    mentors: int = 0
    mentored: int = 0
    mentors_at_target: int = 0  # mentors guiding at least MENTEE_TARGET people (store.mentors)
    hh_covered: int = 0
    core_target: float | None = None  # the core-skills target in percent, when set

    def share(self, count: int) -> float | None:
        """`count` as a percent of the adults, None when adults are unknown."""
        return None if not self.adults else 100.0 * count / self.adults

    @property
    def registered_pct(self) -> float | None:
        return self.share(self.registered)

    @property
    def core_pct(self) -> float | None:
        return self.share(self.core_done)

    @property
    def core_of_target(self) -> float | None:
        """How far along the core-skills target the village is, in percent of the target."""
        pct = self.core_pct
        if pct is None or not self.core_target:
            return None
        return 100.0 * pct / self.core_target

    def add(self, other: Row) -> None:
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key in ASSESS:
            self.baseline[key] += other.baseline[key]
            self.now[key] += other.now[key]
        for name in ("adults", "households"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if theirs is not None:
                setattr(self, name, (mine or 0) + theirs)


@dataclass(frozen=True)
class Line:
    """A topic or competence domain: lessons passed in the period (of which assisted)."""

    key: str
    name: str
    lessons: int
    passed: int
    assisted: int


@dataclass(frozen=True)
class Week:
    start: date
    joined: int
    core_done: int
    passed: int


@dataclass(frozen=True)
class Gap:
    """A target and where the scope stands against it."""

    key: str
    target: Target
    achieved: float  # percent, or people, or mentees per mentor
    needed: float  # the same unit as achieved
    missing_people: int  # people still to reach (0 when met)
    met: bool


@dataclass
class Report:
    commune: str
    scope_unit: units.Unit | None  # None: the whole commune
    period: Period
    built_on: date
    targets: Targets | None
    villages: list[Row]
    total: Row
    groups: list[Row]
    topics: list[Line]
    domains: list[Line]
    weeks: list[Week]
    gaps: list[Gap]

    @property
    def scope_name(self) -> str:
        return self.scope_unit.name if self.scope_unit else self.commune

    def behind(self, count: int = BEHIND_SHOWN) -> list[Row]:
        """Villages furthest behind the core-skills target (or the lowest share of adults)."""
        known = [r for r in self.villages if r.key and r.core_pct is not None]
        return sorted(known, key=lambda r: (r.core_of_target or r.core_pct or 0.0, r.name))[:count]


def _row(key: Any, name: str, tot: dict[str, int] | None, ev: dict[str, int] | None) -> Row:
    row = Row(key, name)
    if tot:
        row.registered, row.assisted = tot["registered"], tot["assisted"]
        row.core_done = tot["core_done"] + tot["core_erased"]
        row.core_assisted = tot["assisted_core"]
        row.mentors, row.mentored = tot["mentor"], tot["mentored"]
        row.baseline = {k: tot[f"b_{k}"] for k in ASSESS}
        row.now = {k: tot[f"n_{k}"] for k in ASSESS}
    if ev:
        row.joined, row.core_in_period = ev["joined"], ev["core_done"]
        row.passed, row.assisted_passed = ev["passed"], ev["assisted_passed"]
    return row


def _lines(curriculum: Curriculum, passes: dict[str, tuple[int, int]], key_of: str) -> list[Line]:
    names = (
        {t.id: t.title for t in curriculum.topics}
        if key_of == "topic"
        else {d.id: d.name for d in curriculum.domains}
    )
    result = []
    for key, name in names.items():
        ids = [
            lesson.id for lesson in curriculum.lessons.values() if getattr(lesson, key_of) == key
        ]
        result.append(
            Line(
                key,
                name,
                len(ids),
                sum(passes.get(i, (0, 0))[0] for i in ids),
                sum(passes.get(i, (0, 0))[1] for i in ids),
            )
        )
    return result


def _weeks(db: Database, end: date, unit_id: int | None) -> list[Week]:
    last_monday = end - timedelta(days=end.weekday())
    first = last_monday - timedelta(weeks=TREND_WEEKS - 1)
    weeks = q.weekly(db, first.isoformat(), (last_monday + timedelta(days=1)).isoformat(), unit_id)
    buckets = {first + timedelta(weeks=i): [0, 0, 0] for i in range(TREND_WEEKS)}
    for monday, joined, core, passed in weeks:
        buckets[date.fromisoformat(monday)] = [joined, core, passed]
    return [Week(start, *values) for start, values in buckets.items()]


def gaps(total: Row, targets: Targets | None) -> list[Gap]:
    if targets is None:
        return []
    found = []
    for key, target in targets.values.items():
        adults = total.adults or 0
        if key == "mentees_per_mentor":
            per = target.per_mentor or 0
            achieved = total.mentored / total.mentors if total.mentors else 0.0
            missing = max(0, per * total.mentors - total.mentored)
            found.append(Gap(key, target, achieved, per, missing, achieved >= per))
            continue
        if key == "households_covered":
            base = total.households or 0
            count = total.hh_covered
        elif key == "core_skills":
            base, count = adults, total.core_done
        else:
            base, count = adults, total.now[key]
        if target.people is not None:
            missing = max(0, target.people - count)
            found.append(Gap(key, target, count, target.people, missing, missing == 0))
            continue
        percent = target.percent or 0.0
        achieved = 100.0 * count / base if base else 0.0
        missing = max(0, math.ceil(percent * base / 100 - 1e-9) - count) if base else 0
        found.append(Gap(key, target, achieved, percent, missing, achieved >= percent))
    return found


def build(
    db: Database,
    curriculum: Curriculum,
    *,
    commune: str,
    period: Period,
    today: date,
    targets: Targets | None,
    unit_id: int | None = None,
) -> Report:
    """Everything the report shows for `period`, for the commune or one village."""
    scope_unit = units.get(db, unit_id) if unit_id is not None else None
    villages = [v for v in units.villages(db) if unit_id is None or v.id == unit_id]
    core = targets.get("core_skills") if targets else None
    core_target = core.percent if core else None

    totals = q.totals(db, "unit", unit_id)
    events = q.events(db, "unit", period.start_month, period.end_month, unit_id)
    active = q.active(db, "unit", period.key, unit_id)
    houses = q.households(db, unit_id)
    at_target = mentor_figures.mentees_per_village(db)
    rows: list[Row] = []
    known = [(v.id, v.name, v.adult_population, v.households) for v in villages]
    if unit_id is None and any(k not in {v.id for v in villages} for k in totals):
        known.append((0, "", None, None))  # people whose village is not known (yet)
    for key, name, adults, households in known:
        row = _row(key, name, totals.get(key), events.get(key))
        row.adults, row.households, row.core_target = adults, households, core_target
        row.active = active.get(key, 0)
        row.hh_covered = houses.get(key, {}).get("covered", 0)
        row.mentors_at_target = at_target.get(key, (0, 0))[1]
        if key != 0 or row.registered or row.core_done or row.joined or row.active:
            rows.append(row)
    total = Row(None, scope_unit.name if scope_unit else commune, core_target=core_target)
    for row in rows:
        total.add(row)

    group_totals = q.totals(db, "group", unit_id)
    group_events = q.events(db, "group", period.start_month, period.end_month, unit_id)
    group_active = q.active(db, "group", period.key, unit_id)
    groups = []
    for group in [*curriculum.groups, None]:
        gid = group.id if group else ""
        row = _row(gid, group.name if group else "", group_totals.get(gid), group_events.get(gid))
        row.active = group_active.get(gid, 0)
        if group is not None or row.registered or row.joined or row.active:
            groups.append(row)

    passes = q.lessons(db, period.start_month, period.end_month, unit_id)
    end = min(period.last_day, today)
    return Report(
        commune=commune,
        scope_unit=scope_unit,
        period=period,
        built_on=today,
        targets=targets,
        villages=rows,
        total=total,
        groups=groups,
        topics=_lines(curriculum, passes, "topic"),
        domains=_lines(curriculum, passes, "domain"),
        weeks=_weeks(db, end, unit_id),
        gaps=gaps(total, targets),
    )
