"""`hocvuso backup` and `hocvuso restore`: argument parsing and the administrator's messages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from bot.engine.texts import Texts
from bot.ops import OpsError
from bot.ops.logs import setup_logging


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(database_path=Path(args.db)) if args.db else Settings()


def _fail(texts: Texts, error: OpsError) -> int:
    print(texts.render(error.key, **error.values), file=sys.stderr)
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.ops.backup import make_backup

    settings = _settings(args)
    setup_logging(settings)
    texts = Texts(settings.content_dir / "messages")
    out_dir = Path(args.out) if args.out else settings.backup_path
    keep = args.keep or settings.backup_keep
    try:
        result = make_backup(settings.database_path, out_dir, keep)
    except OpsError as error:
        return _fail(texts, error)
    print(
        texts.render(
            "ops.backup_done",
            path=result.path,
            size_kb=max(1, round(result.size / 1024)),
            kept=result.kept,
            removed=len(result.removed),
        )
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from bot.ops.restore import restore

    settings = _settings(args)
    setup_logging(settings)
    texts = Texts(settings.content_dir / "messages")
    try:
        result = restore(
            Path(args.file),
            settings.database_path,
            force=args.force,
            replacement=texts.render("privacy.erased_person"),
        )
    except OpsError as error:
        return _fail(texts, error)
    print(
        texts.render(
            "ops.restore_done",
            path=result.path,
            users=result.counts.get("users", 0),
            lessons=result.counts.get("progress", 0),
        )
    )
    if result.before_restore is not None:
        print(texts.render("ops.restore_kept_old", path=result.before_restore))
    if result.erased_again:
        print(texts.render("ops.restore_erased_again", erased_count=result.erased_again))
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = sub.add_parser(
        "backup", help="online, consistent copy of the database (BACKUP_DIR), then rotation"
    )
    backup.add_argument("--out", help="directory for the copy (default BACKUP_DIR)")
    backup.add_argument(
        "--keep", type=_positive, help="newest copies to keep (default BACKUP_KEEP)"
    )
    backup.add_argument("--db", help="SQLite database path (default from settings)")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser(
        "restore", help="replace the database with a checked backup (stop the service first)"
    )
    restore.add_argument("file", help="a file made by `hocvuso backup`")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace a database that holds data (it is kept as a .before-restore file)",
    )
    restore.add_argument("--db", help="SQLite database path (default from settings)")
    restore.set_defaults(func=cmd_restore)
