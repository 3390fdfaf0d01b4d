"""The web chat in real headless Chromium: a person completes onboarding by tapping."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bot.app import Services
from tests.browser import ARTIFACTS, chromium, serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def server(services: Services) -> Iterator[str]:
    with serve_in_thread(services) as url:
        yield url


@pytest.fixture
def page(server: str):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 400, "height": 820}, locale="vi-VN")
        yield context.new_page()


def _chip(page, label: str):
    return page.locator("#log .chips:last-of-type button.chip:not([disabled])", has_text=label)


def test_onboarding_by_tapping(page, server: str, services: Services) -> None:
    _onboard(page, server, bad_year="1850")
    page.get_by_text("Xong rồi! Cảm ơn Tư.").wait_for()
    page.get_by_text("Bác muốn làm gì?").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat-onboarding.png"), full_page=False)

    row = services.db.execute(
        "SELECT display_name, birth_year, grp, onboarded_at IS NOT NULL FROM users"
    ).fetchone()
    assert row == ("Tư", 1956, "cao_tuoi", 1)
    # Reloading the page resumes the same conversation (the cookie), not a new user.
    page.reload()
    page.get_by_text("Bác muốn làm gì?").first.wait_for()
    assert services.db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1


def test_user_text_is_shown_as_text_not_html(page, server: str) -> None:
    page.goto(server + "/")
    _chip(page, "Đồng ý").first.click()
    page.get_by_text("Trợ lý nên gọi").wait_for()
    page.fill("#text", "<img src=x onerror=alert(1)>")
    page.click("#send")
    page.get_by_text("chưa hiểu tên này").wait_for()
    assert page.locator("#log img").count() == 0


def _onboard(page, server: str, bad_year: str | None = None) -> None:
    page.goto(server + "/")
    _chip(page, "Đồng ý").first.click()
    page.get_by_text("Trợ lý nên gọi").wait_for()
    page.fill("#text", "Tư")
    page.keyboard.press("Enter")
    _chip(page, "Thôn Đông").click()
    page.get_by_text("sinh năm nào").wait_for()
    if bad_year:
        page.fill("#text", bad_year)
        page.keyboard.press("Enter")
        page.get_by_text(f'"{bad_year}" chưa phải là năm sinh').wait_for()
    page.fill("#text", "1956")
    page.keyboard.press("Enter")
    _chip(page, "Người cao tuổi").click()
    for answer in ("Có", "Chưa", "Không rõ", "Chưa"):
        page.get_by_text("Không rõ").last.wait_for()
        _chip(page, answer).first.click()
    page.get_by_text("Bác muốn làm gì?").wait_for()


def _state(services: Services) -> tuple[str | None, dict]:
    import json

    state, data = services.db.execute("SELECT state, state_data FROM users").fetchone()
    return state, json.loads(data)


def test_a_full_lesson_and_quiz_by_tapping(page, server: str, services: Services) -> None:
    _onboard(page, server)
    lesson = services.curriculum.lesson(services.curriculum.path_for("cao_tuoi")[0])
    _chip(page, "Học bài tiếp theo").click()
    for step in range(1, len(lesson.steps) + 1):
        page.get_by_text(f"({step}/{len(lesson.steps)})").wait_for()
        _chip(page, "Tiếp").click()
    page.get_by_text("bài kiểm tra nhỏ").wait_for()
    for number in range(1, len(lesson.quiz) + 1):
        page.get_by_text(f"Câu {number}/{len(lesson.quiz)}").wait_for()
        state, data = _state(services)
        assert state == "learn:quiz"
        question = lesson.quiz[data["order"][data["pos"]]]
        wrong = number == 1 and not question.multi
        picks = (
            [i for i in range(len(question.options)) if i not in question.answers][:1]
            if wrong
            else list(question.answers)
        )
        feedback = page.locator(".msg.bot", has_text="Chưa đúng." if wrong else "Đúng rồi!")
        seen = feedback.count()
        for index in picks:
            _chip(page, question.options[index]).first.click()
            if question.multi:
                page.get_by_text("Đã chọn:").last.wait_for()
        if question.multi:
            _chip(page, "Xong").click()
        expect(feedback).to_have_count(seen + 1)
    page.get_by_text("Xong bài kiểm tra").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat-quiz.png"))
    row = services.db.execute(
        "SELECT status, score, total, attempts FROM progress WHERE lesson_id = ?", [lesson.id]
    ).fetchone()
    total = len(lesson.quiz)
    assert row == ("passed", total - 1, total, 1)
