"""The poison-update rule: an update that fails twice is recorded as failed, answered politely
where possible, and skipped; polling and webhooks never stall on one update."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.telegram_runner import SECRET_HEADER
from bot.engine.dispatcher import Engine
from bot.store import updates, users
from bot.store.users import User
from tests.factories import Conversation
from tests.fakes.telegram import FakeTelegram
from tests.test_channels.test_telegram_channel import fake, start_channel  # noqa: F401

APOLOGY = "Trợ lý vừa gặp trục trặc"


def poison_user(monkeypatch: pytest.MonkeyPatch, external_id: str) -> list[str]:
    """Saving this person always fails, after the handler ran (outside its savepoint), as the
    reply quoting a lone surrogate did. Returns the list of failures seen."""
    failures: list[str] = []
    save = users.save

    def failing_save(db: Any, user: User) -> None:
        if user.external_id == external_id:
            failures.append(user.external_id)
            raise UnicodeEncodeError("utf-8", "\ud83d", 0, 1, "surrogates not allowed")
        save(db, user)

    monkeypatch.setattr("bot.engine.dispatcher.users.save", failing_save)
    return failures


def test_the_engine_gives_up_an_update_on_its_second_failure(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures = poison_user(monkeypatch, "bad")
    bad = Conversation(engine, user="bad")
    with pytest.raises(UnicodeEncodeError):  # the first time: offered again by the channel
        bad.send("xin chào", update_id="p1")
    assert updates.given_up(engine.db) == []
    replies = bad.send("xin chào", update_id="p1")
    assert bad.last_outcome is not None and bad.last_outcome.failed
    assert [r.text.split(",")[0] for r in replies] == ["Xin lỗi bác/anh/chị"]
    assert APOLOGY in replies[0].text
    assert updates.given_up(engine.db) == [("console", "p1", 2, "UnicodeEncodeError")]
    # A platform's retry after that is a duplicate: nothing runs again.
    assert bad.send("xin chào", update_id="p1") == []
    assert bad.last_outcome is not None and bad.last_outcome.duplicate
    assert len(failures) == 2
    # Nobody else is affected.
    good = Conversation(engine, user="good")
    assert "Xin chào" in good.send("/start")[0].text


async def test_polling_moves_past_a_poison_update_and_answers_the_others(
    fake: FakeTelegram,  # noqa: F811
    start_channel: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    poison_user(monkeypatch, "666")
    channel = await start_channel()
    first, bad, second = fake.person(601), fake.person(666, "Độc"), fake.person(602)
    for person in (first, bad, second):
        await person.say("/start")
    await fake.wait_for(lambda: fake.pending_updates == 0, what="every update confirmed")
    await first.expect("Xin chào")
    await second.expect("Xin chào")
    await bad.expect(APOLOGY)
    assert updates.given_up(channel.db) == [("telegram", "m:666:1", 2, "UnicodeEncodeError")]
    # The people after it go on talking.
    await second.press("Đồng ý")
    await second.expect("Trợ lý nên gọi")


async def test_the_webhook_answers_200_once_the_poison_update_is_recorded_as_failed(
    fake: FakeTelegram,  # noqa: F811
    start_channel: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    poison_user(monkeypatch, "666")
    channel = await start_channel(webhook_url="http://127.0.0.1:9", webhook_secret="s3cret-ok")
    app = web.Application()
    channel.mount(app)
    fake.person(666)
    update = {
        "update_id": 7,
        "message": {
            "message_id": 3,
            "date": 0,
            "text": "/start",
            "chat": {"id": 666, "type": "private"},
            "from": {"id": 666, "is_bot": False, "first_name": "Độc"},
        },
    }
    headers = {SECRET_HEADER: "s3cret-ok", "Content-Type": "application/json"}
    async with TestClient(TestServer(app)) as client:
        statuses = []
        for _ in range(3):  # Telegram retries a webhook call that failed
            response = await client.post(
                "/webhook/telegram", data=json.dumps(update), headers=headers
            )
            statuses.append(response.status)
        assert statuses == [500, 200, 200]
        deep = "[" * 3000 + "]" * 3000
        response = await client.post("/webhook/telegram", data=deep, headers=headers)
        assert response.status == 400
    assert updates.given_up(channel.db) == [("telegram", "m:666:3", 2, "UnicodeEncodeError")]
    await fake.wait_for(lambda: any(APOLOGY in s.text for s in fake.to(666)), what="the apology")


async def test_a_failure_around_the_engine_is_given_up_too(
    fake: FakeTelegram,  # noqa: F811
    start_channel: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failure before the engine (here: noting that the person can be reached) is counted
    under the Telegram update id and skipped the second time."""
    channel = await start_channel()
    mark = users.mark_reachable

    def failing(db: Any, channel_name: str, user_id: str) -> None:
        if user_id == "666":
            raise ValueError("broken")
        mark(db, channel_name, user_id)

    monkeypatch.setattr("bot.channels.telegram_runner.users.mark_reachable", failing)
    bad, good = fake.person(666), fake.person(603)
    await bad.say("/start")
    await good.say("/start")
    await good.expect("Xin chào")
    await fake.wait_for(lambda: fake.pending_updates == 0, what="every update confirmed")
    [(name, key, attempts, error)] = updates.given_up(channel.db)
    assert (name, key.startswith("u:"), attempts, error) == ("telegram", True, 2, "ValueError")


def test_a_database_failure_is_never_taken_for_a_poison_update(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "database is locked" is the database's fault, not the update's: offered again for as long
    as it lasts, then processed."""
    import sqlite3

    save = users.save
    failures = iter([sqlite3.OperationalError("database is locked")] * 3)

    def locked(db: Any, user: User) -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        save(db, user)

    monkeypatch.setattr("bot.engine.dispatcher.users.save", locked)
    person = Conversation(engine, user="p")
    for _ in range(3):
        with pytest.raises(sqlite3.OperationalError):
            person.send("/start", update_id="l1")
    assert "Xin chào" in person.send("/start", update_id="l1")[0].text
    assert updates.given_up(engine.db) == []
