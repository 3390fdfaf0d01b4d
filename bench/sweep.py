"""Benchmark: the due-reminder query over 1,000,000 users (goal: well under 50 ms).

Builds the users table with SQL (no Python loop), a reminder time spread over a week for most
users, then times `bot.store.reminders.due` at a moment when about a minute's worth are due.
Prints one JSON line: {"bench": "sweep", "users": N, "ms": T, "due": D, "full_scan_ms": S}
where S is the same count without the index (a baseline measured in the same run).

    python bench/sweep.py [--users 1000000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store import reminders
from bot.store.db import open_db

WEEK = 7 * 86400
START = 1_795_000_000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "sweep.sqlite")
        with db.atomic():
            db.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                "INSERT INTO users (channel, external_id, chat_id, created_at, last_active_at, "
                "onboarded_at, consent_at, next_reminder_at) "
                "SELECT 'telegram', i, i, ?, ?, ?, ?, "
                "CASE WHEN i % 5 = 0 THEN NULL ELSE ? + (i * 7919) % ? END FROM n",
                [args.users, START, START, START, START, START, WEEK],
            )
        db.execute("ANALYZE")
        moment = START + WEEK // 2
        timings = []
        for _ in range(20):
            t0 = time.perf_counter()
            due = reminders.due(db, moment, limit=1000)
            timings.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        db.execute(
            "SELECT COUNT(*) FROM users NOT INDEXED WHERE next_reminder_at <= ?", [moment]
        ).fetchone()
        full_scan = (time.perf_counter() - t0) * 1000
        print(
            json.dumps(
                {
                    "bench": "sweep",
                    "users": args.users,
                    "ms": round(statistics.median(timings), 3),
                    "due": len(due),
                    "full_scan_ms": round(full_scan, 1),
                }
            )
        )
        db.close()


if __name__ == "__main__":
    main()
