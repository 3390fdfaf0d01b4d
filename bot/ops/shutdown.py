"""Graceful stop: SIGTERM (systemd, docker stop) or Ctrl+C sets an event instead of killing.

`hocvuso run` waits on the event, then stops taking updates (closes the listening socket, stops
polling), lets the updates in flight finish within SHUTDOWN_TIMEOUT, closes the database
(which checkpoints the WAL into the main file) and exits 0.

Nothing acknowledged depends on this path: an update is answered 200 (or its offset confirmed
to the platform) only after its transaction has committed, so SIGKILL at any moment loses
nothing a platform or a browser was told was done.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from aiohttp import web

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@contextmanager
def stop_on_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGTERM or SIGINT while the block runs (call inside the event loop)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def on_signal(sig: signal.Signals) -> None:
        if not stop.is_set():
            log.info("stop requested", extra={"signal": sig.name})
        stop.set()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        yield stop
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)


class InFlight:
    """The web requests being handled, so a stop can wait for them before closing connections.

    aiohttp's own shutdown stops reading from every connection at once, so a request whose body
    is still arriving (a slow phone link) would be cut off. Instead: stop listening, answer any
    new request on a kept-alive connection with 503 (a platform retries it later), let the
    requests already started finish, and only then close the connections.
    """

    def __init__(self) -> None:
        self.count = 0
        self.closing = False
        self._idle = asyncio.Event()
        self._idle.set()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.closing:
            raise web.HTTPServiceUnavailable(headers={"Connection": "close", "Retry-After": "10"})
        self.count += 1
        self._idle.clear()
        try:
            return await handler(request)
        finally:
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Refuse new requests and wait for the current ones; False if some are still running."""
        self.closing = True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


async def stop_web(runner: web.AppRunner, in_flight: InFlight, timeout: float) -> None:
    """Stop listening, let the requests in flight finish, then close every connection."""
    for site in list(runner.sites):
        await site.stop()
    waiting = in_flight.count
    drained = await in_flight.drain(timeout)
    log.info(
        "requests finished" if drained else "requests cut off",
        extra={"in_flight": waiting, "unfinished": in_flight.count},
    )
    await runner.cleanup()
