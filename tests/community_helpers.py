"""Several people in one test: mentors, mentees, households, all through one engine."""

from __future__ import annotations

import re

from bot import invites
from bot.engine.dispatcher import Engine
from bot.engine.types import Reply
from bot.store import outbox, units
from tests.factories import Conversation

CODE = re.compile(r"\b([A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4})\b")


def receive(conv: Conversation) -> list[Reply]:
    """What others sent this person meanwhile (a mentor's push, an alert), as their phone shows."""
    replies = [
        Reply.from_dict(item.body)
        for item in outbox.take_for_chat(conv.engine.db, conv.channel, conv.user, 2**40)
    ]
    conv.history.extend(replies)
    conv._last_count = len(replies)
    return replies


def code_in(text: str) -> str:
    found = CODE.search(text)
    assert found, text
    return found.group(1)


def mentor_code(
    engine: Engine, village: str = "Thôn Đông", *, uses: int = 1, days: int = 14
) -> str:
    """A code the commune issues for a new mentor (what `hocvuso admin invite mentor` does)."""
    unit = next(v for v in units.villages(engine.db) if v.name == village)
    with engine.db.atomic():
        invite = invites.issue(
            engine.db, "mentor", now=int(engine.clock()), uses=uses, days=days, unit_id=unit.id
        )
    return invite.code


def register(
    conv: Conversation,
    *,
    name: str,
    village: str = "Thôn Đông",
    birth_year: int = 1958,
    group: str = "Người cao tuổi",
) -> None:
    """Answer the registration questions, from the consent screen on."""
    conv.tap("Đồng ý")
    conv.send(name)
    if conv.labels()[:1] == ["Đúng rồi"]:  # the name was tidied ("an" → "An"): confirm it
        conv.tap("Đúng rồi")
    conv.tap(village)
    conv.send(str(birth_year))
    if "Anh" in conv.labels() and group not in conv.labels():  # an adult says how to be called
        conv.tap("Anh")
    conv.tap(group)
    for answer in ("Có", "Chưa", "Chưa", "Chưa"):
        conv.tap(answer)


def make_mentor(
    engine: Engine, *, user: str = "mentor", name: str = "Minh", village: str = "Thôn Đông"
) -> Conversation:
    mentor = Conversation(engine, user=user)
    mentor.onboard(name=name, village=village, birth_year=1990, group="Người dân")
    mentor.send(f"/ma {mentor_code(engine, village)}")
    assert "mã mời làm Đại sứ số" in mentor.text, mentor.text
    mentor.tap("Đồng ý")
    assert f"đã là Đại sứ số của {village}" in mentor.text, mentor.text
    return mentor


def invitation(mentor: Conversation) -> str:
    """The mentor's own code for mentees, from "Mời người học"."""
    mentor.press("m:mentor")
    mentor.tap("Mời người học")
    return code_in(mentor.text)


def join_by_link(engine: Engine, code: str, *, user: str, name: str) -> Conversation:
    """A new resident opens the mentor's Telegram link (it arrives as "/start CODE")."""
    mentee = Conversation(engine, user=user)
    mentee.send(f"/start {code}")
    assert "đã nhận mã mời" in mentee.text, mentee.text
    register(mentee, name=name)
    assert "mời bác học cùng" in mentee.text, mentee.text
    mentee.tap("Đồng ý")
    assert "đã học cùng" in mentee.text, mentee.text
    return mentee
