"""`hocvuso backup`: an online, consistent copy of the database, checked, named by time, rotated.

The copy is made with SQLite's backup API while the assistant keeps running. It is written to a
hidden `.partial` file, checked with `PRAGMA integrity_check`, flushed to disk and only then
renamed to its final name, so a file named `hocvuso-*.sqlite` is always a complete, sound copy.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.erasure import Ledger
from bot.ops import OpsError
from bot.store import maintenance

log = logging.getLogger(__name__)

# hocvuso-20261118T013000Z.sqlite, or ...Z-2.sqlite for a second backup within the same second.
_NAME = re.compile(r"^hocvuso-(\d{8}T\d{6}Z)(?:-(\d+))?\.sqlite$")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    removed: list[Path]
    kept: int


def backup_files(directory: Path) -> list[Path]:
    """Backups made by this command in `directory`, oldest first; other files are not ours."""
    found: list[tuple[str, int, Path]] = []
    if directory.is_dir():
        for path in directory.iterdir():
            match = _NAME.match(path.name)
            if match and path.is_file():
                found.append((match[1], int(match[2] or 1), path))
    return [path for _, _, path in sorted(found)]


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups; returns the deleted files."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    old = backup_files(directory)[:-keep]
    for path in old:
        path.unlink()
    return old


def _free_name(directory: Path, now: float) -> Path:
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = directory / f"hocvuso-{stamp}.sqlite"
    n = 1
    while candidate.exists():
        n += 1
        candidate = directory / f"hocvuso-{stamp}-{n}.sqlite"
    return candidate


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_backup(
    database_path: Path,
    out_dir: Path,
    keep: int,
    *,
    clock: Callable[[], float] = time.time,
) -> BackupResult:
    if not database_path.is_file():
        raise OpsError("ops.backup_no_database", path=database_path)
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    started = time.monotonic()
    final = _free_name(out_dir, clock())
    partial = out_dir / f".{final.name}.partial"
    try:
        # The copy holds everyone's personal data: readable by the service user only.
        partial.touch(mode=0o600, exist_ok=False)
        maintenance.backup_file(database_path, partial)
        problems = maintenance.integrity_problems(partial)
        if problems:
            raise OpsError("ops.backup_corrupt", path=database_path, reason=problems[0])
        fsync_path(partial)
        os.replace(partial, final)
        fsync_path(out_dir)
    except sqlite3.Error as exc:
        raise OpsError("ops.backup_failed", path=database_path, reason=str(exc)) from exc
    finally:
        partial.unlink(missing_ok=True)
    # The erasure ledger goes with the backups, so a restore after losing the disk still
    # erases again the people who asked to be forgotten.
    Ledger.beside(database_path).copy_to(Ledger.in_backups(out_dir))
    removed = rotate(out_dir, keep)
    result = BackupResult(
        path=final,
        size=final.stat().st_size,
        seconds=time.monotonic() - started,
        removed=removed,
        kept=len(backup_files(out_dir)),
    )
    log.info(
        "backup done",
        extra={
            "file": final.name,
            "bytes": result.size,
            "duration_ms": round(result.seconds * 1000),
            "removed": len(removed),
            "kept": result.kept,
        },
    )
    return result
