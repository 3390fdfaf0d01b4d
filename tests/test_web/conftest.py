from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Services, build
from bot.config import Settings


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    # A scripted person taps faster than anyone could: the per-address limit (tested on its own
    # in test_access_chat.py) is raised so it does not cut a whole lesson walked in seconds.
    settings = Settings(
        database_path=tmp_path / "web.sqlite",
        commune_name="Xã Bình Minh",
        webchat_rate=50,
        _env_file=None,
    )  # type: ignore[call-arg]
    built = build(settings)
    yield built
    built.db.close()
