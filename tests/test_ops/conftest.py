from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.engine.dispatcher import Engine
from bot.store import outbox
from tests.factories import Conversation

# People as they would really sign up: full Vietnamese names, villages, ages, groups.
PEOPLE = [
    ("Nguyễn Thị Hoa", "Thôn Đông", 1956, "Người cao tuổi"),
    ("Trần Văn Bình", "Thôn Tây", 1978, "Nông dân"),
    ("Lê Thị Mai", "Thôn Nam", 2003, "Học sinh, sinh viên"),
]


def settings_for(db_path: Path, **values: object) -> Settings:
    return Settings(database_path=db_path, _env_file=None, **values)  # type: ignore[call-arg]


def populate(engine: Engine) -> list[Conversation]:
    """People signed up through the chat, each with some progress and a reply left to send."""
    conversations = []
    for index, (name, village, year, group) in enumerate(PEOPLE):
        conv = Conversation(engine, user=f"chat-{index}")
        conv.onboard(name=name, village=village, birth_year=year, group=group)
        conversations.append(conv)
        user = conv.record()
        assert user is not None
        engine.db.execute(
            "INSERT INTO progress (user_id, lesson_id, status, step, score, total, attempts, "
            "unit_id, started_at, finished_at) VALUES (?, 'vneid-01', 'passed', 5, 3, 3, 1, ?, "
            "1795000000, 1795000600)",
            [user.id, user.unit_id],
        )
        outbox.enqueue(
            engine.db,
            channel="console",
            chat_id=conv.user,
            user_id=user.id,
            body={"text": "Nhắc học: bài VNeID đang chờ."},
            now=1795000700,
            not_before=1795086000,
        )
    return conversations


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`hocvuso` commands install a handler on the root logger; take it off after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
