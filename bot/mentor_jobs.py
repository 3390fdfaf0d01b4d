"""Alerts to mentors, run by the scheduler: a weekly summary, and a note when a mentee has not
learned for 7 days. Each message goes into the outbox (engine.push) in one transaction with its
row in mentor_alerts, so a restart or a second run the same day never sends one twice. Nothing
is sent in quiet hours (the next run sends it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.engine.context import Context
from bot.engine.dispatcher import Engine
from bot.features.mentors import INACTIVE_DAYS, idle
from bot.reminders import minute_of
from bot.store import mentors as store
from bot.store import users

DAY = 24 * 3600
NAMES_SHOWN = 10


def _quiet(engine: Engine, now: int) -> bool:
    return engine.quiet_hours.contains(minute_of(datetime.fromtimestamp(now, engine.tz)))


def weekly_mentor_summaries(engine: Engine, now: int) -> int:
    """Once per ISO week (the first run of the week), each mentor gets a summary of their
    mentees. Returns the number of mentors messaged."""
    if _quiet(engine, now):
        return 0
    year, week, _ = datetime.fromtimestamp(now, engine.tz).isocalendar()
    db, sent = engine.db, 0
    for mentor_id in store.active_mentors(db):
        with db.atomic():
            mentor = users.get(db, mentor_id)
            if mentor is None or not store.claim_alert(
                db, mentor_id, "weekly", f"{year}-W{week:02d}", now
            ):
                continue
            people = store.mentees(db, mentor_id)
            idle_names = [m.name for m in people if idle(m, now)]
            values: dict[str, Any] = {
                "count": len(people),
                "target": store.MENTEE_TARGET,
                "passed_week": store.lessons_passed_since(db, mentor_id, now - 7 * DAY),
                "core": sum(1 for m in people if m.core_done_at is not None),
                "names": ", ".join(idle_names[:NAMES_SHOWN]),
                "inactive": len(idle_names),
                "idle_days": INACTIVE_DAYS,
            }

            def compose(ctx: Context, values: dict[str, Any] = values) -> None:
                ctx.say("mentors.weekly", [[ctx.button("mentors.back", "m:mentor")]], **values)

            engine.push(mentor, compose, now=now)
            sent += 1
    return sent


def inactive_mentee_alerts(engine: Engine, now: int) -> int:
    """A mentor hears once about each mentee who has not learned for INACTIVE_DAYS (once per
    spell: a mentee who comes back and stops again is noted again). One message per mentor
    listing them; returns the number of mentors messaged."""
    if _quiet(engine, now):
        return 0
    db, sent = engine.db, 0
    for mentor_id in store.active_mentors(db):
        with db.atomic():
            mentor = users.get(db, mentor_id)
            if mentor is None:
                continue
            fresh = [
                m.name
                for m in store.mentees(db, mentor_id)
                if idle(m, now)
                and store.claim_alert(db, mentor_id, "inactive", f"{m.id}:{m.last_active_at}", now)
            ]
            if not fresh:
                continue
            names = ", ".join(fresh[:NAMES_SHOWN])

            def compose(ctx: Context, names: str = names, count: int = len(fresh)) -> None:
                ctx.say(
                    "mentors.inactive_alert",
                    [[ctx.button("mentors.back", "m:mentor")]],
                    names=names,
                    count=count,
                    idle_days=INACTIVE_DAYS,
                )

            engine.push(mentor, compose, now=now)
            sent += 1
    return sent
