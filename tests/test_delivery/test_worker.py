"""The outbox worker with a scripted sender: what any channel gets (order, retries, 403, restarts).

The sender here is not Telegram: the worker knows nothing of a platform, so a Zalo sender gets
the same guarantees. The clock is the test's; the worker runs for real in the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlite_utils import Database

from bot.delivery.policy import (
    Rate,
    Rejected,
    RetryAfter,
    RetryPolicy,
    TemporaryError,
    Unreachable,
)
from bot.delivery.worker import OutboxWorker
from bot.store import outbox, users
from bot.store.outbox import OutboxItem
from tests.factories import Clock

CHANNEL = "test"
FAST = Rate(10_000, burst=10_000)


@dataclass
class ScriptedSender:
    """Parts are the row's text split at "|"; `script[part]` lists errors for its next tries."""

    channel: str = CHANNEL
    overall_rate: Rate = FAST
    script: dict[str, list[Exception]] = field(default_factory=dict)
    sent: list[tuple[str, str]] = field(default_factory=list)
    tries: list[str] = field(default_factory=list)
    hold: asyncio.Event | None = None  # when set, sends wait for it (a hanging platform)

    def chat_rate(self, chat_id: str) -> Rate:
        return FAST

    def parts(self, item: OutboxItem) -> list[tuple[str, str]]:
        return [(item.chat_id, text) for text in item.body["text"].split("|")]

    async def send(self, part: tuple[str, str]) -> None:
        self.tries.append(part[1])
        if self.hold is not None:
            await self.hold.wait()
        errors = self.script.get(part[1])
        if errors:
            raise errors.pop(0)
        self.sent.append(part)

    def texts(self, chat_id: str) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]


@pytest.fixture
def sender() -> ScriptedSender:
    return ScriptedSender()


@pytest.fixture
def make_worker(
    fresh_db: Database, sender: ScriptedSender, clock: Clock
) -> Iterator[Callable[..., OutboxWorker[Any]]]:
    def make(**options: Any) -> OutboxWorker[Any]:
        options.setdefault("poll_interval", 0.01)
        return OutboxWorker(fresh_db, sender, clock=clock, **options)

    yield make


@pytest.fixture
async def worker(make_worker: Callable[..., OutboxWorker[Any]]) -> AsyncIterator[OutboxWorker[Any]]:
    running = make_worker(policy=RetryPolicy(first_delay=1, factor=2, max_attempts=3))
    running.start()
    yield running
    await running.stop(grace=0.1)


def enqueue(db: Database, clock: Clock, chat_id: str, text: str, user_id: int | None = None) -> int:
    with db.atomic():
        return outbox.enqueue(
            db,
            channel=CHANNEL,
            chat_id=chat_id,
            user_id=user_id,
            body={"text": text},
            now=int(clock()),
        )


def status(db: Database, row_id: int) -> tuple[str, int, int]:
    row = db.execute(
        "SELECT status, attempts, not_before FROM outbox WHERE id = ?", [row_id]
    ).fetchone()
    return row[0], row[1], row[2]


async def until(condition: Callable[[], Any], what: str, timeout: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"waited {timeout}s for {what}")
        await asyncio.sleep(0.005)


async def test_every_row_is_sent_once_in_order_per_chat(fresh_db, clock, sender, worker) -> None:
    for i in range(5):
        for chat in ("a", "b", "c"):
            enqueue(fresh_db, clock, chat, f"{chat}{i}")
    worker.wake()
    await until(lambda: len(sender.sent) == 15, "15 messages")
    for chat in ("a", "b", "c"):
        assert sender.texts(chat) == [f"{chat}{i}" for i in range(5)]
    assert outbox.status_counts(fresh_db, CHANNEL) == {"sent": 15}


async def test_429_holds_the_chat_for_retry_after_and_is_not_an_attempt(
    fresh_db, clock, sender, worker
) -> None:
    sender.script["a1"] = [RetryAfter(5)]
    first, held = enqueue(fresh_db, clock, "a", "a1"), enqueue(fresh_db, clock, "a", "a2")
    enqueue(fresh_db, clock, "b", "b1")
    worker.wake()
    await until(lambda: sender.texts("b") == ["b1"], "the other chat to go on")
    await asyncio.sleep(0.05)
    assert sender.texts("a") == []
    assert status(fresh_db, first) == ("pending", 0, int(clock()) + 5)
    assert status(fresh_db, held)[0] == "pending"
    clock.advance(4)
    worker.wake()
    await asyncio.sleep(0.05)
    assert sender.texts("a") == [], "sent before retry_after had passed"
    clock.advance(1)
    worker.wake()
    await until(lambda: sender.texts("a") == ["a1", "a2"], "both, in order")
    assert status(fresh_db, first)[:2] == ("sent", 1)


async def test_server_errors_back_off_then_succeed(fresh_db, clock, sender, worker) -> None:
    sender.script["a1"] = [TemporaryError("500"), TemporaryError("timeout")]
    row = enqueue(fresh_db, clock, "a", "a1")
    start = int(clock())
    worker.wake()
    await until(lambda: status(fresh_db, row)[2] == start + 1, "1 s backoff")
    clock.advance(1)
    worker.wake()
    await until(lambda: status(fresh_db, row)[2] == start + 1 + 2, "2 s backoff")
    clock.advance(2)
    worker.wake()
    await until(lambda: sender.sent == [("a", "a1")], "the third try")
    assert status(fresh_db, row)[:2] == ("sent", 3)


