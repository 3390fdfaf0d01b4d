"""Hostile parameters on the dashboard: a clear refusal (400 or 404), never a 500 or a dropped
connection, and nothing changed."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import docx
import openpyxl
import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, web_app
from tests.test_reports import helpers as h
from tests.test_reports.helpers import Scenario, build_scenario

BIG = "9" * 24


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


async def test_odd_digits_and_huge_ids_in_urls_are_refused(aiohttp_client, scenario: Scenario):
    client = await _client(aiohttp_client, scenario.services, "canbo.xa")
    for url in (
        f"/dashboard/village/{BIG}",
        "/dashboard/village/%D9%A3",  # Arabic-Indic three
        "/dashboard/export/table.xlsx?unit=%C2%B2",  # superscript two
        f"/dashboard/export/table.xlsx?unit={BIG}",
        "/dashboard/export/learners.csv?unit=%D9%A3",
        "/dashboard/export/report.docx?unit=-1",
    ):
        response = await client.get(url)
        assert response.status in (400, 404), (url, response.status)


async def test_odd_numbers_in_forms_are_refused(aiohttp_client, scenario: Scenario):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    before = services.db.execute("SELECT id, role, unit_id FROM officials").fetchall()
    token = h.csrf(await (await client.get("/dashboard/officials")).text())
    for official_id, unit_id in ((BIG, ""), ("²", ""), ("abc", ""), ("2", "²"), ("2", BIG)):
        response = await client.post(
            "/dashboard/officials",
            data={"csrf": token, "official_id": official_id, "role": "village", "unit_id": unit_id},
            allow_redirects=False,
        )
        assert response.status in (303, 400, 404), (official_id, unit_id, response.status)
    assert services.db.execute("SELECT id, role, unit_id FROM officials").fetchall() == before
    token = h.csrf(await (await client.get("/dashboard/broadcasts")).text())
    before = services.db.execute("SELECT COUNT(*) FROM broadcasts").fetchone()
    response = await client.post(f"/dashboard/broadcasts/{BIG}/cancel", data={"csrf": token})
    assert response.status in (303, 200, 404)
    for target in (
        {"kind": "villages", "unit_ids": "²"},
        {"kind": "villages", "unit_ids": BIG},
        {"kind": "inactive", "inactive_days": "²"},
        {"kind": "inactive", "inactive_days": BIG},
    ):
        response = await client.post(
            "/dashboard/broadcasts", data={"csrf": token, "name": "x", "text": "Chào", **target}
        )
        assert response.status in (200, 400), (target, response.status)
    assert services.db.execute("SELECT COUNT(*) FROM broadcasts").fetchone() == before


async def test_a_period_with_a_line_break_is_refused_not_dropped(
    aiohttp_client, scenario: Scenario
):
    client = await _client(aiohttp_client, scenario.services, "thon.dong")
    for period in ("2026-Q4%0D%0ASet-Cookie:%20x=1", "2026-Q4%0A", "%0D"):
        response = await client.get(f"/dashboard?period={period}", allow_redirects=False)
        assert response.status in (303, 400, 403), response.status
        assert "Set-Cookie: x" not in response.headers.get("Location", "")
        assert "\n" not in response.headers.get("Location", "")
    admin = await _client(aiohttp_client, scenario.services, "canbo.xa")
    response = await admin.get("/dashboard?period=2026-Q4%0D%0Ax")
    assert response.status in (400, 403)
    assert "Kỳ báo cáo không hợp lệ" in await response.text()


async def _import(client: TestClient, token: str, body: str) -> tuple[int, str]:
    import aiohttp

    form = aiohttp.FormData()
    form.add_field("csrf", token)
    form.add_field("file", body.encode(), filename="thon.csv", content_type="text/csv")
    response = await client.post("/dashboard/import", data=form)
    return response.status, await response.text()


async def test_village_names_with_odd_characters_are_refused_at_import(
    aiohttp_client, scenario: Scenario
):
    services = scenario.services
    client = await _client(aiohttp_client, services, "canbo.xa")
    token = h.csrf(await (await client.get("/dashboard/import")).text())
    before = services.db.execute("SELECT name FROM units ORDER BY id").fetchall()
    header = "ten_thon,so_nguoi_truong_thanh,so_ho\n"
    for name in ("Thôn\x07Bắc", "Thôn \u202eĐông Mới", "Thôn＝1", "Thôn\x1bMới"):
        status, html = await _import(client, token, f"{header}{name},300,100\n")
        assert status == 400, name
        assert "ký tự lạ" in html and "Chưa nhập gì" in html
    assert services.db.execute("SELECT name FROM units ORDER BY id").fetchall() == before
    decomposed = unicodedata.normalize("NFD", "Thôn Mới Ấp")
    status, html = await _import(client, token, f"{header}{decomposed},300,100\n")
    assert status == 200, html
    names = [r[0] for r in services.db.execute("SELECT name FROM units").fetchall()]
    assert "Thôn Mới Ấp" in names


async def test_a_stored_village_name_with_control_characters_still_exports(
    aiohttp_client, scenario: Scenario
):
    services = scenario.services
    services.db.execute(
        "UPDATE units SET name = ? WHERE name = 'Thôn Đông'", ["Thôn\x01 Đông\u202e"]
    )
    client = await _client(aiohttp_client, services, "canbo.xa")
    for url in (
        "/dashboard/export/table.xlsx" + "?period=2026-Q4",
        "/dashboard/export/learners.xlsx",
        "/dashboard/export/report.docx" + "?period=2026-Q4",
        "/dashboard/export/table.csv" + "?period=2026-Q4",
    ):
        response = await client.get(url)
        assert response.status == 200, url
        body = await response.read()
        if url.split("?")[0].endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(body))
            values = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
            assert "Thôn Đông" in values
        elif ".docx" in url:
            text = "\n".join(
                cell.text
                for table in docx.Document(io.BytesIO(body)).tables
                for row in table.rows
                for cell in row.cells
            )
            assert "Thôn Đông" in text
