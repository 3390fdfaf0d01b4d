"""Hỏi đáp in the web chat, in real headless Chromium on phone-sized screens: an answer is never
taller than the chat area, and "Xem thêm" brings the rest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bot.app import Services
from bot.web.chat import CHANNEL, COOKIE
from tests.browser import ARTIFACTS, chromium, serve_in_thread
from tests.factories import Conversation

pytestmark = pytest.mark.browser

CHAT_ID = "asktest_0123456789"


@pytest.fixture
def server(services: Services) -> Iterator[str]:
    Conversation(services.engine, user=CHAT_ID, channel=CHANNEL).onboard()
    with serve_in_thread(services) as url:
        yield url


def _ask(page, text: str, wait_for: str):
    """Type `text`; the newest bot bubble holding `wait_for` (one POST brings all replies, so
    once the count of bot bubbles changes they are all there)."""
    before = page.locator(".msg.bot").count()
    page.fill("#text", text)
    page.keyboard.press("Enter")
    expect(page.locator(".msg.bot")).not_to_have_count(before)
    bubble = page.locator(".msg.bot", has_text=wait_for).last
    expect(bubble).to_be_visible()
    return bubble


@pytest.mark.parametrize(("width", "height"), [(360, 640), (390, 844)])
def test_answers_fit_the_chat_area(server: str, width: int, height: int) -> None:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        context.add_cookies([{"name": COOKIE, "value": CHAT_ID, "url": server}])
        page = context.new_page()
        page.goto(server + "/")
        area = page.locator("#log").bounding_box()
        assert area is not None
        for text, shown in (
            ("vneid muc 2 la gi", "Mức 1"),
            ("lam sao biet tin nhan lua dao", "dấu hiệu"),
            ("ban hang online co phai dong thue ko", "chưa có bài về việc này"),
        ):
            bubble = _ask(page, text, shown)
            box = bubble.bounding_box()
            assert box is not None
            assert box["height"] <= area["height"], (text, box["height"], area["height"])
        _ask(page, "vneid muc 2 la gi", "Mức 2")
        more_chip = page.locator("#log .chips:last-of-type button.chip", has_text="Xem thêm")
        if more_chip.count():  # a lesson paragraph today; an FAQ entry may answer it whole
            before = page.locator(".msg.bot").count()
            more_chip.click()
            expect(page.locator(".msg.bot")).not_to_have_count(before)
            more = page.locator(".msg.bot", has_text="(tiếp)").last
            expect(more).to_be_visible()
            box = more.bounding_box()
            assert box is not None and box["height"] <= area["height"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"webchat-ask-{width}x{height}.png"))
