"""`hocvuso admin deactivate|activate|reset-password NAME`: officials' accounts from the shell,
beside the other `admin` commands (bot/reports/cli.py)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from bot.config import Settings


def _services(args: argparse.Namespace) -> Any:
    from pathlib import Path

    from bot.app import build

    settings = Settings(database_path=Path(args.db)) if args.db else Settings()
    return build(settings, seed=False)


def cmd_set_active(args: argparse.Namespace) -> int:
    from bot import officials as accounts
    from bot.reports.cli import _official

    services = _services(args)
    official = _official(services, args.username)
    if official is None:
        return 1
    active = args.admin_command == "activate"
    accounts.set_active(services.db, official.id, active, int(time.time()), "cli")
    key = "officials.cli_activated" if active else "officials.cli_deactivated"
    print(services.texts.render(key, username=official.username))
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    from bot import officials as accounts
    from bot.reports.cli import _official, _password_refused, _read_password

    services = _services(args)
    texts = services.texts
    official = _official(services, args.username)
    if official is None:
        return 1
    password = _read_password(texts, args.password_stdin)
    if password is None:
        return 1
    if _password_refused(texts, password):
        return 2
    accounts.reset_password(services.db, official.id, password, int(time.time()), "cli")
    print(texts.render("officials.cli_password_reset", username=official.username))
    return 0


def add_parsers(sub: Any) -> None:
    admin = sub.choices.get("admin") or sub.add_parser("admin", help="administration")
    admin_sub = next(
        (a for a in admin._actions if isinstance(a, argparse._SubParsersAction)), None
    ) or admin.add_subparsers(dest="admin_command", required=True)
    for name, help_text in (
        ("deactivate", "lock an official's account and end its sessions"),
        ("activate", "let a deactivated official log in again (no old session comes back)"),
    ):
        command = admin_sub.add_parser(name, help=help_text)
        command.add_argument("username")
        command.add_argument("--db", help="SQLite database path")
        command.set_defaults(func=cmd_set_active)
    reset = admin_sub.add_parser(
        "reset-password", help="set a new password (asks twice) and end the account's sessions"
    )
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    reset.add_argument("--db", help="SQLite database path")
    reset.set_defaults(func=cmd_reset_password)
