""" "Nhắc học": choose a time and days, turn reminders off (also by words like "dừng"), snooze.

The sending side (the minute sweep and the nudges) is in bot/reminder_jobs.py.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot import reminders
from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import Button
from bot.store import audit
from lessons.text import fold_words

router = Router("reminders")

PRESETS = {"morning": 7 * 60, "noon": 11 * 60 + 30, "evening": 19 * 60 + 30}
DAY_SETS = {"every_day": "0123456", "weekdays": "01234", "weekend": "56"}
# Typed hours, after folding: "8", "8 15", "20h", "8h30", "8 gio toi", "20 gio 15 phut".
_HOUR = re.compile(
    r"^(\d{1,2})(?:\s*(?:h|gio)?\s*(\d{1,2}))?\s*(?:h|gio)?\s*(?:phut)?\s*(sang|trua|chieu|toi)?$"
)


def quiet(ctx: Context) -> reminders.QuietHours:
    return ctx.engine.quiet_hours


def clock_text(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


def when_text(ctx: Context, moment: datetime) -> str:
    return ctx.t(
        "reminders.when",
        time=clock_text(reminders.minute_of(moment)),
        weekday=ctx.t(f"reminders.weekday_{moment.weekday()}"),
        date=moment.strftime("%d/%m"),
    )


def days_text(ctx: Context, days: str) -> str:
    for name, value in DAY_SETS.items():
        if value == days:
            return ctx.t(f"reminders.days_{name}")
    return ", ".join(ctx.t(f"reminders.weekday_{d}") for d in days)


def _time_buttons(ctx: Context) -> list[list[Button]]:
    presets = [ctx.button(f"reminders.{name}", f"r:t:{minute}") for name, minute in PRESETS.items()]
    return [
        presets[:2],
        [presets[2], ctx.button("reminders.other_time", "r:other")],
        [ctx.button("reminders.turn_off", "r:off"), ctx.button("buttons.menu", "m:menu")],
    ]


@router.entry("menu.reminders")
@router.command("nhachoc")
def show(ctx: Context) -> None:
    user = ctx.user
    if user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    if user.reminders_off:
        return ctx.say("reminders.status_off", _time_buttons(ctx))
    if user.reminder_minute is None or user.next_reminder_at is None:
        return ctx.say("reminders.status_none", _time_buttons(ctx))
    ctx.say(
        "reminders.status_on",
        _time_buttons(ctx),
        time=clock_text(user.reminder_minute),
        days=days_text(ctx, user.reminder_days),
        next=when_text(ctx, reminders.local(user.next_reminder_at, ctx.engine.tz)),
    )


def parse_hour(typed: str) -> int | None:
    """Minute of the day from "8", "8:15", "20h", "8 giờ tối", "8h30 sáng"."""
    match = _HOUR.match(fold_words(typed))
    if match is None:
        return None
    hour, minute, part = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if part in ("chieu", "toi") and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


def _choose_days(ctx: Context, minute: int) -> None:
    if quiet(ctx).contains(minute):
        ctx.say(
            "reminders.hour_quiet",
            _time_buttons(ctx),
            time=clock_text(minute),
            quiet_start=clock_text(quiet(ctx).start),
            quiet_end=clock_text(quiet(ctx).end),
        )
        return
    ctx.set_state(None)
    buttons = [
        [ctx.button(f"reminders.{name}", f"r:d:{minute}:{days}")] for name, days in DAY_SETS.items()
    ]
    ctx.say("reminders.choose_days", buttons, time=clock_text(minute))


@router.state("rem:hour")
def hour_typed(ctx: Context) -> None:
    minute = parse_hour(ctx.text)
    if minute is None:
        return ctx.say("reminders.hour_invalid", typed=ctx.text[:20])
    _choose_days(ctx, minute)


def schedule(ctx: Context) -> datetime | None:
    """Set the user's next reminder from their choice; None when reminders are off."""
    user = ctx.user
    if user.reminders_off or user.reminder_minute is None:
        user.next_reminder_at = None
        return None
    now = ctx.engine.local_now()
    moment = reminders.next_reminder(now, user.reminder_minute, user.reminder_days, quiet(ctx))
    user.next_reminder_at = int(moment.timestamp()) if moment else None
    return moment


@router.payload("r", anytime=True)
def reminder_button(ctx: Context) -> None:
    if ctx.user.onboarded_at is None:
        return ctx.run("onboarding.resume")
    action, *rest = ctx.args or [""]
    if action == "t" and rest and rest[0].isdigit() and int(rest[0]) < reminders.MINUTES_PER_DAY:
        return _choose_days(ctx, int(rest[0]))
    if action == "other":
        ctx.set_state("rem:hour")
        return ctx.say("reminders.ask_hour")
    if (
        action == "d"
        and len(rest) == 2
        and rest[0].isdigit()
        and rest[1] in DAY_SETS.values()
        and not quiet(ctx).contains(int(rest[0]) % reminders.MINUTES_PER_DAY)
    ):
        ctx.user.reminder_minute = int(rest[0]) % reminders.MINUTES_PER_DAY
        ctx.user.reminder_days = rest[1]
        ctx.user.reminders_off = 0
        moment = schedule(ctx)
        audit.record(ctx.db, ctx.now, "reminders.set", actor_user_id=ctx.user.id)
        return ctx.say(
            "reminders.saved",
            [[ctx.button("buttons.menu", "m:menu")]],
            time=clock_text(ctx.user.reminder_minute),
            days=days_text(ctx, ctx.user.reminder_days),
            next=when_text(ctx, moment) if moment else "",
        )
    if action == "off":
        return opt_out(ctx)
    if action == "s" and rest and rest[0] in ("1h", "tm"):
        now = ctx.engine.local_now()
        moment = (
            reminders.snooze(now, quiet(ctx), hours=1)
            if rest[0] == "1h"
            else reminders.snooze(
                now, quiet(ctx), tomorrow_minute=ctx.user.reminder_minute or reminders.NUDGE_MINUTE
            )
        )
        ctx.user.next_reminder_at = int(moment.timestamp())
        ctx.user.reminders_off = 0
        return ctx.say("reminders.snoozed", next=when_text(ctx, moment))
    ctx.run("help.stale")


@router.entry("reminders.opt_out")
def opt_out(ctx: Context) -> None:
    """Reminders and nudges off at once, wherever the user is; a flow in progress is left."""
    ctx.user.reminders_off = 1
    ctx.user.next_reminder_at = None
    audit.record(ctx.db, ctx.now, "reminders.off", actor_user_id=ctx.user.id)
    ctx.set_state(None if ctx.user.onboarded_at else ctx.user.state)
    ctx.say("reminders.turned_off")
