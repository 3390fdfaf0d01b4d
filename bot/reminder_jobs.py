"""The sending side of reminders: the minute sweep and the daily nudges.

Each user is handled in its own transaction: the message goes into the outbox and the next
reminder time moves on together, so a crash or a restart never sends a reminder twice.
"""

from __future__ import annotations

from bot import reminders
from bot.engine.context import Context
from bot.engine.dispatcher import Engine
from bot.features.learning import next_lesson_id
from bot.features.progress_view import streak
from bot.store import progress, users
from bot.store import reminders as queries


def _compose_reminder(ctx: Context) -> None:
    lesson_id = next_lesson_id(ctx)
    lesson = ctx.engine.curriculum.lesson(lesson_id) if lesson_id else None
    days = progress.recent_days(ctx.db, ctx.user.id)
    ctx.say(
        "reminders.reminder",
        [
            [ctx.button("reminders.learn_now", "m:next_lesson")],
            [
                ctx.button("reminders.snooze_hour", "r:s:1h"),
                ctx.button("reminders.snooze_tomorrow", "r:s:tm"),
            ],
            [ctx.button("reminders.turn_off", "r:off")],
        ],
        title=lesson.title if lesson else "",
        minutes=lesson.minutes if lesson else 0,
        streak=streak(days, ctx.engine.local_now().date()),
    )


def _compose_nudge(ctx: Context) -> None:
    ctx.say(
        "reminders.nudge",
        [
            [ctx.button("reminders.learn_now", "m:next_lesson")],
            [ctx.button("reminders.turn_off", "r:off")],
        ],
    )


def sweep_reminders(engine: Engine, now: int) -> int:
    """Send every reminder that is due; returns how many were sent."""
    sent = 0
    quiet = engine.quiet_hours
    local_now = reminders.local(now, engine.tz)
    today = local_now.date().isoformat()
    for user_id in queries.due(engine.db, now):
        with engine.db.atomic():
            user = users.get(engine.db, user_id)
            if user is None or user.next_reminder_at is None or user.next_reminder_at > now:
                continue
            if user.reminders_off or user.unreachable_at or user.reminder_minute is None:
                user.next_reminder_at = None
                users.save(engine.db, user)
                continue
            if quiet.contains(reminders.minute_of(local_now)):
                # Late (the process was down): never in quiet hours, send when they end.
                user.next_reminder_at = int(reminders.out_of_quiet(local_now, quiet).timestamp())
                users.save(engine.db, user)
                continue
            following = reminders.next_reminder(
                local_now, user.reminder_minute, user.reminder_days, quiet
            )
            user.next_reminder_at = int(following.timestamp()) if following else None
            learned_today = today in progress.recent_days(engine.db, user.id, limit=1)
            if learned_today or user.nudges_unanswered >= reminders.MAX_UNANSWERED_REMINDERS:
                users.save(engine.db, user)
                continue
            user.nudges_unanswered += 1
            engine.push(user, _compose_reminder, now=now)
            sent += 1
    return sent


def send_nudges(engine: Engine, now: int) -> int:
    """Gentle nudges for people who stopped: after 2, 5 and 14 days, then monthly; at most one a
    day; none after several unanswered; never in quiet hours."""
    local_now = reminders.local(now, engine.tz)
    if engine.quiet_hours.contains(reminders.minute_of(local_now)):
        return 0
    day_start = int(local_now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())
    # Calendar days in Vietnam time: active on the 1st, nudged from the 3rd (two days later).
    inactive_before = day_start - (reminders.NUDGE_AFTER_DAYS[0] - 1) * reminders.DAY
    sent = 0
    after_id = 0
    while page := queries.nudge_candidates(engine.db, inactive_before, day_start, after_id):
        after_id = page[-1]
        sent += _nudge_page(engine, page, now, day_start)
    return sent


def _nudge_page(engine: Engine, page: list[int], now: int, day_start: int) -> int:
    local_now = reminders.local(now, engine.tz)
    sent = 0
    for user_id in page:
        with engine.db.atomic():
            user = users.get(engine.db, user_id)
            if user is None or (user.last_nudge_at or 0) >= day_start:
                continue
            last_day = reminders.local(user.last_active_at, engine.tz).date()
            if not reminders.nudge_due((local_now.date() - last_day).days, user.nudges_unanswered):
                continue
            user.nudges_unanswered += 1
            user.last_nudge_at = now
            engine.push(user, _compose_nudge, now=now)
            sent += 1
    return sent
