"""Issue 17's test: a population built through the engine over several periods with a controlled
clock (moves between villages, an erasure and a return, mentors serving another village, minors,
a commune-level resident, a web chat learner), then every column of the village table, in every
output (the service's report, the CSV, the xlsx, the dashboard's table), for several periods and
days, compared with values this test computes itself from the events it recorded."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import openpyxl

from bot.app import Services, web_app
from bot.engine.dispatcher import Engine
from bot.features import ROUTERS
from bot.reports.columns import VILLAGE_COLUMNS, fmt, village_table
from bot.reports.periods import Period, parse
from bot.reports.service import build_report, report_file
from bot.store import units
from tests.community_helpers import code_in, mentor_code, register
from tests.conftest import COMMUNE
from tests.factories import Clock, Conversation
from tests.learning_helpers import pass_lesson
from tests.test_reports import helpers as h

ASSESS = ("smartphone", "epayment", "vneid2", "ai_tool")
YES_NO = {"Có": True, "Chưa": False}


@dataclass(frozen=True)
class State:
    """What the test knows of one person (one registration: a return is a new one)."""

    village: int
    grp: str
    birth_year: int
    channel: str = "console"
    core: bool = False
    baseline: tuple[bool, ...] = (True, False, False, False)
    now: tuple[bool, ...] = (True, False, False, False)
    serves: int | None = None  # a mentor: the village served
    mentees: int = 0
    mentored: bool = False
    present: bool = True


@dataclass
class World:
    services: Services
    engine: Engine
    clock: Clock
    states: list[tuple[str, str, State]] = field(default_factory=list)  # (day, who, state)
    events: list[tuple[str, str, str, int, str, str]] = field(default_factory=list)
    # (kind: joined | core | passed | active, day, who, village, group, channel)
    passed: set[tuple[str, str]] = field(default_factory=set)
    # Gia đình số: household code -> (day created, its village); (day, who, code) for members.
    houses: dict[str, tuple[str, int]] = field(default_factory=dict)
    members: list[tuple[str, str, str]] = field(default_factory=list)

    def at(self, day: str) -> None:
        self.clock.now = h.ts(day, 10)

    def state(self, who: str) -> State:
        return next(s for _, w, s in reversed(self.states) if w == who)

    def record(self, who: str, state: State) -> None:
        self.states.append((self.today, who, state))

    @property
    def today(self) -> str:
        return datetime.fromtimestamp(self.clock.now, h.VN).date().isoformat()

    def event(self, kind: str, who: str) -> None:
        s = self.state(who)
        self.events.append((kind, self.today, who, s.village, s.grp, s.channel))


def _vid(db: Any, name: str) -> int:
    return h.village_id(db, name)


def _conv(world: World, user: str, channel: str = "console") -> Conversation:
    return Conversation(world.engine, user=user, channel=channel)


def _onboard(
    world: World,
    who: str,
    village: str,
    birth_year: int,
    group: tuple[str, str],
    channel: str = "console",
) -> Conversation:
    conv = _conv(world, who, channel)
    conv.onboard(name=who, village=village, birth_year=birth_year, group=group[1])
    world.record(who, State(_vid(world.services.db, village), group[0], birth_year, channel))
    world.event("joined", who)
    return conv


def _learn(world: World, conv: Conversation, who: str, count: int | None = None) -> None:
    """Pass the core lessons (all, or the first `count`); all of them ends the core track and
    the follow-up self-assessment is answered Có to everything."""
    lessons = world.services.curriculum.core_lessons()
    for lesson in lessons[:count]:
        pass_lesson(conv, lesson)
        if (who, lesson.id) not in world.passed:  # a lesson passed again is not a new pass
            world.passed.add((who, lesson.id))
            world.event("passed", who)
    world.event("active", who)
    if count is None:
        for _ in ASSESS:
            conv.tap("Có")
        world.record(who, replace(world.state(who), core=True, now=(True,) * 4))
        world.event("core", who)


def _mentor(world: World, who: str, lives: str, serves: str) -> Conversation:
    conv = _onboard(world, who, lives, 1990, ("nguoi_dan", "Người dân"))
    conv.send(f"/ma {mentor_code(world.engine, serves)}")
    conv.tap("Đồng ý")
    assert f"đã là Đại sứ số của {serves}" in conv.text, conv.text
    world.record(who, replace(world.state(who), serves=_vid(world.services.db, serves)))
    return conv


def _mentee(world: World, mentor: Conversation, mentor_who: str, who: str) -> None:
    mentor.press("m:mentor")
    mentor.tap("Mời người học")
    code = code_in(mentor.text)
    conv = _conv(world, who)
    conv.send(f"/start {code}")
    register(conv, name=who, birth_year=1958, group="Người cao tuổi")
    conv.tap("Đồng ý")
    assert "đã học cùng" in conv.text, conv.text
    village = _vid(world.services.db, "Thôn Đông")
    world.record(who, State(village, "cao_tuoi", 1958, mentored=True))
    world.event("joined", who)
    m = world.state(mentor_who)
    world.record(mentor_who, replace(m, mentees=m.mentees + 1))


def _build(services: Services) -> World:
    clock = Clock(h.ts("2026-07-06", 10))
    engine = Engine(
        services.db,
        services.texts,
        services.curriculum,
        ROUTERS,
        commune_name=COMMUNE,
        clock=clock,
        settings=services.settings,
    )
    world = World(services, engine, clock)
    people = ("nguoi_dan", "Người dân")
    # Q3: an adult and a minor finish the core track in Thôn Đông, another adult in Thôn Tây.
    an = _onboard(world, "an", "Thôn Đông", 1980, people)
    _learn(world, an, "an")
    world.at("2026-07-08")
    be = _onboard(world, "be", "Thôn Đông", 2012, ("hoc_sinh", "Học sinh, sinh viên"))
    _learn(world, be, "be")
    world.at("2026-07-10")
    du = _onboard(world, "du", "Thôn Tây", 1990, people)
    _learn(world, du, "du")
    # A mentor living in Thôn Đông serves Thôn Tây and guides 5; one of Thôn Đông guides 2.
    world.at("2026-08-03")
    minh = _mentor(world, "minh", "Thôn Đông", "Thôn Tây")
    for n in range(5):
        world.at(f"2026-08-{4 + n:02d}")
        _mentee(world, minh, "minh", f"tu{n}")
    world.at("2026-08-20")
    lan = _mentor(world, "lan", "Thôn Đông", "Thôn Đông")
    for n in range(2):
        _mentee(world, lan, "lan", f"ba{n}")
    # A 66-year-old (60+ by birth year, not the "Người cao tuổi" group) learns one lesson.
    world.at("2026-09-05")
    cu = _onboard(world, "cu", "Thôn Đông", 1960, people)
    _learn(world, cu, "cu", 1)
    # Gia đình số: Cư opens a household (not covered: nobody in it has basic skills yet); on
    # 20/9 An, who finished the core track, joins it: covered from that day. The household
    # stays in Thôn Đông when Cư moves (a household belongs to the village it was opened in).
    cu.press("m:household")
    cu.tap("Lập hộ gia đình của tôi")
    assert "Đã lập hộ gia đình" in cu.text, cu.text
    house = code_in(cu.text)
    world.houses[house] = (world.today, _vid(services.db, "Thôn Đông"))
    world.members.append((world.today, "cu", house))
    world.at("2026-09-20")
    an.send(f"/ma {house}")
    an.tap("Đồng ý")
    assert "đã vào hộ gia đình" in an.text, an.text
    world.members.append((world.today, "an", house))
    # A web chat learner: left out of the official numbers (no kiosk).
    world.at("2026-09-12")
    web = _onboard(world, "web", "Thôn Tây", 1985, people, channel="webchat")
    _learn(world, web, "web", 1)
    # Q4: Cư moves to Thôn Tây; Du erases their data, comes back and finishes again.
    world.at("2026-10-03")
    cu.send("/menu")
    cu.tap("Thông tin của tôi")
    cu.tap("Đổi thôn")
    cu.send("thon tay")
    world.record("cu", replace(world.state("cu"), village=_vid(services.db, "Thôn Tây")))
    _learn(world, cu, "cu", 2)
    world.at("2026-10-10")
    du.send("/xoadulieu")
    du.tap("Xoá hết dữ liệu")
    assert du.record() is None
    world.record("du", replace(world.state("du"), present=False))
    world.at("2026-10-20")
    du2 = _onboard(world, "du", "Thôn Tây", 1990, people)
    world.states[-1] = (world.today, "du2", world.states[-1][2])
    world.events[-1] = ("joined", world.today, "du2", *world.events[-1][3:])
    world.at("2026-11-03")
    _learn(world, du2, "du2")
    world.at("2026-11-04")
    _learn(world, lan, "lan")  # a mentor trained: the core track, AI lesson included
    # A 17-year-old (an adult from 1/1/2027) and a resident of the commune itself.
    world.at("2026-11-05")
    _onboard(world, "em", "Thôn Tây", 2009, people)
    xa = _onboard(world, "xa", "Thôn Đông", 1970, people)
    commune = units.commune(services.db)
    assert commune is not None
    record = xa.record()
    assert record is not None
    services.db.execute("UPDATE users SET unit_id = ? WHERE id = ?", [commune.id, record.id])
    world.record("xa", replace(world.state("xa"), village=commune.id))
    # (Xa joined in Thôn Đông: the period's flows count the village at the activity.)
    return world


# -- the expected numbers, from the recorded events ---------------------------------------------


def _as_of(world: World, day: str) -> dict[str, State]:
    found: dict[str, State] = {}
    for when, who, state in world.states:
        if when <= day:
            found[who] = state
    return {who: s for who, s in found.items() if s.present and s.channel != "webchat"}


def _expected(world: World, period: Period, day: str, keys: list[int]) -> dict[int, dict]:
    db = world.services.db
    year = int(day[:4])
    people = _as_of(world, day)
    result: dict[int, dict] = {}
    for key in keys:
        unit = units.get(db, key)
        assert unit is not None
        mine = [s for s in people.values() if s.village == key]
        adults = [s for s in mine if s.birth_year <= year - 18]
        mentors = [s for s in people.values() if s.serves == key]
        row: dict[str, Any] = {
            "adults": unit.adult_population,
            "households": unit.households,
            "registered": len(mine),
            "assisted": 0,
            "core_done": sum(s.core for s in mine),
            "mentors": len(mentors),
            "mentored": sum(s.mentored for s in mine),
            "mentors_at_target": sum(s.mentees >= 5 for s in mentors),
            "mentees": sum(s.mentees for s in mentors),
            "mentors_trained": sum(s.core for s in mentors),
            "hh_covered": _covered(world, people, day, key),
            "registered_adults": len(adults),
            "core_adults": sum(s.core for s in adults),
            "now_vneid2_adults": sum(s.now[2] for s in adults),
            "identity_16": sum(s.now[1] and s.now[2] for s in mine if s.birth_year <= year - 16),
            "registered_60": sum(s.birth_year <= year - 60 for s in mine),
            "core_60": sum(s.core for s in mine if s.birth_year <= year - 60),
        }
        for i, q in enumerate(ASSESS):
            row[f"baseline_{q}"] = sum(s.baseline[i] for s in mine)
            row[f"now_{q}"] = sum(s.now[i] for s in mine)
        for kind, column in (
            ("joined", "joined"),
            ("core", "core_in_period"),
            ("passed", "passed"),
        ):
            row[column] = sum(
                1
                for k, when, _, village, _, channel in world.events
                if k == kind
                and village == key
                and channel != "webchat"
                and period.start_day <= when < period.end_day
            )
        firsts: dict[str, int] = {}
        for k, when, who, village, _, channel in world.events:
            in_period = period.start_day <= when < period.end_day
            if k in ("passed", "active") and channel != "webchat" and in_period:
                firsts.setdefault(who, village)
        row["active"] = sum(1 for v in firsts.values() if v == key)
        row["assisted_passed"] = 0
        result[key] = row
    return result


def _covered(world: World, people: dict[str, State], day: str, key: int) -> int:
    """Households of village `key` on `day` with a member (still registered) who has basic
    digital skills."""
    covered = 0
    for code, (created, village) in world.houses.items():
        if created > day or village != key:
            continue
        members = [who for when, who, c in world.members if c == code and when <= day]
        covered += any(who in people and people[who].core for who in members)
    return covered


def _pct(count: int, base: int | None) -> float | None:
    return None if not base else round(100.0 * count / base, 1)


def _with_percentages(row: dict[str, Any], target: float) -> dict[str, Any]:
    adults = row["adults"]
    row["registered_pct"] = _pct(row["registered_adults"], adults)
    row["core_pct"] = _pct(row["core_adults"], adults)
    core = None if not adults else 100.0 * row["core_adults"] / adults
    row["core_of_target"] = None if core is None else round(100.0 * core / target, 1)
    row["vneid2_pct"] = _pct(row["now_vneid2_adults"], adults)
    row["ai_pct"] = _pct(row["now_ai_tool"], row["registered"])
    row["hh_pct"] = _pct(row["hh_covered"], row["households"])
    return row


def _check(world: World, period: str, day: str, as_of: date | None = None) -> list[list[Any]]:
    """The service's village table for `period` equals the expected values, column by column;
    returns the table's rows (for comparing the other outputs)."""
    services = world.services
    p = parse(period)
    report = build_report(services, p, now=h.ts(day, 12), as_of=as_of)
    assert report.as_of == (as_of or min(p.last_day, date.fromisoformat(day)))
    commune = units.commune(services.db)
    assert commune is not None
    villages = [v.id for v in units.villages(services.db)]
    expected = _expected(world, p, report.as_of.isoformat(), [*villages, commune.id])
    keys = [c.key for c in VILLAGE_COLUMNS]
    _, rows = village_table(report, services.texts)
    shown = {
        r.key: dict(zip(keys, values, strict=True))
        for r, values in zip(report.villages, rows[: len(report.villages)], strict=True)
    }
    total: dict[str, Any] = {k: 0 for k in expected[villages[0]]}
    known: dict[str, Any] = {k: 0 for k in expected[villages[0]]}
    for key, row in expected.items():
        shows = key in villages or any(
            row[k] for k in ("registered", "joined", "active", "passed", "mentors")
        )
        if not shows:
            assert key not in shown
            continue
        want = _with_percentages(dict(row), 70.0)
        got = shown[key]
        for column in keys[1:]:
            assert got[column] == want[column], (period, day, key, column, got[column], want)
        for k, v in row.items():
            if isinstance(v, int):
                total[k] += v
                if row["adults"]:
                    known[k] += v
    # The total line: sums, and percentages of adults over villages with a known population.
    got = dict(zip(keys, rows[-1], strict=True))
    assert got["village"] == "Tổng cộng"
    for column in keys[1:]:
        if VILLAGE_COLUMNS[keys.index(column)].kind == "int":
            assert got[column] == total[column], (period, column)
    assert got["core_pct"] == _pct(known["core_adults"], total["adults"])
    assert got["registered_pct"] == _pct(known["registered_adults"], total["adults"])
    return [list(r) for r in rows]


