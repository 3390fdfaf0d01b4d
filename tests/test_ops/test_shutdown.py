"""SIGTERM stops `hocvuso run` gracefully; SIGKILL at any moment loses no acknowledged update.

Both against the real process, with browsers chatting through the web chat simulator.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.test_ops.running import (
    Ack,
    Assistant,
    Browser,
    SlowRequest,
    check_acknowledged,
    refused,
)

Launch = Callable[[Path], Assistant]


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launch]:
    """Assistants for one test; any left running by a failure are killed afterwards."""
    launched: list[Assistant] = []

    def make(db_path: Path) -> Assistant:
        launched.append(Assistant(tmp_path, db_path))
        return launched[-1]

    yield make
    for assistant in launched:
        assistant.close()


async def test_sigterm_finishes_requests_in_flight_and_exits_0(
    tmp_path: Path, launch: Launch
) -> None:
    assistant = launch(tmp_path / "data" / "hocvuso.sqlite")
    await assistant.start()
    stopping = asyncio.Event()
    browsers = [Browser(assistant.base, f"b{i}") for i in range(8)]
    tasks = [asyncio.create_task(b.chat(stopping)) for b in browsers]
    await asyncio.sleep(1.0)
    slow = [SlowRequest(assistant.port, f"slow-{i}") for i in range(3)]
    for request in slow:
        await request.begin()
    await asyncio.sleep(0.1)

    stopping.set()
    assistant.signal(signal.SIGTERM)
    signalled = time.monotonic()
    # Stops taking updates at once: new connections are refused while it finishes the rest.
    deadline = signalled + 3
    while not await refused(assistant.port):
        assert time.monotonic() < deadline, "still accepting connections after SIGTERM"
        await asyncio.sleep(0.02)
    assert assistant.process is not None and assistant.process.poll() is None
    await asyncio.sleep(0.3)
    # The requests that were half-received when the signal came are finished, not dropped.
    finished = [await request.finish() for request in slow]
    assert [status for status, _ in finished] == [200, 200, 200]
    assert all(body["replies"] for _, body in finished)

    code = await assistant.wait(timeout=10)
    elapsed = time.monotonic() - signalled
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert code == 0, assistant.log()
    assert elapsed < 5, f"took {elapsed:.1f}s to stop"

    acks = [ack for b in browsers for ack in b.acks]
    assert len(acks) > 20, "the browsers hardly chatted; the test proves nothing"
    for request, (_, body) in zip(slow, finished, strict=True):
        acks.append(Ack(request.chat_id, request.name, body["replies"]))
    check_acknowledged(assistant.db_path, acks)

    events = [json.loads(line)["event"] for line in assistant.log().splitlines() if line[:1] == "{"]
    assert events.index("stop requested") < events.index("stopped")
    # Stopped cleanly: the WAL was folded into the database file and removed.
    assert not Path(f"{assistant.db_path}-wal").exists()


async def test_sigkill_at_any_moment_loses_no_acknowledged_update(
    tmp_path: Path, launch: Launch
) -> None:
    db_path = tmp_path / "data" / "hocvuso.sqlite"
    rng = random.Random(11)
    all_acks = []
    for round_no in range(3):
        assistant = launch(db_path)
        await assistant.start()  # the same database, after the previous kill
        stopping = asyncio.Event()
        browsers = [Browser(assistant.base, f"r{round_no}b{i}") for i in range(8)]
        tasks = [asyncio.create_task(b.chat(stopping)) for b in browsers]
        await asyncio.sleep(rng.uniform(0.3, 1.2))
        stopping.set()
        assistant.signal(signal.SIGKILL)
        assert await assistant.wait(timeout=10) == -signal.SIGKILL
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        acks = [ack for b in browsers for ack in b.acks]
        assert acks, "nothing was acknowledged before the kill"
        all_acks.extend(acks)
        check_acknowledged(db_path, all_acks)
    # And the killed database starts again as if nothing happened.
    assistant = launch(db_path)
    await assistant.start()
    assistant.signal(signal.SIGTERM)
    assert await assistant.wait(timeout=10) == 0
    check_acknowledged(db_path, all_acks)
