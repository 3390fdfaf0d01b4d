"""Report queries: every number on the dashboard, in the exports and in /baocao comes from here.

They read the summaries that triggers keep (bot/store/report_schema.py), never the history row
by row: the cost grows with villages × groups × days, not with users or progress rows.
`by` is "unit" (per village) or "group" (per learner group); `unit_id` limits to one village.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlite_utils import Database

from bot.store.report_history import COLUMNS as HISTORY_COLUMNS
from bot.store.report_history import HH_COLUMNS

By = Literal["unit", "group"]
_KEY = {"unit": "unit_id", "group": "grp"}
ASSESS = ("smartphone", "epayment", "vneid2", "ai_tool")
TOTAL_COLUMNS = (
    "registered",
    "assisted",
    "core_done",
    "assisted_core",
    "core_erased",
    "mentor",
    "mentored",
    *(f"b_{q}" for q in ASSESS),
    *(f"n_{q}" for q in ASSESS),
)
EVENT_COLUMNS = ("joined", "core_done", "passed", "assisted_passed")


def _where(unit_id: int | None, first: str = "WHERE") -> tuple[str, list[Any]]:
    return (f" {first} unit_id = ?", [unit_id]) if unit_id is not None else ("", [])


def totals(db: Database, by: By, unit_id: int | None = None) -> dict[Any, dict[str, int]]:
    """Registered learners and what they have now, per village or group."""
    key = _KEY[by]
    where, params = _where(unit_id)
    sums = ", ".join(f"SUM({c})" for c in TOTAL_COLUMNS)
    rows = db.execute(
        f"SELECT {key}, {sums} FROM report_totals{where} GROUP BY {key}", params
    ).fetchall()
    return {r[0]: dict(zip(TOTAL_COLUMNS, map(int, r[1:]), strict=True)) for r in rows}


def events(
    db: Database,
    by: By,
    start_month: str,
    end_month: str,
    unit_id: int | None = None,
    *,
    webchat_only: bool = False,
) -> dict[Any, dict[str, int]]:
    """Joined, finished the core track and lessons passed in months [start, end) ("2026-01");
    `webchat_only`: of those, the web chat learners' (report_webchat_months)."""
    key = _KEY[by]
    where, params = _where(unit_id, "AND")
    sums = ", ".join(f"SUM({c})" for c in EVENT_COLUMNS)
    table = "report_webchat_months" if webchat_only else "report_months"
    rows = db.execute(
        f"SELECT {key}, {sums} FROM {table} WHERE month >= ? AND month < ?{where} GROUP BY {key}",
        [start_month, end_month, *params],
    ).fetchall()
    return {r[0]: dict(zip(EVENT_COLUMNS, map(int, r[1:]), strict=True)) for r in rows}


def active(
    db: Database, by: By, period: str, unit_id: int | None = None, *, webchat_only: bool = False
) -> dict[Any, int]:
    """People who learned in the period ("2026-03", "2026-Q1" or "2026"); `webchat_only`: of
    those, the web chat learners."""
    key = _KEY[by]
    where, params = _where(unit_id, "AND")
    table = "report_webchat_active" if webchat_only else "report_active"
    rows = db.execute(
        f"SELECT {key}, SUM(active) FROM {table} WHERE period = ?{where} GROUP BY {key}",
        [period, *params],
    ).fetchall()
    return {r[0]: int(r[1]) for r in rows}


def _sum_as_of(
    db: Database, table: str, cols: Sequence[str], key: str, day: str, unit_id: int | None
) -> list[tuple[Any, ...]]:
    """Sums of dated deltas up to `day` (inclusive): whole months before, then its month's days."""
    where, params = _where(unit_id, "AND")
    sums = ", ".join(f"SUM({c})" for c in cols)
    listed = ", ".join(cols)
    sql = (
        f"SELECT {key}, {sums} FROM ("
        f"SELECT {key}, {listed} FROM report_{table}_months WHERE month < ?{where} "
        f"UNION ALL SELECT {key}, {listed} FROM report_{table}_days "
        f"WHERE day >= ? AND day <= ?{where}) GROUP BY {key}"
    )
    return db.execute(sql, [day[:7], *params, day[:7] + "-01", day, *params]).fetchall()


def as_of(
    db: Database, by: By, day: str, unit_id: int | None = None
) -> dict[tuple[Any, int], dict[str, int]]:
    """(village or group, web chat 0/1) -> the "as of" columns on `day` ("2026-09-30")."""
    key = _KEY[by]
    rows = _sum_as_of(db, "hist", list(HISTORY_COLUMNS), f"{key}, wc", day, unit_id)
    return {
        (r[0], int(r[1])): dict(zip(HISTORY_COLUMNS, map(int, r[2:]), strict=True)) for r in rows
    }


def group_reach(
    db: Database, day: str, unit_id: int | None = None
) -> dict[tuple[int, str, int], tuple[int, int]]:
    """(village, group, web chat 0/1) -> (registered, with basic skills) on `day`: the numerators
    of "% of a group reached", kept per village so only villages with that group's population
    count."""
    rows = _sum_as_of(db, "hist", ["registered", "core"], "unit_id, grp, wc", day, unit_id)
    return {(int(r[0]), str(r[1]), int(r[2])): (int(r[3]), int(r[4])) for r in rows}


