from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lessons.loader import load
from lessons.model import Curriculum

HERE = Path(__file__).parent
GOOD = HERE / "fixtures" / "good"
BROKEN = HERE.parent / "fixtures" / "broken"
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="session")
def good() -> Curriculum:
    return load(GOOD, today=TODAY)