async def test_every_column_of_every_output_for_several_periods(
    services: Services, aiohttp_client: Any
) -> None:
    world = _build(services)
    db = services.db
    dong, tay = _vid(db, "Thôn Đông"), _vid(db, "Thôn Tây")
    # Before anyone joined: nothing (a Q1 report must not show today's numbers).
    q1 = _check(world, "2026-Q1", "2026-12-03")
    keys = [c.key for c in VILLAGE_COLUMNS]
    counted = [i for i, k in enumerate(keys) if k not in ("village", "adults", "households")]
    assert all(row[i] in (0, 0.0, None) for row in q1 for i in counted), q1
    q3 = _check(world, "2026-Q3", "2026-12-03")
    q4 = _check(world, "2026-Q4", "2026-12-03")
    # The same past period built on another day gives the same numbers.
    assert _check(world, "2026-Q3", "2026-10-25") == q3
    # Any day: as of 15/10 (Du erased, not yet back), and after New Year (Em turns 18).
    _check(world, "2026-Q4", "2026-12-03", as_of=date(2026, 10, 15))
    _check(world, "2026-Q4", "2026-12-03", as_of=date(2027, 1, 15))
    # A few figures by hand, so the independent count is itself checked.
    q3_report = build_report(services, parse("2026-Q3"), now=h.ts("2026-12-03"))
    rows = {r.key: r for r in q3_report.villages}
    assert rows[dong].registered == 2 + 2 + 5 + 2 + 1  # An, Bé, the 2 mentors, 7 mentees, Cư
    assert rows[dong].core_adults == 1 and rows[dong].core_done == 2  # Bé is 14
    assert (rows[dong].hh_covered, rows[dong].hh_known, rows[tay].hh_known) == (1, 1, 0)
    early = build_report(
        services, parse("2026-Q3"), now=h.ts("2026-12-03"), as_of=date(2026, 9, 10)
    )
    # On 10/9 Cư's household was there, not yet covered (An joined on 20/9).
    assert [(r.hh_known, r.hh_covered) for r in early.villages if r.key == dong] == [(1, 0)]
    assert rows[tay].mentors == 1 and rows[tay].mentors_at_target == 1
    assert rows[dong].mentors == 1 and rows[dong].mentors_at_target == 0
    q4_report = build_report(services, parse("2026-Q4"), now=h.ts("2026-12-03"))
    rows = {r.key: r for r in q4_report.villages}
    assert rows[tay].core_done == 1  # Du once, though Du finished twice
    # Cư moved to Thôn Tây; the household stays in Thôn Đông, covered by An.
    assert (rows[dong].hh_covered, rows[tay].hh_covered, rows[tay].hh_known) == (1, 0, 0)
    assert rows[dong].mentors_trained == 1 and rows[tay].mentors_trained == 0
    assert any(r.level == "commune" and r.registered == 1 for r in q4_report.villages)
    gap = next(g for g in q4_report.gaps if g.key == "mentees_per_mentor")
    assert (gap.achieved, gap.needed, gap.met) == (1, 2, False)

    # The files and the dashboard hold exactly the service's values.
    h.official(db, "canbo.xa", "admin")
    client = await aiohttp_client(web_app(services))
    assert (await h.login(client, "canbo.xa")).status == 303
    for period, table in (("2026-Q3", q3), ("2026-Q4", q4)):
        report = build_report(services, parse(period))
        header, rows_now = village_table(report, services.texts)
        assert [list(r) for r in rows_now] == table
        text = report_file(services, report, "csv").body.decode("utf-8-sig")
        parsed = list(csv.reader(io.StringIO(text)))
        assert parsed[0] == header
        assert [[_cell(v) for v in row] for row in table] == parsed[1:]
        book = openpyxl.load_workbook(io.BytesIO(report_file(services, report, "xlsx").body))
        cells = [list(r) for r in book.worksheets[0].iter_rows(min_row=3, values_only=True)]
        assert cells == table
        html = await (await client.get(f"/dashboard?period={period}")).text()
        screen = h.tables(html)["village-table"]
        assert screen[1:] == [[fmt(v) for v in row] for row in table]


def _cell(value: Any) -> str:
    return "" if value is None else str(value)
