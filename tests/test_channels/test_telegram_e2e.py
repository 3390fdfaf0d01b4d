"""End to end: the real `hocvuso run` process against the fake Bot API, driven by button presses.

The bot runs as a subprocess with only environment settings, exactly as deployed; the test plays
the person through the fake server and reads the database file the process writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from lessons.loader import load
from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.telegram_helpers import onboard, take_lesson

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content" / "vi"
# Settings the process must not inherit from the environment running the tests.
_SETTINGS = {
    "DATABASE_PATH",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE",
    "TELEGRAM_CHAT_RATE",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "ZALO_BOT_TOKEN",
    "PORT",
    "HOST",
    "DEMO_SEED",
    "LOG_LEVEL",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    """`python -m bot.cli run` with its own database, talking to the fake Bot API."""

    def __init__(
        self, fake: FakeTelegram, tmp_path: Path, *, webhook_secret: str | None = None
    ) -> None:
        self.fake = fake
        self.db_path = tmp_path / "bot.sqlite"
        self.log_path = tmp_path / "bot.log"
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items() if k.upper() not in _SETTINGS}
        self.env.update(
            DATABASE_PATH=str(self.db_path),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE=fake.base,
            # The fake person presses the instant a button arrives; people do not.
            TELEGRAM_CHAT_RATE="50",
            PORT=str(self.port),
            LOG_LEVEL="INFO",
        )
        if webhook_secret is not None:
            self.env.update(
                WEBHOOK_URL=f"http://127.0.0.1:{self.port}", WEBHOOK_SECRET=webhook_secret
            )
        self.process: asyncio.subprocess.Process | None = None
        self.calls_before: Counter[str] = Counter()

    async def start(self) -> None:
        self.calls_before = Counter(self.fake.started)
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the bot did not stop within {timeout}s:\n{self.log()}") from None

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.db_path)) as db:
            return db.execute(sql, params).fetchall()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.close()


@contextlib.asynccontextmanager
async def running(
    fake: FakeTelegram, tmp_path: Path, *, webhook_secret: str | None = None
) -> AsyncIterator[BotProcess]:
    bot = BotProcess(fake, tmp_path, webhook_secret=webhook_secret)
    await bot.start()
    try:
        yield bot
    except BaseException:
        print(f"--- bot log ---\n{bot.log()}")
        raise
    finally:
        if bot.process is not None and bot.process.returncode is None:
            await bot.stop()


async def _ready(bot: BotProcess, *, webhook: bool) -> None:
    """This process (not an earlier one) registered its commands and takes updates."""

    def ready() -> bool:
        assert bot.process is not None
        if bot.process.returncode is not None:
            raise AssertionError(f"the bot exited with {bot.process.returncode}:\n{bot.log()}")
        new = bot.fake.started - bot.calls_before
        return bool(new["setMyCommands"]) and bool(new["setWebhook" if webhook else "getUpdates"])

    await bot.fake.wait_for(ready, what="the bot to register and take updates", timeout=30)


async def _onboard_and_take_a_lesson(bot: BotProcess) -> dict[str, float]:
    curriculum = load(CONTENT)
    person = bot.fake.person(4242)
    started = time.monotonic()
    await onboard(person)
    onboarded = time.monotonic()
    lesson = await take_lesson(person, curriculum)
    finished = time.monotonic()
    [(name, year, group, onboarded_at)] = bot.query(
        "SELECT display_name, birth_year, grp, onboarded_at FROM users WHERE external_id = '4242'"
    )
    assert (name, year, group) == ("Tư", 1958, "cao_tuoi") and onboarded_at
    passed = bot.query(
        "SELECT status, score, total FROM progress p JOIN users u ON u.id = p.user_id "
        "WHERE u.external_id = '4242' AND p.lesson_id = ?",
        (lesson.id,),
    )
    assert passed == [("passed", len(lesson.quiz), len(lesson.quiz))]
    await bot.fake.wait_for(
        lambda: all(bot.fake.queries.values()), what="every button press answered"
    )
    assert bot.fake.violations == []
    presses = len(bot.fake.queries)
    return {
        "onboarding_s": onboarded - started,
        "lesson_s": finished - onboarded,
        "presses": presses,
        "messages": len(person.inbox),
    }


async def test_polling_onboarding_and_a_lesson_with_its_quiz_by_buttons(fake, tmp_path) -> None:
    async with running(fake, tmp_path) as bot:
        await _ready(bot, webhook=False)
        figures = await _onboard_and_take_a_lesson(bot)
        assert await bot.stop() == 0, bot.log()
    print(f"polling: {figures}")
    # Nothing pending or lost: every reply went out exactly once.
    assert bot.query("SELECT status, COUNT(*) FROM outbox GROUP BY status") == [
        ("sent", figures["messages"])
    ]


async def test_webhook_onboarding_and_a_lesson_and_a_wrong_secret_refused(fake, tmp_path) -> None:
    async with running(fake, tmp_path, webhook_secret="e2e-Secret_1") as bot:
        await _ready(bot, webhook=True)
        assert fake.webhook == {
            "url": f"http://127.0.0.1:{bot.port}/webhook/telegram",
            "secret": "e2e-Secret_1",
            "allowed_updates": ["message", "callback_query", "my_chat_member"],
        }
        intruder = fake.person(666)
        assert await intruder.say("/start", secret="e2e-Secret_2") in (401, 403)
        assert await intruder.say("/xoadulieu", secret="") in (401, 403)  # no header at all
        assert bot.query("SELECT COUNT(*) FROM processed_updates") == [(0,)]
        assert bot.query("SELECT COUNT(*) FROM users") == [(0,)]
        figures = await _onboard_and_take_a_lesson(bot)
        assert set(fake.webhook_statuses[2:]) == {200}
        assert await bot.stop() == 0, bot.log()
    print(f"webhook: {figures}")
    assert fake.to(666) == []
    assert bot.query("SELECT status, COUNT(*) FROM outbox GROUP BY status") == [
        ("sent", figures["messages"])
    ]


async def test_a_reply_in_flight_when_the_process_is_killed_is_sent_after_restart(
    fake, tmp_path
) -> None:
    person = fake.person(4343)
    async with running(fake, tmp_path) as bot:
        await _ready(bot, webhook=False)
        await person.say("/start")
        await person.expect("đồng ý")
        await fake.wait_for(
            lambda: bot.query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == [(0,)],
            what="sent",
        )
        # Telegram hangs on the next message; the process dies while waiting for the answer.
        fake.slow("sendMessage", 30)
        await person.press("Đồng ý")
        await fake.wait_for(lambda: fake.waiting["sendMessage"], what="a send in flight")
        assert await bot.stop(signal.SIGKILL) == -signal.SIGKILL
    leased = bot.query(
        "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND lease_until IS NOT NULL"
    )
    assert leased == [(1,)]
    fake.faults.clear()
    async with running(fake, tmp_path) as again:
        await _ready(again, webhook=False)
        await person.expect("Trợ lý nên gọi")
        await fake.wait_for(
            lambda: again.query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == [(0,)],
            what="all sent",
        )
    asks = [s for s in person.inbox if "Trợ lý nên gọi" in s.text]
    assert len(asks) == 1, "sent twice"
