"""The report as data: one build feeds the dashboard, the Excel/CSV files, the Word report and
/baocao, so what an official downloads is what the screen shows.

A scope is the whole commune (the admin) or one village (a village official). The "as of"
columns (registered, basic skills, self-assessment, Đại sứ số, households, the targets) are as
they stood at the end of the report's day `as_of` (the period's last day, or today while the
period runs, or any day asked for): a report for a past period gives the same numbers whenever
it is built. The period's own columns are "joined in the period" and "active in the period".

The rules (stated in the report's note, report.note_rules):
- Attribution: a person counts in the village and group they had on the day counted: the report's
  day for the "as of" columns, the day of the activity for the period's flows. Đại sứ số count in
  the village they serve.
- Percentages of adults: people aged 18+ by birth year in the report's year, over the adult
  population of villages whose population is known; villages without one are shown apart and left
  out of the total's percentages. "Mỗi công dân – Một danh tính số" counts people 16+ with VNeID
  mức 2 and a digital payment account.
- Distinct people: an erased person leaves the "as of" columns on the day they erase (their
  earlier days keep them), so one who erased and came back counts once.
- Web chat learners are left out unless the web chat is a kiosk at the commune centre
  (settings.webchat_kiosk); then they count as assisted there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from bot.reports.periods import Period
from bot.reports.targets import Target, Targets
from bot.store import reports as q
from bot.store import units
from lessons.model import Curriculum

ASSESS = q.ASSESS
TREND_WEEKS = 12
# Row counts that add up from villages to the commune.
SUMMED = (
    "registered",
    "registered_adults",
    "core_adults",
    "registered_16",
    "identity_16",
    "registered_60",
    "core_60",
    "birth_year_known",
    "webchat",
    "mentees",
    "mentors_trained",
    "hh_known",
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
    level: str = "village"  # village | commune (residents of the commune itself) | unknown
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
    mentors_at_target: int = 0  # mentors guiding at least MENTEE_TARGET people
    mentees: int = 0  # people guided by the mentors serving the village
    mentors_trained: int = 0  # mentors who finished the core track, AI included (Tổ CNS cộng đồng)
    hh_covered: int = 0
    hh_known: int = 0  # households the assistant knows (Gia đình số)
    registered_adults: int = 0  # registered people aged 18+ (birth year)
    core_adults: int = 0
    now_adults: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASSESS, 0))
    registered_16: int = 0  # registered people aged 16+
    identity_16: int = 0  # people 16+ with VNeID mức 2 and a digital payment account
    registered_60: int = 0  # registered people aged 60+ (birth year, not the chosen group)
    core_60: int = 0
    birth_year_known: int = 0
    webchat: int = 0  # web chat learners counted (only with a kiosk at the commune centre)
    core_target: float | None = None  # the core-skills target in percent, when set
    # Groups: the population imported for the group (villages that gave one), and of the people
    # in those villages, how many are registered / have basic skills (None: no population).
    group_population: int | None = None
    group_registered: int = 0
    group_core: int = 0
    # The total line: the villages whose adult population is known (its percentages' numerators).
    known: Row | None = None

    def share(self, count: int) -> float | None:
        """`count` as a percent of the adults, None when adults are unknown."""
        return None if not self.adults else 100.0 * count / self.adults

    @property
    def _base(self) -> Row:
        return self.known if self.known is not None else self

    @property
    def registered_pct(self) -> float | None:
        return self.share(self._base.registered_adults)

    @property
    def core_pct(self) -> float | None:
        return self.share(self._base.core_adults)

    @property
    def vneid2_pct(self) -> float | None:
        """VNeID mức 2 now among adults 18+."""
        return self.share(self._base.now_adults["vneid2"])

    @property
    def ai_pct(self) -> float | None:
        """Learners who can use at least one AI tool, of the people taking part (Dân Tiến, II.4)."""
        return None if not self.registered else 100.0 * self.now["ai_tool"] / self.registered

    @property
    def hh_pct(self) -> float | None:
        """Households with a member who has basic skills, of all households (Gia đình số)."""
        base = self._base
        return None if not self.households else 100.0 * base.hh_covered / self.households

    @property
    def group_registered_pct(self) -> float | None:
        """Registered people of the group, of its population (villages that gave one)."""
        if not self.group_population:
            return None
        return 100.0 * self.group_registered / self.group_population

    @property
    def group_core_pct(self) -> float | None:
        """People of the group with basic digital skills, of its population."""
        if not self.group_population:
            return None
        return 100.0 * self.group_core / self.group_population

    @property
    def age_bands(self) -> dict[str, int]:
        """Registered people by age from the birth year (the report's year)."""
        return {
            "under16": self.birth_year_known - self.registered_16,
            "16_17": self.registered_16 - self.registered_adults,
            "18_59": self.registered_adults - self.registered_60,
            "60plus": self.registered_60,
            "unknown": self.registered - self.birth_year_known,
        }

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
            self.now_adults[key] += other.now_adults[key]
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
    as_of: date  # the day the "as of" columns are about
    webchat_kiosk: bool
    targets: Targets | None
    villages: list[Row]
    total: Row
    groups: list[Row]
    topics: list[Line]
    domains: list[Line]
    weeks: list[Week]
    gaps: list[Gap]
    # Face-to-face learners whose mentor recorded the self-assessment with them (as of the day).
    assisted_assessed: int = 0
    # The yearly campaigns of the report's year up to its day (10/10): name, people reached.
    campaigns: list[tuple[str, int]] = field(default_factory=list)

    @property
    def unknown_population(self) -> list[Row]:
        """Villages shown apart: their adult population is not known, so no percentages."""
        return [r for r in self.villages if not r.adults]

    @property
    def scope_name(self) -> str:
        return self.scope_unit.name if self.scope_unit else self.commune

    def behind(self, count: int = BEHIND_SHOWN) -> list[Row]:
        """Villages furthest behind the core-skills target (or the lowest share of adults)."""
        known = [r for r in self.villages if r.key and r.core_pct is not None]
        return sorted(known, key=lambda r: (r.core_of_target or r.core_pct or 0.0, r.name))[:count]


def _fill(row: Row, hist: dict[str, int] | None, ev: dict[str, int] | None) -> Row:
    if hist:
        row.registered, row.assisted = hist["registered"], hist["assisted"]
        row.core_done, row.core_assisted = hist["core"], hist["core_assisted"]
        row.mentors, row.mentored = hist["mentors"], hist["mentored"]
        row.mentors_at_target, row.mentees = hist["mentors5"], hist["mentees"]
        row.mentors_trained = hist["mentors_core"]
        row.baseline = {k: hist[f"b_{k}"] for k in ASSESS}
        row.now = {k: hist[f"n_{k}"] for k in ASSESS}
        row.now_adults = {k: hist[f"n18_{k}"] for k in ASSESS}
        row.registered_adults, row.core_adults = hist["reg18"], hist["core18"]
        row.registered_16, row.identity_16 = hist["reg16"], hist["id16"]
        row.registered_60, row.core_60 = hist["reg60"], hist["core60"]
        row.birth_year_known = hist["by_known"]
    if ev:
        row.joined, row.core_in_period = ev["joined"], ev["core_done"]
        row.passed, row.assisted_passed = ev["passed"], ev["assisted_passed"]
    return row


def _flows(
    db: Database, by: q.By, period: Period, unit_id: int | None, kiosk: bool
) -> tuple[dict[Any, dict[str, int]], dict[Any, int]]:
    """The period's flows (joined, core done, passed; active), without web chat learners unless
    the web chat is a kiosk at the commune centre."""
    events = q.events(db, by, period.start_month, period.end_month, unit_id)
    active = q.active(db, by, period.key, unit_id)
    if kiosk:
        return events, active
    for key, values in q.events(
        db, by, period.start_month, period.end_month, unit_id, webchat_only=True
    ).items():
        mine = events.get(key)
        if mine is not None:
            events[key] = {name: mine[name] - values[name] for name in mine}
    for key, count in q.active(db, by, period.key, unit_id, webchat_only=True).items():
        if key in active:
            active[key] -= count
    return events, active


def _history(
    db: Database, by: q.By, day: str, unit_id: int | None, kiosk: bool
) -> dict[Any, dict[str, int]]:
    """The "as of" columns per village or group; web chat learners only with a kiosk, then as
    assisted (helped at the commune centre)."""
    found: dict[Any, dict[str, int]] = {}
    for (key, wc), values in q.as_of(db, by, day, unit_id).items():
        if wc and not kiosk:
            continue
        if wc:
            values = {
                **values,
                "assisted": values["registered"],
                "assisted18": values["reg18"],
                "core_assisted": values["core"],
                "webchat": values["registered"],
            }
        mine = found.setdefault(key, dict.fromkeys([*values, "webchat"], 0))
        for name, value in values.items():
            mine[name] += value
    return found


def _group_populations(
    db: Database, unit_id: int | None, day: str, kiosk: bool
) -> dict[str, tuple[int, int, int]]:
    """Group -> (population, registered, with basic skills), over the villages that imported a
    population for that group; web chat learners only with a kiosk."""
    reach = q.group_reach(db, day, unit_id)
    found: dict[str, list[int]] = {}
    for village, groups in units.group_populations(db, unit_id).items():
        for gid, population in groups.items():
            if population <= 0:
                continue
            mine = found.setdefault(gid, [0, 0, 0])
            mine[0] += population
            for wc in (0, 1) if kiosk else (0,):
                registered, core = reach.get((village, gid, wc), (0, 0))
                mine[1] += registered
                mine[2] += core
    return {gid: (p, r, c) for gid, (p, r, c) in found.items()}


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


def _passes(
    db: Database, period: Period, unit_id: int | None, kiosk: bool
) -> dict[str, tuple[int, int]]:
    """Lesson passes in the period, without web chat learners' unless the web chat is a kiosk."""
    passes = q.lessons(db, period.start_month, period.end_month, unit_id)
    if kiosk:
        return passes
    for lesson_id, (passed, assisted) in q.lessons(
        db, period.start_month, period.end_month, unit_id, webchat_only=True
    ).items():
        mine = passes.get(lesson_id, (0, 0))
        passes[lesson_id] = (mine[0] - passed, mine[1] - assisted)
    return passes


def _weeks(db: Database, end: date, unit_id: int | None, kiosk: bool = False) -> list[Week]:
    """The trend's weeks, without web chat learners unless the web chat is a kiosk."""
    last_monday = end - timedelta(days=end.weekday())
    first = last_monday - timedelta(weeks=TREND_WEEKS - 1)
    bounds = (first.isoformat(), (last_monday + timedelta(days=1)).isoformat())
    buckets = {first + timedelta(weeks=i): [0, 0, 0] for i in range(TREND_WEEKS)}
    for monday, joined, core, passed in q.weekly(db, *bounds, unit_id):
        buckets[date.fromisoformat(monday)] = [joined, core, passed]
    if not kiosk:
        for monday, joined, core, passed in q.weekly(db, *bounds, unit_id, webchat_only=True):
            bucket = buckets.setdefault(date.fromisoformat(monday), [0, 0, 0])
            bucket[:] = [bucket[0] - joined, bucket[1] - core, bucket[2] - passed]
    return [Week(start, *values) for start, values in buckets.items()]


def gaps(total: Row, targets: Targets | None) -> list[Gap]:
    """Each target against the total line. Percent targets of adults use the villages whose adult
    population is known; the AI target is of the people taking part (Dân Tiến's wording); the
    mentors' target is judged per mentor: achieved = mentors guiding at least 5 people."""
    if targets is None:
        return []
    base_row = total.known if total.known is not None else total
    found = []
    for key, target in targets.values.items():
        adults = total.adults or 0
        if key == "mentees_per_mentor":
            reached = total.mentors_at_target
            missing = total.mentors - reached
            met = total.mentors > 0 and missing == 0
            found.append(Gap(key, target, reached, total.mentors, missing, met))
            continue
        if key == "households_covered":
            base, count = total.households or 0, base_row.hh_covered
        elif key == "core_skills":
            base, count = adults, base_row.core_adults
        elif key == "ai_tool":
            base, count = total.registered, total.now["ai_tool"]
        else:
            base, count = adults, base_row.now_adults[key]
        if target.people is not None:
            count = total.core_done if key == "core_skills" else count
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
    as_of: date | None = None,
    webchat_kiosk: bool = False,
) -> Report:
    """Everything the report shows for `period`, for the commune or one village. The "as of"
    columns are on `as_of` (default: the period's last day, or today while it runs)."""
    scope_unit = units.get(db, unit_id) if unit_id is not None else None
    villages = [v for v in units.villages(db) if unit_id is None or v.id == unit_id]
    commune_unit = units.commune(db)
    core = targets.get("core_skills") if targets else None
    core_target = core.percent if core else None
    day = as_of or min(period.last_day, today)

    hist = _history(db, "unit", day.isoformat(), unit_id, webchat_kiosk)
    events, active = _flows(db, "unit", period, unit_id, webchat_kiosk)
    houses = q.households_as_of(db, day.isoformat(), unit_id)
    rows: list[Row] = []
    known = [(v.id, v.name, v.adult_population, v.households) for v in villages]
    listed = {v.id for v in villages}
    if unit_id is None and commune_unit is not None:
        # Residents whose unit is the commune itself (the commune centre, "Cấp xã").
        known.append((commune_unit.id, "", commune_unit.adult_population, commune_unit.households))
        listed.add(commune_unit.id)
    if unit_id is None and any(k not in listed for k in [*hist, *events, *active]):
        known.append((0, "", None, None))  # people whose village is not known (yet)
    for key, name, adults, households in known:
        row = _fill(Row(key, name), hist.get(key), events.get(key))
        if key == 0:
            row.level = "unknown"
        elif key not in {v.id for v in villages}:
            row.level = "commune"
        row.webchat = hist.get(key, {}).get("webchat", 0)
        row.adults, row.households, row.core_target = adults, households, core_target
        row.active = active.get(key, 0)
        house = houses.get(key, {})
        row.hh_covered, row.hh_known = house.get("covered", 0), house.get("known", 0)
        if key not in {v.id for v in villages} and not _anything(row):
            continue
        rows.append(row)
    if unit_id is None:
        # Anyone under a unit not listed (a removed village) goes to the unknown line.
        stray = [k for k in {*hist, *events, *active} if k and k not in listed]
        if stray:
            unknown = next((r for r in rows if r.key == 0), None)
            if unknown is None:
                unknown = Row(0, "", "unknown", core_target=core_target)
                rows.append(unknown)
            for k in stray:
                extra = _fill(Row(k, ""), hist.get(k), events.get(k))
                extra.active = active.get(k, 0)
                unknown.add(extra)
    total = Row(None, scope_unit.name if scope_unit else commune, core_target=core_target)
    known_rows = Row(None, "")
    for row in rows:
        total.add(row)
        if row.adults:
            known_rows.add(row)
    total.known = known_rows

    group_hist = _history(db, "group", day.isoformat(), unit_id, webchat_kiosk)
    group_events, group_active = _flows(db, "group", period, unit_id, webchat_kiosk)
    populations = _group_populations(db, unit_id, day.isoformat(), webchat_kiosk)
    groups = []
    for group in [*curriculum.groups, None]:
        gid = group.id if group else ""
        row = _fill(
            Row(gid, group.name if group else ""), group_hist.get(gid), group_events.get(gid)
        )
        row.active = group_active.get(gid, 0)
        if gid in populations:
            row.group_population, row.group_registered, row.group_core = populations[gid]
        if group is not None or _anything(row):
            groups.append(row)

    passes = _passes(db, period, unit_id, webchat_kiosk)
    end_ts = _vn_ts(day + timedelta(days=1))
    end = min(period.last_day, today)
    return Report(
        commune=commune,
        scope_unit=scope_unit,
        period=period,
        built_on=today,
        as_of=day,
        webchat_kiosk=webchat_kiosk,
        targets=targets,
        villages=rows,
        total=total,
        groups=groups,
        topics=_lines(curriculum, passes, "topic"),
        domains=_lines(curriculum, passes, "domain"),
        weeks=_weeks(db, end, unit_id, webchat_kiosk),
        gaps=gaps(total, targets),
        assisted_assessed=q.assisted_assessed(db, end_ts, unit_id),
        campaigns=q.campaign_reach(db, _vn_ts(date(day.year, 1, 1)), end_ts, unit_id),
    )


def _vn_ts(day: date) -> int:
    """Epoch seconds of 00:00 Vietnam time (UTC+7 all year) on `day`."""
    return (day - date(1970, 1, 1)).days * 86400 - 7 * 3600


def _anything(row: Row) -> bool:
    return bool(
        row.registered or row.core_done or row.joined or row.active or row.passed or row.mentors
    )
