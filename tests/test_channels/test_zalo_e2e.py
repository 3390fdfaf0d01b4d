"""End to end: the real `hocvuso run` process against the fake Zalo Bot API, driven by typing.

The bot runs as a subprocess with only environment settings and command-line flags, exactly as
deployed; the test plays people through the fake server (typing the numbers of the options they
read) and reads the database file the process writes.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from lessons.loader import load
from tests.fakes.zalo import TOKEN, FakeZalo
from tests.telegram_helpers import onboard, take_lesson
from tests.test_ops.running import Assistant, free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET = "e2e-zalo_Secret"


@contextlib.asynccontextmanager
async def running(
    zalo: FakeZalo, tmp_path: Path, *, webhook: bool = False
) -> AsyncIterator[Assistant]:
    port = free_port()
    env = {
        "ZALO_BOT_TOKEN": TOKEN,
        "ZALO_API_BASE": zalo.base,
        # The fake person types the instant an answer arrives; people do not.
        "ZALO_CHAT_RATE": "50",
        "DATABASE_PATH": str(tmp_path / "bot.sqlite"),
        "PORT": str(port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    if webhook:
        env.update(WEBHOOK_URL=f"http://127.0.0.1:{port}", WEBHOOK_SECRET=SECRET)
    bot = Assistant(tmp_path, tmp_path / "bot.sqlite", env=env, port=port)
    before = Counter(zalo.started)
    await bot.start()
    try:
        method = "setWebhook" if webhook else "getUpdates"
        await zalo.wait_for(
            lambda: (zalo.started - before)[method], what=f"the bot to call {method}", timeout=30
        )
        yield bot
    except BaseException:
        print(f"--- bot log ---\n{bot.log()[-6000:]}")
        raise
    finally:
        bot.close()


def query(bot: Assistant, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(bot.db_path)) as db:
        return db.execute(sql, params).fetchall()


async def _onboard_and_take_a_lesson(bot: Assistant, zalo: FakeZalo) -> str:
    """Registration, a lesson and its quiz, every option chosen by typing its number."""
    person = zalo.person("Tư")
    await onboard(person)
    lesson = await take_lesson(person, load(ROOT / "content" / "vi"))
    [(name, year, group, onboarded_at)] = query(
        bot,
        "SELECT display_name, birth_year, grp, onboarded_at FROM users WHERE external_id = ?",
        (person.user_id,),
    )
    assert (name, year, group) == ("Tư", 1958, "cao_tuoi") and onboarded_at
    passed = query(
        bot,
        "SELECT status, score, total FROM progress p JOIN users u ON u.id = p.user_id "
        "WHERE u.external_id = ? AND p.lesson_id = ?",
        (person.user_id, lesson.id),
    )
    assert passed == [("passed", len(lesson.quiz), len(lesson.quiz))]
    numbers = [text for text in person.said if text.isdigit() and len(text) <= 2]
    assert len(numbers) >= 8 + len(lesson.steps) + len(lesson.quiz), "options are typed numbers"
    return person.user_id


async def test_polling_registration_a_lesson_and_its_quiz_by_typed_numbers(zalo, tmp_path) -> None:
    async with running(zalo, tmp_path) as bot:
        user_id = await _onboard_and_take_a_lesson(bot, zalo)
        person = zalo.person("Lan")
        await person.send_sticker()
        await person.expect("chỉ đọc được chữ")
        # Zalo hands the same message out twice: it is answered once.
        await person.say("/trogiup")
        await person.expect("Cách dùng Trợ lý")
        await zalo.deliver(person.last_update)
        await person.say("/menu")
        await person.expect("đồng ý")
        bot.signal(signal.SIGTERM)
        assert await bot.wait(15) == 0, bot.log()
    assert sum("Cách dùng Trợ lý" in s.text for s in person.inbox) == 1
    assert zalo.violations == []
    # Nothing pending or lost: every reply went out exactly once.
    [(sent,)] = query(bot, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
    assert query(bot, "SELECT status, COUNT(*) FROM outbox GROUP BY status") == [("sent", sent)]
    assert sent == len(zalo.to(user_id)) + len(person.inbox)


async def test_webhook_refuses_a_wrong_secret_and_takes_a_lesson_and_a_repeat_once(
    zalo, tmp_path
) -> None:
    async with running(zalo, tmp_path, webhook=True) as bot:
        assert zalo.webhook == {"url": f"{bot.base}/webhook/zalo", "secret": SECRET}
        intruder = zalo.person("Kẻ lạ")
        assert await intruder.say("/start", secret="e2e-zalo_Wrong") in (401, 403)
        assert await intruder.say("/xoadulieu", secret="") in (401, 403)  # no header at all
        assert query(bot, "SELECT COUNT(*) FROM processed_updates") == [(0,)]
        assert query(bot, "SELECT COUNT(*) FROM users") == [(0,)]
        user_id = await _onboard_and_take_a_lesson(bot, zalo)
        assert set(zalo.webhook_statuses[2:]) == {200}
        person = zalo.person("Lan")
        await person.say("/trogiup")
        await person.expect("Cách dùng Trợ lý")
        assert await zalo.deliver(person.last_update) == 200  # delivered again: answered once
        await person.say("/menu")
        await person.expect("đồng ý")
        bot.signal(signal.SIGTERM)
        assert await bot.wait(15) == 0, bot.log()
    assert zalo.to(intruder.user_id) == []
    assert sum("Cách dùng Trợ lý" in s.text for s in person.inbox) == 1
    assert zalo.violations == []
    [(sent,)] = query(bot, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
    assert sent == len(zalo.to(user_id)) + len(person.inbox)


async def test_429s_and_502s_lose_nothing_repeat_nothing_and_keep_order(zalo, tmp_path) -> None:
    """Zalo answers 429 (its JSON, then the proxy's HTML page) and 502 (HTML, then JSON) on
    sends: every answer arrives once, in order, a few seconds late rather than a minute."""
    async with running(zalo, tmp_path) as bot:
        person = zalo.person("Tư")
        storms = [
            [(429, False)],
            [(429, True), (429, False)],  # two in a row: 2 s, then 4 s
            [(502, True)],
            [(502, False)],
            [(429, True)],
        ]
        for storm in storms:
            faults = [
                zalo.fail("sendMessage", code, chat_id=person.user_id, html=html)
                for code, html in storm
            ]
            await person.say("/trogiup")
            await person.expect("Cách dùng Trợ lý", timeout=30)
            assert all(fault.times == 0 for fault in faults), "the storm did not happen"
        await onboard(person)
        await zalo.wait_for(
            lambda: query(bot, "SELECT COUNT(*) FROM outbox WHERE status != 'sent'") == [(0,)],
            what="every reply sent",
            timeout=30,
        )
        bot.signal(signal.SIGTERM)
        assert await bot.wait(15) == 0, bot.log()
    rows = query(bot, "SELECT body FROM outbox WHERE chat_id = ? ORDER BY id", (person.user_id,))
    expected = [json.loads(body)["text"].split("\n", 1)[0] for (body,) in rows]
    received = [sent.text.split("\n", 1)[0] for sent in person.inbox]
    assert received == expected  # none lost, none twice, in order
    refused = [c for c in zalo.calls if c.method == "sendMessage" and c.error_code]
    assert len(refused) == 6
    assert zalo.violations == []
