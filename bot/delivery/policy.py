"""What every channel's delivery shares: rate limits, the retry policy, the `Sender` protocol.

A channel describes its platform with a `Sender` (how one outbox row becomes platform messages,
how one message is sent, the platform's limits) and maps the platform's errors onto the four
`DeliveryError`s below; the outbox worker does the rest the same way for every channel.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.store.outbox import OutboxItem

Part = TypeVar("Part")


# -- errors a sender raises -------------------------------------------------------------------


class DeliveryError(Exception):
    """The platform did not take one message; the subclass says what to do about it."""


class RetryAfter(DeliveryError):
    """Flow control (HTTP 429): send nothing more to this chat for `seconds`."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds}s")
        self.seconds = seconds


class TemporaryError(DeliveryError):
    """A server error, timeout or network failure: retry with backoff."""


class Unreachable(DeliveryError):
    """The user blocked the bot, or the account or chat is gone: stop sending to this chat."""


class Rejected(DeliveryError):
    """The platform refuses this message itself (a bad request): retrying cannot help."""


# -- limits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A sustained rate with a short burst allowance (a token bucket)."""

    per_second: float
    burst: int = 1


class _Bucket:
    __slots__ = ("rate", "tokens", "updated")

    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self.tokens = float(rate.burst)
        self.updated = now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(float(self.rate.burst), self.tokens + elapsed * self.rate.per_second)
        self.updated = now

    def reserve(self, now: float) -> float:
        """Take a token (borrowing from the future if none is left); seconds to wait for it."""
        self._refill(now)
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate.per_second

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.rate.burst


class RateLimiter:
    """Spaces messages to stay within a platform's overall and per-chat rates.

    `acquire(chat_id)` returns when one more message to that chat may go. Reservations are made
    in call order, so concurrent senders are queued fairly rather than racing.
    """

    MAX_IDLE_CHATS = 4096

    def __init__(
        self,
        overall: Rate,
        per_chat: Callable[[str], Rate],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.per_chat = per_chat
        self._overall = _Bucket(overall, clock())
        self._chats: dict[str, _Bucket] = {}

    async def acquire(self, chat_id: str) -> None:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            self._forget_idle_chats()
            bucket = self._chats[chat_id] = _Bucket(self.per_chat(chat_id), self.clock())
        # The chat's turn first, then the overall one, so an overall slot is not held while
        # waiting for a slow chat.
        wait = bucket.reserve(self.clock())
        if wait > 0:
            await self.sleep(wait)
        wait = self._overall.reserve(self.clock())
        if wait > 0:
            await self.sleep(wait)

    def _forget_idle_chats(self) -> None:
        if len(self._chats) < self.MAX_IDLE_CHATS:
            return
        now = self.clock()
        for chat_id in [c for c, bucket in self._chats.items() if bucket.full(now)]:
            del self._chats[chat_id]


# -- retries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for temporary errors: first_delay, ×factor each time, up to max_delay.

    A row is given up ('failed') after `max_attempts` tries; with the defaults that is about
    half an hour after the first failure, long enough to ride out a platform outage.
    """

    first_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 300.0
    max_attempts: int = 12

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed try (1-based)."""
        exponent = max(0, attempts - 1)
        return min(self.max_delay, self.first_delay * self.factor**exponent)

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


# -- the channel's side -----------------------------------------------------------------------


class Sender(Protocol[Part]):
    """One platform's way of delivering outbox rows."""

    channel: str
    overall_rate: Rate

    def chat_rate(self, chat_id: str) -> Rate:
        """The sustained rate allowed for one chat (groups are often slower than private chats)."""
        ...

    def parts(self, item: OutboxItem) -> Sequence[Part]:
        """The platform messages one outbox row becomes, in order (a long reply is split)."""
        ...

    async def send(self, part: Part) -> None:
        """Send one message; raise a `DeliveryError` subclass when it was not delivered."""
        ...
