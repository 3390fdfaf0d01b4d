"""Rate limits for the anonymous web chat: token buckets per address and for everyone together.

In memory (one process serves one database, bot/ops/lock.py): a restart forgets them, which is
harmless. The number of addresses remembered is bounded; the least recently seen go first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web.addresses import client_address
from bot.web.keys import SERVICES

BURST = 20  # messages one address may send at once before its rate applies
TOTAL_BURST = 100
MAX_KEYS = 10_000


class Buckets:
    """Token buckets: `rate` tokens a second, up to `burst`, one bucket per key."""

    def __init__(self, rate: float, burst: float, max_keys: int = MAX_KEYS) -> None:
        self.rate, self.burst, self.max_keys = rate, burst, max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, now: float | None = None) -> float:
        """Take one token: 0.0 when allowed, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        tokens, then = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        if tokens >= 1:
            self._buckets[key] = (tokens - 1, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1 - tokens) / self.rate
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


class ChatLimits:
    def __init__(self, settings: object) -> None:
        rate = float(getattr(settings, "webchat_rate", 1.0))
        total = float(getattr(settings, "webchat_total_rate", 30.0))
        chats = int(getattr(settings, "webchat_new_chats_per_hour", 30))
        all_chats = int(getattr(settings, "webchat_total_new_chats_per_hour", 600))
        self.messages = Buckets(rate, BURST)
        self.all_messages = Buckets(total, max(TOTAL_BURST, total))
        # New chats: the whole hour's allowance may come at once (a class at the centre).
        self.chats = Buckets(chats / 3600, chats)
        self.all_chats = Buckets(all_chats / 3600, all_chats)

    def message(self, address: str) -> bool:
        return self._both(self.messages, self.all_messages, address)

    def new_chat(self, address: str) -> bool:
        return self._both(self.chats, self.all_chats, address)

    @staticmethod
    def _both(one: Buckets, everyone: Buckets, address: str) -> bool:
        # The address's own bucket first: one flooding address does not use up everyone's.
        return one.take(address) == 0 and everyone.take("*") == 0


LIMITS: web.AppKey[ChatLimits] = web.AppKey("webchat_limits")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def too_fast(request: web.Request) -> web.Response:
    texts = request.app[SERVICES].texts
    return web.json_response({"error": texts.render("web.too_fast")}, status=429)


@web.middleware
async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every message posted to the web chat takes a token from its address and from all."""
    if (
        request.method == "POST"
        and request.path == "/api/chat"
        and not request.app[LIMITS].message(client_address(request))
    ):
        return too_fast(request)
    return await handler(request)


def setup(app: web.Application) -> None:
    app[LIMITS] = ChatLimits(app[SERVICES].settings)
    app.middlewares.append(middleware)
