"""The quarterly report: prepared before the 15th of each quarter's last month (Dân Tiến's plan
asks for reports "trước ngày 15 của tháng cuối quý"), and the commune admins are told in chat.

The scheduler (bot/scheduler.py, job "quarterly_report", days 1-14 of March, June, September and
December) calls `scheduled_job`; it prepares the report once per quarter.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.reports.periods import local_today, quarter_of
from bot.reports.service import build_report, report_file
from bot.store import audit, officials, outbox, users

if TYPE_CHECKING:
    from bot.app import Services

log = logging.getLogger(__name__)

DEADLINE_DAY = 15
ACTION = "report.prepared"


def reports_dir(services: Services) -> Path:
    return services.settings.database_path.parent / "reports"


def prepare_quarterly_report(services: Services, now: int) -> Path:
    """Write the commune's Word report for the quarter containing `now` (to date) into
    data/reports/, tell every active commune admin linked to a chat, and audit it.

    Returns the file's path. Safe to call again: the file is rewritten with fresh numbers.
    """
    db = services.db
    today = local_today(now, services.engine.tz)
    period = quarter_of(today)
    report = build_report(services, period, now=now)
    file = report_file(services, report, "docx")
    directory = reports_dir(services)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / file.name
    path.write_bytes(file.body)
    texts = services.texts
    notified = 0
    with db.atomic():
        for official in officials.all_officials(db):
            if not (official.is_admin and official.active and official.user_id):
                continue
            user = users.get(db, official.user_id)
            if user is None:
                continue
            text = texts.render(
                "report.quarterly_ready",
                period=period.label(texts),
                period_key=period.key,
                commune=report.commune,
                date=today.strftime("%d/%m/%Y"),
                month=period.last_month,
            )
            outbox.enqueue(
                db,
                channel=user.channel,
                chat_id=user.chat_id,
                user_id=user.id,
                body={"text": text},
                now=now,
            )
            notified += 1
        audit.record(db, now, ACTION, subject=period.key, file=file.name, notified=notified)
    log.info("quarterly report prepared", extra={"period": period.key, "notified": notified})
    return path


def already_prepared(services: Services, period_key: str) -> bool:
    return any(e["subject"] == period_key for e in audit.entries(services.db, ACTION))


def scheduled_job(services: Services, now: int) -> Path | None:
    """Prepare the report once per quarter, in its last month before the 15th."""
    today = local_today(now, services.engine.tz)
    period = quarter_of(today)
    if today.month != period.last_month or today.day >= DEADLINE_DAY:
        return None
    if already_prepared(services, period.key):
        return None
    return prepare_quarterly_report(services, now)
