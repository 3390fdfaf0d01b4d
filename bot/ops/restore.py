"""`hocvuso restore FILE`: put a backup in place of the live database, after checking it.

The order matters. The backup is copied next to the live database and checked there (sound,
ours, not from a newer version); the live database, if it holds anything, is kept as a
consistent `.before-restore` copy; its WAL files are removed, because a WAL left beside a
different main file would be replayed into it; then the checked copy is renamed into place in
one step and the migrations of this version bring it up to date. The instance lock is held
throughout, so the assistant cannot run meanwhile.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from bot import erasure
from bot.ops import OpsError
from bot.ops.backup import fsync_path
from bot.ops.lock import instance_lock
from bot.store import maintenance
from bot.store.db import open_db
from bot.store.migrations import migrations

log = logging.getLogger(__name__)

_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    before_restore: Path | None
    counts: dict[str, int]
    erased_again: int = 0  # people the erasure ledger named, erased again from the backup


def known_migrations() -> list[str]:
    """This version's migrations in order (all of them are pending on an empty database)."""
    return [migration.name for migration in migrations.pending(Database(memory=True))]


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _remove_with_side_files(path: Path) -> None:
    path.unlink(missing_ok=True)
    for suffix in _SIDE_FILES:
        _side(path, suffix).unlink(missing_ok=True)


def check_backup(path: Path) -> None:
    """Refuse a file that is not a sound hocvuso database this version knows how to run."""
    try:
        problems = maintenance.integrity_problems(path)
        applied = None if problems else maintenance.applied_migrations(path)
    except sqlite3.DatabaseError as exc:
        raise OpsError("ops.restore_not_sqlite", reason=str(exc)) from exc
    if problems:
        raise OpsError("ops.restore_corrupt", reason=problems[0])
    known = known_migrations()
    if not applied or applied[0] != known[0]:
        raise OpsError("ops.restore_not_hocvuso")
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise OpsError("ops.restore_newer", migration=unknown[0])


def restore(
    backup: Path,
    database_path: Path,
    *,
    force: bool = False,
    clock: Callable[[], float] = time.time,
    replacement: str = "",
) -> RestoreResult:
    """`replacement` stands for an erased person's name in messages still waiting in the
    restored outbox (the caller renders it from content/vi)."""
    if not backup.is_file():
        raise OpsError("ops.restore_not_found", path=backup)
    if database_path.exists() and backup.resolve() == database_path.resolve():
        raise OpsError("ops.restore_same_file", path=backup)
    database_path.parent.mkdir(parents=True, exist_ok=True)
    with instance_lock(database_path, busy_key="ops.restore_running"):
        staging = _side(database_path, ".restoring")
        _remove_with_side_files(staging)
        try:
            shutil.copyfile(backup, staging)
            os.chmod(staging, 0o600)
            # A database copied from a stopped server may still have its WAL beside it.
            if _side(backup, "-wal").is_file():
                shutil.copyfile(_side(backup, "-wal"), _side(staging, "-wal"))
            check_backup(staging)
            maintenance.use_rollback_journal(staging)
            before = _set_aside_live(database_path, force=force, now=clock())
            fsync_path(staging)
            os.replace(staging, database_path)
            fsync_path(database_path.parent)
        finally:
            _remove_with_side_files(staging)
        # Brings a backup made by an older version up to this version's schema, then erases
        # again everyone who asked to be forgotten after the backup was made.
        db = open_db(database_path)
        try:
            ledger = erasure.Ledger.beside(database_path)
            ledger.merge_from(erasure.Ledger.in_backups(backup.parent))
            reerased = erasure.reapply(
                db,
                ledger,
                files_dir=database_path.parent / "files",
                now=int(clock()),
                replacement=replacement,
            )
        finally:
            db.close()
        counts = maintenance.row_counts(database_path)
    log.info(
        "restore done",
        extra={
            "file": backup.name,
            "kept_old": before is not None,
            "rows": sum(counts.values()),
            "erased_again": reerased,
        },
    )
    return RestoreResult(database_path, before, counts, reerased)


def _set_aside_live(database_path: Path, *, force: bool, now: float) -> Path | None:
    """Keep the live database as a `.before-restore` copy; refuse to replace data unforced."""
    if not database_path.exists():
        for suffix in _SIDE_FILES:
            _side(database_path, suffix).unlink(missing_ok=True)
        return None
    try:
        counts = maintenance.row_counts(database_path)
    except sqlite3.DatabaseError:
        counts = None  # a damaged live database: exactly when a restore is needed
    if (counts is None or any(counts.values())) and not force:
        users = counts.get("users", 0) if counts else 0
        raise OpsError("ops.restore_live_not_empty", path=database_path, users=users)
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%SZ")
    before = _side(database_path, f".{stamp}.before-restore")
    if counts is None:
        shutil.copyfile(database_path, before)
        for suffix in ("-wal",):
            if _side(database_path, suffix).is_file():
                shutil.copyfile(_side(database_path, suffix), _side(before, suffix))
    else:
        before.touch(mode=0o600)
        maintenance.backup_file(database_path, before)
    fsync_path(before)
    for suffix in _SIDE_FILES:
        _side(database_path, suffix).unlink(missing_ok=True)
    return before
