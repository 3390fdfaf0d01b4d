"""/healthz: for systemd, Docker and a monitoring probe. JSON; 503 when the database is down,
or "degraded" (also 503) when it answers but a write fails (a full disk, a read-only file).

Counts and times only: nothing here names a person.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from typing import Any

from aiohttp import web

from bot.store import health
from bot.web.keys import SERVICES

log = logging.getLogger(__name__)

STARTED: web.AppKey[float] = web.AppKey("started_monotonic")


def setup(app: web.Application) -> None:
    app[STARTED] = time.monotonic()
    app.router.add_get("/healthz", healthz)


def _age(now: int, then: int | None) -> int | None:
    return None if then is None else max(0, now - then)


async def healthz(request: web.Request) -> web.Response:
    db = request.app[SERVICES].db
    now = int(time.time())
    body: dict[str, Any] = {
        "status": "ok",
        "process": {
            "pid": os.getpid(),
            "uptime_s": round(time.monotonic() - request.app[STARTED]),
        },
    }
    try:
        health.ping(db)
        last = health.last_job_run(db)
        backlog = health.outbox_backlog(db, now)
        schema = health.schema_version(db)
    except sqlite3.Error as exc:
        log.error("health check: database does not answer", extra={"error": type(exc).__name__})
        body["status"] = "error"
        body["database"] = {"ok": False, "error": type(exc).__name__}
        return web.json_response(body, status=503)
    try:
        health.probe_write(db, now)
    except sqlite3.Error as exc:
        log.error("health check: database takes no writes", extra={"error": type(exc).__name__})
        body["status"] = "degraded"
        body["database"] = {"ok": False, "schema": schema, "write_error": type(exc).__name__}
        return web.json_response(body, status=503)
    body["database"] = {"ok": True, "schema": schema}
    body["scheduler"] = {
        "last_run_at": None if last is None else last.started_at,
        "last_run_age_s": None if last is None else _age(now, last.started_at),
        "job": None if last is None else last.job_id,
        "ok": None if last is None else last.ok,
    }
    body["outbox"] = {
        "pending": backlog.pending,
        "oldest_pending_age_s": _age(now, backlog.oldest_due_at),
        "scheduled": backlog.scheduled,
    }
    return web.json_response(body)
