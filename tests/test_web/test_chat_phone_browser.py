"""The web chat on phone-sized screens in real headless Chromium: the first screen fits without
scrolling, buttons show their numbers when the text speaks of numbers, and a certificate image is
fully in view once it has loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import certificates
from bot.app import Services
from tests.browser import ARTIFACTS, chromium, serve_in_thread

pytestmark = pytest.mark.browser

PHONES = [(360, 640), (390, 844)]


@pytest.fixture
def server(services: Services) -> Iterator[str]:
    with serve_in_thread(services) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def _phone(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    return context, context.new_page()


def _chips(page) -> list[str]:
    return page.locator("#log .chips").last.locator("button.chip").all_inner_texts()


def _log_box(page) -> dict[str, float]:
    return page.evaluate(
        "() => { const l = document.getElementById('log'); const r = l.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, scroll: l.scrollHeight, client: l.clientHeight}; }"
    )


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_the_first_screen_fits_and_buttons_show_numbers_when_the_text_does(
    browser, server: str, width: int, height: int
) -> None:
    context, page = _phone(browser, width, height)
    try:
        page.goto(server + "/")
        page.locator("#log button.chip", has_text="Xem chi tiết").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"webchat-first-screen-{width}x{height}.png"))
        box = _log_box(page)
        assert box["scroll"] <= box["client"], box  # nothing to scroll: all of it is in view
        assert "Bác/anh/chị" not in page.inner_text("#log")
        # No numbers in the text: the buttons carry their labels alone.
        assert _chips(page) == ["Đồng ý", "Không đồng ý", "Xem chi tiết"]
        page.locator("#log button.chip", has_text="Đồng ý").first.click()
        page.get_by_text("Trợ lý nên gọi").wait_for()
        for typed in ("Tư",):
            page.fill("#text", typed)
            page.keyboard.press("Enter")
        page.locator("#log button.chip:not([disabled])", has_text="Thôn Đông").click()
        page.get_by_text("sinh năm nào").wait_for()
        page.fill("#text", "1956")
        page.keyboard.press("Enter")
        page.locator("#log button.chip:not([disabled])", has_text="Người cao tuổi").click()
        for answer in ("Có", "Chưa", "Không rõ", "Chưa"):
            page.get_by_text("Không rõ").last.wait_for()
            page.locator("#log button.chip:not([disabled])", has_text=answer).first.click()
        page.get_by_text("Bác muốn làm gì?").wait_for()  # "Bấm một nút": labels alone
        labels = _chips(page)
        assert labels[0] == "Học bài tiếp theo", labels
        page.fill("#text", "1")  # typing the number still works
        page.keyboard.press("Enter")
        page.get_by_text("(1/").first.wait_for()
    finally:
        context.close()


def test_buttons_carry_numbers_when_a_message_speaks_of_numbers(
    browser, server: str, services: Services
) -> None:
    """An official's broadcast written for every channel ("gõ 1 hoặc 2") reaches the web chat:
    the buttons then show the numbers the text means."""
    from bot.engine.types import Button
    from bot.store import users

    context, page = _phone(browser, 360, 640)
    try:
        page.goto(server + "/")
        page.locator("#log button.chip", has_text="Đồng ý").first.wait_for()
        person = users.get(services.db, services.db.execute("SELECT id FROM users").fetchone()[0])
        assert person is not None
        with services.db.atomic():
            services.engine.push(
                person,
                lambda ctx: ctx.say_text(
                    "Ngày hội 10/10: gõ 1 để học ngay, gõ 2 để nhắc sau.",
                    [[Button("Học ngay", "m:next_lesson"), Button("Nhắc sau", "m:reminders")]],
                ),
                now=int(services.engine.clock()),
            )
        page.locator("#log button.chip", has_text="Nhắc sau").wait_for(timeout=12_000)
        assert _chips(page) == ["1. Học ngay", "2. Nhắc sau"]
        page.screenshot(path=str(ARTIFACTS / "webchat-numbered-buttons-360x640.png"))
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_a_certificate_sent_again_is_fully_in_view_after_it_loads(
    browser, server: str, services: Services, width: int, height: int
) -> None:
    context, page = _phone(browser, width, height)
    try:
        page.goto(server + "/")
        page.locator("#log button.chip", has_text="Đồng ý").first.wait_for()
        user_id = services.db.execute("SELECT id FROM users").fetchone()[0]
        topic = services.curriculum.topics[0]
        with services.db.atomic():
            cert = certificates.issue(
                services.db,
                user_id=user_id,
                topic_id=topic.id,
                holder_name="Nguyễn Thị Đào",
                topic_title=topic.title,
                commune_name="Xã Bình Minh",
                now=1_795_000_000,
            )
        page.fill("#text", "/chungnhan")
        page.keyboard.press("Enter")
        page.locator("#log button.chip", has_text="Gửi lại").click()
        image = page.locator("#log .msg.bot img").last
        image.wait_for()
        page.wait_for_function(
            "() => { const i = document.querySelector('#log .msg.bot img');"
            " return i && i.complete && i.naturalHeight > 0; }"
        )
        page.wait_for_timeout(200)  # the load handler's scroll has run
        page.screenshot(path=str(ARTIFACTS / f"webchat-certificate-{width}x{height}.png"))
        box = image.bounding_box()
        log = _log_box(page)
        assert box is not None and box["height"] > 100
        assert box["y"] >= log["top"] - 1 and box["y"] + box["height"] <= log["bottom"] + 1, (
            box,
            log,
        )
        assert cert.code in page.inner_text("#log")
    finally:
        context.close()
