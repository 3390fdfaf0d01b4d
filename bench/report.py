"""Benchmark: the officials' village table on a province-sized database.

Builds a database of 1,000,000 users and 20,000,000 progress rows (plus baseline and follow-up
self-assessments, learning days, mentors with mentees, households), filled with INSERT … SELECT
from recursive CTEs before migration m007, then applies m007 and m010, which build the report
summaries and their dated history from those rows exactly as an upgrade of a live database would.
Then it times the report the dashboard shows (village table, groups, topics, domains, weekly
trend: the median of several runs) for the current quarter (as of the build day) and for a past
quarter (as of its last day, from the history), against a plain `SELECT count(*)` over the
progress table in the same run.

Prints one JSON line:
    {"bench": "report", "users": N, "progress_rows": M, "ms": T, "past_ms": P,
     "full_scan_ms": S}
Goal: T and P well under 300 ms. Build times go to stderr.

    python bench/report.py [--users 1000000] [--lessons-per-user 20] [--villages 60]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.reports import model  # noqa: E402
from bot.reports.periods import parse  # noqa: E402
from bot.reports.targets import pick  # noqa: E402
from bot.store.db import open_db  # noqa: E402
from bot.store.migrations import migrations  # noqa: E402
from lessons.loader import load  # noqa: E402

CONTENT = ROOT / "content" / "vi"
START = 1_767_200_400  # 2026-01-01 00:00 Vietnam time
DAY = 86_400
GROUPS = (
    "nguoi_dan",
    "cao_tuoi",
    "nong_dan",
    "tieu_thuong",
    "can_bo",
    "nguoi_lao_dong",
    "hoc_sinh",
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build(path: Path, users: int, per_user: int, villages: int, lesson_ids: list[str]) -> None:
    db = open_db(path, migrate=False)
    migrations.apply(db, stop_before="m007_officials")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -1000000")
    t0 = time.perf_counter()
    with db.atomic():
        db.execute(
            "INSERT INTO units (id, parent_id, kind, name, name_folded, created_at, updated_at) "
            "VALUES (1, NULL, 'commune', 'Xã Bình Minh', 'xa binh minh', 0, 0)"
        )
        db.execute(
            f"WITH RECURSIVE v(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM v WHERE n < {villages}) "
            "INSERT INTO units (id, parent_id, kind, name, name_folded, adult_population, "
            "households, created_at, updated_at) SELECT n + 1, 1, 'village', 'Thôn ' || n, "
            f"'thon ' || n, {users // villages * 2}, {users // villages * 2 // 3}, 0, 0 FROM v"
        )
        groups = ", ".join(f"'{g}'" for g in GROUPS)
        # Joined over 2026; one in 20 assisted (no phone of their own), one in 100 a mentor,
        # one in 3 finished the core track some weeks after joining.
        db.execute(
            f"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {users}) "
            "INSERT INTO users (id, channel, external_id, chat_id, display_name, unit_id, "
            "birth_year, grp, role, consent_at, onboarded_at, created_at, last_active_at, "
            "core_done_at, assisted) "
            "SELECT n, 'bench', n, n, 'Người học ' || n, 2 + n % ?, 1950 + n % 55, "
            f"json_extract(json_array({groups}), '$[' || (n % 7) || ']'), "
            "CASE WHEN n % 100 = 0 THEN 'mentor' ELSE 'resident' END, "
            "? + (n * 31) % (330 * ?), ? + (n * 31) % (330 * ?), ? + (n * 31) % (330 * ?), "
            "? + (n * 31) % (330 * ?) + 40 * ?, "
            "CASE WHEN n % 3 = 0 THEN ? + (n * 31) % (330 * ?) + 30 * ? END, n % 20 = 0 FROM c",
            [villages, *([START, DAY] * 4), DAY, START, DAY, DAY],
        )
    log(f"users: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    lessons = ", ".join(f"('{lid}', {i})" for i, lid in enumerate(lesson_ids))
    count = len(lesson_ids)
    with db.atomic():
        # Lessons in id order per user keep the UNIQUE (user_id, lesson_id) index appends cheap.
        db.execute(
            f"WITH l(lesson_id, k) AS (VALUES {lessons}), "
            f"p(k) AS (SELECT k FROM l WHERE k < {per_user}) "
            "INSERT INTO progress (user_id, lesson_id, status, step, score, total, attempts, "
            "unit_id, assisted_by, started_at, finished_at) "
            "SELECT u.id, l.lesson_id, CASE WHEN (u.id + p.k) % 5 = 0 THEN 'started' "
            "ELSE 'passed' END, 0, 3, 3, 1, u.unit_id, "
            "CASE WHEN u.assisted AND u.id > 100 THEN u.id - u.id % 100 END, "
            "u.onboarded_at + p.k * ?, "
            "CASE WHEN (u.id + p.k) % 5 != 0 THEN u.onboarded_at + p.k * ? + 600 END "
            f"FROM users u JOIN p JOIN l ON l.k = (p.k + u.id) % {count} ORDER BY u.id",
            [DAY, DAY],
        )
    log(f"progress: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with db.atomic():
        db.execute(
            "INSERT INTO self_assessments (user_id, unit_id, kind, smartphone, epayment, vneid2, "
            "ai_tool, taken_at) SELECT id, unit_id, 'baseline', id % 4 != 0, id % 3 = 0, "
            "id % 2 = 0, id % 9 = 0, onboarded_at FROM users"
        )
        db.execute(
            "INSERT INTO self_assessments (user_id, unit_id, kind, smartphone, epayment, vneid2, "
            "ai_tool, taken_at) SELECT id, unit_id, 'followup', 1, id % 2 = 0, 1, id % 4 = 0, "
            "core_done_at FROM users WHERE core_done_at IS NOT NULL"
        )
        for offset in (0, 3, 9):
            db.execute(
                "INSERT OR IGNORE INTO learning_days (user_id, day) SELECT id, "
                "date(onboarded_at + ? * 86400, 'unixepoch', '+7 hours') FROM users",
                [offset],
            )
        db.execute(
            "INSERT INTO mentor_links (mentor_id, mentee_id, linked_at) "
            "SELECT id - id % 100, id, onboarded_at FROM users WHERE id % 100 BETWEEN 1 AND 6 "
            "AND id > 100"
        )
        db.execute(
            "INSERT INTO households (id, code, unit_id, created_at) "
            "SELECT id / 4, 'H' || (id / 4), "
            "unit_id, created_at FROM users WHERE id % 4 = 0"
        )
        db.execute(
            "INSERT INTO household_members (household_id, user_id, joined_at) "
            "SELECT id / 4, id, created_at FROM users WHERE id / 4 > 0 AND id / 4 <= ?",
            [users // 4],
        )
    log(f"assessments, days, mentors, households: {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    db.execute("PRAGMA synchronous = NORMAL")
    migrations.apply(db)  # m007, m010: the summaries and history from the rows above, triggers
    db.execute("ANALYZE")
    log(f"m007 summaries: {time.perf_counter() - t0:.1f} s")
    db.close()


def _timed(db: Any, period: str, runs: int) -> tuple[float, model.Report]:
    curriculum = load(CONTENT)
    targets = pick(CONTENT / "targets", "Xã Bình Minh", 2026)
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        report = model.build(
            db,
            curriculum,
            commune="Xã Bình Minh",
            period=parse(period),
            today=date(2026, 11, 20),
            targets=targets,
        )
        timings.append((time.perf_counter() - t0) * 1000)
    return statistics.median(timings), report


def measure(path: Path, runs: int) -> tuple[float, float, float, int, int]:
    db = open_db(path)
    ms, report = _timed(db, "2026-Q4", runs)  # as of the build day
    past_ms, past = _timed(db, "2026-Q2", runs)  # as of 30/06, from the history
    scans = []
    for _ in range(3):
        t0 = time.perf_counter()
        progress_rows = int(db.execute("SELECT count(*) FROM progress").fetchone()[0])
        scans.append((time.perf_counter() - t0) * 1000)
    users = int(db.execute("SELECT count(*) FROM users").fetchone()[0])
    joined_by_today = int(
        db.execute(
            "SELECT count(*) FROM users WHERE onboarded_at < ?", [START + 324 * DAY]
        ).fetchone()[0]
    )  # as of 20/11, the build day
    assert report.total.registered == joined_by_today, (report.total.registered, joined_by_today)
    joined_by_june = int(
        db.execute(
            "SELECT count(*) FROM users WHERE onboarded_at < ?", [START + 181 * DAY]
        ).fetchone()[0]
    )
    assert past.total.registered == joined_by_june, (past.total.registered, joined_by_june)
    db.close()
    return ms, past_ms, statistics.median(scans), users, progress_rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--lessons-per-user", type=int, default=20)
    parser.add_argument("--villages", type=int, default=60)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", help="build (or reuse) the database at this path")
    args = parser.parse_args()
    lesson_ids = sorted(load(CONTENT).lessons)
    if args.lessons_per_user > len(lesson_ids):
        parser.error(f"at most {len(lesson_ids)} lessons per user")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "report.sqlite"
        if not path.exists():
            build(path, args.users, args.lessons_per_user, args.villages, lesson_ids)
        ms, past_ms, full_scan_ms, users, progress_rows = measure(path, args.runs)
    print(
        json.dumps(
            {
                "bench": "report",
                "users": users,
                "progress_rows": progress_rows,
                "ms": round(ms, 2),
                "past_ms": round(past_ms, 2),
                "full_scan_ms": round(full_scan_ms, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
