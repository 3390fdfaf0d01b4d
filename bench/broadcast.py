"""Benchmark: a broadcast to many people through the real sender and a fake Telegram server.

The recipients are made with SQL, the broadcast is fanned out into the outbox (timed), then the
real `hocvuso run` process drains the outbox against tests/fakes/telegram.py on loopback, with
the overall limit raised (TELEGRAM_RATE) so the sender's own overhead shows. Prints one JSON line:

  {"bench": "broadcast", "recipients": N, "sent_per_s": X, "limit_per_s": L,
   "ratio_to_limit": X/L, "lost": 0, "duplicates": D, "fanout_s": F}

With --kill, the sender is killed with SIGKILL midway and started again; "lost" must stay 0 and
"duplicates" at most the messages in flight at the kill (the worker's max_in_flight).

    python bench/broadcast.py [--recipients 100000] [--limit 1000] [--kill]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import broadcasts  # noqa: E402
from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402
from tests.fakes.telegram import TOKEN, FakeTelegram  # noqa: E402

FIRST_CHAT = 10_000_000


def make_recipients(db_path: Path, count: int) -> float:
    """Users and one broadcast fanned out into the outbox; returns the fan-out seconds."""
    services = build(Settings(database_path=db_path, _env_file=None))  # type: ignore[call-arg]
    db = services.db
    # Broadcasts never start in quiet hours: date this one at 10:00 (Vietnam) today or yesterday,
    # so it is due now whatever the hour the benchmark runs.
    local = datetime.now(services.engine.tz).replace(hour=10, minute=0, second=0, microsecond=0)
    if local.timestamp() > time.time():
        local -= timedelta(days=1)
    now = int(local.timestamp())
    with db.atomic():
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1) "
            "INSERT INTO users (channel, external_id, chat_id, display_name, consent_at, "
            "onboarded_at, created_at, last_active_at, birth_year, grp) "
            "SELECT 'telegram', ? + i, ? + i, 'Người học', ?, ?, ?, ?, 1960, 'nguoi_dan' FROM n",
            [count, FIRST_CHAT, FIRST_CHAT, now, now, now, now],
        )
        broadcasts.create(
            db,
            name="bench",
            target=broadcasts.Target("all"),
            send_at=now,
            now=now,
            message_key="core_track_invite",
        )
    started = time.perf_counter()
    while broadcasts.dispatch(services.engine, now, batch=2000) > 0:
        pass
    fanout = time.perf_counter() - started
    services.db.close()
    return fanout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sender(db_path: Path, base: str, limit: float, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=base,
        TELEGRAM_RATE=str(limit),
        DEMO_SEED="false",
        LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--db", str(db_path), "--port", str(free_port())],
        cwd=log.parent,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def run(count: int, limit: float, kill: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite"
        fanout = make_recipients(db_path, count)
        fake = await FakeTelegram().start()
        for i in range(count):
            fake.person(FIRST_CHAT + i)
        log = Path(tmp) / "run.log"
        process = start_sender(db_path, fake.base, limit, log)
        killed_at = None
        try:
            deadline = time.monotonic() + 3600
            while time.monotonic() < deadline:
                await asyncio.sleep(0.25)
                delivered = sum(1 for s in fake.sent if s.method == "sendMessage")
                if kill and killed_at is None and delivered >= count * 0.4:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    killed_at = delivered
                    process = start_sender(db_path, fake.base, limit, log)
                if delivered >= count:
                    await asyncio.sleep(1.0)  # anything still arriving would be a duplicate
                    break
                if process.poll() is not None:
                    raise SystemExit(f"sender exited:\n{log.read_text()[-3000:]}")
        finally:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            await fake.close()
        messages = [s for s in fake.sent if s.method == "sendMessage"]
        per_chat = Counter(s.chat_id for s in messages)
        span = max(s.at for s in messages) - min(s.at for s in messages) if messages else 0.0
        sent_per_s = len(messages) / span if span else 0.0
        result: dict[str, object] = {
            "bench": "broadcast",
            "recipients": count,
            "sent_per_s": round(sent_per_s, 1),
            "limit_per_s": limit,
            "ratio_to_limit": round(sent_per_s / limit, 3),
            "lost": count - len(per_chat),
            "duplicates": sum(n - 1 for n in per_chat.values()),
            "fanout_s": round(fanout, 2),
            "violations": len(fake.violations),
        }
        if kill:
            result["killed_after"] = killed_at
        return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--limit", type=float, default=1000.0)
    parser.add_argument("--kill", action="store_true")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.recipients, args.limit, args.kill))))


if __name__ == "__main__":
    main()
