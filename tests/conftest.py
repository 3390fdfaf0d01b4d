from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.engine.dispatcher import Engine
from bot.engine.texts import Texts
from bot.features import ROUTERS
from bot.store.db import open_db
from bot.units import seed_demo
from lessons.loader import load
from lessons.model import Curriculum
from tests.factories import Clock, Conversation

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "vi"
COMMUNE = "Xã Bình Minh"


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    return load(CONTENT)


@pytest.fixture(scope="session")
def texts() -> Texts:
    return Texts(CONTENT / "messages")


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[Database]:
    """A database built by the same migrations as production, on a WAL file."""
    db = open_db(tmp_path / "test.sqlite")
    yield db
    db.close()


@pytest.fixture
def seeded_db(fresh_db: Database) -> Database:
    seed_demo(fresh_db, CONTENT, COMMUNE)
    return fresh_db


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(seeded_db: Database, texts: Texts, curriculum: Curriculum, clock: Clock) -> Engine:
    return Engine(seeded_db, texts, curriculum, ROUTERS, commune_name=COMMUNE, clock=clock)


@pytest.fixture
def conv(engine: Engine) -> Conversation:
    return Conversation(engine)
