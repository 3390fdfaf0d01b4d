"""Reminders and nudges with a controllable clock, in Vietnam time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import reminders
from bot.reminder_jobs import send_nudges, sweep_reminders
from bot.store import outbox
from tests.factories import Conversation

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = 86400


def at(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN).timestamp())


def pending_texts(conv: Conversation) -> list[str]:
    items = outbox.take_for_chat(conv.engine.db, conv.channel, conv.user, 2**40)
    return [item.body["text"] for item in items]


def test_quiet_hours_and_next_time() -> None:
    quiet = reminders.QuietHours.parse("21:00", "06:30")
    assert quiet.contains(21 * 60) and quiet.contains(3 * 60) and quiet.contains(6 * 60 + 29)
    assert not quiet.contains(6 * 60 + 30) and not quiet.contains(20 * 60 + 59)
    now = datetime(2026, 11, 23, 20, 0, tzinfo=VN)  # a Monday
    assert reminders.next_reminder(now, 19 * 60 + 30, "0123456", quiet) == datetime(
        2026, 11, 24, 19, 30, tzinfo=VN
    )
    assert reminders.next_reminder(now, 19 * 60 + 30, "56", quiet) == datetime(
        2026, 11, 28, 19, 30, tzinfo=VN
    )
    assert reminders.snooze(now.replace(hour=20, minute=30), quiet, hours=1) == datetime(
        2026, 11, 24, 6, 30, tzinfo=VN
    )


def test_choose_a_time_and_days_in_chat(conv: Conversation, clock) -> None:
    clock.now = at("2026-11-23 10:00")
    conv.onboard()
    conv.tap("Nhắc học")
    assert "chưa đặt giờ nhắc" in conv.text
    conv.tap("Tối 19 giờ 30")
    conv.tap("Thứ Hai đến Thứ Sáu")
    assert "Đã đặt giờ nhắc: 19:30, từ Thứ Hai đến Thứ Sáu" in conv.text
    assert "19:30 Thứ Hai 23/11" in conv.text
    user = conv.record()
    assert user is not None and user.next_reminder_at == at("2026-11-23 19:30")


def test_other_time_typed_and_quiet_hours_refused(conv: Conversation, clock) -> None:
    clock.now = at("2026-11-23 10:00")
    conv.onboard()
    conv.tap("Nhắc học")
    conv.tap("Giờ khác")
    conv.send("22 giờ")
    assert "giờ nghỉ ngơi" in conv.text
    user = conv.record()
    assert user is not None and user.reminder_minute is None
    conv.tap("Giờ khác")
    conv.send("abc")
    assert "chưa hiểu giờ" in conv.text
    conv.send("8h15 sáng")
    conv.tap("Mỗi ngày")
    assert "8:15, mỗi ngày" in conv.text


def test_reminder_fires_at_the_minute_once(conv: Conversation, clock) -> None:
    clock.now = at("2026-11-23 10:00")
    conv.onboard()
    conv.tap("Nhắc học")
    conv.tap("Tối 19 giờ 30")
    conv.tap("Mỗi ngày")
    engine = conv.engine
    clock.now = at("2026-11-23 19:29")
    assert sweep_reminders(engine, int(clock.now)) == 0
    clock.now = at("2026-11-23 19:30")
    assert sweep_reminders(engine, int(clock.now)) == 1
    assert sweep_reminders(engine, int(clock.now)) == 0  # a second sweep (a restart) sends nothing
    texts = pending_texts(conv)
    assert len(texts) == 1 and "đến giờ học rồi" in texts[0]
    # The reminder is one tap from a lesson, and a typed "1" works too.
    conv.send("1")
    assert "Bài:" in conv.text
    clock.now = at("2026-11-24 10:00")
    conv.tap("Tiếp")  # learning on the 24th in the morning...
    clock.now = at("2026-11-24 19:30")
    assert sweep_reminders(engine, int(clock.now)) == 0  # ...so no reminder that evening
    clock.now = at("2026-11-25 19:30")
    assert sweep_reminders(engine, int(clock.now)) == 1


def test_downtime_never_breaks_quiet_hours(conv: Conversation, clock) -> None:
    clock.now = at("2026-11-23 10:00")
    conv.onboard()
    conv.tap("Nhắc học")
    conv.tap("Tối 19 giờ 30")
    conv.tap("Mỗi ngày")
    clock.now = at("2026-11-23 22:10")  # the process was down at 19:30
    assert sweep_reminders(conv.engine, int(clock.now)) == 0
    user = conv.record()
    assert user is not None and user.next_reminder_at == at("2026-11-24 06:30")
    clock.now = at("2026-11-24 06:30")
    assert sweep_reminders(conv.engine, int(clock.now)) == 1
    user = conv.record()
    assert user is not None and user.next_reminder_at == at("2026-11-24 19:30")


def test_snooze_and_turn_off_from_the_reminder(conv: Conversation, clock) -> None:
    clock.now = at("2026-11-23 10:00")
    conv.onboard()
    conv.tap("Nhắc học")
    conv.tap("Sáng 7 giờ")
    conv.tap("Mỗi ngày")
    clock.now = at("2026-11-24 07:00")
    sweep_reminders(conv.engine, int(clock.now))
    pending_texts(conv)
    conv.press("r:s:1h")
    assert "08:00" in conv.text or "8:00" in conv.text
    user = conv.record()
    assert user is not None and user.next_reminder_at == at("2026-11-24 08:00")
    conv.press("r:s:tm")
    user = conv.record()
    assert user is not None and user.next_reminder_at == at("2026-11-25 07:00")
    conv.press("r:off")
    assert "Đã tắt nhắc học" in conv.text and "/nhachoc" in conv.text
    clock.now = at("2026-11-25 07:00")
    assert sweep_reminders(conv.engine, int(clock.now)) == 0


def test_opt_out_words_work_everywhere(conv: Conversation, clock, curriculum) -> None:
    clock.now = at("2026-11-23 10:00")
    conv.onboard()
    conv.tap("Nhắc học")
    conv.tap("Sáng 7 giờ")
    conv.tap("Mỗi ngày")
    conv.tap("Về danh sách chính")
    for word in ("DỪNG", "tắt nhắc", "stop"):  # outside a lesson: at once
        conv.send(word)
        assert "Đã tắt nhắc học" in conv.text, word
    user = conv.record()
    assert user is not None and user.reminders_off == 1 and user.next_reminder_at is None
    # Turning them on again is one menu away.
    conv.send("/nhachoc")
    assert "đang tắt nhắc" in conv.text


def test_nudges_follow_the_schedule_and_stop(conv: Conversation, clock) -> None:
    clock.now = at("2026-11-01 10:00")
    conv.onboard()
    engine = conv.engine
    start = at("2026-11-01 09:00")
    sent_on = []
    for day in range(0, 130):
        now = start + day * DAY
        if send_nudges(engine, now):
            sent_on.append(day)
        assert send_nudges(engine, now + 3600) == 0  # never two in a day
    # 2, 5 and 14 days, then monthly, and none after five unanswered.
    assert sent_on == [2, 5, 14, 44, 74]
    texts = pending_texts(conv)
    assert len(texts) == 5 and all("lâu rồi chưa gặp" in t for t in texts)


def test_coming_back_resets_the_nudges(conv: Conversation, clock) -> None:
    clock.now = at("2026-11-01 10:00")
    conv.onboard()
    start = at("2026-11-01 09:00")
    assert send_nudges(conv.engine, start + 2 * DAY) == 1
    clock.now = start + 3 * DAY
    conv.send("/menu")  # they come back
    user = conv.record()
    assert user is not None and user.nudges_unanswered == 0
    assert send_nudges(conv.engine, start + 4 * DAY) == 0
    assert send_nudges(conv.engine, start + 5 * DAY) == 1  # two days after coming back


def test_nudges_never_in_quiet_hours(conv: Conversation, clock) -> None:
    clock.now = at("2026-11-01 10:00")
    conv.onboard()
    assert send_nudges(conv.engine, at("2026-11-05 22:00")) == 0
    assert send_nudges(conv.engine, at("2026-11-05 05:00")) == 0
