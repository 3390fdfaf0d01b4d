"""When to remind whom: chosen times and days, quiet hours, snooze, and gentle nudges for people
who stopped. Reminders are rows (users.next_reminder_at), swept every minute; sending one and
moving its time on happen in one transaction, so a restart never doubles a reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
DAY = 24 * 3600
# Days without learning before each nudge; after the last one, a nudge every 30 days.
NUDGE_AFTER_DAYS = (2, 5, 14)
NUDGE_EVERY_DAYS = 30
# Messages left unanswered before nudges stop, and before daily reminders pause.
MAX_UNANSWERED_NUDGES = 5
MAX_UNANSWERED_REMINDERS = 7
NUDGE_MINUTE = 9 * 60  # nudges go out at 9:00 local time unless the user chose a time


@dataclass(frozen=True)
class QuietHours:
    start: int  # minute of the day quiet starts (21:00 → 1260)
    end: int  # minute of the day quiet ends (06:30 → 390)

    @classmethod
    def parse(cls, start: str, end: str) -> QuietHours:
        return cls(parse_minute(start), parse_minute(end))

    def contains(self, minute: int) -> bool:
        if self.start <= self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


def parse_minute(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def minute_of(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def at_minute(day: datetime, minute: int) -> datetime:
    return datetime.combine(day.date(), time(minute // 60, minute % 60), day.tzinfo)


def out_of_quiet(moment: datetime, quiet: QuietHours) -> datetime:
    """`moment`, or the end of the quiet hours it falls in."""
    if not quiet.contains(minute_of(moment)):
        return moment
    end = at_minute(moment, quiet.end)
    return end if end > moment else end + timedelta(days=1)


def next_reminder(
    now: datetime,
    minute: int,
    days: str,
    quiet: QuietHours,
    *,
    after_today: bool = False,
) -> datetime | None:
    """The next local time at `minute` on one of `days` (digits, 0 = Monday) strictly after now,
    moved out of quiet hours. `after_today` skips today (the user already learned today)."""
    if not days:
        return None
    start = 1 if after_today else 0
    for offset in range(start, start + 8):
        day = now + timedelta(days=offset)
        if str(day.weekday()) not in days:
            continue
        candidate = out_of_quiet(at_minute(day, minute), quiet)
        if candidate > now:
            return candidate
    return None


def snooze(
    now: datetime,
    quiet: QuietHours,
    *,
    hours: int = 0,
    tomorrow_minute: int | None = None,
) -> datetime:
    if tomorrow_minute is not None:
        return out_of_quiet(at_minute(now + timedelta(days=1), tomorrow_minute), quiet)
    return out_of_quiet(now + timedelta(hours=hours), quiet)


def nudge_due(days_inactive: int, unanswered: int) -> bool:
    """Whether a nudge is due for someone who last learned `days_inactive` calendar days ago and
    left `unanswered` nudges unanswered."""
    if unanswered >= MAX_UNANSWERED_NUDGES:
        return False
    if unanswered < len(NUDGE_AFTER_DAYS):
        threshold = NUDGE_AFTER_DAYS[unanswered]
    else:
        extra = unanswered - len(NUDGE_AFTER_DAYS) + 1
        threshold = NUDGE_AFTER_DAYS[-1] + NUDGE_EVERY_DAYS * extra
    return days_inactive >= threshold


def local(ts: float, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ts, tz)
