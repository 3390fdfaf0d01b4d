"""The web chat simulator through the real aiohttp app."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import Services, web_app


async def _client(aiohttp_client: Any, services: Services) -> TestClient:
    client: TestClient = await aiohttp_client(web_app(services))
    return client


async def test_page_sets_a_private_cookie_and_shows_vietnamese_ui(aiohttp_client, services):
    client = await _client(aiohttp_client, services)
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert "Trợ lý Bình dân học vụ số" in html and "Gõ tin nhắn..." in html
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


async def test_conversation_over_http(aiohttp_client, services):
    client = await _client(aiohttp_client, services)
    await client.get("/")
    response = await client.post("/api/chat", json={"id": "m1", "text": "/menu"})
    data = await response.json()
    assert "Xin chào" in data["replies"][0]["text"]
    consent = data["replies"][-1]["buttons"]
    assert consent == [
        [["Đồng ý", "ob:c:y"], ["Không đồng ý", "ob:c:n"]],
        [["Xem chi tiết", "ob:c:d"]],
    ]
    response = await client.post("/api/chat", json={"id": "m2", "payload": "ob:c:y"})
    data = await response.json()
    assert "gọi" in data["replies"][0]["text"]
    # The same message id again (a double tap, a retried request) is processed once.
    again = await client.post("/api/chat", json={"id": "m2", "payload": "ob:c:y"})
    assert (await again.json())["replies"] == []


async def test_bad_input_gets_a_polite_answer_and_changes_nothing(aiohttp_client, services):
    client = await _client(aiohttp_client, services)
    await client.get("/")
    bad_bodies = [
        {"id": "b1"},
        {"id": "b2", "text": "x" * 1001},
        {"id": "b3", "text": "a", "payload": "ob:c:y"},
        {"id": "", "text": "a"},
        {"id": "b5", "payload": "ồ"},
        ["not", "an", "object"],
    ]
    for body in bad_bodies:
        response = await client.post("/api/chat", json=body)
        assert response.status == 400
        assert "không hợp lệ" in (await response.json())["error"]
    response = await client.post(
        "/api/chat", data="{broken", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert services.db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0


async def test_without_cookie_nothing_is_processed(aiohttp_client, services):
    client = await _client(aiohttp_client, services)
    response = await client.post("/api/chat", json={"id": "x1", "text": "chào"})
    assert response.status == 400
    assert services.db.execute("SELECT COUNT(*) FROM processed_updates").fetchone()[0] == 0


async def test_two_browsers_are_two_conversations(aiohttp_client, services):
    first = await _client(aiohttp_client, services)
    second = await _client(aiohttp_client, services)
    for client in (first, second):
        await client.get("/")
        await client.post("/api/chat", json={"id": "same-id", "text": "/menu"})
    assert services.db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 2
