"""The Zalo channel in this process against the fake Zalo Bot API: what people see — numbered
options answered by number or words, long replies, certificates as photos, invitations by code —
and the webhook's guard. Fixtures: tests/test_channels/conftest.py."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3

import aiohttp

from bot import certificates, invites
from bot.engine.types import Button, Reply
from bot.store import outbox, units, users
from tests.fakes.zalo import MAX_TEXT, utf16_len
from tests.telegram_helpers import onboard, take_lesson
from tests.zalo_helpers import CHANNEL, SECRET, drained, enqueue, issue_certificate

CODE = re.compile(r"\b([A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4})\b")


# -- a conversation ---------------------------------------------------------------------------


async def test_onboarding_a_lesson_and_its_quiz_by_typed_numbers(
    zalo, zalo_bot, curriculum
) -> None:
    person = zalo.person("Tư")
    await onboard(person)  # the scripted conversation Telegram uses; here every press is typed
    lesson = await take_lesson(person, curriculum)
    record = users.find(zalo_bot.db, CHANNEL, person.user_id)
    assert record is not None and (record.display_name, record.birth_year) == ("Tư", 1958)
    status = zalo_bot.db.execute(
        "SELECT status, score FROM progress WHERE user_id = ? AND lesson_id = ?",
        [record.id, lesson.id],
    ).fetchone()
    assert status == ("passed", len(lesson.quiz))
    # Consent, village, group, four self-assessment answers, the menu, each step and answer:
    # all chosen by typing the number read on the screen.
    numbers = [text for text in person.said if text.isdigit() and len(text) <= 2]
    assert len(numbers) >= 8 + len(lesson.steps) + len(lesson.quiz)
    assert zalo.violations == []


async def test_options_are_numbered_and_the_words_work_as_well_as_the_number(
    zalo, zalo_bot
) -> None:
    person = zalo.person()
    await person.say("Chào")  # a first message that is not a command starts the registration
    consent = await person.expect("đồng ý")
    assert consent.labels == ["Đồng ý", "Không đồng ý", "Xem chi tiết"]
    assert consent.text.splitlines()[-4:] == [
        "1. Đồng ý",
        "2. Không đồng ý",
        "3. Xem chi tiết",
        "(Gõ 1, 2 hoặc 3)",
    ]
    await person.say("đồng ý")  # the option's words, typed without a button to press
    await person.expect("Trợ lý nên gọi")
    assert zalo.violations == []


async def test_stickers_and_photos_get_a_polite_answer(zalo, zalo_bot) -> None:
    person = zalo.person()
    await person.send_sticker()
    await person.expect("chỉ đọc được chữ")
    await person.send_image()
    await person.expect("chỉ đọc được chữ")
    await person.act(person.update("message.reaction.received"))
    await person.say("/trogiup")
    await person.expect("Cách dùng Trợ lý")
    assert sum("chỉ đọc được chữ" in s.text for s in person.inbox) == 2  # a reaction: no answer


async def test_the_same_message_delivered_twice_is_handled_once(zalo, zalo_bot) -> None:
    person = zalo.person()
    await person.say("/trogiup")
    await person.expect("Cách dùng Trợ lý")
    await drained(zalo, zalo_bot)
    answered = len(person.inbox)
    await zalo.deliver(person.last_update)  # Zalo hands the same message out again
    await person.say("/menu")
    await person.expect("đồng ý")  # not registered yet: the consent question
    await drained(zalo, zalo_bot)
    helps = [s for s in person.inbox if "Cách dùng Trợ lý" in s.text]
    assert len(helps) == 1 and len(person.inbox) > answered
    message_id = person.last_update["message"]["message_id"]
    assert zalo_bot.db.execute(
        "SELECT COUNT(*) FROM processed_updates WHERE channel = 'zalo' AND update_id = ?",
        [f"m:{person.user_id}:{message_id}"],
    ).fetchone() == (1,)


async def test_group_messages_are_ignored(zalo, zalo_bot) -> None:
    lan = zalo.person("Lan")
    group = lan.update("message.text.received", text="Chiều nay họp thôn nhé")
    group["message"]["chat"] = {"id": "nhom-thon-dong", "chat_type": "GROUP"}
    await zalo.deliver(group)
    person = zalo.person()
    await person.say("/start")  # handled after the group message: that one was skipped
    await person.expect("đồng ý")
    assert users.find(zalo_bot.db, CHANNEL, lan.user_id) is None
    assert zalo.to("nhom-thon-dong") == []


# -- long replies and certificates ------------------------------------------------------------


async def test_a_long_reply_is_split_at_paragraphs_within_2000_characters(zalo, zalo_bot) -> None:
    person = zalo.person()
    paragraphs = [f"Đoạn {i}: " + " ".join(["lừa đảo"] * 60) for i in range(12)]
    text = "\n\n".join(paragraphs)
    assert len(text) > 5000
    enqueue(zalo_bot, person.user_id, Reply(text, ((Button("Về danh sách chính", "m:menu"),),)))
    await zalo.wait_for(lambda: len(person.inbox) == 3, what="three messages")
    assert all(utf16_len(s.text) <= MAX_TEXT for s in person.inbox)
    assert all(s.text.startswith("Đoạn ") for s in person.inbox)
    assert "\n\n".join(s.text for s in person.inbox).startswith(text)
    assert [s.labels for s in person.inbox] == [[], [], ["Về danh sách chính"]]
    assert zalo.violations == []


async def test_a_certificate_is_a_photo_zalo_fetches_from_an_unguessable_url(
    zalo, zalo_bot
) -> None:
    person = zalo.person()
    cert = issue_certificate(zalo_bot, person.user_id)
    image = certificates.image_path(zalo_bot.services.engine.files_dir, cert.code)
    text = f"Chúc mừng! Đây là giấy chứng nhận, mã xác minh {cert.code}."
    enqueue(zalo_bot, person.user_id, Reply(text, image=str(image)))
    await zalo.wait_for(lambda: len(person.inbox) == 2, what="a photo and its words")
    photo, words = person.inbox
    assert photo.method == "sendPhoto" and words.text == text
    assert photo.photo == image.read_bytes()  # Zalo got the very file, over HTTP
    assert photo.photo_url.startswith(f"{zalo_bot.root}/files/cert/")
    token = photo.photo_url.rsplit("/", 1)[1].removesuffix(".png")
    assert len(token) >= 24 and cert.code.replace("-", "") not in token.upper()
    assert (person.user_id, "typing") in zalo.actions
    async with aiohttp.ClientSession() as http:
        for guess in (cert.code, token[:-1] + ("A" if token[-1] != "A" else "B"), "../etc"):
            async with http.get(f"{zalo_bot.root}/files/cert/{guess}.png") as response:
                assert response.status == 404, guess
        # The link dies with the certificate when its holder erases their data.
        record = users.find(zalo_bot.db, CHANNEL, person.user_id)
        assert record is not None
        with zalo_bot.db.atomic():
            users.erase(zalo_bot.db, record.id)
        async with http.get(photo.photo_url) as response:
            assert response.status == 404
    assert zalo.violations == []


async def test_without_a_public_url_the_certificate_goes_as_its_words_and_code(
    zalo, start_zalo, caplog
) -> None:
    zalo_bot = await start_zalo(public=False)
    person = zalo.person()
    cert = issue_certificate(zalo_bot, person.user_id)
    image = certificates.image_path(zalo_bot.services.engine.files_dir, cert.code)
    with caplog.at_level(logging.WARNING, logger="bot.delivery.zalo"):
        enqueue(zalo_bot, person.user_id, Reply(f"Mã xác minh {cert.code}.", image=str(image)))
        await drained(zalo, zalo_bot)
    assert [(s.method, s.text) for s in person.inbox] == [
        ("sendMessage", f"Mã xác minh {cert.code}.")
    ]
    assert any("no public URL" in r.getMessage() for r in caplog.records)


async def test_a_photo_zalo_cannot_fetch_is_skipped_and_the_words_still_go(
    zalo, start_zalo
) -> None:
    zalo_bot = await start_zalo(public_base_url="http://127.0.0.1:9")  # nothing listens there
    person = zalo.person()
    cert = issue_certificate(zalo_bot, person.user_id)
    image = certificates.image_path(zalo_bot.services.engine.files_dir, cert.code)
    enqueue(zalo_bot, person.user_id, Reply(f"Mã xác minh {cert.code}.", image=str(image)))
    await drained(zalo, zalo_bot)
    assert [s.text for s in person.inbox] == [f"Mã xác minh {cert.code}."]
    assert [c.error_code for c in zalo.attempts("sendPhoto", person.user_id)] == [400]
    assert outbox.status_counts(zalo_bot.db, CHANNEL) == {"sent": 1}
    zalo.violations.clear()  # the refused photo was the point of this test


# -- webhook ----------------------------------------------------------------------------------


async def test_webhook_refuses_a_wrong_secret_and_answers_200_after_commit(
    zalo, start_zalo
) -> None:
    zalo_bot = await start_zalo(webhook=True)
    assert zalo.webhook == {"url": f"{zalo_bot.root}/webhook/zalo", "secret": SECRET}
    assert zalo.started["getUpdates"] == 0 and zalo.started["deleteWebhook"] == 0
    intruder = zalo.person()
    for secret in ("", "zalo-Secret_2", SECRET.upper()):
        assert await intruder.say("/xoadulieu", secret=secret) in (401, 403)
    assert zalo_bot.db.execute("SELECT COUNT(*) FROM processed_updates").fetchone() == (0,)
    assert zalo_bot.db.execute("SELECT COUNT(*) FROM users").fetchone() == (0,)
    async with aiohttp.ClientSession() as http:
        headers = {"X-Bot-Api-Secret-Token": SECRET}
        for body in ("{nope", "[1]", json.dumps({"ok": True, "result": 3})):
            async with http.post(zalo.webhook["url"], data=body, headers=headers) as response:
                assert response.status == 400
    person = zalo.person()
    assert await person.say("/start") == 200
    # Committed before the 200: another connection sees the update and its replies.
    path = zalo_bot.services.settings.database_path
    with contextlib.closing(sqlite3.connect(path)) as other:
        message_id = person.last_update["message"]["message_id"]
        seen = "SELECT COUNT(*) FROM processed_updates WHERE update_id = ?"
        assert other.execute(seen, [f"m:{person.user_id}:{message_id}"]).fetchone() == (1,)
        replies = "SELECT COUNT(*) FROM outbox WHERE chat_id = ?"
        assert other.execute(replies, [person.user_id]).fetchone()[0] >= 1
    await person.expect("đồng ý")
    assert zalo.to(intruder.user_id) == []


async def test_webhook_takes_updates_wrapped_or_not_and_a_repeat_once(zalo, start_zalo) -> None:
    zalo_bot = await start_zalo(webhook=True)
    person = zalo.person()
    update = person.update("message.text.received", text="/trogiup")
    assert await zalo.deliver(update, wrapped=False) == 200
    assert await zalo.deliver(update) == 200  # Zalo delivers it again: answered, not redone
    await person.expect("Cách dùng Trợ lý")
    await drained(zalo, zalo_bot)
    assert sum("Cách dùng Trợ lý" in s.text for s in person.inbox) == 1


# -- invitations by code ----------------------------------------------------------------------


async def test_mentor_and_mentee_invitations_work_by_code_on_zalo(zalo, zalo_bot) -> None:
    engine = zalo_bot.services.engine
    village = next(v for v in units.villages(zalo_bot.db) if v.name == "Thôn Đông")
    with zalo_bot.db.atomic():
        mentor_invite = invites.issue(
            zalo_bot.db, "mentor", now=int(engine.clock()), uses=1, days=14, unit_id=village.id
        )
    mentor = zalo.person("Minh")
    await onboard(mentor, name="Minh")
    await mentor.say(f"/ma {mentor_invite.code}")
    await mentor.expect("mã mời làm Đại sứ số")
    await mentor.press("Đồng ý")
    await mentor.expect("đã là Đại sứ số của Thôn Đông")
    await mentor.say("/menu")
    await mentor.press("Đại sứ số")
    await mentor.press("Mời người học")
    shared = await mentor.expect("Mã mời học cùng Minh")
    found = CODE.search(shared.text)
    assert found is not None and "t.me/" not in shared.text
    code = found.group(1)

    # A resident who has never written to the bot types the code they were given.
    lan = zalo.person("Lan")
    await lan.say(f"/ma {code}")
    await lan.expect("đã nhận mã mời")
    await lan.press("Đồng ý")
    await lan.expect("Trợ lý nên gọi")
    await lan.say("Lan")
    await lan.press("Thôn Đông")
    await lan.expect("sinh năm nào")
    await lan.say("1960")
    await lan.press("Người cao tuổi")
    for answer in ("Có", "Chưa", "Chưa", "Chưa"):
        await lan.press(answer)
    await lan.expect("mời bác học cùng")
    await lan.press("Đồng ý")
    await lan.expect("đã học cùng Minh")

    # Someone registered already types /ma, then the code at the prompt (without the dash).
    tu = zalo.person("Tư")
    await onboard(tu)
    await tu.say("/ma")
    await tu.expect("gõ mã mời")
    await tu.say(code.replace("-", "").lower())
    await tu.expect("mời bác học cùng")
    await tu.press("Đồng ý")
    await tu.expect("đã học cùng Minh")
    assert zalo_bot.db.execute(
        "SELECT COUNT(*) FROM mentor_links WHERE ended_at IS NULL"
    ).fetchone() == (2,)
    assert zalo.violations == []
