"""The Zalo channel in this process, as `hocvuso run` starts it, for the tests that drive it
through the fake Zalo Bot API (tests/fakes/zalo.py): the web server runs too, so the fake can
fetch certificate photos from it."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from pydantic import SecretStr
from sqlite_utils import Database

from bot import certificates
from bot.app import Services, build, web_app
from bot.channels.zalo_api import ZaloApi
from bot.channels.zalo_runner import ZaloChannel
from bot.config import Settings
from bot.delivery.policy import RetryPolicy
from bot.engine.types import Reply
from bot.store import outbox, users
from lessons.model import Curriculum
from tests.fakes.zalo import TOKEN, FakeZalo, Person
from tests.test_ops.running import free_port

CHANNEL = "zalo"
SECRET = "zalo-Secret_1"


@dataclass
class Running:
    channel: ZaloChannel
    services: Services
    root: str  # this server's address, as PUBLIC_BASE_URL / WEBHOOK_URL give it

    @property
    def db(self) -> Database:
        return self.services.db


Start = Callable[..., Awaitable[Running]]


@contextlib.asynccontextmanager
async def zalo_starter(
    fake: FakeZalo, tmp_path: Path, curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Start]:
    """The web server and the Zalo channel, as `hocvuso run` starts them; polling unless
    `webhook=True`; certificates public unless `public=False`; 2 s request timeout."""
    monkeypatch.setattr("bot.app.load", lambda content_dir: curriculum)  # parsed once a session
    started: list[tuple[Running, web.AppRunner]] = []

    async def start(*, webhook: bool = False, public: bool = True, **settings: object) -> Running:
        port = free_port()
        root = f"http://127.0.0.1:{port}"
        services = build(
            Settings(
                _env_file=None,  # type: ignore[call-arg]
                database_path=tmp_path / "zalo.sqlite",
                zalo_bot_token=SecretStr(TOKEN),
                zalo_api_base=fake.base,
                # Fake people answer at once; test_zalo_delivery checks the real rate.
                zalo_chat_rate=settings.pop("zalo_chat_rate", 50),
                public_base_url=settings.pop("public_base_url", root if public else None),
                webhook_url=root if webhook else None,
                webhook_secret=SecretStr(SECRET) if webhook else None,
                **settings,  # type: ignore[arg-type]
            )
        )
        channel = ZaloChannel(
            services,
            api=ZaloApi(TOKEN, fake.base, request_timeout=2),
            policy=RetryPolicy(first_delay=1, max_delay=1, max_attempts=8),
            poll_timeout=1,
        )
        app = web_app(services)
        channel.mount(app)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await channel.start()
        running = Running(channel, services, root)
        started.append((running, runner))
        return running

    yield start
    for running, runner in started:
        await running.channel.stop()
        await runner.cleanup()
        running.services.db.close()


async def drained(fake: FakeZalo, bot: Running, timeout: float = 15) -> None:
    await fake.wait_for(
        lambda: outbox.pending_count(bot.db, CHANNEL) == 0,
        what="the outbox to drain",
        timeout=timeout,
    )


def enqueue(bot: Running, chat_id: str, reply: Reply, user_id: int | None = None) -> None:
    with bot.db.atomic():
        outbox.enqueue(
            bot.db,
            channel=CHANNEL,
            chat_id=chat_id,
            user_id=user_id,
            body=reply.to_dict(),
            now=int(bot.services.engine.clock()),
        )
    bot.channel.worker.wake()


def issue_certificate(bot: Running, holder: str) -> certificates.Certificate:
    engine = bot.services.engine
    user = users.load_or_create(bot.db, CHANNEL, holder, holder, int(engine.clock()))
    with bot.db.atomic():
        cert = certificates.issue(
            bot.db,
            user_id=user.id,
            topic_id="vneid",
            holder_name="Nguyễn Văn Tư",
            topic_title="VNeID và định danh điện tử",
            commune_name="Xã Bình Minh",
            now=int(engine.clock()),
        )
    certificates.render(cert, bot.services.texts, engine.tz, engine.files_dir)
    return cert


def nothing_lost_or_twice(bot: Running, people: list[Person]) -> None:
    """Each person got exactly the replies the engine wrote for them, in order, once."""
    for person in people:
        rows = bot.db.execute(
            "SELECT status, body FROM outbox WHERE channel = 'zalo' AND chat_id = ? ORDER BY id",
            [person.user_id],
        ).fetchall()
        assert {status for status, _ in rows} == {"sent"}
        written = [json.loads(body)["text"].strip() for _, body in rows]
        received = [s.text for s in person.inbox]
        assert len(received) == len(written)
        assert all(r.startswith(w.split("\n")[0]) for r, w in zip(received, written, strict=True))
