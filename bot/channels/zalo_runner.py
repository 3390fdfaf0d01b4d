"""The Zalo bot at run time: long polling or a webhook, the engine, and the outbox worker.

Webhook (WEBHOOK_URL set; Zalo's advice for production): Zalo POSTs each update to
{WEBHOOK_URL}/webhook/zalo with the secret in `X-Bot-Api-Secret-Token`. A call without the right
secret is refused (401) and changes nothing; an update is answered 200 only after
`engine.handle()` returned, i.e. after its transaction committed.

Long polling (the default; Zalo's advice for development): getUpdates hands out one update per
call and forgets it as it answers, so there is no offset to hold back. The update is handed to
the engine at once; if the database cannot take it, it is kept in memory and tried again until
it is stored. Only a process killed between Zalo's answer and the commit loses it. A repeat of
the same message (Zalo re-sending it) is recognised by the engine from its message id.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from bot.app import Services
from bot.channels.poison import guarded, raw_key
from bot.channels.webhooks import webhook_secret, webhook_url
from bot.channels.zalo import to_incoming, unwrap
from bot.channels.zalo_api import ZaloApi, ZaloError
from bot.delivery.policy import Rate, RetryPolicy
from bot.delivery.worker import OutboxWorker
from bot.delivery.zalo import CHAT_RATE, QUOTA_MAX_WAIT, QUOTA_WAIT, ZaloSender
from bot.web.certificate_files import CertificateFiles

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhook/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
# setWebhook's secret_token: 8 to 256 characters.
SECRET_LENGTHS = range(8, 257)
# Seconds a getUpdates call waits on Zalo's side (its default is 30).
POLL_TIMEOUT = 30
# Seconds any other call may take before it is treated as a network failure.
REQUEST_TIMEOUT = 20.0
MAX_POLL_BACKOFF = 30.0
MAX_STORE_RETRY = 30.0
# Start-up calls failing for any reason but a refused token are tried again, waiting 1, 2, 4 …
# seconds up to this.
MAX_START_BACKOFF = 60.0

T = TypeVar("T")


class ZaloChannel:
    def __init__(
        self,
        services: Services,
        *,
        api: ZaloApi | None = None,
        policy: RetryPolicy | None = None,
        poll_timeout: int = POLL_TIMEOUT,
    ) -> None:
        settings = services.settings
        assert settings.zalo_bot_token is not None
        self.services = services
        self.engine = services.engine
        self.db = services.db
        self.texts = services.texts
        self.api = api or ZaloApi(
            settings.zalo_bot_token.get_secret_value(),
            settings.zalo_api_base,
            request_timeout=REQUEST_TIMEOUT,
        )
        self.webhook_url = webhook_url(settings, WEBHOOK_PATH)
        self.secret = webhook_secret(settings, settings.zalo_bot_token, "zalo")
        if self.webhook_url and len(self.secret) not in SECRET_LENGTHS:
            raise SystemExit(self.texts.render("zalo.bad_secret"))
        self.poll_timeout = poll_timeout
        self.certificates = CertificateFiles(services)
        sender = ZaloSender(
            self.api,
            self.texts,
            photo_url=self.certificates.url_for,
            chat_rate=Rate(settings.zalo_chat_rate, burst=CHAT_RATE.burst),
        )
        self.worker = OutboxWorker(services.db, sender, policy=policy)
        self.me: dict[str, Any] | None = None
        self._poller: asyncio.Task[None] | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        """The webhook route (webhook mode only) and the certificate images Zalo fetches."""
        if self.webhook_url:
            app.router.add_post(WEBHOOK_PATH, self.webhook)
        self.certificates.mount(app)

    async def start(self) -> None:
        """Check the token, then take updates and drain the outbox until stop()."""
        self.me = await self._at_start("getMe", self.api.get_me)
        if self.webhook_url:
            url = self.webhook_url
            await self._at_start("setWebhook", lambda: self.api.set_webhook(url, self.secret))
            log.info("zalo: webhook set", extra={"url": self.webhook_url})
        else:
            # getUpdates stays silent while a webhook is set.
            await self._at_start("deleteWebhook", self.api.delete_webhook)
            self._poller = asyncio.create_task(self.poll(), name="zalo-polling")
            log.info("zalo: long polling")
        if self.certificates.base is None:
            log.warning("zalo: no PUBLIC_BASE_URL or WEBHOOK_URL; certificates go as text")
        self.worker.start()

    async def _at_start(self, method: str, call: Callable[[], Awaitable[T]]) -> T:
        """A start-up call: a refused token (401) ends the process with a clear message; any
        other failure (an HTML 502, a body that is not JSON, no answer) is logged and tried
        again with backoff."""
        failures = 0
        while True:
            try:
                return await call()
            except ZaloError as error:
                if error.code == 401:
                    await self.api.close()
                    raise SystemExit(self.texts.render("zalo.token_rejected")) from None
                kind = f"{error.code if error.code is not None else 'no answer'}"
            except Exception as error:
                kind = type(error).__name__
            failures += 1
            delay = min(MAX_START_BACKOFF, 2.0 ** (failures - 1))
            log.warning("zalo: %s failed at start-up (%s); again in %.0fs", method, kind, delay)
            await asyncio.sleep(delay)

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        await self.worker.stop()
        await self.api.close()

    # -- taking updates -------------------------------------------------------------------------

    async def poll(self) -> None:
        failures = 0
        while True:
            asked = time.monotonic()
            try:
                update = await self.api.get_update(self.poll_timeout)
            except ZaloError as error:
                failures += 1
                # A 429 waits 2 s, then longer while they go on (as the sender does).
                delay = (
                    min(QUOTA_MAX_WAIT, QUOTA_WAIT * 2.0 ** (failures - 1))
                    if error.code == 429
                    else min(MAX_POLL_BACKOFF, 2.0 ** (failures - 1))
                )
                log.warning("zalo: getUpdates failed (%s); again in %.0fs", error, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            if update is None:
                if time.monotonic() - asked < 1:  # an empty answer at once: do not spin
                    await asyncio.sleep(1)
                continue
            await self._store(update)

    async def _store(self, update: dict[str, Any]) -> None:
        """Zalo has already forgotten this update: try until the engine has stored it, or until
        it is given up after its second failure (bot.channels.poison)."""
        delay = 1.0
        while True:
            try:
                self.handle_guarded(update)
                return
            except Exception:
                log.exception("zalo: update not stored; trying again in %.0fs", delay)
                await asyncio.sleep(delay)
                delay = min(MAX_STORE_RETRY, delay * 2)

    async def webhook(self, request: web.Request) -> web.Response:
        """Zalo's POST; 200 only after the update is handled and committed."""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("zalo: webhook call without the right secret refused")
            return web.Response(status=401)
        try:
            update = unwrap(await request.json())
        except (ValueError, RecursionError):  # RecursionError: an absurdly deep body
            update = None
        if update is None:
            log.error("zalo: webhook body is not an update")
            return web.Response(status=400)
        try:
            self.handle_guarded(update)
        except Exception:
            log.warning("zalo: update not handled yet")
            return web.Response(status=500)
        # Handled, or given up after its second failure (recorded as failed).
        return web.json_response({"ok": True})

    def handle_guarded(self, update: dict[str, Any]) -> None:
        """handle_update() under the poison-update rule (bot.channels.poison)."""
        guarded(self.db, "zalo", raw_key(update), lambda: self.handle_update(update))

    def handle_update(self, update: dict[str, Any]) -> None:
        """Run one update through the engine (one committed transaction), then wake the sender.

        Raises only when the update could not be recorded; it must then be offered again.
        """
        incoming = to_incoming(update)
        if incoming is None:
            log.debug("zalo: %s ignored", update.get("event_name"))
            return
        self.engine.handle(incoming)
        self.worker.wake()
