"""`hocvuso`: run the assistant, chat in the terminal, check content, import villages."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from bot.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    if getattr(args, "db", None):
        return Settings(database_path=Path(args.db))
    return Settings()


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import build, serve
    from bot.engine.texts import Texts
    from bot.ops import OpsError, lock
    from bot.ops.logs import setup_logging

    settings = _settings(args)
    setup_logging(settings)
    try:
        lock.hold(settings.database_path)  # one process per database, until this one exits
    except OpsError as error:
        texts = Texts(settings.content_dir / "messages")
        print(texts.render(error.key, **error.values), file=sys.stderr)
        return 1
    services = build(settings)
    host = args.host or settings.host
    port = args.port or settings.port
    if services.seeded:
        print(
            services.texts.render(
                "cli.seeded", xa=services.engine.commune_name, count=services.seeded
            )
        )
    tokens = {"Telegram": settings.telegram_bot_token, "Zalo": settings.zalo_bot_token}
    platforms = ", ".join(name for name, token in tokens.items() if token)
    serving = "cli.serving_channels" if platforms else "cli.serving"
    print(services.texts.render(serving, host=host, port=port, channels=platforms), flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(services, host, port))
    except Exception:
        # Logged through the scrubber, as its type and stack frames only: a raw traceback may
        # quote a Bot API URL, and with it the token.
        logging.getLogger("bot.cli").exception("stopped by an error")
        services.db.close()
        return 1
    services.db.close()  # the last connection: folds the WAL into the main file
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.channels.console import chat

    services = build(_settings(args))
    # Bytes that are not UTF-8 (a mistyped key, a binary file piped in) must not end the chat.
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdin.reconfigure(errors="replace")  # type: ignore[union-attr]
    if sys.stdin.isatty():
        print(services.texts.render("cli.chat_intro"))
    chat(services.engine, args.user)
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    from lessons.cli import check_command

    content_dir = Path(args.dir) if args.dir else Settings().content_dir
    return check_command(content_dir)


def cmd_import_vneid(args: argparse.Namespace) -> int:
    from datetime import date

    from bot.engine.texts import Texts
    from bot.official_import import import_figures
    from bot.store.db import open_db

    settings = _settings(args)
    texts = Texts(settings.content_dir / "messages")
    try:
        as_of = date.fromisoformat(args.date)
    except ValueError:
        print(texts.render("cli.official_bad_date"), file=sys.stderr)
        return 1
    db = open_db(settings.database_path)
    result = import_figures(db, Path(args.file), texts, as_of, args.source)
    for line in result.messages:
        print(line, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def cmd_import_units(args: argparse.Namespace) -> int:
    from bot.engine.texts import Texts
    from bot.store.db import open_db
    from bot.units import commune_name, import_file, learner_groups

    settings = _settings(args)
    db = open_db(settings.database_path)
    texts = Texts(settings.content_dir / "messages")
    name = commune_name(db, settings.content_dir, settings.commune_name)
    result = import_file(db, Path(args.file), texts, name, learner_groups(settings.content_dir))
    for line in result.messages:
        print(line, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def cmd_certificate_verify(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from bot.certificates import verify
    from bot.engine.texts import Texts
    from bot.store.db import open_db

    settings = _settings(args)
    db = open_db(settings.database_path)
    texts = Texts(settings.content_dir / "messages")
    ok, message = verify(db, texts, ZoneInfo(settings.timezone), args.code)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hocvuso", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the assistant (web chat simulator when no token is set)")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument("--db", help="SQLite database path (default from settings)")
    run.set_defaults(func=cmd_run)

    chat = sub.add_parser("chat", help="chat with the assistant in the terminal")
    chat.add_argument("--user", default="local", help="console user id (one conversation each)")
    chat.add_argument("--db", help="SQLite database path")
    chat.set_defaults(func=cmd_chat)

    content = sub.add_parser("content", help="lesson content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate content/vi")
    check.add_argument("dir", nargs="?", help="content directory (default content/vi)")
    check.set_defaults(func=cmd_content_check)

    imp = sub.add_parser("import", help="import data")
    imp_sub = imp.add_subparsers(dest="import_command", required=True)
    imp_units = imp_sub.add_parser("units", help="villages with adult population and households")
    imp_units.add_argument("file", help="FILE.csv or FILE.xlsx")
    imp_units.add_argument("--db", help="SQLite database path")
    imp_units.set_defaults(func=cmd_import_units)
    imp_vneid = imp_sub.add_parser("vneid", help="official VNeID level-2 figures per village")
    imp_vneid.add_argument("file", help="FILE.csv or FILE.xlsx: ma or ten_thon, so_vneid_muc_2")
    imp_vneid.add_argument("--date", required=True, help="the date the figures stand at")
    imp_vneid.add_argument("--source", required=True, help='where they come from: "Công an xã"')
    imp_vneid.add_argument("--db", help="SQLite database path")
    imp_vneid.set_defaults(func=cmd_import_vneid)
    from bot.broadcast_cli import add_parser as add_broadcast_parser

    add_broadcast_parser(sub)
    cert = sub.add_parser("certificate", help="certificates")
    cert_sub = cert.add_subparsers(dest="certificate_command", required=True)
    verify = cert_sub.add_parser("verify", help="whose certificate a code is, and for what")
    verify.add_argument("code")
    verify.add_argument("--db", help="SQLite database path")
    verify.set_defaults(func=cmd_certificate_verify)

    from bot.ops.commands import add_parsers as add_ops_parsers

    add_ops_parsers(sub)  # backup, restore
    from bot.reports.cli import add_parsers as add_report_parsers

    add_report_parsers(sub)  # report, admin
    from bot.invites import add_parsers as add_invite_parsers

    add_invite_parsers(sub)  # admin invite mentor
    from bot.ops.accounts_cli import add_parsers as add_account_parsers

    add_account_parsers(sub)  # admin deactivate, activate, reset-password
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
