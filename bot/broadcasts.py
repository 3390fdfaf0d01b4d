"""Broadcasts and campaigns: a target, a message (a template or free text), an optional lesson
and a send time, as rows; fanned out into the outbox in batches that survive a crash.

The CLI (`hocvuso broadcast`) and the dashboard use these same functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from sqlite_utils import Database

from bot import reminders
from bot.engine.context import Context
from bot.engine.dispatcher import Engine
from bot.store import broadcasts as rows
from bot.store import users
from bot.store.broadcasts import BroadcastRow

TargetKind = Literal["all", "villages", "groups", "not_core", "inactive"]
KINDS: tuple[str, ...] = ("all", "villages", "groups", "not_core", "inactive")
MAX_TEXT = 2000
BATCH = 500


@dataclass(frozen=True)
class Target:
    kind: TargetKind = "all"
    unit_ids: tuple[int, ...] = ()
    groups: tuple[str, ...] = ()
    inactive_days: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.unit_ids:
            data["unit_ids"] = list(self.unit_ids)
        if self.groups:
            data["groups"] = list(self.groups)
        if self.inactive_days is not None:
            data["inactive_days"] = self.inactive_days
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        kind = str(data.get("kind", "all"))
        if kind not in KINDS:
            raise ValueError(kind)
        return cls(
            kind=kind,  # type: ignore[arg-type]
            unit_ids=tuple(int(i) for i in data.get("unit_ids", ())),
            groups=tuple(str(g) for g in data.get("groups", ())),
            inactive_days=data.get("inactive_days"),
        )

    @classmethod
    def parse(cls, spec: str) -> Target:
        """`all`, `not_core`, `villages:3,4`, `groups:cao_tuoi,nong_dan`, `inactive:14`."""
        kind, _, rest = spec.partition(":")
        values = [v.strip() for v in rest.split(",") if v.strip()]
        if kind == "villages" and values and all(v.isdigit() for v in values):
            return cls("villages", unit_ids=tuple(int(v) for v in values))
        if kind == "groups" and values:
            return cls("groups", groups=tuple(values))
        if kind == "inactive" and len(values) == 1 and values[0].isdigit():
            return cls("inactive", inactive_days=int(values[0]))
        if kind in ("all", "not_core") and not values:
            return cls(kind)  # type: ignore[arg-type]
        raise ValueError(spec)


@dataclass(frozen=True)
class Campaign:
    name: str
    month: int
    day: int
    minute: int
    target: Target
    template: str
    lesson_id: str | None = field(default=None)


def count_recipients(db: Database, target: Target, now: int) -> int:
    return rows.count_recipients(db, target.to_dict(), now)


def create(
    db: Database,
    *,
    name: str,
    target: Target,
    send_at: int,
    now: int,
    message_text: str | None = None,
    message_key: str | None = None,
    lesson_id: str | None = None,
    created_by: str | None = None,
    recurring: str | None = None,
) -> int:
    if (message_text is None) == (message_key is None):
        raise ValueError("a broadcast has either a template key or a free text")
    if message_text is not None and not 0 < len(message_text.strip()) <= MAX_TEXT:
        raise ValueError("text")
    return rows.insert(
        db,
        name=name,
        target=target.to_dict(),
        message_key=message_key,
        message_text=message_text,
        lesson_id=lesson_id,
        send_at=send_at,
        recurring=recurring,
        created_by=created_by,
        now=now,
    )


def cancel(db: Database, broadcast_id: int, now: int) -> bool:
    broadcast = rows.get(db, broadcast_id)
    if broadcast is None or broadcast.status in ("done", "cancelled"):
        return False
    with db.atomic():
        rows.cancel(db, broadcast_id)
    return True


def tally(db: Database, broadcast_id: int) -> dict[str, int]:
    return rows.tally(db, broadcast_id)


def list_broadcasts(db: Database) -> list[BroadcastRow]:
    return rows.all_rows(db)


def _compose(broadcast: BroadcastRow) -> Any:
    def compose(ctx: Context) -> None:
        buttons = []
        lesson = ctx.engine.curriculum.lessons.get(broadcast.lesson_id or "")
        if lesson is not None:
            buttons.append(
                [ctx.button("broadcast.open_lesson", f"l:go:{lesson.id}", title=lesson.title)]
            )
        else:
            buttons.append([ctx.button("broadcast.learn_now", "m:next_lesson")])
        if broadcast.message_key:
            ctx.say(f"broadcast.{broadcast.message_key}", buttons)
        else:
            # Free text from an official is sent as written: never run as a template.
            ctx.say_text(broadcast.message_text or "", buttons)

    return compose


def dispatch(engine: Engine, now: int, batch: int = BATCH, max_batches: int | None = None) -> int:
    """Fan due broadcasts out into the outbox; returns the number of users reached now.

    Each batch is one transaction that writes the outbox rows and moves the broadcast's cursor,
    so after a crash the fan-out resumes at the first user without a message. Nothing starts in
    quiet hours."""
    if engine.quiet_hours.contains(reminders.minute_of(reminders.local(now, engine.tz))):
        return 0
    reached = 0
    batches = 0
    for broadcast in rows.due(engine.db, now):
        compose = _compose(broadcast)
        cursor = broadcast.cursor_user_id
        while True:
            with engine.db.atomic():
                current = rows.get(engine.db, broadcast.id)
                if current is None or current.status == "cancelled":
                    break
                ids = rows.next_recipients(engine.db, broadcast.target, now, cursor, batch)
                for user_id in ids:
                    user = users.get(engine.db, user_id)
                    if user is not None:
                        engine.push(user, compose, now=now, broadcast_id=broadcast.id)
                cursor = ids[-1] if ids else cursor
                rows.advance(
                    engine.db,
                    broadcast.id,
                    cursor_user_id=cursor,
                    added=len(ids),
                    status="sending" if len(ids) == batch else "done",
                )
            reached += len(ids)
            batches += 1
            if max_batches is not None and batches >= max_batches and reached:
                return reached
            if len(ids) < batch:
                break
    return reached


def load_campaigns(content_dir: Path) -> list[Campaign]:
    path = content_dir / "campaigns.yaml"
    if not path.exists():
        return []
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Campaign(
            name=str(item["name"]),
            month=int(item["month"]),
            day=int(item["day"]),
            minute=reminders.parse_minute(str(item["time"])),
            target=Target.from_dict(item.get("target", {"kind": "all"})),
            template=str(item["template"]),
            lesson_id=item.get("lesson"),
        )
        for item in items
    ]


def ensure_campaigns(db: Database, campaigns: list[Campaign], now: int, tz: ZoneInfo) -> int:
    """Schedule each yearly campaign's next occurrence once ("<name> <year>")."""
    created = 0
    today = datetime.fromtimestamp(now, tz)
    for campaign in campaigns:
        for year in (today.year, today.year + 1):
            moment = datetime(
                year,
                campaign.month,
                campaign.day,
                campaign.minute // 60,
                campaign.minute % 60,
                tzinfo=tz,
            )
            name = f"{campaign.name} {year}"
            if int(moment.timestamp()) <= now:
                continue
            if rows.exists_named(db, name):
                break
            create(
                db,
                name=name,
                target=campaign.target,
                send_at=int(moment.timestamp()),
                now=now,
                message_key=campaign.template,
                lesson_id=campaign.lesson_id,
                created_by="campaign",
                recurring="yearly",
            )
            created += 1
            break
    return created
