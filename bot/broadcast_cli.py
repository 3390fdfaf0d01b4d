"""`hocvuso broadcast create|list|status|cancel`: the same functions the dashboard uses."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot import broadcasts
from bot.config import Settings
from bot.engine.texts import Texts
from bot.store import broadcasts as rows
from bot.store.db import open_db
from lessons.loader import load


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("broadcast", help="messages to many people: create, list, status")
    commands = parser.add_subparsers(dest="broadcast_command", required=True)
    create = commands.add_parser("create", help="schedule a broadcast")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--target",
        default="all",
        help="all | not_core | villages:ID,ID | groups:a,b | inactive:DAYS",
    )
    create.add_argument("--message", help="free text, sent as written")
    create.add_argument("--template", help="a key of content/vi/messages/broadcast.yaml")
    create.add_argument("--lesson", help="lesson id to attach")
    create.add_argument("--at", help='local time "YYYY-MM-DD HH:MM" (default: now)')
    create.add_argument("--yes", action="store_true", help="do not ask to confirm")
    commands.add_parser("list", help="all broadcasts")
    status = commands.add_parser("status", help="tally of one broadcast")
    status.add_argument("id", type=int)
    cancel = commands.add_parser("cancel", help="stop a broadcast in flight")
    cancel.add_argument("id", type=int)
    for command in (create, status, cancel, commands.choices["list"]):
        command.add_argument("--db", help="SQLite database path")
        command.set_defaults(func=run)


def _when(ts: int, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%H:%M %d/%m/%Y")


def run(args: argparse.Namespace) -> int:
    settings = Settings(database_path=args.db) if args.db else Settings()
    db = open_db(settings.database_path)
    texts = Texts(settings.content_dir / "messages")
    tz = ZoneInfo(settings.timezone)
    now = int(time.time())

    def say(key: str, *, error: bool = False, **values: object) -> None:
        _say(texts, key, error=error, **values)

    if args.broadcast_command == "list":
        items = broadcasts.list_broadcasts(db)
        if not items:
            say("broadcast_none")
        for b in items:
            say(
                "broadcast_row",
                id=b.id,
                name=b.name,
                when=_when(b.send_at, tz),
                status=b.status,
                queued=b.queued,
            )
        return 0
    if args.broadcast_command in ("status", "cancel"):
        found = rows.get(db, args.id)
        if found is None:
            say("broadcast_unknown", error=True, id=args.id)
            return 1
        if args.broadcast_command == "cancel":
            tally_before = broadcasts.tally(db, args.id)["queued"]
            if not broadcasts.cancel(db, args.id, now):
                say("broadcast_cannot_cancel", error=True, id=args.id)
                return 1
            say("broadcast_cancelled", id=args.id, count=tally_before)
            return 0
        print(
            texts.render(
                "cli.broadcast_status",
                id=found.id,
                name=found.name,
                status=found.status,
                **broadcasts.tally(db, args.id),
            )
        )
        return 0
    return _create(args, db, texts, settings, tz, now)


def _say(texts: Texts, key: str, *, error: bool = False, **values: object) -> None:
    print(texts.render(f"cli.{key}", **values), file=sys.stderr if error else sys.stdout)


def _create(
    args: argparse.Namespace,
    db: Database,
    texts: Texts,
    settings: Settings,
    tz: ZoneInfo,
    now: int,
) -> int:
    def say(key: str, *, error: bool = False, **values: object) -> None:
        _say(texts, key, error=error, **values)

    try:
        target = broadcasts.Target.parse(args.target)
    except ValueError:
        say("broadcast_bad_target", error=True, spec=args.target)
        return 1
    try:
        send_at = (
            int(datetime.strptime(args.at, "%Y-%m-%d %H:%M").replace(tzinfo=tz).timestamp())
            if args.at
            else now
        )
    except ValueError:
        say("broadcast_bad_time", error=True, spec=args.at)
        return 1
    if (args.message is None) == (args.template is None) or (
        args.message is not None and not 0 < len(args.message.strip()) <= broadcasts.MAX_TEXT
    ):
        say("broadcast_need_message", error=True, limit=broadcasts.MAX_TEXT)
        return 1
    if args.template and f"broadcast.{args.template}" not in texts.all_keys():
        say("broadcast_bad_template", error=True, template_key=args.template)
        return 1
    if args.lesson and args.lesson not in load(settings.content_dir).lessons:
        say("broadcast_bad_lesson", error=True, lesson=args.lesson)
        return 1
    count = broadcasts.count_recipients(db, target, now)
    say("broadcast_preview", name=args.name, count=count, when=_when(send_at, tz))
    if not args.yes:
        print(texts.render("cli.broadcast_confirm"), end="", flush=True)
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("co", "có", "y", "yes"):
            say("broadcast_not_confirmed", error=True)
            return 1
    with db.atomic():
        broadcast_id = broadcasts.create(
            db,
            name=args.name,
            target=target,
            send_at=send_at,
            now=now,
            message_text=args.message,
            message_key=args.template,
            lesson_id=args.lesson,
            created_by="cli",
        )
    say("broadcast_created", id=broadcast_id)
    return 0
