"""A small client for the Zalo Bot Platform HTTP API (what is known of it: bot/channels/zalo.py).

Every call is `POST {ZALO_API_BASE}/bot{token}/{method}` with a JSON body. Zalo answers failures
with HTTP 200 and `{"ok": false, "error_code": ..., "description": ...}`, and a proxy in front of
it may answer with an HTML page (429 when polled too fast): the body decides, not the status.

The token is part of every URL, so no URL is ever logged or put into an error message.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from bot.channels.zalo import is_update

# The idle answer of getUpdates: nothing arrived within `timeout` seconds.
POLL_IDLE = 408
# A photo call waits while Zalo fetches the image from our server.
PHOTO_TIMEOUT = 45.0


class ZaloError(Exception):
    """A call that did not succeed.

    `code` is Zalo's `error_code` (HTTP-status-shaped: 400, 401, 403, 404, 408, 429, 5xx), the
    HTTP status of an answer that is not Zalo's JSON (`from_zalo` is then False: a proxy's error
    page, or a wrong ZALO_API_BASE), or None when no answer came at all (network failure,
    timeout).
    """

    def __init__(
        self, method: str, code: int | None, description: str, *, from_zalo: bool = True
    ) -> None:
        super().__init__(f"{method}: {code if code is not None else 'no answer'} {description}")
        self.method = method
        self.code = code
        self.description = description
        self.from_zalo = from_zalo and code is not None


class ZaloApi:
    def __init__(self, token: str, base: str, *, request_timeout: float = 20.0) -> None:
        self._token = token
        self.base = base.rstrip("/")
        self.request_timeout = request_timeout
        self._session: aiohttp.ClientSession | None = None

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        """The `result` of one call, or ZaloError."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        url = f"{self.base}/bot{self._token}/{method}"
        try:
            async with self._session.post(
                url,
                json=params or {},
                timeout=aiohttp.ClientTimeout(total=timeout or self.request_timeout),
            ) as response:
                status = response.status
                raw = await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            # The exception's text may hold the URL, and with it the token: only its kind.
            raise ZaloError(method, None, type(error).__name__, from_zalo=False) from None
        try:
            body = json.loads(raw)
        except ValueError:
            raise ZaloError(
                method, status, f"HTTP {status}, not a JSON answer", from_zalo=False
            ) from None
        if not isinstance(body, dict):
            raise ZaloError(method, status, f"HTTP {status}, not a JSON object", from_zalo=False)
        if body.get("ok") is not True:
            raise ZaloError(method, _code(body.get("error_code"), status), _text(body, status))
        return body.get("result")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    # -- the methods the assistant uses ---------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_update(self, timeout: int) -> dict[str, Any] | None:
        """Long polling: one update (Zalo hands out one per call and then forgets it), or None
        when nothing arrived within `timeout` seconds."""
        try:
            # The docs type `timeout` as a String.
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + self.request_timeout
            )
        except ZaloError as error:
            if error.code == POLL_IDLE:
                return None
            raise
        return result if is_update(result) else None

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def send_message(self, chat_id: str, text: str) -> None:
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> None:
        params = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        await self.call("sendPhoto", params, timeout=PHOTO_TIMEOUT)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})


def _code(value: Any, status: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return status if status != 200 else 0


def _text(body: dict[str, Any], status: int) -> str:
    description = body.get("description")
    return str(description)[:300] if description else f"HTTP {status}"
