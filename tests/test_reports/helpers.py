"""Raw rows for report tests, and counts made from those raw rows, independently of the
summaries the triggers keep; plus a logged-in dashboard client and an HTML table reader."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any

from sqlite_utils import Database

from bot import officials as accounts
from bot.app import Services
from bot.store import progress, units, users

VN = timezone(timedelta(hours=7))
_ids = itertools.count(1)
PASSWORD = "mat-khau-rat-dai-1"


def ts(day: str, hour: int = 9) -> int:
    """Epoch seconds of `hour`:00 Vietnam time on `day` (YYYY-MM-DD)."""
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, hour, tzinfo=VN).timestamp())


def village_id(db: Database, name: str) -> int:
    return next(v.id for v in units.villages(db) if v.name == name)


def learner(
    db: Database,
    village: str | None,
    *,
    group: str = "nguoi_dan",
    joined: str = "2026-10-05",
    name: str | None = None,
    assisted: bool = False,
    onboarded: bool = True,
    core_done: str | None = None,
    role: str = "resident",
    baseline: tuple[int | None, ...] | None = None,
    followup: tuple[int | None, ...] | None = None,
    passed: tuple[tuple[str, str], ...] = (),
    started: tuple[tuple[str, str], ...] = (),
    days: tuple[str, ...] = (),
    registered_by: int | None = None,
    birth_year: int | None = 1975,
    channel: str = "console",
) -> int:
    """A user written straight into the tables (as any writer might), with their history."""
    n = next(_ids)
    unit = village_id(db, village) if village else None
    created = ts(joined, 8)
    cursor = db.execute(
        "INSERT INTO users (channel, external_id, chat_id, display_name, unit_id, grp, role, "
        "consent_at, onboarded_at, created_at, last_active_at, assisted, registered_by, "
        "birth_year) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            channel,
            f"r{n}",
            f"r{n}",
            name or f"Người học {n}",
            unit,
            group,
            role,
            None if assisted else created,
            None if assisted or not onboarded else created,
            created,
            created,
            int(assisted),
            registered_by,
            birth_year,
        ],
    )
    user_id = int(cursor.lastrowid or 0)
    for kind, answers in (("baseline", baseline), ("followup", followup)):
        if answers is not None:
            db.execute(
                "INSERT INTO self_assessments (user_id, unit_id, kind, smartphone, epayment, "
                "vneid2, ai_tool, taken_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [user_id, unit, kind, *answers, created + (0 if kind == "baseline" else 86400)],
            )
    for lesson_id, day in started:
        db.execute(
            "INSERT INTO progress (user_id, lesson_id, status, unit_id, started_at) "
            "VALUES (?, ?, 'started', ?, ?)",
            [user_id, lesson_id, unit, ts(day)],
        )
    for lesson_id, day in passed:
        db.execute(
            "INSERT INTO progress (user_id, lesson_id, status, unit_id, started_at, assisted_by) "
            "VALUES (?, ?, 'quiz', ?, ?, ?)",
            [user_id, lesson_id, unit, ts(day) - 600, registered_by if assisted else None],
        )
        db.execute(
            "UPDATE progress SET status = 'passed', score = 3, total = 3, attempts = 1, "
            "finished_at = ? WHERE user_id = ? AND lesson_id = ?",
            [ts(day), user_id, lesson_id],
        )
    for day in days:
        db.execute(
            "INSERT OR IGNORE INTO learning_days (user_id, day) VALUES (?, ?)", [user_id, day]
        )
    if core_done:
        db.execute("UPDATE users SET core_done_at = ? WHERE id = ?", [ts(core_done, 10), user_id])
    return user_id


def official(db: Database, username: str, role: str, village: str | None = None) -> int:
    return accounts.create(
        db,
        username=username,
        display_name=username,
        password=PASSWORD,
        role=role,
        unit_id=village_id(db, village) if village else None,
        now=ts("2026-10-01"),
        actor="test",
    )


# -- independent counts from raw rows -----------------------------------------------------------


def _day(column: str) -> str:
    return f"date({column}, 'unixepoch', '+7 hours')"


def raw_counts(
    db: Database, start: str, end: str, erased: dict[int, dict[str, int]]
) -> dict[int, dict[str, Any]]:
    """Per village id: every number of the village table, counted from the raw rows, plus what
    the test knows of people who erased their data since (their rows are gone; their joining,
    learning and finished core track in a past period stay counted)."""
    result: dict[int, dict[str, Any]] = {}
    for v in units.villages(db):
        reg = "(u.onboarded_at IS NOT NULL OR u.assisted = 1)"

        def one(sql: str, *params: Any) -> int:
            return int(db.execute(sql, params).fetchone()[0])

        row: dict[str, Any] = {
            "registered": one(f"SELECT COUNT(*) FROM users u WHERE unit_id = ? AND {reg}", v.id),
            "assisted": one(
                f"SELECT COUNT(*) FROM users u WHERE unit_id = ? AND {reg} AND assisted = 1", v.id
            ),
            "joined": one(
                f"SELECT COUNT(*) FROM users u WHERE unit_id = ? AND {reg} AND "
                f"{_day('COALESCE(u.onboarded_at, u.created_at)')} >= ? AND "
                f"{_day('COALESCE(u.onboarded_at, u.created_at)')} < ?",
                v.id,
                start,
                end,
            ),
            "active": one(
                "SELECT COUNT(DISTINCT x.user_id) FROM ("
                "SELECT user_id, day FROM learning_days UNION ALL "
                f"SELECT user_id, {_day('started_at')} FROM progress UNION ALL "
                f"SELECT user_id, {_day('finished_at')} FROM progress "
                "WHERE finished_at IS NOT NULL) x JOIN users u ON u.id = x.user_id "
                "WHERE u.unit_id = ? AND x.day >= ? AND x.day < ?",
                v.id,
                start,
                end,
            ),
            "core_done": one(
                f"SELECT COUNT(*) FROM users u WHERE unit_id = ? AND {reg} "
                "AND core_done_at IS NOT NULL",
                v.id,
            ),
            "mentors": one(
                f"SELECT COUNT(*) FROM users u WHERE unit_id = ? AND {reg} AND role = 'mentor'",
                v.id,
            ),
            "mentored": one(
                f"SELECT COUNT(*) FROM users u WHERE unit_id = ? AND {reg} AND EXISTS (SELECT 1 "
                "FROM mentor_links m WHERE m.mentee_id = u.id AND m.ended_at IS NULL)",
                v.id,
            ),
            "hh_covered": one(
                "SELECT COUNT(*) FROM households h WHERE h.unit_id = ? AND EXISTS (SELECT 1 FROM "
                "household_members hm JOIN users u ON u.id = hm.user_id "
                "WHERE hm.household_id = h.id "
                f"AND {reg} AND u.core_done_at IS NOT NULL)",
                v.id,
            ),
        }
        # Self-assessment: the latest baseline, and now = the latest follow-up, else the baseline.
        for q in ("smartphone", "epayment", "vneid2", "ai_tool"):
            row[f"baseline_{q}"] = row[f"now_{q}"] = 0
        users = db.execute(f"SELECT id FROM users u WHERE unit_id = ? AND {reg}", [v.id]).fetchall()
        for (user_id,) in users:
            rows = db.execute(
                "SELECT kind, smartphone, epayment, vneid2, ai_tool FROM self_assessments "
                "WHERE user_id = ? ORDER BY id",
                [user_id],
            ).fetchall()
            base = [r for r in rows if r[0] == "baseline"]
            follow = [r for r in rows if r[0] == "followup"]
            for i, q in enumerate(("smartphone", "epayment", "vneid2", "ai_tool"), start=1):
                if base and base[-1][i] == 1:
                    row[f"baseline_{q}"] += 1
                latest = follow[-1] if follow else (base[-1] if base else None)
                if latest is not None and latest[i] == 1:
                    row[f"now_{q}"] += 1
        for key, count in erased.get(v.id, {}).items():
            row[key] += count
        result[v.id] = row
    return result


# -- HTML -----------------------------------------------------------------------------------------


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._current = dict(attrs).get("id") or f"t{len(self.tables)}"
            self.tables[self._current] = []
        elif tag == "tr" and self._current:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._current:
            self.tables[self._current].append(self._row)
            self._row = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def number(text: str) -> int:
    return int(text.replace(".", ""))


def csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


async def login(client: Any, username: str, password: str = PASSWORD) -> Any:
    page = await client.get("/dashboard/login")
    token = csrf(await page.text())
    return await client.post(
        "/dashboard/login",
        data={"csrf": token, "username": username, "password": password},
        allow_redirects=False,
    )


# -- the scenario shared by the report and dashboard tests -----------------------------------


@dataclass
class Scenario:
    services: Services
    ids: dict[str, int]
    erased: dict[int, dict[str, int]]  # per village: what erased people still count for
    lessons: list[str]


def build_scenario(services: Services) -> Scenario:
    """Two villages with every kind of learner the reports must count right."""
    db = services.db
    core = [lesson.id for lesson in services.curriculum.core_lessons()]
    other = [lid for lid in services.curriculum.lessons if lid not in core]
    ids: dict[str, int] = {}
    with db.atomic():
        ids["mentor"] = learner(
            db,
            "Thôn Đông",
            joined="2026-09-01",
            role="mentor",
            baseline=(1, 1, 1, 1),
            passed=((core[0], "2026-09-02"),),
            days=("2026-09-02",),
        )
        ids["a"] = learner(
            db,
            "Thôn Đông",
            joined="2026-07-10",
            core_done="2026-08-20",
            baseline=(1, 0, 0, 0),
            followup=(1, 1, 1, 0),
            passed=((core[0], "2026-07-11"), (core[1], "2026-08-20")),
            days=("2026-07-11",),
        )
        ids["b"] = learner(
            db,
            "Thôn Đông",
            joined="2026-10-05",
            group="nong_dan",
            baseline=(0, 0, 1, None),
            passed=((core[0], "2026-10-06"), (other[0], "2026-11-12")),
            days=("2026-10-06", "2026-11-12"),
        )
        ids["c"] = learner(
            db,
            "Thôn Đông",
            joined="2026-11-02",
            group="cao_tuoi",
            assisted=True,
            registered_by=ids["mentor"],
            core_done="2026-11-10",
            passed=((core[0], "2026-11-03"),),
        )
        ids["d"] = learner(db, "Thôn Đông", joined="2026-11-04", onboarded=False)
        ids["e"] = learner(
            db,
            "Thôn Đông",
            joined="2026-10-01",
            core_done="2026-10-20",
            passed=((core[0], "2026-10-02"),),
        )
        ids["f"] = learner(
            db,
            "Thôn Tây",
            joined="2026-10-15",
            core_done="2026-10-30",
            name='=HYPERLINK("http://x.example","bấm")',
            baseline=(1, 1, 0, 0),
            started=((other[1], "2026-12-01"),),
        )
        ids["g"] = learner(db, "Thôn Tây", joined="2026-12-02", group="cao_tuoi")
        for mentee, ended in (("c", None), ("b", None), ("a", ts("2026-10-01"))):
            db.execute(
                "INSERT INTO mentor_links (mentor_id, mentee_id, linked_at, ended_at) "
                "VALUES (?, ?, ?, ?)",
                [ids["mentor"], ids[mentee], ts("2026-09-05"), ended],
            )
        dong = village_id(db, "Thôn Đông")
        for code, members in (("H1", ("b", "c")), ("H2", ("a",)), ("H3", ("d",))):
            household = db.execute(
                "INSERT INTO households (code, unit_id, created_at) VALUES (?, ?, ?)",
                [code, dong, ts("2026-10-01")],
            ).lastrowid
            for member in members:
                db.execute(
                    "INSERT INTO household_members (household_id, user_id, joined_at) "
                    "VALUES (?, ?, ?)",
                    [household, ids[member], ts("2026-10-01")],
                )
        # E erases their data (as /xoadulieu does): only anonymous counts stay.
        progress.anonymize_for_user(db, ids["e"])
        users.erase(db, ids["e"])
    # E joined, learned and finished the core track in Q4 2026, then erased their data: the
    # period's flows keep them, the "as of" columns no longer count them.
    erased = {village_id(db, "Thôn Đông"): {"joined": 1, "active": 1}}
    return Scenario(services, ids, erased, core)


def populate(services: Services, per_village: int = 60) -> None:
    """A commune with some learning done in every village (for screenshots and the browser)."""
    db = services.db
    core = [lesson.id for lesson in services.curriculum.core_lessons()]
    groups = [g.id for g in services.curriculum.groups]
    with db.atomic():
        for index, village in enumerate(units.villages(db)):
            for n in range(per_village * (index + 2) // 3):
                month = 6 + n % 6  # June to November: all before the real today
                joined = f"2026-{month:02d}-{1 + n % 27:02d}"
                done = n % (index + 2) == 0
                learner(
                    db,
                    village.name,
                    group=groups[n % len(groups)],
                    joined=joined,
                    assisted=n % 9 == 0,
                    role="mentor" if n % 25 == 0 else "resident",
                    core_done=f"2026-{month:02d}-28" if done else None,
                    baseline=(n % 3 != 0, n % 4 == 0, n % 5 == 0, 0),
                    followup=(1, n % 2, 1, n % 3 == 0) if done else None,
                    passed=tuple(
                        (lid, f"2026-{month:02d}-{2 + k:02d}")
                        for k, lid in enumerate(core[: 1 + n % 4])
                    ),
                    days=(joined,),
                )
