"""Benchmark: the assistant under hostile load, on loopback only, bounded.

The real `hocvuso run` process is started on a free loopback port. First an idle baseline:
sequential /healthz probes and one web chat person's replies. Then, all at once: LOGINS
concurrent wrong-password logins (each from its own address in X-Real-IP, which loopback, the
trusted proxy, may set; so none is throttled and argon2 really runs) and SESSIONS web chat
sessions (a page load, then a few messages each), while the same probes run. Prints one line:

  {"bench": "load", "idle": {"healthz_ms": {"p50", "p99", "n"}, "chat_reply_ms": {...}},
   "logins": {"answers": {"401": a, "429": b}, "healthz_ms": {...}, "chat_reply_ms": {...}},
   "sessions": {"healthz_ms": {...}, "chat_reply_ms": {...}, "sessions_reply_ms": {...}}}

The logins phase shows what argon2 does to everyone else (one person keeps chatting beside the
probes); the sessions phase shows the engine's own throughput bound (the chat engine runs on
the event loop, so 200 people typing at the same instant queue behind each other).

Password checks run in LOGIN_THREADS threads (off the event loop), logins beyond LOGIN_QUEUE
get 429: the /healthz and chat figures under load should stay near the idle ones.

    python bench/load.py [--logins 50] [--sessions 200] [--messages 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import officials as accounts  # noqa: E402
from bot.app import build  # noqa: E402
from bot.config import Settings  # noqa: E402

SCRIPT = ["/menu", "/giupdo", "/menu"]
CSRF = 'name="csrf" value="'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(db_path: Path) -> None:
    services = build(Settings(database_path=db_path, _env_file=None))  # type: ignore[call-arg]
    accounts.create(
        services.db,
        username="canbo.xa",
        display_name="Cán bộ",
        password="mat-khau-rat-dai-2026",
        role="admin",
        unit_id=None,
        now=int(time.time()),
        actor="bench",
    )
    services.db.close()


def start(db_path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    names = {n.upper() for n in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in names}
    # Every session comes from loopback: the web chat's per-address limits are raised.
    env.update(
        LOG_LEVEL="WARNING",
        WEBCHAT_RATE="100000",
        WEBCHAT_TOTAL_RATE="100000",
        WEBCHAT_NEW_CHATS_PER_HOUR="100000",
        WEBCHAT_TOTAL_NEW_CHATS_PER_HOUR="100000",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--db", str(db_path), "--port", str(port)],
        cwd=log.parent,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _pcts(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p99": 0.0, "n": 0}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"p50": round(statistics.median(ordered), 1), "p99": round(p99, 1), "n": len(ordered)}


async def probe_health(base: str, stop: asyncio.Event, out: list[float], limit: int) -> None:
    async with aiohttp.ClientSession() as session:
        while not stop.is_set() and len(out) < limit:
            started = time.perf_counter()
            async with session.get(f"{base}/healthz") as response:
                await response.read()
            out.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.01)


async def chat_session(base: str, name: str, messages: int, out: list[float]) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/") as response:
            assert response.status == 200, response.status
        for n in range(messages):
            body = {"id": f"{name}-{n}", "text": SCRIPT[n % len(SCRIPT)]}
            started = time.perf_counter()
            async with session.post(f"{base}/api/chat", json=body) as response:
                assert response.status == 200, response.status
                await response.read()
            out.append((time.perf_counter() - started) * 1000)


async def login(base: str, n: int, statuses: Counter[int]) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    headers = {"X-Real-IP": f"10.{n // 250}.{n % 250}.7"}
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/dashboard/login", headers=headers) as response:
            html = await response.text()
        token = html.split(CSRF, 1)[1].split('"', 1)[0]
        data = {"csrf": token, "username": "canbo.xa", "password": f"sai-mat-khau-{n}"}
        async with session.post(
            f"{base}/dashboard/login", data=data, headers=headers, allow_redirects=False
        ) as response:
            statuses[response.status] += 1


async def _phase(base: str, messages: int, *work: object) -> dict[str, object]:
    """Probes and one person chatting (sequentially) while `work` runs; their latencies."""
    stop = asyncio.Event()
    health: list[float] = []
    chat: list[float] = []

    async def person() -> None:
        while not stop.is_set():
            await chat_session(base, f"p{time.monotonic_ns()}", messages, chat)

    prober = asyncio.create_task(probe_health(base, stop, health, 100_000))
    chatter = asyncio.create_task(person())
    started = time.perf_counter()
    await asyncio.gather(*work)  # type: ignore[arg-type]
    took = time.perf_counter() - started
    stop.set()
    await asyncio.gather(prober, chatter)
    return {"s": round(took, 2), "healthz_ms": _pcts(health), "chat_reply_ms": _pcts(chat)}


async def measure(base: str, logins: int, sessions: int, messages: int) -> dict[str, object]:
    # Idle: probes alone, then one person chatting alone.
    idle_health: list[float] = []
    await probe_health(base, asyncio.Event(), idle_health, 200)
    idle_chat: list[float] = []
    for n in range(10):
        await chat_session(base, f"idle{n}", messages, idle_chat)
    statuses: Counter[int] = Counter()
    during_logins = await _phase(base, messages, *(login(base, n, statuses) for n in range(logins)))
    session_replies: list[float] = []
    during_sessions = await _phase(
        base,
        messages,
        *(chat_session(base, f"s{n}", messages, session_replies) for n in range(sessions)),
    )
    during_sessions["sessions_reply_ms"] = _pcts(session_replies)
    return {
        "bench": "load",
        "idle": {"healthz_ms": _pcts(idle_health), "chat_reply_ms": _pcts(idle_chat)},
        "logins": {
            "concurrent": logins,
            "answers": {str(k): v for k, v in sorted(statuses.items())},
            **during_logins,
        },
        "sessions": {
            "concurrent": sessions,
            "messages_each": messages,
            **during_sessions,
        },
    }


async def run(logins: int, sessions: int, messages: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite"
        prepare(db_path)
        port = free_port()
        log = Path(tmp) / "run.log"
        process = start(db_path, port, log)
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as session:
                for _ in range(300):
                    if process.poll() is not None:
                        raise SystemExit(f"hocvuso run exited:\n{log.read_text()[-3000:]}")
                    with contextlib.suppress(aiohttp.ClientError):
                        async with session.get(f"{base}/healthz") as response:
                            if response.status == 200:
                                break
                    await asyncio.sleep(0.1)
            return await measure(base, logins, sessions, messages)
        finally:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--logins", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--messages", type=int, default=3)
    args = parser.parse_args()
    for name in ("logins", "sessions", "messages"):
        if not 1 <= getattr(args, name) <= 1000:  # bounded: this is a benchmark, not a weapon
            parser.error(f"--{name} must be 1 to 1000")
    print(json.dumps(asyncio.run(run(args.logins, args.sessions, args.messages))))


if __name__ == "__main__":
    main()
