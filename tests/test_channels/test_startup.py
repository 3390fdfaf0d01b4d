"""Start-up against a platform that fails at first: `hocvuso run` retries with backoff, keeps
running, and no bot token ever reaches its output."""

from __future__ import annotations

import pytest

from tests.fakes.telegram import TOKEN, FakeTelegram
from tests.test_channels.test_telegram_e2e import (  # noqa: F401
    _free_port,
    fake,
    running,
)


@pytest.mark.parametrize("body", ["html", "garbage"])
async def test_a_502_page_or_bad_json_at_start_up_is_retried_without_leaking_the_token(
    fake: FakeTelegram,  # noqa: F811
    tmp_path,
    body: str,
) -> None:
    fake.fail("getMe", 502, times=2, body=body)
    fake.fail("setMyCommands", 502, times=1, body=body)
    async with running(fake, tmp_path) as bot:
        # Longer than _ready's 30 s: the start waits 1 + 2 + 1 s, on a machine that may be busy.
        await fake.wait_for(
            lambda: bot.fake.started["getUpdates"], what="the bot to take updates", timeout=90
        )
        person = fake.person(4545)
        await person.say("/start")
        await person.expect("Xin chào")
        assert await bot.stop() == 0, bot.log()
    output = bot.log_path.read_text(errors="replace")
    assert fake.started["getMe"] == 3
    assert TOKEN not in output
    assert TOKEN.split(":", 1)[1] not in output
    assert "Traceback" not in output
    assert "failed at start-up" in output


async def test_no_answer_at_all_at_start_up_is_retried(fake: FakeTelegram, tmp_path) -> None:  # noqa: F811
    """The Bot API is not there yet (a network failure): the process waits for it."""
    real_base = fake.base
    fake.base = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    async with running(fake, tmp_path) as bot:
        await fake.wait_for(
            lambda: "failed at start-up" in bot.log(), what="a retried start", timeout=60
        )
        assert bot.process is not None and bot.process.returncode is None
        assert await bot.stop() == 0, bot.log()
    fake.base = real_base
    output = bot.log_path.read_text(errors="replace")
    assert TOKEN not in output and "Traceback" not in output
