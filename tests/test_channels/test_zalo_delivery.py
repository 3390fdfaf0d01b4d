"""The Zalo channel when Zalo misbehaves — quota exceeded, server errors, timeouts, a person
who blocked the bot, a database that does not take an update — its rates on the wire, the
settings an administrator can get wrong, and Telegram beside it in one process.
Fixtures: tests/test_channels/conftest.py."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sqlite3
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import build, platform_channels
from bot.channels.zalo_runner import ZaloChannel
from bot.config import Settings
from bot.engine.types import Reply
from bot.store import outbox, users
from lessons.model import Curriculum
from tests.fakes.zalo import TOKEN, FakeZalo
from tests.telegram_helpers import onboard, take_lesson
from tests.zalo_helpers import CHANNEL, drained, enqueue, nothing_lost_or_twice


async def test_quota_exceeded_waits_and_loses_or_repeats_nothing(
    zalo, zalo_bot, curriculum, monkeypatch
) -> None:
    monkeypatch.setattr("bot.delivery.zalo.QUOTA_WAIT", 1.0)
    people = [zalo.person(f"Người {i}") for i in range(3)]
    storm = [zalo.fail("sendMessage", 429, times=2, chat_id=p.user_id) for p in people[:2]]
    storm.append(zalo.fail("sendMessage", 429, times=2, chat_id=people[2].user_id, html=True))
    await asyncio.gather(*(onboard(p, name=f"Người{chr(65 + i)}") for i, p in enumerate(people)))
    await asyncio.gather(*(take_lesson(p, curriculum) for p in people))
    await drained(zalo, zalo_bot)
    assert all(fault.times == 0 for fault in storm), "the storm did not happen"
    assert zalo_bot.channel.worker.stats["retry_after"] == 6
    nothing_lost_or_twice(zalo_bot, people)
    assert zalo.violations == []


async def test_server_errors_and_timeouts_are_retried_with_backoff(zalo, zalo_bot) -> None:
    person = zalo.person()
    zalo.fail("sendMessage", 500, times=1, chat_id=person.user_id)
    zalo.fail("sendMessage", 403, times=1, chat_id=person.user_id)  # Zalo's "internal error"
    zalo.slow("sendMessage", 2.5, chat_id=person.user_id)  # longer than the 2 s timeout
    await person.say("/trogiup")
    await person.expect("Cách dùng Trợ lý", timeout=20)
    await drained(zalo, zalo_bot)
    assert zalo_bot.channel.worker.stats["retried"] == 3 and zalo.abandoned == 1
    assert [s.text.startswith("Cách dùng") for s in person.inbox] == [True]
    assert outbox.status_counts(zalo_bot.db, CHANNEL) == {"sent": 1}


@pytest.mark.parametrize(
    "answer",
    [
        (403, "The user has blocked the bot"),
        (404, "User not found"),
        (400, "Người dùng đã chặn"),
    ],
    ids=["403 blocked", "404 not found", "400 chặn"],
)
async def test_a_person_who_blocked_the_bot_is_unreachable_until_they_write_again(
    zalo, zalo_bot, answer
) -> None:
    person = zalo.person()
    await person.say("/start")
    await person.expect("đồng ý")
    await drained(zalo, zalo_bot)
    zalo.block(person.user_id, answer)
    before = len(zalo.attempts("sendMessage", person.user_id))
    record = users.find(zalo_bot.db, CHANNEL, person.user_id)
    assert record is not None
    for i in range(3):  # e.g. reminders written for them
        enqueue(zalo_bot, person.user_id, Reply(f"Nhắc học {i}"), user_id=record.id)
    await drained(zalo, zalo_bot)
    tries = zalo.attempts("sendMessage", person.user_id)[before:]
    assert [c.error_code for c in tries] == [answer[0]], "one try, then no more"
    assert outbox.status_counts(zalo_bot.db, CHANNEL)["unreachable"] == 3
    record = users.find(zalo_bot.db, CHANNEL, person.user_id)
    assert record is not None and record.unreachable_at is not None
    zalo.blocked.clear()  # they unblock the bot and write again
    await person.say("/trogiup")
    await person.expect("Cách dùng Trợ lý")
    record = users.find(zalo_bot.db, CHANNEL, person.user_id)
    assert record is not None and record.unreachable_at is None


async def test_polling_rides_out_errors_and_stays_quiet_when_idle(
    zalo, zalo_bot, caplog, monkeypatch
) -> None:
    monkeypatch.setattr("bot.channels.zalo_runner.QUOTA_WAIT", 1.0)
    with caplog.at_level(logging.WARNING):
        await zalo.wait_for(
            lambda: sum(c.error_code == 408 for c in zalo.calls) >= 2, what="two idle polls"
        )
    assert not [r for r in caplog.records if "getUpdates" in r.getMessage()], "idle is not an error"
    zalo.fail("getUpdates", 502)
    zalo.fail("getUpdates", 429, html=True)
    person = zalo.person()
    await person.say("/trogiup")
    await person.expect("Cách dùng Trợ lý", timeout=15)


async def test_a_polled_update_is_kept_until_the_database_takes_it(
    zalo, zalo_bot, monkeypatch
) -> None:
    person = zalo.person()
    real = zalo_bot.services.engine.handle
    failures = iter([sqlite3.OperationalError("database is locked")] * 2)

    def flaky(incoming):  # type: ignore[no-untyped-def]
        error = next(failures, None)
        if error is not None:
            raise error
        return real(incoming)

    monkeypatch.setattr(zalo_bot.services.engine, "handle", flaky)
    await person.say("/trogiup")
    await person.expect("Cách dùng Trợ lý", timeout=15)
    assert zalo.pending_updates == 0


# -- rates, settings, and Telegram beside Zalo ------------------------------------------------


async def test_one_chat_gets_a_burst_then_one_message_a_second(zalo, start_zalo) -> None:
    zalo_bot = await start_zalo(zalo_chat_rate=1)
    person = zalo.person()
    for i in range(6):
        enqueue(zalo_bot, person.user_id, Reply(f"Tin {i}"))
    await zalo.wait_for(lambda: len(person.inbox) == 6, what="six messages", timeout=10)
    assert [s.text for s in person.inbox] == [f"Tin {i}" for i in range(6)]
    start = person.inbox[0].at
    offsets = [round(s.at - start, 1) for s in person.inbox]
    assert offsets[2] < 0.6, f"the first three go at once: {offsets}"
    gaps = [b - a for a, b in itertools.pairwise(offsets[2:])]
    # One a second; the upper bound is loose because a busy machine may run the loop late.
    assert all(0.8 <= gap <= 2.0 for gap in gaps), f"then one a second: {offsets}"


async def test_a_refused_token_or_a_short_secret_stops_the_start_with_a_clear_message(
    zalo: FakeZalo, tmp_path: Path, curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.app.load", lambda content_dir: curriculum)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=tmp_path / "z.sqlite",
        zalo_bot_token=SecretStr("999:not-the-token"),
        zalo_api_base=zalo.base,
    )
    services = build(settings)
    with pytest.raises(SystemExit, match="Zalo không nhận mã bot"):
        await ZaloChannel(services).start()
    services.settings = settings.model_copy(
        update={"webhook_url": "https://hocvuso.example.vn", "webhook_secret": SecretStr("short")}
    )
    with pytest.raises(SystemExit, match="WEBHOOK_SECRET"):
        ZaloChannel(services)
    services.db.close()


async def test_telegram_and_zalo_run_side_by_side_in_one_process(
    zalo, tmp_path, curriculum, monkeypatch
) -> None:
    from tests.fakes.telegram import TOKEN as TELEGRAM_TOKEN
    from tests.fakes.telegram import FakeTelegram

    monkeypatch.setattr("bot.app.load", lambda content_dir: curriculum)
    telegram = await FakeTelegram().start()
    services = build(
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_path=tmp_path / "both.sqlite",
            telegram_bot_token=SecretStr(TELEGRAM_TOKEN),
            telegram_api_base=telegram.base,
            zalo_bot_token=SecretStr(TOKEN),
            zalo_api_base=zalo.base,
        )
    )
    channels = platform_channels(services)
    assert [type(c).__name__ for c in channels] == ["TelegramChannel", "ZaloChannel"]
    try:
        for channel in channels:
            await channel.start()
        on_zalo, on_telegram = zalo.person(), telegram.person(4242)
        await on_zalo.say("/trogiup")
        await on_telegram.say("/trogiup")
        await on_zalo.expect("Cách dùng Trợ lý")
        await on_telegram.expect("Cách dùng Trợ lý")
        assert users.find(services.db, "zalo", on_zalo.user_id) is not None
        assert users.find(services.db, "telegram", "4242") is not None
    finally:
        for channel in channels:
            with contextlib.suppress(Exception):
                await channel.stop()
        await telegram.close()
        services.db.close()
