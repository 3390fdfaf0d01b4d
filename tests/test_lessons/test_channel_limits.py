"""Every lesson, quiz and FAQ answer fits every channel as one message, as a learner sees it.

Each lesson is walked through the engine (steps, then every quiz question) for a learner with the
longest name allowed, and each reply is rendered the way the channels render it: numbered lines
for Zalo (2,000 characters) and the console, HTML-escaped text for Telegram (4,096). Buttons
must stay short enough to read on a phone.
"""

from __future__ import annotations

from bot.channels.telegram import escape
from bot.channels.textual import render_numbered
from bot.engine.types import Reply
from tests.factories import Conversation
from tests.learning_helpers import pass_lesson

ZALO_LIMIT = 2000
TELEGRAM_LIMIT = 4096
BUTTON_LIMIT = 64  # a lesson button "12. <title of 60>" at most; options are at most 60
LONGEST_NAME = "Nguyễn Thị Hồng Phương Thảo Nguyệt Khánh"  # 40 characters and 7 words: the most


def _check(reply: Reply, conv: Conversation, where: str) -> list[str]:
    problems = []
    numbered = render_numbered(reply, conv.engine.texts)
    if len(numbered) > ZALO_LIMIT:
        problems.append(f"{where}: {len(numbered)} characters on Zalo")
    if len(escape(reply.text)) > TELEGRAM_LIMIT:
        problems.append(f"{where}: {len(escape(reply.text))} characters on Telegram")
    for row in reply.buttons:
        for button in row:
            if len(button.label) > BUTTON_LIMIT:
                problems.append(f"{where}: button of {len(button.label)}: {button.label!r}")
    return problems


def test_every_lesson_fits_every_channel(engine, curriculum) -> None:
    assert len(LONGEST_NAME) == 40
    conv = Conversation(engine, user="longest")
    conv.onboard(name=LONGEST_NAME, birth_year=1940)
    problems: list[str] = []
    for lesson in curriculum.lessons.values():
        start = len(conv.history)
        pass_lesson(conv, lesson)
        replies = conv.history[start:]
        assert sum("(1/" in r.text for r in replies) == 1, lesson.id
        for number, reply in enumerate(replies):
            problems += _check(reply, conv, f"{lesson.id} reply {number}")
    assert problems == []


def test_every_faq_answer_fits(engine, curriculum) -> None:
    conv = Conversation(engine, user="asker")
    conv.onboard(name=LONGEST_NAME, birth_year=1940)
    problems: list[str] = []
    for entry in curriculum.faq:
        conv.press("m:ask")
        conv.send(entry.question)
        for reply in conv.history[-1:]:
            problems += _check(reply, conv, entry.id)
    assert problems == []
