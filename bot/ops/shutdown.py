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
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


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
