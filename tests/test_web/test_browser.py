"""The web chat in real headless Chromium: a person completes onboarding by tapping."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.sync_api import expect

from bot.app import Services, web_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(services: Services) -> Iterator[str]:
    """The real app on a loopback port, in its own thread and event loop."""
    port = _free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(web_app(services), access_log=None)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.fixture
def page(server: str):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 400, "height": 820}, locale="vi-VN")
        page = context.new_page()
        yield page
        browser.close()


def _chip(page, label: str):
    return page.locator("#log .chips:last-of-type button.chip:not([disabled])", has_text=label)


def test_onboarding_by_tapping(page, server: str, services: Services) -> None:
    page.goto(server + "/")
    page.get_by_text("Xin chào").first.wait_for()
    _chip(page, "Đồng ý").first.click()
    page.get_by_text("Trợ lý nên gọi").wait_for()
    page.fill("#text", "Tư")
    page.click("#send")
    _chip(page, "Thôn Đông").click()
    page.get_by_text("sinh năm nào").wait_for()
    page.fill("#text", "1850")
    page.keyboard.press("Enter")
    page.get_by_text('"1850" chưa phải là năm sinh').wait_for()
    page.fill("#text", "1956")
    page.keyboard.press("Enter")
    _chip(page, "Người cao tuổi").click()
    for answer in ("Có", "Chưa", "Không rõ", "Chưa"):
        page.get_by_text("Không rõ").last.wait_for()
        _chip(page, answer).first.click()
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


def _onboard(page, server: str) -> None:
    page.goto(server + "/")
    _chip(page, "Đồng ý").first.click()
    page.get_by_text("Trợ lý nên gọi").wait_for()
    page.fill("#text", "Tư")
    page.keyboard.press("Enter")
    _chip(page, "Thôn Đông").click()
    page.get_by_text("sinh năm nào").wait_for()
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
