"""Structured logs: one line per event, JSON when asked, and nothing that names a person."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.app import build, web_app
from bot.engine.context import Context
from bot.ops.logs import setup_logging
from tests.test_ops.conftest import settings_for

TOKEN = "7012345678:AAHkq3-secret-bot-token-Zx9"


def _lines(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().split("\n") if line]


def test_json_lines_carry_the_event_and_its_fields(tmp_path: Path) -> None:
    stream = io.StringIO()
    setup_logging(settings_for(tmp_path / "x.sqlite", log_json=True), stream)
    logging.getLogger("bot.ops.backup").info(
        "backup done", extra={"file": "hocvuso-20261118T193000Z.sqlite", "bytes": 2048}
    )
    logging.getLogger("bot.delivery").warning("send failed\nretrying", extra={"channel": "zalo"})
    lines = _lines(stream)
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["event"] == "backup done" and first["level"] == "info"
    assert first["logger"] == "bot.ops.backup" and first["bytes"] == 2048
    assert first["ts"].endswith("Z") and "T" in first["ts"]
    assert second["event"] == "send failed\nretrying" and second["channel"] == "zalo"


def test_text_lines_stay_one_line_per_event(tmp_path: Path) -> None:
    stream = io.StringIO()
    setup_logging(settings_for(tmp_path / "x.sqlite", log_json=False), stream)
    log = logging.getLogger("bot.app")
    log.info("started", extra={"host": "127.0.0.1", "port": 8080})
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.exception("two\nlines")
    lines = _lines(stream)
    assert len(lines) == 2
    assert lines[0].endswith("INFO bot.app started host=127.0.0.1 port=8080")
    assert "two\\nlines" in lines[1] and "error=RuntimeError" in lines[1]


def test_exceptions_keep_type_and_place_but_not_the_message(tmp_path: Path) -> None:
    stream = io.StringIO()
    setup_logging(settings_for(tmp_path / "x.sqlite", log_json=True), stream)
    try:
        int("Nguyễn Văn An")
    except ValueError:
        logging.getLogger("bot.engine").exception("handler failed", extra={"channel": "zalo"})
    (line,) = _lines(stream)
    entry = json.loads(line)
    assert entry["error"] == "ValueError"
    assert "test_logs.py" in entry["stack"]
    assert "Nguyễn" not in line


def test_secrets_and_phone_numbers_are_blanked(tmp_path: Path) -> None:
    stream = io.StringIO()
    setup_logging(
        settings_for(tmp_path / "x.sqlite", log_json=True, telegram_bot_token=TOKEN), stream
    )
    log = logging.getLogger("aiogram.event")
    log.info("GET https://api.telegram.org/bot%s/getUpdates", TOKEN)
    log.info("contact %s or %s", "0912345678", "+84 912345678".replace(" ", ""))
    log.info("update 1795000000 took 12 ms")
    text = stream.getvalue()
    assert TOKEN not in text and "[secret]" in text
    assert "0912345678" not in text and "84912345678" not in text
    assert "1795000000" in text  # ordinary numbers stay


async def test_a_whole_conversation_leaves_no_personal_data_in_the_logs(
    aiohttp_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    settings = settings_for(
        tmp_path / "web.sqlite",
        log_json=True,
        log_level="DEBUG",
        telegram_bot_token=TOKEN,
        webchat_enabled=True,  # beside a token, the web chat runs only when set (a kiosk)
    )
    setup_logging(settings, stream)
    services = build(settings)

    # A handler that fails on what the person typed: the engine logs the failure.
    def crashes(ctx: Context) -> None:
        raise ValueError(f"cannot handle {ctx.text!r}")

    monkeypatch.setitem(services.engine.routes.commands, "hong", crashes)
    client: TestClient = await aiohttp_client(web_app(services))
    page = await client.get("/")
    chat_id = page.cookies["hvs_chat"].value
    said = [
        ("text", "/batdau"),
        ("payload", "ob:c:y"),
        ("text", "Nguyễn Thị Hoa"),
        ("text", "Thôn Đông"),
        ("text", "1956"),
        ("text", "Người cao tuổi"),
        ("text", "Tôi bị lừa mất 5 triệu, số kẻ gian là 0987654321"),
        ("text", "/hong Nguyễn Thị Hoa 0912345678"),
        ("text", "/dulieucuatoi"),
    ]
    for n, (kind, value) in enumerate(said):
        response = await client.post("/api/chat", json={"id": f"m{n}", kind: value})
        assert response.status == 200
    stored = services.db.execute("SELECT display_name, birth_year FROM users").fetchall()
    assert stored == [("Nguyễn Thị Hoa", 1956)]  # the personal data did go through the system
    services.db.close()

    lines = _lines(stream)
    events = [json.loads(line) for line in lines]  # every line is one JSON object
    # The logs did capture the conversation's failure, so their silence below means something.
    failure = [e for e in events if e["event"] == "handler failed"]
    assert failure and failure[0]["error"] == "ValueError" and failure[0]["channel"] == "webchat"
    text = stream.getvalue()
    for private in (
        "Nguyễn",
        "Hoa",
        "lừa mất",
        "kẻ gian",
        "0987654321",
        "0912345678",
        "1956",
        chat_id,
        TOKEN,
    ):
        assert private not in text, private


def test_a_token_is_blanked_in_every_form_it_may_take(tmp_path: Path) -> None:
    stream = io.StringIO()
    setup_logging(
        settings_for(tmp_path / "x.sqlite", log_json=False, telegram_bot_token=TOKEN), stream
    )
    log = logging.getLogger("aiohttp.client")
    log.warning("POST http://127.0.0.1/bot%s/getMe", TOKEN.replace(":", "%3A"))
    log.warning("secret part %s", TOKEN.split(":", 1)[1])
    other = "6998877665:AAFq-another_token-not_in_settings_x1"
    log.warning("old token %s", other)
    text = stream.getvalue()
    assert TOKEN.split(":", 1)[1] not in text
    assert "AAFq-another_token" not in text
    assert text.count("[secret]") == 3


def test_an_uncaught_error_is_logged_without_its_message(tmp_path: Path) -> None:
    import sys
    import threading

    stream = io.StringIO()
    setup_logging(
        settings_for(tmp_path / "x.sqlite", log_json=True, telegram_bot_token=TOKEN), stream
    )
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
    except ConnectionError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    thread = threading.Thread(target=lambda: int(f"bot{TOKEN}"))
    thread.start()
    thread.join()
    lines = [json.loads(line) for line in _lines(stream)]
    assert [(e["event"], e["error"]) for e in lines] == [
        ("uncaught error", "ConnectionError"),
        ("uncaught error in a thread", "ValueError"),
    ]
    assert TOKEN not in stream.getvalue() and "AAHkq3" not in stream.getvalue()
