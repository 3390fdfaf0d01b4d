"""People using the assistant on (fake) Telegram: onboarding, a lesson and its quiz, by buttons."""

from __future__ import annotations

from lessons.model import Curriculum, Lesson, Question
from tests.fakes.telegram import Person, Sent

ASSESSMENT_ANSWERS = ("Có", "Chưa", "Chưa", "Chưa")
# Always at hand under a quiz question, not options of it.
AT_HAND = ("Xong", "Xem lại bước trước", "Tạm dừng", "Hỏi đáp")


async def onboard(person: Person, *, name: str = "Tư", village: str = "Thôn Đông") -> None:
    """From /start to the main menu, pressing every button a person would."""
    await person.say("/start")
    await person.press("Đồng ý")
    await person.expect("Trợ lý nên gọi")
    await person.say(name)
    await person.press(village)
    await person.expect("sinh năm nào")
    await person.say("1958")
    await person.press("Người cao tuổi")
    for answer in ASSESSMENT_ANSWERS:
        await person.press(answer)
    await person.expect(f"Xong rồi! Cảm ơn {name}.")
    await person.press("Học bài tiếp theo")  # the menu is there: wait for it, then use it


def _question_asked(person: Person) -> Sent | None:
    return next((s for s in person.inbox[person.mark :] if s.text.startswith("Câu ")), None)


def _match(lesson: Lesson, sent: Sent) -> Question:
    labels = [label.removeprefix("✓ ") for label in sent.labels if label not in AT_HAND]
    matches = [q for q in lesson.quiz if list(q.options) == labels]
    assert len(matches) == 1, f"no single question of {lesson.id} has the options {labels}"
    return matches[0]


async def take_lesson(person: Person, curriculum: Curriculum) -> Lesson:
    """The lesson just started (after "Học bài tiếp theo"): every step, then every question
    answered right by pressing its option buttons. Returns the lesson."""
    intro = await person.expect("Bài: ")
    title = intro.text.split("\n", 1)[0].removeprefix("Bài: ")
    lesson = next(item for item in curriculum.lessons.values() if item.title == title)
    for _ in lesson.steps:
        await person.press("Tiếp")
    await person.expect("bài kiểm tra nhỏ")
    for _ in lesson.quiz:
        asked = await person.fake.wait_for(
            lambda: _question_asked(person), what=f"a quiz question of {lesson.id}"
        )
        question = _match(lesson, asked)
        for index in question.answers:
            await person.press(question.options[index])
        if question.multi:
            await person.press("Xong")
    await person.expect("Xong bài kiểm tra")
    return lesson
