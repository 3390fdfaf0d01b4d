"""The persistent outbox worker: claims due rows of one channel and sends them through its Sender.

Guarantees, for any channel:
- per chat, rows go out in id order: only the oldest pending row of a chat is ever claimed, and a
  row waiting for a retry holds back the chat's later rows;
- at least once: a row is marked sent only after the platform confirmed it, and each part of a
  split reply is recorded as sent at once, so a crash repeats at most the one message in flight;
- the platform's rates (`Sender.overall_rate`, `Sender.chat_rate`), its `retry_after` on 429,
  backoff on server errors and timeouts, and 403/blocked ends sending to that chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter
from collections.abc import Callable
from typing import Generic

from sqlite_utils import Database

from bot.delivery.policy import (
    Part,
    RateLimiter,
    Rejected,
    RetryAfter,
    RetryPolicy,
    Sender,
    TemporaryError,
    Unreachable,
)
from bot.store import outbox, users
from bot.store.outbox import OutboxItem

log = logging.getLogger(__name__)


class OutboxWorker(Generic[Part]):
    def __init__(
        self,
        db: Database,
        sender: Sender[Part],
        *,
        limiter: RateLimiter | None = None,
        policy: RetryPolicy | None = None,
        lease_seconds: int = 120,
        max_in_flight: int = 32,
        poll_interval: float = 0.5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.sender = sender
        self.channel = sender.channel
        self.limiter = limiter or RateLimiter(sender.overall_rate, sender.chat_rate)
        self.policy = policy or RetryPolicy()
        # Longer than any one send may take (the sender's request timeout, times the parts of
        # a split reply), so a live send's lease never runs out under it.
        self.lease_seconds = lease_seconds
        self.max_in_flight = max_in_flight
        self.poll_interval = poll_interval
        self.clock = clock
        self.stats: Counter[str] = Counter()
        self._wake = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        self._runner = asyncio.create_task(self.run(), name=f"outbox-{self.channel}")

    def wake(self) -> None:
        """New rows were written: look now instead of at the next poll."""
        self._wake.set()

    async def stop(self, grace: float = 5.0) -> None:
        """Stop claiming; let sends in flight finish for up to `grace` seconds, then cut them off.

        A send cut off leaves its row leased; the next start sends it again.
        """
        self._stopping = True
        self._wake.set()
        if self._runner is not None:
            await self._runner
        if self._in_flight:
            await asyncio.wait(self._in_flight, timeout=grace)
        for task in list(self._in_flight):
            task.cancel()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def run(self) -> None:
        released = outbox.release_claims(self.db, self.channel)
        if released:
            log.info(
                "outbox: %d %s row(s) left in flight by a previous run are due",
                released,
                self.channel,
            )
        while not self._stopping:
            self._wake.clear()
            try:
                self._claim()
            except Exception:
                # The database is busy or gone for a moment: delivery must not die of it.
                log.exception("outbox: claiming %s rows failed", self.channel)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    def _claim(self) -> None:
        free = self.max_in_flight - len(self._in_flight)
        if free <= 0:
            return
        now = self.clock()
        items = outbox.claim(
            self.db,
            self.channel,
            now=int(now),
            lease_until=int(now) + self.lease_seconds,
            limit=free,
        )
        for item in items:
            task = asyncio.create_task(self._deliver(item))
            self._in_flight.add(task)
            task.add_done_callback(self._settled)

    def _settled(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        # A slot is free, and the chat's next row may be due now.
        self._wake.set()
        if not task.cancelled() and task.exception() is not None:
            log.error("outbox: delivery task failed", exc_info=task.exception())

    # -- one row --------------------------------------------------------------------------------

    async def _deliver(self, item: OutboxItem) -> None:
        try:
            parts = self.sender.parts(item)
        except Exception:
            # A body this channel cannot render is a bug; retrying would fail the same way.
            log.exception("outbox: row %d cannot be rendered for %s", item.id, self.channel)
            outbox.mark_failed(self.db, item.id, "cannot render")
            self.stats["failed"] += 1
            return
        for index in range(item.parts_sent, len(parts)):
            await self.limiter.acquire(item.chat_id)
            try:
                await self.sender.send(parts[index])
            except RetryAfter as error:
                self._retry_after(item, error)
                return
            except Unreachable as error:
                self._unreachable(item, error)
                return
            except Rejected as error:
                log.error(
                    "outbox: row %d part %d rejected by %s: %s", item.id, index, self.channel, error
                )
                outbox.mark_failed(self.db, item.id, str(error))
                self.stats["failed"] += 1
                return
            except TemporaryError as error:
                self._temporary(item, error)
                return
            except Exception as error:
                # A sender bug: log it, and retry like a platform error rather than leave the
                # row leased until the next restart.
                log.exception("outbox: unexpected error sending row %d", item.id)
                self._temporary(item, TemporaryError(repr(error)))
                return
            self.stats["messages"] += 1
            if index + 1 < len(parts):
                outbox.record_parts_sent(self.db, item.id, index + 1)
        outbox.mark_sent(self.db, item.id, int(self.clock()))
        self.stats["sent"] += 1

    def _retry_after(self, item: OutboxItem, error: RetryAfter) -> None:
        self.stats["retry_after"] += 1
        log.warning("outbox: %s asks to wait %ss (row %d)", self.channel, error.seconds, item.id)
        outbox.reschedule(
            self.db,
            item.id,
            # Whole seconds, rounded up: the wait is never shorter than asked.
            not_before=math.ceil(self.clock() + error.seconds),
            error=str(error),
            counts_as_attempt=False,
        )

    def _temporary(self, item: OutboxItem, error: TemporaryError) -> None:
        if self.policy.exhausted(item.attempts):
            log.error("outbox: row %d failed after %d tries: %s", item.id, item.attempts, error)
            outbox.mark_failed(self.db, item.id, str(error))
            self.stats["failed"] += 1
            return
        delay = self.policy.delay(item.attempts)
        self.stats["retried"] += 1
        log.warning(
            "outbox: row %d try %d failed (%s); again in %.0fs",
            item.id,
            item.attempts,
            error,
            delay,
        )
        outbox.reschedule(
            self.db, item.id, not_before=math.ceil(self.clock() + delay), error=str(error)
        )

    def _unreachable(self, item: OutboxItem, error: Unreachable) -> None:
        now = int(self.clock())
        with self.db.atomic():
            stopped = outbox.stop_chat(self.db, self.channel, item.chat_id, str(error))
            if item.user_id is not None:
                users.mark_unreachable(self.db, item.user_id, item.chat_id, now)
        self.stats["unreachable"] += stopped
        log.info(
            "outbox: %s chat unreachable (%s); %d row(s) stopped", self.channel, error, stopped
        )
