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
    assert "qqzzx vvbbn" in " ".join(r["text"] for r in data["replies"]).lower()
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
            "Trợ lý chỉ đọc được chữ. Bác gõ chữ hoặc bấm nút giúp Trợ lý nhé."
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


async def test_absurdly_deep_json_is_a_400(aiohttp_client, services):
    client = await _client(aiohttp_client, services)
    for deep in ("[" * 3000 + "]" * 3000, '{"a":' * 3000 + "1" + "}" * 3000):
        response = await client.post(
            "/api/chat", data=deep, headers={"Content-Type": "application/json"}
        )
        assert response.status == 400
        assert "không hợp lệ" in (await response.json())["error"]


async def test_the_cookie_is_secure_behind_https(aiohttp_client, services):
    client: TestClient = await aiohttp_client(web_app(services))
    plain = await client.get("/")
    assert "Secure" not in plain.headers["Set-Cookie"]
    client.session.cookie_jar.clear()
    proxied = await client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in proxied.headers["Set-Cookie"]


def test_only_a_trusted_proxy_is_believed(services) -> None:
    from aiohttp.test_utils import make_mocked_request

    from bot.web.chat import is_https

    app = web_app(services)
    request = make_mocked_request("GET", "/", headers={"X-Forwarded-Proto": "https"}, app=app)
    assert is_https(request.clone(remote="127.0.0.1"))  # TRUSTED_PROXIES: loopback by default
    assert not is_https(request.clone(remote="203.0.113.9"))
    assert not is_https(make_mocked_request("GET", "/", app=app).clone(remote="127.0.0.1"))


async def test_a_message_that_cannot_be_processed_gets_an_apology_not_a_500(
    aiohttp_client, services, monkeypatch
):
    from bot.store import users

    save = users.save

    def failing(db: Any, user: Any) -> None:
        if user.channel == "webchat":
            raise ValueError("a bug")
        save(db, user)

    monkeypatch.setattr("bot.engine.dispatcher.users.save", failing)
    client = await _client(aiohttp_client, services)
    data = await _say(client, "p1", "/menu")
    assert [r["text"].split(",")[0] for r in data["replies"]] == ["Xin lỗi bác/anh/chị"]
    assert "trục trặc" in data["replies"][0]["text"]


async def test_a_database_that_cannot_take_the_message_is_a_polite_503(
    aiohttp_client, services, monkeypatch
):
    import sqlite3

    def locked(db: Any, *args: Any) -> bool:
        raise sqlite3.OperationalError("database is locked")

    client = await _client(aiohttp_client, services)
    monkeypatch.setattr("bot.engine.dispatcher.updates.mark_processed", locked)
    response = await client.post("/api/chat", json={"id": "l1", "text": "/menu"})
    assert response.status == 503
    assert "gửi lại sau ít phút" in (await response.json())["error"]
    monkeypatch.undo()
    data = await _say(client, "l1", "/menu")  # sent again: now answered
    assert "Xin chào" in data["replies"][0]["text"]
