"""Hostile input through the web chat API: every message answered, nothing broken, no leak."""

from __future__ import annotations

import unicodedata
from typing import Any

from aiohttp.test_utils import TestClient

from bot.app import Services, web_app


async def _client(aiohttp_client: Any, services: Services) -> TestClient:
    client: TestClient = await aiohttp_client(web_app(services))
    await client.get("/")
    return client


async def _say(client: TestClient, message_id: str, raw_text_json: str) -> dict[str, Any]:
    """POST a body written by hand, so a lone surrogate escape reaches the server as sent."""
    body = '{"id": "' + message_id + '", "text": "' + raw_text_json + '"}'
    response = await client.post(
        "/api/chat", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 200, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def test_a_lone_surrogate_is_answered_and_the_next_message_too(aiohttp_client, services):
    client = await _client(aiohttp_client, services)
    await _say(client, "s1", "/menu")
    await client.post("/api/chat", json={"id": "s2", "payload": "ob:c:y"})
    # The name is repeated in the answer: the reply itself must be storable.
    data = await _say(client, "s3", "qqzzx \\ud83d vvbbn")
    assert "qqzzx vvbbn" in " ".join(r["text"] for r in data["replies"])
    again = await _say(client, "s4", "/menu")
    assert again["replies"]
    row = services.db.execute("SELECT COUNT(*) FROM processed_updates").fetchone()
    assert row[0] == 4


async def test_invisible_characters_get_the_text_only_answer(aiohttp_client, services):
    client = await _client(aiohttp_client, services)
    await _say(client, "i0", "/menu")
    for number, raw in enumerate(["\\u0085", "\\u000b", " " * 900, "\\u202e\\u2066"]):
        data = await _say(client, f"i{number + 1}", raw)
        assert [r["text"] for r in data["replies"]] == [
            "Trợ lý chỉ đọc được chữ. Bác/anh/chị gõ chữ hoặc bấm nút giúp Trợ lý nhé."
        ]


async def test_a_name_typed_decomposed_is_accepted(aiohttp_client, services):
    client = await _client(aiohttp_client, services)
    await _say(client, "n1", "/menu")
    response = await client.post("/api/chat", json={"id": "n2", "payload": "ob:c:y"})
    assert response.status == 200
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Tư")
    response = await client.post("/api/chat", json={"id": "n3", "text": nfd})
    texts = " ".join(r["text"] for r in (await response.json())["replies"])
    assert "chưa hiểu tên" not in texts
    name = services.db.execute("SELECT display_name FROM users").fetchone()[0]
    assert name == "Nguyễn Thị Tư"