async def test_a_row_that_keeps_failing_is_given_up(fresh_db, clock, sender, worker) -> None:
    sender.script["a1"] = [TemporaryError("500")] * 10
    row = enqueue(fresh_db, clock, "a", "a1")
    later = enqueue(fresh_db, clock, "a", "a2")
    for _ in range(3):
        worker.wake()
        await asyncio.sleep(0.03)
        clock.advance(10)
    await until(lambda: status(fresh_db, row)[0] == "failed", "failed after 3 tries")
    assert sender.tries.count("a1") == 3
    await until(lambda: sender.texts("a") == ["a2"], "the chat's next row")
    assert status(fresh_db, later)[0] == "sent"


async def test_a_rejected_message_fails_alone(fresh_db, clock, sender, worker) -> None:
    sender.script["bad"] = [Rejected("400 Bad Request")]
    bad = enqueue(fresh_db, clock, "a", "bad")
    enqueue(fresh_db, clock, "a", "good")
    worker.wake()
    await until(lambda: sender.texts("a") == ["good"], "the next row")
    assert status(fresh_db, bad)[0] == "failed"
    assert sender.tries.count("bad") == 1


async def test_a_blocked_user_is_unreachable_and_nothing_more_is_tried(
    fresh_db, clock, sender, worker
) -> None:
    with fresh_db.atomic():
        user = users.load_or_create(fresh_db, CHANNEL, "a", "a", int(clock()))
    sender.script["a1"] = [Unreachable("403 Forbidden: bot was blocked by the user")]
    rows = [enqueue(fresh_db, clock, "a", f"a{i}", user.id) for i in (1, 2, 3)]
    enqueue(fresh_db, clock, "b", "b1")
    worker.wake()
    await until(lambda: status(fresh_db, rows[-1])[0] == "unreachable", "the chat stopped")
    await until(lambda: sender.texts("b") == ["b1"], "the other chat")
    assert [status(fresh_db, r)[0] for r in rows] == ["unreachable"] * 3
    assert sender.tries.count("a2") == sender.tries.count("a3") == 0
    record = users.get(fresh_db, user.id)
    assert record is not None and record.unreachable_at == int(clock())


async def test_a_split_reply_resumes_after_the_part_already_delivered(
    fresh_db, clock, sender, worker
) -> None:
    sender.script["p2"] = [TemporaryError("timeout")]
    row = enqueue(fresh_db, clock, "a", "p1|p2|p3")
    worker.wake()
    await until(lambda: status(fresh_db, row)[2] > int(clock()), "the retry scheduled")
    clock.advance(1)
    worker.wake()
    await until(lambda: status(fresh_db, row)[0] == "sent", "all parts")
    assert sender.texts("a") == ["p1", "p2", "p3"]


async def test_rows_claimed_by_a_process_that_died_are_sent_after_restart(
    fresh_db, clock, sender, make_worker
) -> None:
    row = enqueue(fresh_db, clock, "a", "p1|p2")
    split = enqueue(fresh_db, clock, "b", "q1|q2|q3")
    # A previous process claimed both, got q1 out, then died before settling either.
    now = int(clock())
    assert len(outbox.claim(fresh_db, CHANNEL, now=now, lease_until=now + 120, limit=10)) == 2
    outbox.record_parts_sent(fresh_db, split, 1)
    restarted = make_worker()
    restarted.start()
    try:
        await until(lambda: outbox.status_counts(fresh_db, CHANNEL) == {"sent": 2}, "both sent")
    finally:
        await restarted.stop()
    assert sender.texts("a") == ["p1", "p2"]
    assert sender.texts("b") == ["q2", "q3"], "q1 was already delivered"
    assert status(fresh_db, row)[1] == 2  # the lost try counts


async def test_stop_cuts_off_a_hanging_send_and_the_next_start_sends_it(
    fresh_db, clock, sender, make_worker
) -> None:
    sender.hold = asyncio.Event()
    row = enqueue(fresh_db, clock, "a", "a1")
    first = make_worker()
    first.start()
    await until(lambda: sender.tries == ["a1"], "the send in flight")
    await first.stop(grace=0.05)
    assert status(fresh_db, row)[0] == "pending"
    sender.hold.set()
    second = make_worker()
    second.start()
    try:
        await until(lambda: status(fresh_db, row)[0] == "sent", "sent after restart")
    finally:
        await second.stop()
    assert sender.sent == [("a", "a1")]


async def test_a_sender_bug_is_retried_not_left_claimed(fresh_db, clock, sender, worker) -> None:
    sender.script["a1"] = [KeyError("bug")]
    row = enqueue(fresh_db, clock, "a", "a1")
    worker.wake()
    await until(lambda: status(fresh_db, row)[2] == int(clock()) + 1, "a retry scheduled")
    clock.advance(1)
    worker.wake()
    await until(lambda: sender.sent == [("a", "a1")], "sent on the retry")
