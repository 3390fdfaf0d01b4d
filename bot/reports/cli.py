"""`hocvuso report` and `hocvuso admin`: the quarterly report from the command line, and
officials' accounts (create-user, set-role, link-code, list)."""

from __future__ import annotations

import argparse
import getpass
import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings

if TYPE_CHECKING:
    from bot.app import Services
    from bot.engine.texts import Texts
    from bot.store.officials import Official

USERNAME = re.compile(r"^[a-z0-9._-]{3,40}$")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(database_path=Path(args.db)) if args.db else Settings()


def _village_id(services: Services, name: str | None) -> tuple[bool, int | None]:
    from bot.store import units
    from lessons.text import fold

    if name is None:
        return True, None
    found = next((v for v in units.villages(services.db) if fold(v.name) == fold(name)), None)
    return (found is not None), (found.id if found else None)


def cmd_report(args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.reports.periods import local_today, parse, quarter_of
    from bot.reports.service import build_report, report_file

    services = build(_settings(args))
    texts = services.texts
    as_of = None
    if args.as_of is not None:
        try:
            as_of = date.fromisoformat(args.as_of.strip())
        except ValueError:
            as_of = None
        if as_of is None or as_of > local_today(int(time.time()), services.engine.tz):
            print(texts.render("officials.cli_bad_as_of", value=args.as_of), file=sys.stderr)
            return 2
    try:
        if args.period is None and as_of is None:
            raise ValueError
        period = parse(args.period) if args.period is not None else quarter_of(as_of)  # type: ignore[arg-type]
    except ValueError:
        print(texts.render("officials.cli_bad_period", value=args.period or ""), file=sys.stderr)
        return 2
    ok, unit_id = _village_id(services, args.village)
    if not ok:
        print(texts.render("officials.cli_unknown_village", village=args.village), file=sys.stderr)
        return 1
    report = build_report(services, period, unit_id=unit_id, as_of=as_of)
    file = report_file(services, report, args.format)
    out = Path(args.out)
    out.write_bytes(file.body)
    print(
        texts.render(
            "officials.cli_report_done",
            path=out,
            size_kb=max(1, round(len(file.body) / 1024)),
            scope=report.scope_name,
            period=period.label(texts),
        )
    )
    return 0


def _read_password(texts: Texts, from_stdin: bool) -> str | None:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(texts.render("officials.cli_password_prompt"))
    again = getpass.getpass(texts.render("officials.cli_password_again"))
    if first != again:
        print(texts.render("officials.cli_password_mismatch"), file=sys.stderr)
        return None
    return first


def _password_refused(texts: Texts, password: str) -> bool:
    """Say why a new password cannot be used (too long to ever be typed in at the login form,
    or outside the length rules); False when it is fine."""
    from bot import officials as accounts

    if len(password) > accounts.MAX_PASSWORD:
        print(
            texts.render("officials.cli_password_too_long", max_len=accounts.MAX_PASSWORD),
            file=sys.stderr,
        )
        return True
    if accounts.password_problem(password) is not None:
        print(
            texts.render(
                "officials.cli_bad_password",
                min_len=accounts.MIN_PASSWORD,
                max_len=accounts.MAX_PASSWORD,
            ),
            file=sys.stderr,
        )
        return True
    return False


def cmd_create_user(args: argparse.Namespace) -> int:
    from bot import officials as accounts
    from bot.app import build
    from bot.store import officials

    services = build(_settings(args))
    texts = services.texts
    username = args.username.strip().lower()
    if not USERNAME.match(username):
        print(texts.render("officials.cli_bad_username"), file=sys.stderr)
        return 2
    if (args.role == "village") != (args.village is not None):
        print(texts.render("officials.cli_village_needed"), file=sys.stderr)
        return 2
    ok, unit_id = _village_id(services, args.village)
    if not ok:
        print(texts.render("officials.cli_unknown_village", village=args.village), file=sys.stderr)
        return 1
    if officials.by_username(services.db, username) is not None:
        print(texts.render("officials.cli_exists", username=username), file=sys.stderr)
        return 1
    password = _read_password(texts, args.password_stdin)
    if password is None:
        return 1
    if _password_refused(texts, password):
        return 2
    accounts.create(
        services.db,
        username=username,
        display_name=args.name or username,
        password=password,
        role=args.role,
        unit_id=unit_id,
        now=int(time.time()),
        actor="cli",
    )
    print(
        texts.render(
            "officials.cli_created",
            username=username,
            admin=args.role == "admin",
            village=_village_name(services, unit_id),
        )
    )
    return 0


def _official(services: Services, username: str) -> Official | None:
    """The official with this username, or None after saying so on stderr."""
    from bot.store import officials

    official = officials.by_username(services.db, username.strip().lower())
    if official is None:
        print(
            services.texts.render("officials.cli_unknown_official", username=username),
            file=sys.stderr,
        )
    return official


def _village_name(services: Services, unit_id: int | None) -> str:
    from bot.store import units

    unit = units.get(services.db, unit_id) if unit_id is not None else None
    return unit.name if unit else ""


def cmd_set_role(args: argparse.Namespace) -> int:
    from bot import officials as accounts
    from bot.app import build

    services = build(_settings(args))
    texts = services.texts
    official = _official(services, args.username)
    if official is None:
        return 1
    if (args.role == "village") != (args.village is not None):
        print(texts.render("officials.cli_village_needed"), file=sys.stderr)
        return 2
    ok, unit_id = _village_id(services, args.village)
    if not ok:
        print(texts.render("officials.cli_unknown_village", village=args.village), file=sys.stderr)
        return 1
    accounts.change_role(services.db, official.id, args.role, unit_id, int(time.time()), "cli")
    print(
        texts.render(
            "officials.cli_role_changed",
            username=official.username,
            admin=args.role == "admin",
            village=_village_name(services, unit_id),
        )
    )
    return 0


def cmd_link_code(args: argparse.Namespace) -> int:
    from bot import officials as accounts
    from bot.app import build

    services = build(_settings(args))
    texts = services.texts
    official = _official(services, args.username)
    if official is None:
        return 1
    code = accounts.new_link_code(services.db, official.id, int(time.time()), "cli")
    print(texts.render("officials.cli_link_code", username=official.username, code=code))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.store import officials, units

    services = build(_settings(args))
    names = {v.id: v.name for v in units.villages(services.db)}
    for official in officials.all_officials(services.db):
        print(
            services.texts.render(
                "officials.cli_list_line",
                username=official.username,
                name=official.display_name,
                admin=official.is_admin,
                village=names.get(official.unit_id or 0, ""),
                linked=official.user_id is not None,
                active=bool(official.active),
            )
        )
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = sub.add_parser("report", help="the report as .docx, .xlsx or .csv")
    report.add_argument("--period", help="2026-Q1, 2026-03 or 2026 (default: --as-of's quarter)")
    report.add_argument(
        "--as-of", help="YYYY-MM-DD: the numbers as they stood that day (default: period's end)"
    )
    report.add_argument("--format", choices=("docx", "xlsx", "csv"), default="docx")
    report.add_argument("--out", required=True, help="file to write")
    report.add_argument("--village", help="one village only (its name)")
    report.add_argument("--db", help="SQLite database path")
    report.set_defaults(func=cmd_report)

    admin = sub.add_parser("admin", help="officials' dashboard accounts")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True)
    create = admin_sub.add_parser("create-user", help="an official's account (asks the password)")
    create.add_argument("username")
    create.add_argument("--role", choices=("admin", "village"), required=True)
    create.add_argument("--village", help="the village of a village official")
    create.add_argument("--name", help="full name shown on the dashboard")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    create.add_argument("--db", help="SQLite database path")
    create.set_defaults(func=cmd_create_user)
    role = admin_sub.add_parser("set-role", help="change an official's role or village")
    role.add_argument("username")
    role.add_argument("--role", choices=("admin", "village"), required=True)
    role.add_argument("--village")
    role.add_argument("--db", help="SQLite database path")
    role.set_defaults(func=cmd_set_role)
    link = admin_sub.add_parser("link-code", help="one-time code to link a chat account (/baocao)")
    link.add_argument("username")
    link.add_argument("--db", help="SQLite database path")
    link.set_defaults(func=cmd_link_code)
    listing = admin_sub.add_parser("list", help="officials and their roles")
    listing.add_argument("--db", help="SQLite database path")
    listing.set_defaults(func=cmd_list)
