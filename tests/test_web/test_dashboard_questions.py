"""The officials' page of unanswered questions through the real aiohttp app: what residents
asked in chat that had no answer, counted; a village official sees only their own village."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, web_app
from tests.factories import Conversation
from tests.test_reports import helpers as h


@pytest.fixture
def asked(services: Services) -> Services:
    h.build_scenario(services)
    h.official(services.db, "canbo.xa", "admin")
    h.official(services.db, "thon.dong", "village", "Thôn Đông")
    dong = Conversation(services.engine, user="d1")
    dong.onboard(village="Thôn Đông")
    for _ in range(3):
        dong.send("ban hang online co phai dong thue ko")
    dong.send("gia lua hom nay <script>alert(1)</script>")
    tay = Conversation(services.engine, user="t1")
    tay.onboard(name="Lan", village="Thôn Tây")
    tay.send("Bán hàng online có phải đóng thuế không?")
    tay.send("lich cup dien thon tay")
    return services


async def _client(aiohttp_client: Any, services: Services, username: str) -> TestClient:
    client: TestClient = await aiohttp_client(web_app(services))
    response = await h.login(client, username)
    assert response.status == 303, await response.text()
    return client


async def test_admin_sees_every_village_most_asked_first(aiohttp_client, asked: Services):
    client = await _client(aiohttp_client, asked, "canbo.xa")
    page = await client.get("/dashboard/questions")
    assert page.status == 200
    html = await page.text()
    table = h.tables(html)["questions-table"]
    assert table[1][1] == "4"  # the same question from both villages, counted together
    assert "thuế" in table[1][0] or "thue" in table[1][0]
    assert {row[0] for row in table[1:]} >= {"lich cup dien thon tay"}
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert 'href="/dashboard/questions"' in html
    tay = h.village_id(asked.db, "Thôn Tây")
    one = h.tables(await (await client.get(f"/dashboard/questions?unit={tay}")).text())
    assert sorted(row[1] for row in one["questions-table"][1:]) == ["1", "1"]


async def test_village_official_sees_only_their_village(aiohttp_client, asked: Services):
    client = await _client(aiohttp_client, asked, "thon.dong")
    page = await client.get("/dashboard/questions")
    table = h.tables(await page.text())["questions-table"]
    assert [row[1] for row in table[1:]] == ["3", "1"]
    assert all("thon tay" not in row[0] for row in table[1:])
    tay = h.village_id(asked.db, "Thôn Tây")
    response = await client.get(f"/dashboard/questions?unit={tay}")
    assert response.status == 403
    assert (await client.get("/dashboard/questions?unit=abc")).status == 400


async def test_the_page_needs_a_login(aiohttp_client, asked: Services):
    client: TestClient = await aiohttp_client(web_app(asked))
    response = await client.get("/dashboard/questions", allow_redirects=False)
    assert response.status in (302, 303)
