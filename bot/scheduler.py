"""APScheduler jobs with fixed ids that replace themselves on restart, run on the event loop.

Jobs are coroutines, so they run in the loop's thread and take turns with the updates on the
one SQLite connection; long work yields between batches. Per-user reminders are rows swept
every minute, not one job per user. Each run is recorded for /healthz.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import alerts, broadcasts, reminder_jobs
from bot.reports import quarterly
from bot.store import access, health, outbox, updates, users
from bot.store.db import checkpoint

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

# A step does one bounded piece of work and returns how much it did; 0 means nothing left.
Step = Callable[["Services", int], int]


def _reminder_step(services: Services, now: int) -> int:
    return reminder_jobs.sweep_reminders(services.engine, now)


def _broadcast_step(services: Services, now: int) -> int:
    return broadcasts.dispatch(services.engine, now, max_batches=1)


def _nudge_step(services: Services, now: int) -> int:
    return reminder_jobs.send_nudges(services.engine, now)


def _alerts_step(services: Services, now: int) -> int:
    alerts.daily_alerts(services, now)
    return 0  # one pass a day: each alert is recorded as sent, so a rerun sends nothing


RETENTION_DAYS = outbox.KEEP_DAYS


def _prune_step(services: Services, now: int) -> int:
    older_than = now - RETENTION_DAYS * 86400
    with services.db.atomic():
        outbox.prune(services.db, older_than)
        updates.prune(services.db, older_than)
        trial_hours = services.settings.webchat_trial_hours
        users.prune_idle_trials(services.db, "webchat", now - trial_hours * 3600)
        access.prune_wrong_codes(services.db, now - 86400)
    return 0


def _quarterly_step(services: Services, now: int) -> int:
    quarterly.scheduled_job(services, now)  # acts once per quarter, before the 15th
    return 0


def _checkpoint_step(services: Services, now: int) -> int:
    checkpoint(services.db)
    return 0


def _campaign_step(services: Services, now: int) -> int:
    campaigns = broadcasts.load_campaigns(services.settings.content_dir)
    with services.db.atomic():
        broadcasts.ensure_campaigns(services.db, campaigns, now, services.engine.tz)
    return 0


JOBS: dict[str, tuple[Step, Callable[[str], object]]] = {
    "reminder_sweep": (_reminder_step, lambda tz: IntervalTrigger(minutes=1, timezone=tz)),
    "broadcast_dispatch": (_broadcast_step, lambda tz: IntervalTrigger(minutes=1, timezone=tz)),
    "nudges": (_nudge_step, lambda tz: CronTrigger(hour=9, minute=0, timezone=tz)),
    "checkpoint": (_checkpoint_step, lambda tz: IntervalTrigger(minutes=1, timezone=tz)),
    "prune": (_prune_step, lambda tz: CronTrigger(hour=3, minute=30, timezone=tz)),
    "campaigns": (_campaign_step, lambda tz: CronTrigger(hour=3, minute=0, timezone=tz)),
    "daily_alerts": (_alerts_step, lambda tz: CronTrigger(hour=8, minute=0, timezone=tz)),
    "quarterly_report": (
        _quarterly_step,
        lambda tz: CronTrigger(month="3,6,9,12", day="1-14", hour=7, timezone=tz),
    ),
}


async def run_job(services: Services, job_id: str, clock: Callable[[], float] = time.time) -> int:
    """Run one job to the end, yielding to the event loop between steps."""
    step = JOBS[job_id][0]
    db = services.db
    with db.atomic():
        health.job_started(db, job_id, int(clock()))
    done = 0
    error: str | None = None
    try:
        while (count := step(services, int(clock()))) > 0:
            done += count
            await asyncio.sleep(0)
    except Exception as exc:  # a failing job is logged and retried at its next run
        error = type(exc).__name__
        log.exception("job failed", extra={"job": job_id})
    with db.atomic():
        health.job_finished(db, job_id, int(clock()), error=error)
    return done


def build(services: Services) -> AsyncIOScheduler:
    """The scheduler with every job; ids are fixed and replace_existing is on, so building it
    again (a restart) never doubles a job."""
    tz = services.settings.timezone
    # Its INFO lines ("Adding job tentatively", every run) would drown the assistant's own log.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone=tz)
    for job_id, (_, trigger) in JOBS.items():
        scheduler.add_job(
            run_job,
            trigger(tz),
            args=[services, job_id],
            id=job_id,
            name=job_id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=300,
        )
    return scheduler
