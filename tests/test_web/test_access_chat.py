"""Web chat doors through the real aiohttp app: served only when it should be, chats only from a
real page load, rate limits per address and for everyone, idle trial users pruned."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import Services, build, web_app
from bot.config import Settings


def _services(tmp_path: Path, **values: Any) -> Services:
    settings = Settings(
        database_path=tmp_path / "web.sqlite",
        commune_name="Xã Bình Minh",
        _env_file=None,  # type: ignore[call-arg]
        **values,
    )
    return build(settings)


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Any]:
    made: list[Services] = []

    def factory(**values: Any) -> Services:
        made.append(_services(tmp_path / str(len(made)), **values))
        return made[-1]

    yield factory
    for services in made:
        services.db.close()


def _users(services: Services) -> int:
    return int(services.db.execute("SELECT COUNT(*) FROM users").fetchone()[0])


async def test_with_a_platform_token_there_is_no_web_chat(aiohttp_client, make):
    services = make(telegram_bot_token="123:abc")
    client: TestClient = await aiohttp_client(web_app(services))
    page = await client.get("/")
    assert page.status == 404
    assert "Telegram" in await page.text() and "hvs_chat" not in page.headers.get("Set-Cookie", "")
    response = await client.post(
        "/api/chat", json={"id": "m1", "text": "/menu"}, cookies={"hvs_chat": "a" * 24}
    )
    assert response.status == 404
    assert (await client.get("/api/chat/pending")).status == 404
    assert _users(services) == 0
    # The dashboard and /healthz stay.
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/dashboard/login")).status == 200


async def test_a_kiosk_setting_turns_the_web_chat_on_beside_a_token(aiohttp_client, make):
    services = make(telegram_bot_token="123:abc", webchat_enabled=True)
    client: TestClient = await aiohttp_client(web_app(services))
    assert (await client.get("/")).status == 200
    response = await client.post("/api/chat", json={"id": "m1", "text": "/menu"})
    assert response.status == 200 and "Xin chào" in (await response.json())["replies"][0]["text"]
    off = make(webchat_enabled=False)
    client = await aiohttp_client(web_app(off))
    assert (await client.get("/")).status == 404


async def test_a_self_made_cookie_creates_nothing(aiohttp_client, make):
    services = make()
    client: TestClient = await aiohttp_client(web_app(services))
    for n in range(5):
        response = await client.post(
            "/api/chat",
            json={"id": "m1", "text": "/menu"},
            cookies={"hvs_chat": f"invented-cookie-number-{n:04d}"},
        )
        assert response.status == 403
        assert "tải lại trang" in (await response.json())["error"]
    assert _users(services) == 0
    # After a real page load the same client chats, and one user exists.
    page = await client.get("/")
    cookie = page.cookies["hvs_chat"].value
    response = await client.post("/api/chat", json={"id": "m1", "text": "/menu"})
    assert response.status == 200
    assert _users(services) == 1
    # A forged signature on someone's random part is refused too.
    forged = cookie[:24] + ("A" if cookie[24] != "A" else "B") + cookie[25:]
    response = await client.post(
        "/api/chat", json={"id": "m2", "text": "/menu"}, cookies={"hvs_chat": forged}
    )
    assert response.status == 403 and _users(services) == 1


async def test_an_existing_chat_from_before_signing_goes_on(aiohttp_client, make):
    from bot.store import users

    services = make()
    users.load_or_create(services.db, "webchat", "old-cookie-0123456789", "old", int(time.time()))
    client: TestClient = await aiohttp_client(web_app(services))
    response = await client.post(
        "/api/chat",
        json={"id": "m1", "text": "/menu"},
        cookies={"hvs_chat": "old-cookie-0123456789"},
    )
    assert response.status == 200 and _users(services) == 1


async def test_new_chats_are_limited_per_address_and_in_all(aiohttp_client, make):
    services = make(webchat_new_chats_per_hour=3, webchat_total_new_chats_per_hour=5)
    client: TestClient = await aiohttp_client(web_app(services))

    async def fresh_page(address: str) -> int:
        client.session.cookie_jar.clear()
        return (await client.get("/", headers={"X-Real-IP": address})).status

    assert [await fresh_page("203.0.113.7") for _ in range(3)] == [200, 200, 200]
    kept = client.session.cookie_jar.filter_cookies(client.make_url("/"))["hvs_chat"].value
    assert await fresh_page("203.0.113.7") == 429
    busy = await client.get("/", headers={"X-Real-IP": "203.0.113.7"})
    assert "thử lại sau ít phút" in await busy.text()
    assert "hvs_chat" not in busy.headers.get("Set-Cookie", "")
    # Another address still opens chats, until everyone's allowance is used up.
    assert [await fresh_page("198.51.100.2") for _ in range(3)] == [200, 200, 429]
    assert await fresh_page("192.0.2.1") == 429
    # A chat already open is not a new chat: it reloads fine, and goes on.
    page = await client.get("/", headers={"X-Real-IP": "203.0.113.7"}, cookies={"hvs_chat": kept})
    assert page.status == 200
    response = await client.post(
        "/api/chat", json={"id": "m1", "text": "/menu"}, cookies={"hvs_chat": kept}
    )
    assert response.status == 200
    assert _users(services) == 1  # page loads alone created no one


async def test_messages_are_limited_per_address(aiohttp_client, make):
    services = make(webchat_rate=0.001, webchat_total_rate=1000)
    client: TestClient = await aiohttp_client(web_app(services))
    await client.get("/", headers={"X-Real-IP": "203.0.113.7"})
    statuses = []
    for n in range(25):
        response = await client.post(
            "/api/chat", json={"id": f"m{n}", "text": "/menu"}, headers={"X-Real-IP": "203.0.113.7"}
        )
        statuses.append(response.status)
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429] * 5
    assert "chờ một chút" in (await response.json())["error"]
    # The same browser from another address is not held back by the first address's flood.
    response = await client.post(
        "/api/chat", json={"id": "x1", "text": "/menu"}, headers={"X-Real-IP": "198.51.100.2"}
    )
    assert response.status == 200


async def test_a_header_from_an_untrusted_peer_is_not_believed(aiohttp_client, make):
    services = make(webchat_new_chats_per_hour=2, trusted_proxies="")
    client: TestClient = await aiohttp_client(web_app(services))
    statuses = []
    for n in range(3):
        client.session.cookie_jar.clear()
        response = await client.get("/", headers={"X-Real-IP": f"203.0.113.{n}"})
        statuses.append(response.status)
    assert statuses == [200, 200, 429]  # rotating X-Real-IP gave nothing: one address, loopback


def test_idle_trial_users_are_pruned_daily(make):
    from bot.scheduler import _prune_step
    from bot.store import users

    services = make(webchat_trial_hours=24)
    db, now = services.db, int(time.time())
    old = now - 25 * 3600
    idle = users.load_or_create(db, "webchat", "idle-trial-0000000001", "c1", old)
    recent = users.load_or_create(db, "webchat", "recent-trial-00000001", "c2", now - 3600)
    consented = users.load_or_create(db, "webchat", "consented-0000000001", "c3", old)
    db.execute("UPDATE users SET consent_at = ? WHERE id = ?", [old, consented.id])
    telegram = users.load_or_create(db, "telegram", "555", "555", old)
    _prune_step(services, now)
    left = {row[0] for row in db.execute("SELECT id FROM users").fetchall()}
    assert left == {recent.id, consented.id, telegram.id}
    assert idle.id not in left


def test_the_shipped_nginx_sets_the_address_the_app_believes():
    site = (Path(__file__).resolve().parents[2] / "deploy/nginx/hocvuso.conf").read_text()
    assert "proxy_set_header X-Real-IP $remote_addr;" in site
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site  # replaced, not appended
    assert Settings(_env_file=None).trusted_proxies == "127.0.0.1,::1"  # type: ignore[call-arg]
