"""The instance lock names the database file itself, whatever path leads to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ops import OpsError
from bot.ops.lock import instance_lock, lock_path


def test_a_symbolic_link_to_the_database_takes_the_same_lock(tmp_path: Path) -> None:
    real = tmp_path / "data" / "hocvuso.sqlite"
    real.parent.mkdir()
    real.touch()
    link = tmp_path / "link.sqlite"
    link.symlink_to(real)
    linked_dir = tmp_path / "other"
    linked_dir.symlink_to(real.parent)
    assert lock_path(link) == lock_path(real) == lock_path(linked_dir / "hocvuso.sqlite")
    with instance_lock(real):
        for path in (link, linked_dir / "hocvuso.sqlite"):
            with pytest.raises(OpsError), instance_lock(path):
                pass
    with instance_lock(link):  # released: free again
        pass
