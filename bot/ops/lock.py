"""One process per database: `hocvuso run` holds a lock that `hocvuso restore` also needs.

Two `run` processes on one database would both poll the platform and both drain the outbox;
a restore under a running process would swap the file beneath it. An advisory lock on a file
beside the database prevents both, and the kernel releases it when the process dies, even
under SIGKILL, so a stale lock never blocks a restart.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.ops import OpsError


def lock_path(database_path: Path) -> Path:
    """The lock file beside the database file itself: a symbolic link to the database, or a
    path through a linked directory, names the same lock."""
    real = Path(os.path.realpath(database_path))
    return real.with_name(real.name + ".lock")


@contextmanager
def instance_lock(database_path: Path, busy_key: str = "ops.already_running") -> Iterator[None]:
    if str(database_path) == ":memory:":
        yield
        return
    path = lock_path(database_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OpsError(busy_key, path=database_path, lock=path) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


_held: list[contextlib.AbstractContextManager[None]] = []


def hold(database_path: Path) -> None:
    """Take the instance lock for the rest of the process (`hocvuso run`); OpsError if taken."""
    lock = instance_lock(database_path)
    lock.__enter__()
    _held.append(lock)
