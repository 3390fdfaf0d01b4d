"""The daily alerts job: mentors hear about inactive mentees, and get their weekly summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.mentor_jobs import inactive_mentee_alerts, weekly_mentor_summaries

if TYPE_CHECKING:
    from bot.app import Services


def daily_alerts(services: Services, now: int) -> int:
    """Messages sent to mentors today (each alert is sent once, also across restarts)."""
    return inactive_mentee_alerts(services.engine, now) + weekly_mentor_summaries(
        services.engine, now
    )
