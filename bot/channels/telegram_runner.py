"""The Telegram bot at run time: long polling or a webhook, the engine, and the outbox worker.

An update is acknowledged to Telegram only after `engine.handle()` returned, i.e. after its
transaction committed: by answering the webhook 200, or by moving the polling offset past it
(Telegram forgets updates below the offset at the next getUpdates). A process that dies earlier
gets the update again and the engine recognises a repeat, so nothing is lost or done twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.types import Update, User
from aiohttp import web
from pydantic import ValidationError

from bot.app import Services
from bot.channels.poison import guarded
from bot.channels.telegram import (
    ALLOWED_UPDATES,
    CHANNEL,
    Membership,
    after_press,
    bot_commands,
    membership,
    to_incoming,
)
from bot.channels.webhooks import webhook_secret, webhook_url
from bot.config import Settings
from bot.delivery.policy import Rate, RetryPolicy
from bot.delivery.telegram import CHAT_RATE, TelegramSender
from bot.delivery.worker import OutboxWorker
from bot.store import outbox, users

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhook/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_OK = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Seconds a getUpdates call waits on Telegram's side for an update before returning empty.
POLL_TIMEOUT = 25
# Seconds any other Bot API call may take before it is treated as a network failure.
REQUEST_TIMEOUT = 20
MAX_POLL_BACKOFF = 30.0
# Start-up calls failing for any reason but a refused token are tried again, waiting 1, 2, 4 …
# seconds up to this.
MAX_START_BACKOFF = 60.0

T = TypeVar("T")


def make_bot(settings: Settings) -> Bot:
    """An aiogram Bot calling `{TELEGRAM_API_BASE}/bot{token}/{method}`."""
    assert settings.telegram_bot_token is not None
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_base), timeout=REQUEST_TIMEOUT
    )
    return Bot(token=settings.telegram_bot_token.get_secret_value(), session=session)


class TelegramChannel:
    def __init__(
        self,
        services: Services,
        *,
        bot: Bot | None = None,
        policy: RetryPolicy | None = None,
        poll_timeout: int = POLL_TIMEOUT,
    ) -> None:
        settings = services.settings
        self.services = services
        self.engine = services.engine
        self.db = services.db
        self.texts = services.texts
        self.bot = bot or make_bot(settings)
        self.webhook_url = webhook_url(settings, WEBHOOK_PATH)
        self.secret = webhook_secret(settings, settings.telegram_bot_token, "telegram")
        if self.webhook_url and not _SECRET_OK.fullmatch(self.secret):
            raise SystemExit(self.texts.render("telegram.bad_secret"))
        self.poll_timeout = poll_timeout
        sender = TelegramSender(
            self.bot,
            chat_rate=Rate(settings.telegram_chat_rate, burst=CHAT_RATE.burst),
            overall_rate=Rate(settings.telegram_rate),
        )
        self.worker = OutboxWorker(services.db, sender, policy=policy)
        self.me: User | None = None
        self._poller: asyncio.Task[None] | None = None
        self._follow_ups: set[asyncio.Task[None]] = set()

    # -- lifecycle ------------------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        """Add the webhook route (only in webhook mode) to the one aiohttp application."""
        if self.webhook_url:
            app.router.add_post(WEBHOOK_PATH, self.webhook)

    async def start(self) -> None:
        """Register with Telegram, then take updates and drain the outbox until stop()."""
        self.me = await self._at_start("getMe", self.bot.get_me)
        commands = bot_commands(self.texts)
        await self._at_start("setMyCommands", lambda: self.bot.set_my_commands(commands))
        if self.webhook_url:
            url = self.webhook_url
            await self._at_start(
                "setWebhook",
                lambda: self.bot.set_webhook(
                    url=url,
                    secret_token=self.secret,
                    allowed_updates=ALLOWED_UPDATES,
                    drop_pending_updates=False,
                ),
            )
            log.info("telegram: webhook set", extra={"url": self.webhook_url})
        else:
            # getUpdates is refused while a webhook is set; updates waiting are kept.
            await self._at_start(
                "deleteWebhook", lambda: self.bot.delete_webhook(drop_pending_updates=False)
            )
            self._poller = asyncio.create_task(self.poll(), name="telegram-polling")
            log.info("telegram: long polling", extra={"bot": self.me.username})
        self.worker.start()

    async def _at_start(self, method: str, call: Callable[[], Awaitable[T]]) -> T:
        """A start-up call: a refused token ends the process with a clear message; any other
        failure (an HTML 502, a body that is not JSON, no answer) is logged, by its kind only (an
        error's text may hold the URL, and with it the token), and tried again with backoff."""
        failures = 0
        while True:
            try:
                return await call()
            except TelegramUnauthorizedError:
                await self.bot.session.close()
                raise SystemExit(self.texts.render("telegram.token_rejected")) from None
            except Exception as error:
                failures += 1
                delay = (
                    float(error.retry_after)
                    if isinstance(error, TelegramRetryAfter)
                    else min(MAX_START_BACKOFF, 2.0 ** (failures - 1))
                )
                log.warning(
                    "telegram: %s failed at start-up (%s); again in %.0fs",
                    method,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        await self.worker.stop()
        if self._follow_ups:
            await asyncio.wait(self._follow_ups, timeout=5)
        await self.bot.session.close()

    # -- taking updates -------------------------------------------------------------------------

    async def poll(self) -> None:
        """Long polling; the offset moves past an update only once it has been handled."""
        offset: int | None = None
        failures = 0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=self.poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                    request_timeout=self.poll_timeout + REQUEST_TIMEOUT,
                )
            except Exception as error:
                # Network, Telegram or a reply aiogram cannot read: polling must not die of it.
                failures += 1
                delay = (
                    float(error.retry_after)
                    if isinstance(error, TelegramRetryAfter)
                    else min(MAX_POLL_BACKOFF, 2.0 ** (failures - 1))
                )
                log.warning("telegram: getUpdates failed (%r); again in %.0fs", error, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for update in updates:
                try:
                    self.handle_guarded(update)
                except Exception:
                    # Failed a first time, or the database is unavailable: poll again from this
                    # update later. A second failure gives it up (bot.channels.poison).
                    log.warning("telegram: update %d not handled yet", update.update_id)
                    await asyncio.sleep(1)
                    break
                offset = update.update_id + 1
                await asyncio.sleep(0)  # let the outbox worker send between updates of a batch

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram's POST; 200 only after the update is handled and committed."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("telegram: webhook call without the right secret refused")
            return web.Response(status=401)
        try:
            update = Update.model_validate(await request.json())
        except (ValueError, ValidationError, RecursionError):  # RecursionError: absurdly deep
            log.error("telegram: webhook body is not an update")
            return web.Response(status=400)
        try:
            self.handle_guarded(update)
        except Exception:
            log.warning("telegram: update %d not handled yet", update.update_id)
            return web.Response(status=500)  # Telegram retries it later
        # Handled, or given up after its second failure (recorded as failed): Telegram may
        # forget it.
        return web.Response(status=200)

    def handle_guarded(self, update: Update) -> None:
        """handle_update() under the poison-update rule: raises only when the update must be
        offered again; after its second failure it is recorded as failed and skipped."""
        guarded(self.db, CHANNEL, f"u:{update.update_id}", lambda: self.handle_update(update))

    def handle_update(self, update: Update) -> None:
        """Run one update through the engine (one committed transaction), then send what follows.

        Raises only when the update could not be recorded; it must then be offered again.
        """
        assert self.me is not None, "start() first"
        change = membership(update)
        if change is not None:
            return self._membership_changed(change)
        query = update.callback_query
        incoming = to_incoming(update, self.me)
        if incoming is None:
            if query is not None:
                self._follow_up(after_press(query, edit=False))
            return
        users.mark_reachable(self.db, CHANNEL, incoming.user_id)
        outcome = self.engine.handle(incoming)
        self.worker.wake()
        if query is not None:
            self._follow_up(after_press(query, edit=not outcome.duplicate))

    def _membership_changed(self, change: Membership) -> None:
        if change.reachable:
            if change.user_id is not None:
                users.mark_reachable(self.db, CHANNEL, change.user_id)
            return
        with self.db.atomic():
            stopped = outbox.stop_chat(self.db, CHANNEL, change.chat_id, "blocked by the user")
            user = users.find(self.db, CHANNEL, change.user_id) if change.user_id else None
            if user is not None:
                users.mark_unreachable(self.db, user.id, change.chat_id, int(self.engine.clock()))
        log.info("telegram: bot blocked or removed; %d row(s) stopped", stopped)

    # -- calls that acknowledge a press ---------------------------------------------------------

    def _follow_up(self, calls: list[Any]) -> None:
        task = asyncio.create_task(self._run_calls(calls))
        self._follow_ups.add(task)
        task.add_done_callback(self._follow_ups.discard)

    async def _run_calls(self, calls: list[TelegramMethod[Any]]) -> None:
        for call in calls:
            try:
                await self.bot(call)
            except (TelegramAPIError, AiogramError) as error:
                # Not worth a retry: the spinner stops by itself, an old keyboard stays.
                log.info("telegram: %s failed: %s", call.__api_method__, error)
