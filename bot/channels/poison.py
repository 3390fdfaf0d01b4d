"""The poison-update rule at a channel: one update that cannot be processed never stops it.

`guarded(...)` runs one update. If it raises, the failure is counted in the database
(bot.store.updates.record_failure, under the channel's key for the update); the first failure
is raised again, so the channel offers the update once more (a database that was busy for a
moment); the second gives the update up: it is recorded as failed and processed, logged (ids and
the exception's type only), and the channel moves on to the next update.

A failure of the database itself (locked, busy, disk full: updates.transient) is never counted,
and when even the failure cannot be recorded, the error is raised:
the update is kept and offered again later, as before; nothing is given up unrecorded.

The engine applies the same rule to its own failures (Engine.handle), and there it also
answers the person politely; this guard covers what runs around the engine.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from bot.engine.dispatcher import Engine
from bot.engine.types import Incoming, Outcome
from bot.store import updates

log = logging.getLogger(__name__)


def guarded(db: Database, channel: str, key: str, handle: Callable[[], None]) -> bool:
    """Run `handle()`; True when it ran, False when the update was given up now.
    Raises when the update must be offered again."""
    try:
        handle()
        return True
    except Exception as error:
        failure = error
    kind = type(failure).__name__
    if updates.transient(failure):  # the database failed, not the update: offered again
        raise failure
    try:
        attempts = updates.record_failure(db, channel, key, kind, int(time.time()))
    except Exception:
        log.exception("%s: update failed; the failure could not be recorded", channel)
        raise failure from None
    if attempts < updates.POISON_ATTEMPTS:
        log.warning("%s: update failed (try %d); offered again", channel, attempts)
        raise failure
    log.error("%s: update given up after %d failures", channel, attempts, extra={"error": kind})
    return False


def raw_key(update: Any) -> str:
    """A key for an update read from a platform's JSON (the same body, the same key)."""
    text = json.dumps(update, sort_keys=True, ensure_ascii=True, default=str)
    return "raw:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def handle_now(engine: Engine, incoming: Incoming) -> Outcome | None:
    """For channels with no platform to offer an update again (console, web chat): a failed
    update is tried once more at once, when the engine gives it up (with its apology) if it
    fails again. None when it could not be processed at all (the database is unavailable)."""
    for attempt in range(updates.POISON_ATTEMPTS):
        try:
            return engine.handle(incoming)
        except Exception:
            log.warning("%s: update failed (try %d)", incoming.channel, attempt + 1)
    return None
