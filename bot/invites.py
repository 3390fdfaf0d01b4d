"""Invitation codes: made here, stored by bot/store/invites.py, redeemed in chat
(bot/features/invites.py) on every channel: `/ma CODE`, typed at a prompt, or a Telegram deep
link `t.me/<bot>?start=CODE` (which arrives as "/start CODE").

A code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as
"K7QX-9MPD", typed with or without the dash: 31^8 ≈ 8.5·10^11 codes, and wrong guesses are
throttled per user, so a code cannot be guessed in practice.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.certificates import new_code, normalise_code
from bot.store import audit
from bot.store import invites as store
from bot.store.invites import Invite

DAY = 24 * 3600
# A mentor's own code for mentees, and a household's code for its members.
MENTEE_CODE_USES, MENTEE_CODE_DAYS = 50, 60
HOUSEHOLD_CODE_USES, HOUSEHOLD_CODE_DAYS = 10, 30
# Codes an official issues for new mentors, unless the command says otherwise.
MENTOR_CODE_USES, MENTOR_CODE_DAYS = 1, 14
# Wrong codes a user may type in an hour before being asked to wait.
MAX_REFUSALS_PER_HOUR = 5


def normalise(typed: str) -> str:
    return normalise_code(typed)


def issue(
    db: Database,
    kind: str,
    *,
    now: int,
    uses: int | None,
    days: int | None,
    unit_id: int | None = None,
    owner_user_id: int | None = None,
    household_id: int | None = None,
    created_by: str | None = None,
) -> Invite:
    """A new code; a clash with an existing one (about one in 10^11) draws again."""
    for _ in range(5):
        try:
            with db.atomic():  # a savepoint: a clash leaves the caller's transaction intact
                return store.create(
                    db,
                    code=new_code(),
                    kind=kind,
                    now=now,
                    unit_id=unit_id,
                    owner_user_id=owner_user_id,
                    household_id=household_id,
                    uses=uses,
                    expires_at=now + days * DAY if days else None,
                    created_by=created_by,
                )
        except sqlite3.IntegrityError:
            continue
    raise RuntimeError("could not draw an unused invitation code")


def telegram_link(settings: Any, code: str) -> str | None:
    """`https://t.me/<bot>?start=<code>` when the bot's username is configured."""
    username = getattr(settings, "telegram_bot_username", None)
    if not username:
        return None
    return f"https://t.me/{username.lstrip('@')}?start={code}"


# -- `hocvuso admin invite mentor --unit VILLAGE [--uses N] [--expires DAYS]` ------------------


def add_parsers(sub: Any) -> None:
    """`admin invite mentor ...`, beside the officials' `admin` commands (bot/reports/cli.py)
    when they are installed, else under an `admin` command of its own."""
    admin = sub.choices.get("admin") or sub.add_parser("admin", help="administration")
    admin_sub = next(
        (a for a in admin._actions if isinstance(a, argparse._SubParsersAction)), None
    ) or admin.add_subparsers(dest="admin_command", required=True)
    invite = admin_sub.add_parser("invite", help="invitation codes")
    kinds = invite.add_subparsers(dest="invite_kind", required=True)
    mentor = kinds.add_parser("mentor", help="a code that makes its user a mentor of a village")
    mentor.add_argument("--unit", required=True, help="village name (diacritics optional)")
    mentor.add_argument("--uses", type=int, default=MENTOR_CODE_USES, help="people it serves")
    mentor.add_argument("--expires", type=int, default=MENTOR_CODE_DAYS, help="days it is valid")
    mentor.add_argument("--db", help="SQLite database path")
    mentor.set_defaults(func=cmd_invite_mentor)


def cmd_invite_mentor(args: argparse.Namespace) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.config import Settings
    from bot.engine.texts import Texts
    from bot.features.onboarding import match_villages
    from bot.store import units
    from bot.store.db import now_ts, open_db

    settings = Settings(database_path=Path(args.db)) if args.db else Settings()
    texts = Texts(settings.content_dir / "messages")
    if args.uses < 1 or args.expires < 1:
        print(texts.render("mentors.cli_bad_numbers"), file=sys.stderr)
        return 1
    db = open_db(settings.database_path)
    villages = units.villages(db)
    if not villages:
        print(texts.render("mentors.cli_no_villages"), file=sys.stderr)
        return 1
    found = match_villages(villages, args.unit)
    if len(found) != 1:
        names = ", ".join(v.name for v in (found or villages))
        print(texts.render("mentors.cli_bad_unit", typed=args.unit, names=names), file=sys.stderr)
        return 1
    now = now_ts()
    with db.atomic():
        invite = issue(
            db,
            "mentor",
            now=now,
            uses=args.uses,
            days=args.expires,
            unit_id=found[0].id,
            created_by="cli",
        )
        audit.record(
            db,
            now,
            "invite.issued",
            subject=invite.code,
            kind="mentor",
            by="cli",
            unit_id=found[0].id,
            uses=args.uses,
            days=args.expires,
        )
    assert invite.expires_at is not None
    until = datetime.fromtimestamp(invite.expires_at, ZoneInfo(settings.timezone))
    print(
        texts.render(
            "mentors.cli_invite_created",
            code=invite.code,
            village=found[0].name,
            uses=args.uses,
            until=until.strftime("%d/%m/%Y"),
            link=telegram_link(settings, invite.code) or "",
        )
    )
    return 0
