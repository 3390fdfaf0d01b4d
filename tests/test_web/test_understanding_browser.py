"""Phone-sized web chat: the answer to a courtesy word mid-lesson is short and the step's buttons
stay at hand (before, each got a FAQ answer up to 1,061 px tall and the step scrolled away)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from bot.app import Services
from tests.browser import ARTIFACTS, chromium, serve_in_thread
from tests.test_web.test_browser import _chip, _onboard

pytestmark = pytest.mark.browser

COURTESY = ("ok", "hieu roi", "cam on chau", "thoi", "dạ")


@pytest.fixture
def server(services: Services) -> Iterator[str]:
    with serve_in_thread(services) as url:
        yield url


@pytest.mark.parametrize(("width", "height"), [(360, 640), (390, 844)])
def test_courtesy_mid_lesson_fits_the_phone(server: str, width: int, height: int) -> None:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        page = context.new_page()
        _onboard(page, server)
        _chip(page, "Học bài tiếp theo").click()
        page.get_by_text("(1/").last.wait_for()
        area = page.evaluate("document.getElementById('log').clientHeight")
        for word in COURTESY:
            before = page.locator("#log .msg.bot").count()
            page.fill("#text", word)
            page.keyboard.press("Enter")
            answers = page.locator("#log .msg.bot")
            expect(answers).to_have_count(before + 1)  # one short reply, no FAQ answer
            page.locator("#log .chips:last-of-type button.chip", has_text="Tiếp").first.wait_for()
            reply = answers.last
            assert "Trợ lý tìm được" not in reply.inner_text(), word
            box = reply.bounding_box()
            assert box is not None and box["height"] < area / 3, (word, box, area)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"webchat-courtesy-{width}x{height}.png"))
        # The step's own buttons answer, as they did before the detours.
        _chip(page, "Tiếp").first.click()
        page.get_by_text("(2/").last.wait_for()
