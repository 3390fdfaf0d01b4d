from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import Services, build
from bot.config import Settings
from tests.test_reports.helpers import Scenario, build_scenario


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings = Settings(
        database_path=tmp_path / "reports.sqlite", commune_name="Xã Bình Minh", _env_file=None
    )  # type: ignore[call-arg]
    built = build(settings)
    yield built
    built.db.close()


@pytest.fixture
def scenario(services: Services) -> Scenario:
    return build_scenario(services)
