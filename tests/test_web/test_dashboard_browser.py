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
    page.locator("#village-table").wait_for()


def test_official_reads_the_table_and_downloads_excel(browser, server: str, services: Services):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
    )
    page = context.new_page()
    _login(page, server)
    page.select_option("select[name=period]", "2026-Q4")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**period=2026-Q4")
    rows = page.locator("#village-table tbody tr")
    names = [rows.nth(i).locator("th").inner_text() for i in range(rows.count())]
    assert names == [v.name for v in units.villages(services.db)] + ["Tổng cộng"]
    dong = page.locator("#village-table tbody tr", has_text="Thôn Đông")
    registered = int(dong.locator("td").nth(1).inner_text().replace(".", ""))
    raw = h.raw_counts(services.db, "2026-10-01", "2027-01-01", {})
    assert registered == raw[h.village_id(services.db, "Thôn Đông")]["registered"]
    assert page.locator("svg.chart rect").count() == len(names) - 1
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

    page.locator("#village-table a", has_text="Thôn Tây").click()
    page.get_by_role("heading", name="Người học của thôn").wait_for()
    page.screenshot(path=str(ARTIFACTS / "dashboard-village.png"), full_page=True)
    context.close()


def test_dashboard_on_a_phone(browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    _login(page, server)
    # Nothing wider than the screen except inside the scrolling table boxes.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=False)
    context.close()
