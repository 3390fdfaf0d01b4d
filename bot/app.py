"""Builds the running assistant from Settings: store, content, engine, channels, web server."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web
from sqlite_utils import Database

from bot.config import Settings
from bot.engine.dispatcher import Engine
from bot.engine.texts import Texts
from bot.features import ROUTERS
from bot.store.db import open_db
from bot.units import seed_demo
from lessons.loader import load
from lessons.model import Curriculum

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Database
    texts: Texts
    curriculum: Curriculum
    engine: Engine
    seeded: int = 0


def build(settings: Settings, *, seed: bool | None = None) -> Services:
    db = open_db(settings.database_path)
    texts = Texts(settings.content_dir / "messages")
    curriculum = load(settings.content_dir)
    seeded = 0
    if settings.demo_seed if seed is None else seed:
        seeded = seed_demo(db, settings.content_dir, settings.commune_name)
    engine = Engine(
        db,
        texts,
        curriculum,
        ROUTERS,
        commune_name=settings.commune_name,
        timezone=settings.timezone,
        settings=settings,
        files_dir=settings.database_path.parent / "files",
        quiz_pass_ratio=settings.quiz_pass_ratio,
    )
    return Services(settings, db, texts, curriculum, engine, seeded)


def web_app(services: Services) -> web.Application:
    from bot.web.server import create_app

    return create_app(services)


async def serve(services: Services, host: str, port: int) -> None:
    """Run the web server (chat simulator; later dashboard and webhooks) until SIGTERM/SIGINT.

    On the signal: stop listening, let requests in flight finish (SHUTDOWN_TIMEOUT), return.
    """
    from bot.ops.shutdown import stop_on_signals

    runner = web.AppRunner(
        web_app(services), access_log=None, shutdown_timeout=services.settings.shutdown_timeout
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    with stop_on_signals() as stop:
        await site.start()
        log.info("started", extra={"host": host, "port": port})
        try:
            await stop.wait()
        finally:
            await runner.cleanup()  # closes the socket first, then waits for handlers
    log.info("stopped")
