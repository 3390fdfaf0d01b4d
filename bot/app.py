"""Builds the running assistant from Settings: store, content, engine, channels, web server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from sqlite_utils import Database

from bot.config import Settings
from bot.engine.dispatcher import Engine
from bot.engine.texts import Texts
from bot.features import ROUTERS
from bot.reminders import QuietHours
from bot.store.db import open_db
from bot.units import commune_name, seed_demo
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
        seeded = seed_demo(
            db, settings.content_dir, commune_name(db, settings.content_dir, settings.commune_name)
        )
    engine = Engine(
        db,
        texts,
        curriculum,
        ROUTERS,
        commune_name=commune_name(db, settings.content_dir, settings.commune_name),
        timezone=settings.timezone,
        settings=settings,
        files_dir=settings.database_path.parent / "files",
        quiz_pass_ratio=settings.quiz_pass_ratio,
        quiet_hours=QuietHours.parse(settings.quiet_hours_start, settings.quiet_hours_end),
    )
    return Services(settings, db, texts, curriculum, engine, seeded)


class PlatformChannel(Protocol):
    """A messaging platform the assistant runs on (Telegram, Zalo)."""

    def mount(self, app: web.Application) -> None:
        """Add its routes (a webhook) to the one web application, before it starts."""

    async def start(self) -> None:
        """Register with the platform, take updates, start delivering the outbox."""

    async def stop(self) -> None: ...


def platform_channels(services: Services) -> list[PlatformChannel]:
    """The platforms with a token in the settings."""
    channels: list[PlatformChannel] = []
    if services.settings.telegram_bot_token is not None:
        from bot.channels.telegram_runner import TelegramChannel

        channels.append(TelegramChannel(services))
    if services.settings.zalo_bot_token is not None:
        from bot.channels.zalo_runner import ZaloChannel

        channels.append(ZaloChannel(services))
    return channels


def web_app(services: Services) -> web.Application:
    from bot.web.server import create_app

    return create_app(services)


async def _started(channels: list[PlatformChannel], stop: asyncio.Event) -> bool:
    """Start the channels one after another; False when a stop came first."""

    async def start_all() -> None:
        for channel in channels:
            await channel.start()

    starting = asyncio.ensure_future(start_all())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not starting.done():
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        return False
    starting.result()  # a refused token: SystemExit
    return True


async def serve(services: Services, host: str, port: int) -> None:
    """Run the web server (chat simulator; later dashboard and webhooks) until SIGTERM/SIGINT.

    On the signal: stop listening, let requests in flight finish (SHUTDOWN_TIMEOUT), return.
    """
    from bot.ops.shutdown import InFlight, stop_on_signals, stop_web
    from bot.scheduler import build as build_scheduler

    app = web_app(services)
    channels = platform_channels(services)
    for channel in channels:
        channel.mount(app)
    in_flight = InFlight()
    app.middlewares.append(in_flight.middleware)
    runner = web.AppRunner(
        app, access_log=None, shutdown_timeout=services.settings.shutdown_timeout
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    scheduler = None
    with stop_on_signals() as stop:
        await site.start()
        try:
            # After the socket listens (a webhook may call at once). A platform that is not
            # answering yet is retried by its channel; a stop signal meanwhile still stops.
            if await _started(channels, stop):
                scheduler = build_scheduler(services)
                scheduler.start()
                log.info("started", extra={"host": host, "port": port})
                await stop.wait()
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            # Stops listening, lets requests in flight finish, then closes the connections.
            await stop_web(runner, in_flight, services.settings.shutdown_timeout)
            for channel in channels:  # then the outbox worker stops sending
                await channel.stop()
    log.info("stopped")