def assisted_assessed(db: Database, end_ts: int, unit_id: int | None = None) -> int:
    """Face-to-face learners registered before `end_ts` whose mentor recorded the
    self-assessment with them before then (assisted learners are few: a join is cheap)."""
    where, params = _where(unit_id, "AND")
    row = db.execute(  # users_assisted_unit (a partial index) finds them without a scan
        "SELECT COUNT(*) FROM users u JOIN report_learners rl ON rl.user_id = u.id "
        "WHERE u.assisted = 1 AND rl.registered = 1 AND u.created_at < ? "
        "AND EXISTS (SELECT 1 FROM self_assessments s WHERE s.user_id = u.id "
        f"AND s.taken_at < ?){where.replace('unit_id', 'u.unit_id')}",
        [end_ts, end_ts, *params],
    ).fetchone()
    return int(row[0])


def campaign_reach(
    db: Database, start_ts: int, end_ts: int, unit_id: int | None = None
) -> list[tuple[str, int]]:
    """The yearly campaigns (content/vi/campaigns.yaml, e.g. 10/10) sent in [start, end): name and
    how many people their message reached (delivered before `end_ts`)."""
    unit = " AND o.user_id IN (SELECT id FROM users WHERE unit_id = ?)" if unit_id else ""
    rows = db.execute(
        "SELECT b.name, COUNT(o.id) FROM broadcasts b LEFT JOIN outbox o ON o.broadcast_id = b.id "
        f"AND o.status = 'sent' AND o.sent_at < ?{unit} "
        "WHERE b.created_by = 'campaign' AND b.status IN ('sending', 'done') "
        "AND b.send_at >= ? AND b.send_at < ? GROUP BY b.id ORDER BY b.send_at, b.id",
        [end_ts, *([unit_id] if unit_id else []), start_ts, end_ts],
    ).fetchall()
    return [(str(r[0]), int(r[1])) for r in rows]


def households_as_of(
    db: Database, day: str, unit_id: int | None = None
) -> dict[int, dict[str, int]]:
    """Households known, with a registered member, with a member done, as of `day`."""
    rows = _sum_as_of(db, "hh", HH_COLUMNS, "unit_id", day, unit_id)
    return {r[0]: dict(zip(HH_COLUMNS, map(int, r[1:]), strict=True)) for r in rows}


def households(db: Database, unit_id: int | None = None) -> dict[int, dict[str, int]]:
    """Households known to the assistant, with a registered member, with a member done."""
    where, params = _where(unit_id)
    rows = db.execute(
        f"SELECT unit_id, known, engaged, covered FROM report_hh_totals{where}", params
    ).fetchall()
    return {r[0]: {"known": r[1], "engaged": r[2], "covered": r[3]} for r in rows}


def lessons(
    db: Database,
    start_month: str,
    end_month: str,
    unit_id: int | None = None,
    *,
    webchat_only: bool = False,
) -> dict[str, tuple[int, int]]:
    """Lesson id -> (passes, of which assisted) in months [start, end); `webchat_only`: of those,
    the web chat learners' (report_webchat_lessons)."""
    where, params = _where(unit_id, "AND")
    table = "report_webchat_lessons" if webchat_only else "report_lessons"
    rows = db.execute(
        f"SELECT lesson_id, SUM(passed), SUM(assisted) FROM {table} "
        f"WHERE month >= ? AND month < ?{where} GROUP BY lesson_id",
        [start_month, end_month, *params],
    ).fetchall()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def weekly(
    db: Database,
    first_monday: str,
    end_day: str,
    unit_id: int | None = None,
    *,
    webchat_only: bool = False,
) -> list[tuple[str, int, int, int]]:
    """(Monday, joined, core done, lessons passed) per week, for the trend; `webchat_only`: of
    those, the web chat learners' (report_webchat_weeks)."""
    where, params = _where(unit_id, "AND")
    table = "report_webchat_weeks" if webchat_only else "report_weeks"
    rows = db.execute(
        f"SELECT week, SUM(joined), SUM(core_done), SUM(passed) FROM {table} "
        f"WHERE week >= ? AND week < ?{where} GROUP BY week ORDER BY week",
        [first_monday, end_day, *params],
    ).fetchall()
    return [(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows]


@dataclass(frozen=True)
class LearnerRow:
    user_id: int
    name: str
    unit_id: int
    village: str
    grp: str
    birth_year: int | None
    assisted: bool
    helper: str
    joined_at: int
    lessons_passed: int
    core_done_at: int | None
    last_active_at: int
    vneid2: bool
    epayment: bool
    channel: str = ""  # telegram | zalo | webchat | assisted | console


def learners(db: Database, unit_id: int | None = None) -> list[LearnerRow]:
    """Registered learners (one village or all), with what they have done."""
    where, params = _where(unit_id, "AND")
    rows = db.execute(
        "SELECT u.id, IFNULL(u.display_name, ''), rl.unit_id, IFNULL(v.name, ''), rl.grp, "
        "u.birth_year, rl.assisted, IFNULL(h.display_name, ''), rl.joined_at, rl.lessons_passed, "
        "u.core_done_at, u.last_active_at, rl.n_vneid2, rl.n_epayment, u.channel "
        "FROM report_learners rl JOIN users u ON u.id = rl.user_id "
        "LEFT JOIN units v ON v.id = rl.unit_id "
        "LEFT JOIN users h ON h.id = IFNULL(u.registered_by, "
        "(SELECT mentor_id FROM mentor_links m WHERE m.mentee_id = u.id AND m.ended_at IS NULL "
        "ORDER BY linked_at LIMIT 1)) "
        f"WHERE rl.registered = 1{where.replace('unit_id', 'rl.unit_id')} "
        "ORDER BY IFNULL(v.name_folded, ''), u.display_name, u.id",
        params,
    ).fetchall()
    return [
        LearnerRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            bool(r[6]),
            r[7],
            r[8],
            r[9],
            r[10],
            r[11],
            bool(r[12]),
            bool(r[13]),
            r[14],
        )
        for r in rows
    ]
