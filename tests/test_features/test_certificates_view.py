"""Certificates in view: the lessons left to a topic's certificate, and /chungnhan to see the
certificates earned and have one sent again."""

from __future__ import annotations

from pathlib import Path

from lessons.model import Curriculum
from tests.factories import Conversation
from tests.learning_helpers import pass_lesson


def _first_topic(curriculum: Curriculum, size: int = 2):
    return next(t for t in curriculum.topics if len(curriculum.lessons_in_topic(t.id)) >= size)


def test_the_topic_list_says_what_earns_a_certificate_and_how_far(
    conv: Conversation, curriculum: Curriculum
) -> None:
    conv.onboard()
    conv.press("m:topics")
    assert "Học xong tất cả bài của một chủ đề thì bác được giấy chứng nhận." in conv.text
    topic = _first_topic(curriculum)
    lessons = curriculum.lessons_in_topic(topic.id)
    pass_lesson(conv, lessons[0])
    conv.press("m:topics")
    assert f'Chủ đề "{topic.title}" còn {len(lessons) - 1} bài nữa.' in conv.text


def test_a_lessons_last_step_says_how_many_lessons_remain(
    conv: Conversation, curriculum: Curriculum
) -> None:
    conv.onboard()
    topic = _first_topic(curriculum)
    lessons = curriculum.lessons_in_topic(topic.id)
    conv.press("m:topics")
    conv.press(f"t:{topic.id}")
    conv.press(f"l:go:{lessons[0].id}")
    for _ in lessons[0].steps[:-1]:
        assert "giấy chứng nhận" not in conv.text
        conv.tap("Tiếp")
    left = len(lessons) - 1
    assert f'chủ đề "{topic.title}" còn {left} bài nữa là bác được giấy chứng nhận' in conv.text
    for lesson in lessons[:-1]:
        pass_lesson(conv, lesson)
    conv.press("m:topics")
    conv.press(f"t:{topic.id}")
    conv.press(f"l:go:{lessons[-1].id}")
    for _ in lessons[-1].steps[:-1]:
        conv.tap("Tiếp")
    assert f'Đây là bài cuối của chủ đề "{topic.title}"' in conv.text


def test_chungnhan_with_none_yet_says_what_earns_one(conv: Conversation) -> None:
    conv.onboard()
    conv.send("/chungnhan")
    assert "Bác chưa có giấy chứng nhận nào." in conv.text
    assert "Học xong tất cả bài của một chủ đề" in conv.text
    assert conv.labels() == ["Về danh sách chính"]


def test_chungnhan_lists_the_certificates_and_sends_one_again(
    conv: Conversation, curriculum: Curriculum
) -> None:
    conv.onboard()
    topic = curriculum.topics[0]
    for lesson in curriculum.lessons_in_topic(topic.id):
        pass_lesson(conv, lesson)
    user = conv.record()
    assert user is not None
    code = conv.engine.db.execute(
        "SELECT code FROM certificates WHERE user_id = ?", [user.id]
    ).fetchone()[0]
    conv.press("m:menu")
    conv.send("/chungnhan")
    assert f"1. {topic.title}" in conv.text and code in conv.text
    assert "Gõ số của một giấy" in conv.text  # the console shows numbers, not buttons
    conv.send("1")
    reply = conv.history[-1]
    assert reply.image and Path(reply.image).exists()
    assert code in reply.text and topic.title in reply.text
    # The entry the understanding layer maps "chứng nhận" / "giấy chứng nhận" to.
    conv.engine.entry("certificates.list")
    conv.send("/giaychungnhan")
    assert code in conv.text


def test_another_persons_certificate_is_not_sent(
    engine, conv: Conversation, curriculum: Curriculum
) -> None:
    conv.onboard()
    topic = curriculum.topics[0]
    for lesson in curriculum.lessons_in_topic(topic.id):
        pass_lesson(conv, lesson)
    code = engine.db.execute("SELECT code FROM certificates").fetchone()[0]
    other = Conversation(engine, user="other")
    other.onboard(name="Lan")
    other.press(f"cv:{code}")
    assert all(not r.image for r in other.history)
    assert code not in other.text
