from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Services, build
from bot.config import Settings


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    # Scripted people (and the fuzz test) type faster than anyone could: the rate limits, tested
    # on their own in test_access_chat.py, are raised so they do not cut a scripted walk.
    settings = Settings(
        database_path=tmp_path / "web.sqlite",
        commune_name="Xã Bình Minh",
        webchat_rate=1000,
        webchat_total_rate=1000,
        _env_file=None,
    )  # type: ignore[call-arg]
    built = build(settings)
    yield built
    built.db.close()
