"""What the dashboard feeds into the Word report, through the real aiohttp app: the sections a
commune writes (kept per period and scope), the official VNeID figures it enters (shown beside
the learners' own answers, each labelled), and broken targets files shown to the admins."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, build, web_app
from bot.config import Settings
from bot.store import official_figures, report_sections
from tests.conftest import CONTENT
from tests.test_reports import helpers as h
from tests.test_reports.helpers import Scenario, build_scenario

Q4 = "?period=2026-Q4"


@pytest.fixture
def scenario(services: Services) -> Scenario:
    data = build_scenario(services)
    h.official(services.db, "canbo.xa", "admin")
    h.official(services.db, "thon.dong", "village", "Thôn Đông")
    return data


async def _client(aiohttp_client: Any, services: Services, username: str) -> TestClient:
    client: TestClient = await aiohttp_client(web_app(services))
    response = await h.login(client, username)
    assert response.status == 303, await response.text()
    return client


def _word_text(body: bytes) -> tuple[str, str]:
    document = docx.Document(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    return text, cells


async def test_sections_written_in_the_dashboard_go_into_the_word_report(
    aiohttp_client, scenario: Scenario
):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    overview = await (await client.get("/dashboard" + Q4)).text()
    assert 'href="/dashboard/report?period=2026-Q4"' in overview
    page = await client.get("/dashboard/report" + Q4)
    assert page.status == 200
    token = h.csrf(await page.text())
    form = {
        "csrf": token,
        "period": "2026-Q4",
        "achieved": "Các thôn họp dân, hướng dẫn cài VNeID.",
        "difficulties": "Nhiều cụ cao tuổi chưa có điện thoại thông minh.\nSóng yếu ở Thôn Tây.",
        "proposals": "Đề nghị hỗ trợ 10 điện thoại cho Tổ công nghệ số cộng đồng.",
        "next_tasks": "Mở 4 lớp học tại nhà văn hoá.",
        "signer": "Trần Văn Hùng",
        "report_date": "2026-12-05",
    }
    saved = await client.post("/dashboard/report", data=form)
    assert saved.status == 200 and "Đã lưu" in await saved.text()
    again = await (await client.get("/dashboard/report" + Q4)).text()
    assert "Sóng yếu ở Thôn Tây." in again and 'value="2026-12-05"' in again
    word = await client.get("/dashboard/export/report.docx" + Q4)
    text, cells = _word_text(await word.read())
    assert "Nhiều cụ cao tuổi chưa có điện thoại thông minh." in text
    assert "Sóng yếu ở Thôn Tây." in text and "Mở 4 lớp học tại nhà văn hoá." in text
    assert "Trần Văn Hùng" in cells and "ngày 05 tháng 12 năm 2026" in cells
    # Another quarter has its own (empty) sections.
    other = await client.get("/dashboard/export/report.docx?period=2026-Q3")
    assert "Sóng yếu" not in _word_text(await other.read())[0]


async def test_bad_sections_are_refused_and_nothing_changes(aiohttp_client, scenario: Scenario):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    token = h.csrf(await (await client.get("/dashboard/report" + Q4)).text())
    base = {"csrf": token, "period": "2026-Q4", "difficulties": "Khó khăn"}
    bad = await client.post("/dashboard/report", data={**base, "report_date": "31/02/2026"})
    assert bad.status == 400 and "Ngày của báo cáo không hợp lệ" in await bad.text()
    long = await client.post("/dashboard/report", data={**base, "proposals": "x" * 5000})
    assert long.status == 400 and "Chưa lưu gì" in await long.text()
    period = await client.post("/dashboard/report", data={**base, "period": "2026-Q9"})
    assert period.status == 403
    no_csrf = await client.post("/dashboard/report", data={**base, "csrf": "sai"})
    assert no_csrf.status == 403
    assert report_sections.get(services.db, "2026-Q4", None) == report_sections.Sections()


async def test_a_village_official_writes_only_their_village_s_sections(
    aiohttp_client, scenario: Scenario
):
    services = scenario.services
    dong, tay = h.village_id(services.db, "Thôn Đông"), h.village_id(services.db, "Thôn Tây")
    client = await _client(aiohttp_client, services, "thon.dong")
    assert (await client.get(f"/dashboard/report{Q4}&unit={tay}")).status == 403
    page = await client.get("/dashboard/report" + Q4)  # their own village, without asking
    token = h.csrf(await page.text())
    form = {"csrf": token, "period": "2026-Q4", "difficulties": "Thiếu máy chiếu."}
    assert (await client.post("/dashboard/report", data={**form, "unit": str(tay)})).status == 403
    assert (await client.post("/dashboard/report", data=form)).status == 200
    assert report_sections.get(services.db, "2026-Q4", dong).difficulties == "Thiếu máy chiếu."
    assert report_sections.get(services.db, "2026-Q4", None).difficulties == ""
    assert report_sections.get(services.db, "2026-Q4", tay).difficulties == ""


async def test_official_vneid_figures_beside_the_learners_own(aiohttp_client, scenario: Scenario):
    services = scenario.services
    dong = h.village_id(services.db, "Thôn Đông")
    client = await _client(aiohttp_client, services, "canbo.xa")
    page = await client.get("/dashboard/official")
    assert page.status == 200
    token = h.csrf(await page.text())
    form = {"csrf": token, "as_of": "2026-09-30", "source": "Công an xã", f"v{dong}": "612"}
    bad = await client.post("/dashboard/official", data={**form, f"v{dong}": "sáu trăm"})
    assert bad.status == 400 and "một số nguyên" in await bad.text()
    undated = await client.post("/dashboard/official", data={**form, "as_of": ""})
    assert undated.status == 400
    assert official_figures.latest(services.db, "vneid2", "9999-12-31") == {}
    saved = await client.post("/dashboard/official", data=form, allow_redirects=False)
    assert saved.status == 303
    html = await (await client.get("/dashboard" + Q4)).text()
    table = h.tables(html)["official-figures"]
    row = next(r for r in table if r[0] == "Thôn Đông")
    assert row[1] == "612Số liệu chính thức (Công an xã, 30/09/2026)"  # two lines in the cell
    assert row[2].endswith("Người học tự khai trên Trợ lý")
    word = await client.get("/dashboard/export/report.docx" + Q4)
    _, cells = _word_text(await word.read())
    assert "Số liệu chính thức (Công an xã, 30/09/2026)" in cells
    assert "Có VNeID mức 2 — người học tự khai trên Trợ lý" in cells
    # A report for a period that ended before the figures' date does not show them.
    q2 = await (await client.get("/dashboard?period=2026-Q2")).text()
    assert "official-figures" not in q2
    # A village official cannot enter official figures.
    village = await _client(aiohttp_client, services, "thon.dong")
    assert (await village.get("/dashboard/official")).status == 403


@pytest.fixture
def broken_services(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "targets" / "dan-tien-2026.yaml").write_text(
        "commune: Xã Dân Tiến\nyear: 2026\ntargets: {core_skills: 170}\n", encoding="utf-8"
    )
    settings = Settings(
        database_path=tmp_path / "b.sqlite",
        commune_name="Xã Bình Minh",
        content_dir=content,
        _env_file=None,
    )  # type: ignore[call-arg]
    built = build(settings)
    yield built
    built.db.close()


async def test_another_commune_s_broken_targets_file_keeps_ours(aiohttp_client, broken_services):
    services = broken_services
    build_scenario(services)
    h.official(services.db, "canbo.xa", "admin")
    h.official(services.db, "thon.dong", "village", "Thôn Đông")
    client = await _client(aiohttp_client, services, "canbo.xa")
    html = await (await client.get("/dashboard" + Q4)).text()
    assert "Chỉ tiêu theo:" in html  # Bình Minh's own targets are still used
    assert "Tệp chỉ tiêu dan-tien-2026.yaml bị sai" in html
    village = await _client(aiohttp_client, services, "thon.dong")
    dong = h.village_id(services.db, "Thôn Đông")
    page = await (await village.get(f"/dashboard/village/{dong}{Q4}")).text()
    assert "dan-tien-2026.yaml" not in page and "Chỉ tiêu theo:" in page


async def test_the_dashboard_speaks_of_xom_in_dan_tien(aiohttp_client, tmp_path: Path):
    from tests.test_reports.test_word import dan_tien

    services = dan_tien(tmp_path)
    try:
        h.official(services.db, "canbo.xa", "admin")
        client = await _client(aiohttp_client, services, "canbo.xa")
        html = await (await client.get("/dashboard" + Q4)).text()
        assert "Kết quả theo xóm" in html and "Kết quả theo thôn" not in html
        assert h.tables(html)["village-key"][0][0] == "Xóm"
        names = [row[0] for row in h.tables(html)["village-key"][1:-1]]
        assert names.index("Xóm Dạo") < names.index("Xóm Đặng") < names.index("Xóm Eo Gió")
        assert names[-1] == "Xóm Vũ Hà"
        csv_file = await client.get("/dashboard/export/table.csv" + Q4)
        assert (await csv_file.read()).decode("utf-8-sig").startswith("Xóm,")
    finally:
        services.db.close()
