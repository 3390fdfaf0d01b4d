"""The dashboard in real headless Chromium: an official logs in, reads the village table,
downloads the Excel file, and the page is photographed (artifacts/) on a phone and a PC."""

from __future__ import annotations

from collections.abc import Iterator

import openpyxl
import pytest

from bot.app import Services
from bot.store import units
from tests.browser import ARTIFACTS, chromium, serve_in_thread
from tests.test_reports import helpers as h

pytestmark = pytest.mark.browser


@pytest.fixture
def server(services: Services) -> Iterator[str]:
    h.build_scenario(services)
    h.populate(services)
    h.official(services.db, "canbo.xa", "admin")
    with serve_in_thread(services) as url:
        yield url


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def _login(page, server: str) -> None:
    page.goto(server + "/dashboard")
    page.get_by_label("Tên đăng nhập").fill("canbo.xa")
    page.get_by_label("Mật khẩu").fill(h.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("#village-table").wait_for(state="attached")


def test_official_reads_the_table_and_downloads_excel(browser, server: str, services: Services):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    _login(page, server)
    page.select_option("select[name=period]", "2026-Q4")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**period=2026-Q4&as_of=")  # the date field left empty: the period's end
    rows = page.locator("#village-key tbody tr")
    names = [rows.nth(i).locator("th").inner_text() for i in range(rows.count())]
    assert names == [v.name for v in units.villages(services.db)] + ["Tổng cộng"]
    dong = page.locator("#village-key tbody tr", has_text="Thôn Đông")
    registered = int(dong.locator("td").nth(1).inner_text().replace(".", ""))
    raw = h.raw_counts(services.db, "2026-10-01", "2027-01-01", {})
    assert registered == raw[h.village_id(services.db, "Thôn Đông")]["registered"]
    assert page.locator(".hbars .hbar").count() == len(names) - 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)

    with page.expect_download() as info:
        page.locator("#dl-xlsx").click()
    download = info.value
    assert download.suggested_filename == "ket-qua-xa-binh-minh-2026-Q4.xlsx"
    path = ARTIFACTS / download.suggested_filename
    download.save_as(str(path))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "Thôn Đông")
    assert row[2] == registered

    page.locator("#village-key a", has_text="Thôn Tây").click()
    page.get_by_role("heading", name="Người học của thôn").wait_for()
    page.screenshot(path=str(ARTIFACTS / "dashboard-village.png"), full_page=True)
    context.close()


# The smallest text drawn in any chart, in CSS pixels as shown (an SVG scaled to the screen
# shrinks its text with it).
SMALLEST_CHART_TEXT = """() => {
  const sizes = [];
  for (const el of document.querySelectorAll('svg.chart text, .hbars span')) {
    if (!el.getClientRects().length || !el.textContent.trim()) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg) size *= svg.getScreenCTM().a;
    sizes.push(size);
  }
  return sizes.length ? Math.min(...sizes) : 0;
}"""


def test_dashboard_on_a_phone(browser, server: str, services: Services) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
    page = context.new_page()
    _login(page, server)
    # Nothing wider than the screen: each village is a card, not a wide table.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    cards = page.locator("#village-cards .vcard")
    assert cards.first.is_visible() and not page.locator("#village-key").is_visible()
    names = [cards.nth(i).locator("h3").inner_text() for i in range(cards.count())]
    assert names == [v.name for v in units.villages(services.db)] + ["Tổng cộng"]
    dong = page.locator("#village-cards .vcard", has_text="Thôn Đông")
    assert "Đã đăng ký" in dong.inner_text()
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 12
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    context.close()


def test_dashboard_on_a_desktop(browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    _login(page, server)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # The key columns fit without sideways scrolling; the rest are one click away.
    key = page.locator("#village-key")
    assert key.is_visible() and not page.locator("#village-cards").is_visible()
    box = page.evaluate(
        "(() => { const s = document.querySelector('#village-key').parentElement;"
        " return [s.scrollWidth, s.clientWidth]; })()"
    )
    assert box[0] <= box[1]
    headers = key.locator("thead th").all_inner_texts()
    assert headers[:3] == ["Thôn", "Người trưởng thành", "Đã đăng ký"]
    assert not page.locator("#village-table").is_visible()
    page.locator("details.more summary").click()
    assert page.locator("#village-table").is_visible()
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 12
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-desktop.png"), full_page=True)
    context.close()
