"""The scheduler: fixed job ids, no doubling on restart, runs recorded for /healthz."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import scheduler
from bot.app import build
from bot.config import Settings
from bot.store import health


@pytest.fixture
def services(tmp_path: Path):
    built = build(Settings(database_path=tmp_path / "s.sqlite", _env_file=None))  # type: ignore[call-arg]
    yield built
    built.db.close()


async def test_jobs_have_fixed_ids_and_a_restart_does_not_double_them(services) -> None:
    first = scheduler.build(services)
    first.start(paused=True)
    ids = sorted(job.id for job in first.get_jobs())
    assert ids == sorted(scheduler.JOBS)
    assert {"reminder_sweep", "broadcast_dispatch", "daily_alerts", "quarterly_report"} <= set(ids)
    # Adding the same jobs again (what a restart does) replaces them.
    for job_id in scheduler.JOBS:
        first.add_job(
            scheduler.run_job,
            "interval",
            minutes=1,
            args=[services, job_id],
            id=job_id,
            replace_existing=True,
        )
    assert sorted(job.id for job in first.get_jobs()) == ids
    first.shutdown(wait=False)
    assert str(scheduler.build(services).timezone) == "Asia/Ho_Chi_Minh"


async def test_a_run_is_recorded(services) -> None:
    assert await scheduler.run_job(services, "reminder_sweep") == 0
    assert await scheduler.run_job(services, "campaigns") == 0
    last = health.last_job_run(services.db)
    assert last is not None and last.ok
    assert services.db.execute("SELECT COUNT(*) FROM broadcasts").fetchone()[0] == 1


async def test_prune_forgets_old_delivered_messages_but_never_pending_ones(services) -> None:
    from bot.store import outbox

    db = services.db
    with db.atomic():
        old_sent = outbox.enqueue(
            db, channel="telegram", chat_id="1", user_id=None, body={"text": "cũ"}, now=1_000
        )
        old_pending = outbox.enqueue(
            db, channel="telegram", chat_id="1", user_id=None, body={"text": "chờ"}, now=1_000
        )
        db.execute("UPDATE outbox SET status = 'sent' WHERE id = ?", [old_sent])
    await scheduler.run_job(services, "prune")
    ids = [r[0] for r in db.execute("SELECT id FROM outbox").fetchall()]
    assert old_sent not in ids and old_pending in ids
