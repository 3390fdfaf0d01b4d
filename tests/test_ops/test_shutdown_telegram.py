"""SIGTERM and SIGKILL against `hocvuso run` long-polling the fake Telegram Bot API.

In polling mode an update is acknowledged when a getUpdates call carries an offset past it:
Telegram then forgets it. Every acknowledged update must be recorded in the database, however
the process ends; the ones not yet acknowledged come again after a restart and are taken once.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from tests.fakes.telegram import TOKEN, FakeTelegram, Person
from tests.test_ops.running import Assistant

SAYINGS = ["/start", "/menu", "/trogiup", "lừa đảo qua điện thoại", "vneid là gì", "/menu"]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.close()


@pytest.fixture
def launch(tmp_path: Path, fake: FakeTelegram) -> Iterator[Callable[[], Assistant]]:
    launched: list[Assistant] = []

    def make() -> Assistant:
        env = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": fake.base,
            "TELEGRAM_CHAT_RATE": "50",
        }
        launched.append(Assistant(tmp_path, tmp_path / "data" / "hocvuso.sqlite", env=env))
        return launched[-1]

    yield make
    for assistant in launched:
        assistant.close()


class People:
    """People writing to the bot without pause; remembers each update's id in the database."""

    def __init__(self, fake: FakeTelegram, count: int) -> None:
        self.fake = fake
        self.people = [fake.person(7_000_000 + i, f"Người {i}") for i in range(count)]
        self.engine_ids: dict[int, str] = {}  # Telegram update_id → the engine's update id
        self.rng = random.Random(5)

    async def write(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            person: Person = self.rng.choice(self.people)
            update: dict[str, Any] = person._message(text=self.rng.choice(SAYINGS))
            message = update["message"]
            self.engine_ids[update["update_id"]] = (
                f"m:{message['chat']['id']}:{message['message_id']}"
            )
            await self.fake.deliver(update)
            await asyncio.sleep(0.01)

    def acknowledged(self) -> set[str]:
        """Engine ids of the updates Telegram was told it may forget."""
        offsets = [
            int(call.params.get("offset") or 0)
            for call in self.fake.calls
            if call.method.lower() == "getupdates" and call.status == 200
        ]
        below = max(offsets, default=0)
        return {eid for uid, eid in self.engine_ids.items() if uid < below}


def recorded(db_path: Path) -> set[str]:
    db = Database(db_path)
    try:
        rows = db.execute("SELECT update_id FROM processed_updates WHERE channel = 'telegram'")
        return {row[0] for row in rows}
    finally:
        db.close()


async def test_sigkill_then_sigterm_while_polling_lose_no_acknowledged_update(
    fake: FakeTelegram, launch: Callable[[], Assistant]
) -> None:
    """One database through a kill and a graceful stop (aiogram takes seconds to import, so the
    two runs share one test)."""
    people = People(fake, 6)

    # 1. SIGKILL at a moment while people write: what Telegram was told to forget is stored.
    assistant = launch()
    await assistant.start()
    stop = asyncio.Event()
    writing = asyncio.create_task(people.write(stop))
    await asyncio.sleep(random.Random(3).uniform(0.8, 1.6))
    assistant.signal(signal.SIGKILL)
    assert await assistant.wait(timeout=10) == -signal.SIGKILL
    acknowledged = people.acknowledged()
    assert len(acknowledged) > 10, "hardly any update was taken; the test proves nothing"
    assert acknowledged <= recorded(assistant.db_path)

    # 2. Restart while people keep writing: every update sent before the kill is taken (the
    # unacknowledged ones come again, and are taken once).
    before_kill = set(people.engine_ids.values())
    assistant = launch()
    await assistant.start()
    deadline = time.monotonic() + 20
    while not before_kill <= recorded(assistant.db_path):
        assert time.monotonic() < deadline, "updates were lost across the kill"
        await asyncio.sleep(0.1)

    # 3. SIGTERM while people write: exits 0 within seconds, and keeps the same promise.
    await asyncio.sleep(1.0)
    assistant.signal(signal.SIGTERM)
    signalled = time.monotonic()
    code = await assistant.wait(timeout=30)
    elapsed = time.monotonic() - signalled
    stop.set()
    await writing
    assert code == 0, assistant.log()
    # Within seconds: SHUTDOWN_TIMEOUT is 5 here and a long poll in flight is cancelled after
    # it; the bound is loose so a loaded machine does not fail a promise that holds.
    assert elapsed < 9.5, f"took {elapsed:.1f}s to stop"
    acknowledged_now = people.acknowledged()
    assert len(acknowledged_now) > len(acknowledged), "the second run took no update"
    assert acknowledged_now <= recorded(assistant.db_path)
    assert fake.violations == []
