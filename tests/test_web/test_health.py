"""/healthz through the real aiohttp app: process, database, last job run, outbox backlog."""

from __future__ import annotations

import time
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import Services, web_app
from bot.ops.restore import known_migrations
from bot.store import health, outbox


async def _get(aiohttp_client: Any, services: Services) -> tuple[int, dict[str, Any]]:
    client: TestClient = await aiohttp_client(web_app(services))
    response = await client.get("/healthz")
    assert response.content_type == "application/json"
    return response.status, await response.json()


async def test_a_fresh_assistant_is_healthy_with_nothing_pending(aiohttp_client, services):
    status, body = await _get(aiohttp_client, services)
    assert status == 200 and body["status"] == "ok"
    assert body["process"]["uptime_s"] >= 0 and body["process"]["pid"] > 0
    assert body["database"] == {"ok": True, "schema": known_migrations()[-1]}
    # No scheduler has run yet: said plainly, not invented.
    assert body["scheduler"] == dict.fromkeys(("last_run_at", "last_run_age_s", "job", "ok"))
    assert body["outbox"] == {"pending": 0, "oldest_pending_age_s": None, "scheduled": 0}


async def test_backlog_counts_due_replies_and_their_age_not_scheduled_ones(
    aiohttp_client, services
):
    db, now = services.db, int(time.time())
    for age in (600, 30):
        outbox.enqueue(
            db, channel="telegram", chat_id="1", user_id=None, body={"text": "x"}, now=now - age
        )
    sent = outbox.enqueue(
        db, channel="telegram", chat_id="2", user_id=None, body={"text": "x"}, now=now - 9000
    )
    outbox.mark_sent(db, sent, now - 8000)
    outbox.enqueue(
        db,
        channel="zalo",
        chat_id="3",
        user_id=None,
        body={"text": "nhắc học sáng mai"},
        now=now,
        not_before=now + 3600,
    )
    status, body = await _get(aiohttp_client, services)
    assert status == 200
    assert body["outbox"]["pending"] == 2 and body["outbox"]["scheduled"] == 1
    assert 600 <= body["outbox"]["oldest_pending_age_s"] <= 610


async def test_reports_the_last_scheduler_run(aiohttp_client, services):
    db, now = services.db, int(time.time())
    health.job_started(db, "reminder_sweep", now - 120)
    health.job_finished(db, "reminder_sweep", now - 119)
    health.job_started(db, "daily_alerts", now - 60)
    health.job_finished(db, "daily_alerts", now - 58, error="TimeoutError")
    status, body = await _get(aiohttp_client, services)
    assert status == 200
    assert body["scheduler"]["job"] == "daily_alerts" and body["scheduler"]["ok"] is False
    assert body["scheduler"]["last_run_at"] == now - 60
    assert 60 <= body["scheduler"]["last_run_age_s"] <= 70
    # A job restarting replaces its own row: one row per job id.
    health.job_started(db, "reminder_sweep", now)
    assert db.execute("SELECT COUNT(*) FROM job_runs").fetchone()[0] == 2
    assert health.last_job_run(db) == health.JobRun("reminder_sweep", now, None, None)


async def test_503_when_the_database_does_not_answer(aiohttp_client, services):
    client: TestClient = await aiohttp_client(web_app(services))
    services.db.close()
    response = await client.get("/healthz")
    assert response.status == 503
    body = await response.json()
    assert body["status"] == "error" and body["database"]["ok"] is False
    assert body["process"]["pid"] > 0


def test_the_backlog_query_uses_the_small_partial_index(services):
    plan = services.db.execute(
        "EXPLAIN QUERY PLAN SELECT COUNT(*), MIN(not_before) FROM outbox "
        "WHERE status = 'pending' AND not_before <= 0"
    ).fetchall()
    assert "outbox_pending_due" in " ".join(str(row) for row in plan)


async def test_a_database_that_takes_no_writes_is_degraded(aiohttp_client, services):
    client: TestClient = await aiohttp_client(web_app(services))
    assert (await (await client.get("/healthz")).json())["status"] == "ok"
    services.db.execute("PRAGMA query_only = ON")  # as a read-only file or a remount would
    try:
        response = await client.get("/healthz")
        body = await response.json()
    finally:
        services.db.execute("PRAGMA query_only = OFF")
    assert response.status == 503 and body["status"] == "degraded"
    assert body["database"]["ok"] is False and body["database"]["write_error"]
    assert (await (await client.get("/healthz")).json())["status"] == "ok"
