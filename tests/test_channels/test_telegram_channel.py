"""The Telegram channel in this process against the fake Bot API: what people see, and what
happens when Telegram throttles, fails, hangs, or the person blocks the bot."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.app import Services, build
from bot.channels.telegram_runner import SECRET_HEADER, TelegramChannel
from bot.config import Settings
from bot.delivery.policy import RetryPolicy
from bot.engine.types import Button, Reply
from bot.store import outbox, users
from lessons.model import Curriculum
from tests.fakes.telegram import TOKEN, FakeTelegram, Person
from tests.telegram_helpers import onboard, take_lesson

CHANNEL = "telegram"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.close()


Start = Callable[..., Awaitable[TelegramChannel]]


@pytest.fixture
async def start_channel(
    fake: FakeTelegram, tmp_path: Path, curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Start]:
    """Start the channel (polling, or a webhook on `webhook_url`) with a 1 s request timeout."""
    monkeypatch.setattr("bot.app.load", lambda content_dir: curriculum)  # parsed once a session
    started: list[tuple[TelegramChannel, Services]] = []

    async def start(**settings: object) -> TelegramChannel:
        services = build(
            Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_path=tmp_path / "telegram.sqlite",
                telegram_bot_token=SecretStr(TOKEN),
                telegram_api_base=fake.base,
                # Fake people press at once; the real rate has its own test below.
                telegram_chat_rate=settings.pop("telegram_chat_rate", 50),
                **settings,  # type: ignore[arg-type]
            )
        )
        session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base), timeout=1)
        channel = TelegramChannel(
            services,
            bot=Bot(TOKEN, session=session),
            policy=RetryPolicy(first_delay=1, max_delay=1, max_attempts=8),
            poll_timeout=1,
        )
        await channel.start()
        started.append((channel, services))
        return channel

    yield start
    for channel, services in started:
        await channel.stop()
        services.db.close()


@pytest.fixture
async def channel(start_channel: Start) -> TelegramChannel:
    return await start_channel()


def texts_of(person: Person) -> list[str]:
    return [sent.text for sent in person.inbox]


async def drained(fake: FakeTelegram, channel: TelegramChannel, timeout: float = 15) -> None:
    await fake.wait_for(
        lambda: outbox.pending_count(channel.db, CHANNEL) == 0,
        what="the outbox to drain",
        timeout=timeout,
    )


# -- a conversation ---------------------------------------------------------------------------


async def test_onboarding_by_buttons_answers_every_press_and_clears_old_keyboards(
    fake: FakeTelegram, channel: TelegramChannel
) -> None:
    person = fake.person(501)
    await onboard(person)
    record = users.find(channel.db, CHANNEL, "501")
    assert record is not None and record.onboarded_at is not None
    assert (record.display_name, record.birth_year, record.grp) == ("Tư", 1958, "cao_tuoi")
    await fake.wait_for(
        lambda: fake.queries and all(fake.queries.values()), what="every press answered"
    )
    await drained(fake, channel)
    await fake.wait_for(
        lambda: [s.labels for s in person.inbox if s.buttons][:-1] == [],
        what="the keyboards of answered questions to be removed",
    )
    assert fake.violations == []
    assert [c["command"] for c in fake.commands][:2] == ["menu", "batdau"]


async def test_text_a_person_types_is_shown_as_typed(fake, channel) -> None:
    person = fake.person(502)
    await person.say("/start")
    await person.press("Đồng ý")
    await person.expect("Trợ lý nên gọi")
    await person.say("Tư")
    await person.expect("thôn")
    await person.say("<b>Thôn</b> & Đông")  # typed, not pressed: the answer quotes it
    reply = await person.expect("chưa tìm thấy thôn")
    assert '"<b>Thôn</b> & Đông"' in reply.text
    assert "&lt;b&gt;Thôn&lt;/b&gt; &amp; Đông" in reply.html
    assert fake.violations == []


async def test_a_sticker_gets_a_polite_answer_and_an_edit_is_ignored(fake, channel) -> None:
    person = fake.person(503)
    await person.say("/start")
    await person.expect("đồng ý")
    await person.send(
        sticker={
            "file_id": "s",
            "file_unique_id": "u",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    )
    await person.expect("chỉ đọc được chữ")
    before = len(person.inbox)
    edited = {
        "update_id": fake.next_update_id(),
        "edited_message": {
            "message_id": 1,
            "date": 0,
            "edit_date": 1,
            "text": "/xoadulieu",
            "chat": {"id": 503, "type": "private"},
            "from": {"id": 503, "is_bot": False, "first_name": "Tư"},
        },
    }
    await fake.deliver(edited)
    await person.say("/trogiup")
    await person.expect("Cách dùng Trợ lý")
    # The edit asked for /xoadulieu; had it been handled, its confirmation would be here.
    assert not any("Xoá hết dữ liệu" in s.labels for s in person.inbox[before:])


async def test_an_old_button_changes_nothing_and_is_still_answered(fake, channel) -> None:
    person = fake.person(504)
    await person.say("/start")
    consent = await person.expect("đồng ý")
    old = next(s for s in person.inbox if s.buttons)
    await person.press("Đồng ý")
    await person.expect("Trợ lý nên gọi")
    await person.press_on(old, "ob:c:n")  # the "Không đồng ý" of a question already answered
    await person.expect("tin nhắn cũ")
    record = users.find(channel.db, CHANNEL, "504")
    assert record is not None and record.consent_at is not None and record.state == "onb:name"
    await fake.wait_for(lambda: all(fake.queries.values()), what="every press answered")
    assert consent.text


async def test_deep_link_start_reaches_the_engine(fake, channel) -> None:
    person = fake.person(505)
    await person.say("/start MENTOR_ab12")
    await person.expect("đồng ý")
    assert channel.db.execute(
        "SELECT COUNT(*) FROM processed_updates WHERE update_id = 'm:505:1'"
    ).fetchone() == (1,)


# -- long replies and photos ------------------------------------------------------------------


def _enqueue(channel: TelegramChannel, chat_id: int, reply: Reply) -> None:
    with channel.db.atomic():
        outbox.enqueue(
            channel.db,
            channel=CHANNEL,
            chat_id=str(chat_id),
            user_id=None,
            body=reply.to_dict(),
            now=int(channel.engine.clock()),
        )
    channel.worker.wake()


async def test_a_5000_character_reply_is_split_at_a_paragraph(fake, channel) -> None:
    person = fake.person(506)
    paragraphs = [f"Đoạn {i}: " + " ".join(["lừa đảo"] * 60) for i in range(12)]
    text = "\n\n".join(paragraphs)
    assert len(text) > 5000
    _enqueue(channel, 506, Reply(text, ((Button("Về danh sách chính", "m:menu"),),)))
    await fake.wait_for(lambda: len(person.inbox) == 2, what="two messages")
    first, second = person.inbox
    assert first.text.startswith("Đoạn 0:") and second.text.startswith("Đoạn ")
    assert first.text + "\n\n" + second.text == text
    assert (first.labels, second.labels) == ([], ["Về danh sách chính"])
    assert fake.violations == []


async def test_a_certificate_is_a_photo_with_a_short_caption(fake, channel, tmp_path) -> None:
    person = fake.person(507)
    image = tmp_path / "cert.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 2048)
    text = "\n\n".join(f"Dòng {i}: " + "chúc mừng " * 30 for i in range(6))
    _enqueue(channel, 507, Reply(text, ((Button("Về danh sách chính", "m:menu"),),), str(image)))
    await fake.wait_for(lambda: len(person.inbox) == 2, what="a photo and a message")
    photo, rest = person.inbox
    assert photo.method == "sendPhoto" and photo.photo_bytes == image.stat().st_size
    assert len(photo.text) <= 1024 and rest.labels == ["Về danh sách chính"]
    assert fake.violations == []


# -- when Telegram misbehaves -----------------------------------------------------------------


async def _onboarded(fake: FakeTelegram, count: int) -> list[Person]:
    people = [fake.person(600 + i, f"Người {i}") for i in range(count)]
    await asyncio.gather(*(onboard(p, name=f"Người{chr(65 + i)}") for i, p in enumerate(people)))
    return people


async def _everyone_takes_a_lesson(people: list[Person], curriculum: Curriculum) -> None:
    await asyncio.gather(*(take_lesson(person, curriculum) for person in people))


def _assert_nothing_lost_or_twice(channel: TelegramChannel, people: list[Person]) -> None:
    """Each person got exactly the replies the engine wrote for them, in order, once."""
    for person in people:
        rows = channel.db.execute(
            "SELECT status, body FROM outbox WHERE channel = 'telegram' AND chat_id = ? "
            "ORDER BY id",
            [str(person.user_id)],
        ).fetchall()
        assert {status for status, _ in rows} == {"sent"}
        written = [json.loads(body)["text"].strip() for _, body in rows]
        assert texts_of(person) == written


async def test_a_429_storm_during_a_lesson_loses_and_duplicates_nothing(
    fake, channel, curriculum
) -> None:
    people = await _onboarded(fake, 4)
    storm = [
        fake.fail("sendMessage", 429, times=3, chat_id=p.user_id, retry_after=1) for p in people
    ]
    await _everyone_takes_a_lesson(people, curriculum)
    await drained(fake, channel)
    assert all(fault.times == 0 for fault in storm), "the storm did not happen"
    assert fake.violations == [], "a chat was called again before its retry_after"
    assert channel.worker.stats["retry_after"] == 12
    _assert_nothing_lost_or_twice(channel, people)


async def test_a_500_storm_and_timeouts_during_a_lesson_lose_and_duplicate_nothing(
    fake, channel, curriculum
) -> None:
    people = await _onboarded(fake, 3)
    errors = [fake.fail("sendMessage", 500, times=2, chat_id=p.user_id) for p in people]
    # Longer than the 1 s request timeout: the bot gives up, Telegram never answers.
    hangs = [fake.slow("sendMessage", 1.5, chat_id=p.user_id) for p in people]
    await _everyone_takes_a_lesson(people, curriculum)
    await drained(fake, channel)
    assert all(fault.times == 0 for fault in errors + hangs), "the storm did not happen"
    assert fake.abandoned == 3
    assert channel.worker.stats["retried"] == 6 + 3
    _assert_nothing_lost_or_twice(channel, people)
    assert fake.violations == []


async def test_polling_rides_out_getupdates_errors(fake, channel) -> None:
    person = fake.person(650)
    await fake.wait_for(lambda: fake.polling, what="a long poll waiting")
    fake.fail("getUpdates", 502)
    fake.fail("getUpdates", 409)  # another instance polling, or a webhook set by hand
    await person.say("/start")  # answers the poll waiting now; the next two polls fail
    await person.expect("đồng ý")
    await person.press("Đồng ý")
    await person.expect("Trợ lý nên gọi", timeout=15)
    assert [c.status for c in fake.calls if c.method == "getUpdates"].count(502) == 1


async def test_a_person_who_blocks_the_bot_is_unreachable_and_nothing_more_is_sent(
    fake, channel
) -> None:
    person = fake.person(701)
    await person.say("/start")
    await person.expect("đồng ý")
    await drained(fake, channel)
    fake.block(701)
    record = users.find(channel.db, CHANNEL, "701")
    assert record is not None
    for i in range(3):  # e.g. reminders written for them
        with channel.db.atomic():
            outbox.enqueue(
                channel.db,
                channel=CHANNEL,
                chat_id="701",
                user_id=record.id,
                body={"text": f"Nhắc học {i}"},
                now=int(channel.engine.clock()),
            )
    channel.worker.wake()
    await drained(fake, channel)
    assert len(fake.attempts("sendMessage", 701)) == 3, "one try after the two messages before"
    assert outbox.status_counts(channel.db, CHANNEL)["unreachable"] == 3
    record = users.find(channel.db, CHANNEL, "701")
    assert record is not None and record.unreachable_at is not None
    # Unblocking and writing again makes them reachable, and the answer arrives.
    fake.blocked.clear()
    await person.say("/trogiup")
    await person.expect("Cách dùng Trợ lý")
    record = users.find(channel.db, CHANNEL, "701")
    assert record is not None and record.unreachable_at is None


async def test_blocking_is_noticed_before_anything_is_sent(fake, channel) -> None:
    person = fake.person(702)
    await person.say("/start")
    await person.expect("đồng ý")
    await drained(fake, channel)
    bot = {"id": 123456, "is_bot": True, "first_name": "Trợ lý"}
    await fake.deliver(
        {
            "update_id": fake.next_update_id(),
            "my_chat_member": {
                "chat": {"id": 702, "type": "private"},
                "from": {"id": 702, "is_bot": False, "first_name": "Tư"},
                "date": 0,
                "old_chat_member": {"status": "member", "user": bot},
                "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0},
            },
        }
    )
    await fake.wait_for(
        lambda: (u := users.find(channel.db, CHANNEL, "702")) and u.unreachable_at,
        what="the user marked unreachable",
    )


async def test_group_chatter_is_ignored_and_changes_nothing(fake, channel) -> None:
    await fake.deliver(
        {
            "update_id": fake.next_update_id(),
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "Chiều nay họp thôn nhé",
                "chat": {"id": -100777, "type": "supergroup", "title": "Thôn Đông"},
                "from": {"id": 801, "is_bot": False, "first_name": "Lan"},
            },
        }
    )
    person = fake.person(802)
    await person.say("/start")  # handled after the group message: that one was skipped
    await person.expect("đồng ý")
    assert users.find(channel.db, CHANNEL, "801") is None
    assert fake.to(-100777) == []


# -- webhook ----------------------------------------------------------------------------------


async def test_webhook_refuses_a_wrong_secret_and_answers_200_after_commit(
    fake, start_channel
) -> None:
    channel = await start_channel(webhook_url="http://127.0.0.1:9", webhook_secret="s3cret-ok")
    assert fake.webhook is not None and fake.webhook["secret"] == "s3cret-ok"
    assert fake.webhook["url"] == "http://127.0.0.1:9/webhook/telegram"
    app = web.Application()
    channel.mount(app)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 9,
            "date": 0,
            "text": "/start",
            "chat": {"id": 901, "type": "private"},
            "from": {"id": 901, "is_bot": False, "first_name": "Tư"},
        },
    }
    fake.person(901)
    async with TestClient(TestServer(app)) as client:
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: "s3cret-oK"}):
            response = await client.post("/webhook/telegram", json=update, headers=headers)
            assert response.status == 401
        assert channel.db.execute("SELECT COUNT(*) FROM processed_updates").fetchone() == (0,)
        assert channel.db.execute("SELECT COUNT(*) FROM users").fetchone() == (0,)
        response = await client.post(
            "/webhook/telegram", data="{nope", headers={SECRET_HEADER: "s3cret-ok"}
        )
        assert response.status == 400
        response = await client.post(
            "/webhook/telegram", data=json.dumps(update), headers={SECRET_HEADER: "s3cret-ok"}
        )
        assert response.status == 200
    # Committed before the 200: another connection sees the update and its replies.
    path = channel.services.settings.database_path
    with contextlib.closing(sqlite3.connect(path)) as other:
        seen = "SELECT COUNT(*) FROM processed_updates WHERE update_id = 'm:901:9'"
        assert other.execute(seen).fetchone() == (1,)
        replies = "SELECT COUNT(*) FROM outbox WHERE chat_id = '901'"
        assert other.execute(replies).fetchone()[0] >= 1


# -- rates on the wire ------------------------------------------------------------------------


async def test_one_chat_gets_a_burst_then_one_message_a_second(fake, start_channel) -> None:
    channel = await start_channel(telegram_chat_rate=1)
    person = fake.person(1001)
    for i in range(6):
        _enqueue(channel, 1001, Reply(f"Tin {i}"))
    await fake.wait_for(lambda: len(person.inbox) == 6, what="six messages", timeout=10)
    assert [s.text for s in person.inbox] == [f"Tin {i}" for i in range(6)]
    start = person.inbox[0].at
    offsets = [round(s.at - start, 1) for s in person.inbox]
    assert offsets[2] < 0.6, f"the first three go at once: {offsets}"
    gaps = [b - a for a, b in itertools.pairwise(offsets[2:])]
    # One a second, give or take network jitter; the upper bound only catches needless waiting
    # (it is loose because a busy test machine may run the event loop late).
    assert all(0.8 <= gap <= 2.0 for gap in gaps), f"then one a second: {offsets}"


async def test_many_chats_share_thirty_messages_a_second(fake, channel) -> None:
    people = [fake.person(2000 + i) for i in range(90)]
    for person in people:
        _enqueue(channel, person.user_id, Reply("Thông báo của xã"))
    await fake.wait_for(lambda: all(p.inbox for p in people), what="90 messages", timeout=10)
    times = sorted(s.at for p in people for s in p.inbox)
    busiest = max(sum(1 for t in times if start <= t < start + 1) for start in times)
    elapsed = times[-1] - times[0]
    print(f"90 chats: {elapsed:.2f}s, busiest second {busiest} messages")
    # 89 gaps of 1/30 s; a second may see a message or two more when the loop runs late.
    assert elapsed >= 2.8 and busiest <= 33


# -- settings an administrator can get wrong --------------------------------------------------


async def test_a_refused_token_stops_the_start_with_a_clear_message(
    fake: FakeTelegram, tmp_path: Path, curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.app.load", lambda content_dir: curriculum)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=tmp_path / "t.sqlite",
        telegram_bot_token=SecretStr("999:not-the-token"),
        telegram_api_base=fake.base,
    )
    services = build(settings)
    with pytest.raises(SystemExit, match="Telegram không nhận mã bot"):
        await TelegramChannel(services).start()
    services.settings = settings.model_copy(
        update={"webhook_url": "https://hocvuso.example.vn", "webhook_secret": SecretStr("a b")}
    )
    with pytest.raises(SystemExit, match="WEBHOOK_SECRET"):
        TelegramChannel(services)
    services.db.close()
