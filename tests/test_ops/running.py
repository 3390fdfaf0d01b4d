"""`hocvuso run` as a real process, and browsers chatting with it, for the stop and kill tests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlite_utils import Database

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]

# What a person types through onboarding and after; any valid message does for these tests.
SCRIPT: list[dict[str, str]] = [
    {"text": "/batdau"},
    {"payload": "ob:c:y"},
    {"text": "Nguyễn Văn Tư"},
    {"text": "Thôn Đông"},
    {"text": "1958"},
    {"text": "Người cao tuổi"},
    {"text": "1"},
    {"text": "2"},
    {"text": "2"},
    {"text": "2"},
    {"text": "/menu"},
    {"text": "/trogiup"},
    {"text": "lừa đảo qua điện thoại"},
    {"text": "/dulieucuatoi"},
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**values: str) -> dict[str, str]:
    """The environment minus every setting (no token from the developer's shell), plus values."""
    names = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in names}
    return {**env, "PYTHONUNBUFFERED": "1", **values}


@dataclass
class Assistant:
    """One `hocvuso run` process on a database file; started, signalled, waited for."""

    workdir: Path
    db_path: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log_file: Any = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, timeout: float = 30) -> None:
        self.port = self.port or free_port()  # preset when a setting must name it (WEBHOOK_URL)
        self.log_file = log = (self.workdir / "run.log").open("ab")
        command = ["run", "--db", str(self.db_path), "--port", str(self.port)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *command],
            cwd=self.workdir,  # no .env here: only the settings given below
            # Fake browsers chat as fast as they can, all from loopback: no web chat limits.
            env=clean_env(
                **{
                    "LOG_JSON": "true",
                    "SHUTDOWN_TIMEOUT": "5",
                    "WEBCHAT_RATE": "10000",
                    "WEBCHAT_TOTAL_RATE": "10000",
                    **self.env,
                }
            ),
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, self.log()
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(f"{self.base}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise AssertionError(f"hocvuso run did not answer /healthz:\n{self.log()}")

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    async def wait(self, timeout: float) -> int:
        assert self.process is not None
        code = await asyncio.to_thread(self.process.wait, timeout)
        self.close()
        return code

    def close(self) -> None:
        """Kill the process if a failed test left it running; close its log."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None

    def log(self) -> str:
        path = self.workdir / "run.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class Ack:
    chat_id: str
    message_id: str
    replies: list[dict[str, Any]]


@dataclass
class Browser:
    """A person at the web chat, sending the script over and over, keeping every 200 answer."""

    base: str
    name: str
    acks: list[Ack] = field(default_factory=list)
    failures: int = 0
    chat_id: str = ""

    async def chat(self, stop_after_failure: asyncio.Event) -> None:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            try:
                async with session.get(f"{self.base}/") as response:
                    assert response.status == 200
            except aiohttp.ClientError:
                self.failures += 1
                return
            self.chat_id = next(c.value for c in jar if c.key == "hvs_chat")
            n = 0
            while True:
                message = {"id": f"{self.name}-{n}", **SCRIPT[n % len(SCRIPT)]}
                try:
                    async with session.post(f"{self.base}/api/chat", json=message) as response:
                        # 503: the assistant is stopping and did not take this message.
                        assert response.status in (200, 503), response.status
                        if response.status == 200:
                            body = await response.json()
                            self.acks.append(Ack(self.chat_id, message["id"], body["replies"]))
                            n += 1
                            continue
                except (TimeoutError, aiohttp.ClientError):
                    pass
                self.failures += 1
                if stop_after_failure.is_set():
                    return
                await asyncio.sleep(0.05)
                n += 1


@dataclass
class SlowRequest:
    """A POST whose body arrives in two parts, so it is in flight for as long as the test wants."""

    port: int
    name: str
    chat_id: str = ""
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    body: bytes = b""

    async def begin(self) -> None:
        if not self.chat_id:  # a chat starts with a page load, which hands out its cookie
            jar = aiohttp.CookieJar(unsafe=True)
            url = f"http://127.0.0.1:{self.port}/"
            async with (
                aiohttp.ClientSession(cookie_jar=jar) as session,
                session.get(url) as response,
            ):
                assert response.status == 200
            self.chat_id = next(c.value for c in jar if c.key == "hvs_chat")
        self.body = json.dumps({"id": self.name, "text": "/menu"}).encode()
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (
            f"POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(self.body)}\r\n"
            f"Cookie: hvs_chat={self.chat_id}\r\nConnection: close\r\n\r\n"
        )
        self.writer.write(head.encode() + self.body[:4])
        await self.writer.drain()

    async def finish(self) -> tuple[int, dict[str, Any]]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(self.body[4:])
        await self.writer.drain()
        raw = await asyncio.wait_for(self.reader.read(), 10)
        self.writer.close()
        head, _, payload = raw.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        return status, json.loads(payload) if payload else {}


def check_acknowledged(db_path: Path, acks: list[Ack]) -> None:
    """Every answered request: its update is recorded and the replies it got are in the outbox."""
    db = Database(db_path)
    try:
        recorded = {
            r[0]
            for r in db.execute("SELECT update_id FROM processed_updates WHERE channel = 'webchat'")
        }
        by_chat: dict[str, Counter[str]] = {}
        for chat_id, body in db.execute(
            "SELECT chat_id, body FROM outbox WHERE channel = 'webchat' AND status = 'sent'"
        ).fetchall():
            canon = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False)
            by_chat.setdefault(chat_id, Counter())[canon] += 1
        wanted: dict[str, Counter[str]] = {}
        for ack in acks:
            assert f"{ack.chat_id}:{ack.message_id}" in recorded, ack
            for reply in ack.replies:
                canon = json.dumps(reply, sort_keys=True, ensure_ascii=False)
                wanted.setdefault(ack.chat_id, Counter())[canon] += 1
        for chat_id, replies in wanted.items():
            assert replies <= by_chat.get(chat_id, Counter()), f"replies lost for {chat_id}"
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


async def refused(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return True
    writer.close()
    return False
