"""Guessing codes: /baocao link codes and /ma invitation codes are throttled per person and per
address — through the real web chat (many cookies, one address) and the engine (Telegram)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot import officials as accounts
from bot.app import Services, build, web_app
from bot.config import Settings
from bot.engine.dispatcher import Engine
from bot.features import ROUTERS
from tests.factories import Clock, Conversation
from tests.test_reports import helpers as h


def _services(tmp_path: Path) -> Services:
    settings = Settings(
        database_path=tmp_path / "web.sqlite",
        commune_name="Xã Bình Minh",
        webchat_rate=1000,
        webchat_new_chats_per_hour=1000,
        webchat_total_new_chats_per_hour=1000,
        _env_file=None,  # type: ignore[call-arg]
    )
    return build(settings)


async def _say(client: TestClient, text: str, address: str, fresh: bool) -> str:
    """One message, from a new cookie (a new page load) when fresh; the replies' text."""
    headers = {"X-Real-IP": address}
    if fresh:
        client.session.cookie_jar.clear()
        assert (await client.get("/", headers=headers)).status == 200
    response = await client.post(
        "/api/chat", json={"id": f"m{time.monotonic_ns()}", "text": text}, headers=headers
    )
    assert response.status == 200
    return "\n".join(r["text"] for r in (await response.json())["replies"])


async def test_link_codes_through_the_web_chat_per_address_and_per_cookie(
    aiohttp_client: Any, tmp_path: Path
):
    services = _services(tmp_path)
    try:
        db = services.db
        first = h.official(db, "canbo.xa", "admin")
        second = h.official(db, "canbo.hai", "admin")
        client: TestClient = await aiohttp_client(web_app(services))
        # Twenty self-made chats from one address guess twenty codes...
        for n in range(20):
            text = await _say(client, f"/baocao ABCD-EF{n:02d}", "203.0.113.7", fresh=True)
            assert "không đúng hoặc đã hết hạn" in text
        # ...and then even the real code, from yet another new chat there, is not checked.
        code = accounts.new_link_code(db, first, int(time.time()), "test")
        text = await _say(client, f"/baocao {code}", "203.0.113.7", fresh=True)
        assert "thử lại sau ít phút" in text and "Đã liên kết" not in text
        assert db.execute("SELECT COUNT(*) FROM invite_codes").fetchone()[0] == 1  # not used up
        # The official at another address links at once.
        text = await _say(client, f"/baocao {code}", "198.51.100.2", fresh=True)
        assert "Đã liên kết tài khoản cán bộ canbo.xa" in text
        # One chat (one cookie) gets five wrong tries, wherever it writes from.
        for n in range(5):
            text = await _say(client, f"/baocao WXYZ-AB{n:02d}", f"192.0.2.{n}", fresh=n == 0)
            assert "không đúng" in text
        code = accounts.new_link_code(db, second, int(time.time()), "test")
        text = await _say(client, f"/baocao {code}", "192.0.2.99", fresh=False)
        assert "thử lại sau ít phút" in text
        # No address is stored as typed.
        keys = [row[0] for row in db.execute("SELECT key FROM login_failures").fetchall()]
        assert keys and not any("203.0.113.7" in k or "192.0.2" in k for k in keys)
    finally:
        services.db.close()


async def test_invitation_codes_through_the_web_chat_per_address(
    aiohttp_client: Any, tmp_path: Path
):
    services = _services(tmp_path)
    try:
        client: TestClient = await aiohttp_client(web_app(services))
        for n in range(20):
            text = await _say(client, f"/ma QQQQ-RR{n:02d}", "203.0.113.7", fresh=True)
            assert "thử lại sau ít phút" not in text
        text = await _say(client, "/ma QQQQ-ZZZZ", "203.0.113.7", fresh=True)
        assert "thử lại sau ít phút" in text
        text = await _say(client, "/ma QQQQ-ZZZZ", "198.51.100.2", fresh=True)
        assert "thử lại sau ít phút" not in text
    finally:
        services.db.close()


def test_telegram_link_codes_are_throttled_per_person(services: Services):
    db = services.db
    official_id = h.official(db, "canbo.xa", "admin")
    clock = Clock(time.time())
    engine = Engine(
        db,
        services.texts,
        services.curriculum,
        ROUTERS,
        commune_name="Xã Bình Minh",
        clock=clock,
        settings=services.settings,
    )
    guesser = Conversation(engine, user="777", channel="telegram")
    for n in range(5):
        guesser.send(f"/baocao ABCD-EF{n:02d}")
        assert "không đúng" in guesser.text
    code = accounts.new_link_code(db, official_id, int(clock.now), "test")
    guesser.send(f"/baocao {code}")
    assert "thử lại sau ít phút" in guesser.text
    # Someone else is not held back; the guesser may try again an hour later.
    clock.advance(3601)
    guesser.send(f"/baocao {code}")
    assert "Đã liên kết" in guesser.text
