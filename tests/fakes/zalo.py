"""A fake Zalo Bot API server: real HTTP on 127.0.0.1, as strict as the documented API.

It serves `POST {base}/bot{token}/{method}` and checks every call the way the docs say Zalo does
(bot/channels/zalo.py lists the sources): known method names only (others get Zalo's
`{"ok": false, "error_code": 404, "description": "Not Found"}`), every documented required field,
string ids, text and captions of 1 to 2000 characters, sendPhoto only with an http(s) URL, which
it really fetches (and refuses if that is not an image), setWebhook with a secret of 8 to 256
characters. Failures are answered the way Zalo answers them: HTTP 200 with `ok: false`. A call
that breaks a rule is also listed in `violations`, which tests assert empty.

getUpdates behaves as measured: one update per call, forgotten once answered, 408 after
`timeout` seconds when there is none, silence while a webhook is set.

Faults can be injected: an error code (429 "Quota exceeded", 5xx, ...) for some calls, the HTML
429 page Zalo's proxy gives, slow answers, a person who blocked the bot.

A test plays people: `person.say("...")`, `person.press("Đồng ý")` (types the number of that
option, as a person reads it on Zalo), `await person.expect(...)`. Their messages are queued for
getUpdates, or POSTed to the bot's webhook when one is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import ClientError, ClientSession, ClientTimeout, web

TOKEN = "2851304972618854321:fake-zalo_TOKEN-for-tests"
BOT_ID = "1459232241454765289"
MAX_TEXT = 2000
METHODS = {
    "getMe",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "sendPhoto",
    "sendSticker",
    "sendChatAction",
}
BLOCKED = (403, "The user has blocked the bot")
_OPTION = re.compile(r"^(\d+)\. (.+)$")
_HINT = re.compile(r"^\(Gõ [0-9, ]+(?: hoặc \d+)?\)$")
_NGINX_PAGE = (
    "<html><head><title>{status} Bad Gateway</title></head><body><center>"
    "<h1>{status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
_NGINX_429 = (
    "<html><head><title>429 Too Many Requests</title></head><body><center>"
    "<h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>"
)

T = TypeVar("T")


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def numbered_options(text: str) -> list[tuple[int, str]]:
    """The options a message offers, as a person reads them: the "N. label" lines just above
    the closing "(Gõ 1, 2 hoặc 3)"."""
    lines = text.splitlines()
    if not lines or not _HINT.match(lines[-1]):
        return []
    found: list[tuple[int, str]] = []
    for line in reversed(lines[:-1]):
        match = _OPTION.match(line)
        if match is None:
            break
        found.append((int(match[1]), match[2]))
    found.reverse()
    return found


@dataclass
class Sent:
    """A message the bot sent: text, or a photo (with its caption, if any)."""

    method: str
    chat_id: str
    message_id: str
    text: str
    at: float
    photo_url: str = ""
    photo: bytes = b""

    @property
    def options(self) -> list[tuple[int, str]]:
        return numbered_options(self.text)

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.options]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    error_code: int  # 0: success
    at: float


@dataclass
class Fault:
    method: str
    code: int = 0  # 0: no error, only the delay
    times: int = 1
    chat_id: str | None = None
    delay: float = 0.0
    description: str = ""
    html: bool = False  # the proxy's HTML page (HTTP `code`, 429 by default) instead of JSON


_DESCRIPTIONS = {
    403: "Internal server error",
    429: "Quota exceeded",
    500: "Internal server error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class FakeZalo:
    token: str = TOKEN
    base: str = ""
    calls: list[Call] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    webhook: dict[str, str] | None = None
    webhook_statuses: list[int] = field(default_factory=list)
    blocked: dict[str, tuple[int, str]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)  # (chat_id, action)
    polling: int = 0  # getUpdates calls waiting right now
    abandoned: int = 0  # requests whose client gave up before the answer
    waiting: Counter[str] = field(default_factory=Counter)  # slowed requests, by method
    started: Counter[str] = field(default_factory=Counter)  # requests received, by method

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._closing = False
        self._chats: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None

    # -- server ---------------------------------------------------------------------------------

    async def start(self) -> FakeZalo:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._endpoint)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        self._client = ClientSession()
        return self

    async def close(self) -> None:
        self._closing = True
        self._new_update.set()  # long polls waiting end now
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _endpoint(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.started[method] += 1
        if request.method != "POST":
            self.violations.append(f"{method}: called with {request.method}, not POST")
        if request.match_info["token"] != self.token:
            return self._answer(method, {}, ApiError(401, "Unauthorized"))
        params = await self._params(request)
        if method not in METHODS:
            self.violations.append(f"{method}: no such method")
            return self._answer(method, params, ApiError(404, "Not Found"))
        fault = self._take_fault(method, params)
        if fault is not None and fault.delay:
            self.waiting[method] += 1
            try:
                await asyncio.sleep(fault.delay)
            finally:
                self.waiting[method] -= 1
            if request.transport is None or request.transport.is_closing():
                # The client gave up waiting: as with a request lost on the way, nothing happens.
                self.abandoned += 1
                return web.Response(status=499)
        if fault is not None and fault.html:
            status = fault.code or 429
            self.calls.append(Call(method, params, status, time.monotonic()))
            page = _NGINX_429 if status == 429 else _NGINX_PAGE.format(status=status)
            return web.Response(status=status, text=page, content_type="text/html")
        if fault is not None and fault.code:
            description = fault.description or _DESCRIPTIONS.get(fault.code, "Error")
            return self._answer(method, params, ApiError(fault.code, description))
        try:
            result = await getattr(self, f"_m_{method}")(params)
        except ApiError as error:
            return self._answer(method, params, error)
        return self._answer(method, params, result)

    def _answer(self, method: str, params: dict[str, Any], result: Any) -> web.Response:
        # Zalo answers errors with HTTP 200 too: the body's `ok` tells.
        if isinstance(result, ApiError):
            if result.code == 400:
                self.violations.append(f"{method}: {result.description}")
            self.calls.append(Call(method, params, result.code, time.monotonic()))
            body = {"ok": False, "error_code": result.code, "description": result.description}
            return web.json_response(body)
        self.calls.append(Call(method, params, 0, time.monotonic()))
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                self.violations.append("body is not a JSON object")
                return {}
            return body
        form = await request.post()
        return {key: str(value) for key, value in form.items()}

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.method != method or fault.times <= 0:
                continue
            if fault.chat_id is not None and fault.chat_id != params.get("chat_id"):
                continue
            fault.times -= 1
            return fault
        return None

    # -- injecting faults -----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        code: int,
        *,
        times: int = 1,
        chat_id: str | None = None,
        description: str = "",
        html: bool = False,
    ) -> Fault:
        fault = Fault(method, code, times, chat_id, description=description, html=html)
        self.faults.append(fault)
        return fault

    def slow(
        self, method: str, seconds: float, *, times: int = 1, chat_id: str | None = None
    ) -> Fault:
        fault = Fault(method, 0, times, chat_id, delay=seconds)
        self.faults.append(fault)
        return fault

    def block(self, chat_id: str, answer: tuple[int, str] = BLOCKED) -> None:
        """The person blocked the bot: every message to them fails with `answer` from now on.
        Zalo documents no code for this; tests try the plausible answers."""
        self.blocked[chat_id] = answer

    # -- Bot API methods ------------------------------------------------------------------------

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return {
            "id": BOT_ID,
            "account_name": "bot.HocVuSo",
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        raw = params.get("timeout", 30)
        try:
            timeout = float(raw)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad request: timeout must be a number of seconds") from None
        if self.webhook is not None:
            self.violations.append("getUpdates while a webhook is set (Zalo stays silent)")
        deadline = time.monotonic() + timeout
        self.polling += 1
        try:
            while self.webhook is not None or not self._updates:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    raise ApiError(408, "Request timeout")
                self._new_update.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), remaining)
            return self._updates.pop(0)  # handed out once: Zalo forgets it now
        finally:
            self.polling -= 1

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("https://", "http://127.0.0.1")):
            raise ApiError(400, "Bad request: url must be an HTTPS URL")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise ApiError(400, "Bad request: secret_token must have 8 to 256 characters")
        self.webhook = {"url": url, "secret": secret}
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        self._new_update.set()  # a poll waiting in silence may now be answered
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "updated_at": int(time.time() * 1000)}

    def _chat(self, params: dict[str, Any]) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise ApiError(400, "Bad request: The chat_id must not be empty")
        if chat_id not in self._chats:
            raise ApiError(400, f"Bad request: unknown chat_id {chat_id}")
        if chat_id in self.blocked:
            code, description = self.blocked[chat_id]
            raise ApiError(code, description)
        return chat_id

    @staticmethod
    def _text(params: dict[str, Any], key: str, *, required: bool) -> str:
        value = params.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not 1 <= utf16_len(value) <= MAX_TEXT:
            raise ApiError(400, f"Bad request: {key} must have 1 to {MAX_TEXT} characters")
        return value

    def _record(self, method: str, chat_id: str, text: str, **photo: Any) -> dict[str, Any]:
        message_id = secrets.token_hex(10)
        self.sent.append(Sent(method, chat_id, message_id, text, time.monotonic(), **photo))
        return {"message_id": message_id, "date": int(time.time() * 1000)}

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        text = self._text(params, "text", required=True)
        if "reply_markup" in params or "parse_mode" in params:
            self.violations.append("sendMessage: reply_markup/parse_mode are not in the docs")
        return self._record("sendMessage", chat_id, text)

    async def _m_sendPhoto(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        caption = self._text(params, "caption", required=False)
        url = params.get("photo")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad request: The photo must start with http:// or https://")
        data = await self._fetch(url)
        if not data.startswith(_IMAGE_MAGIC):
            raise ApiError(400, "Bad request: The photo URL is invalid")
        return self._record("sendPhoto", chat_id, caption, photo_url=url, photo=data)

    async def _fetch(self, url: str) -> bytes:
        """Zalo fetches the photo from the URL it was given."""
        assert self._client is not None
        try:
            async with self._client.get(url, timeout=ClientTimeout(total=10)) as response:
                return await response.read() if response.status == 200 else b""
        except (ClientError, TimeoutError):
            return b""

    async def _m_sendSticker(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        if not isinstance(params.get("sticker"), str):
            raise ApiError(400, "Bad request: The sticker must not be empty")
        return self._record("sendSticker", chat_id, "")

    async def _m_sendChatAction(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        action = params.get("action")
        if action not in ("typing", "upload_photo"):
            raise ApiError(400, f"Bad request: unknown action {action!r}")
        self.actions.append((chat_id, action))
        return True

    # -- people ---------------------------------------------------------------------------------

    def person(self, name: str = "Tư", user_id: str | None = None) -> Person:
        user_id = user_id or secrets.token_hex(10)  # Zalo ids are hex-like strings
        self._chats.add(user_id)
        return Person(self, user_id, name)

    async def deliver(
        self, update: dict[str, Any], *, secret: str | None = None, wrapped: bool = True
    ) -> int:
        """Give the bot an update: POST it to the webhook (the status is returned), or queue it
        for getUpdates (200)."""
        if self.webhook is None:
            self._updates.append(update)
            self._new_update.set()
            return 200
        assert self._client is not None
        headers = {"Content-Type": "application/json"}
        token = self.webhook["secret"] if secret is None else secret
        if token:
            headers["X-Bot-Api-Secret-Token"] = token
        body = {"ok": True, "result": update} if wrapped else update
        async with self._client.post(
            self.webhook["url"], data=json.dumps(body), headers=headers
        ) as response:
            self.webhook_statuses.append(response.status)
            return response.status

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    def to(self, chat_id: str) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    def attempts(self, method: str, chat_id: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.params.get("chat_id") == chat_id]

    def transcript(self, last: int = 12) -> str:
        lines = [f"  [{s.chat_id[:6]}] {s.text[:90]!r} {s.labels}" for s in self.sent[-last:]]
        return "\n".join(lines) or "  (nothing sent)"

    async def wait_for(
        self, predicate: Callable[[], T | None], *, what: str, timeout: float = 10.0
    ) -> T:
        """Poll until `predicate()` is truthy; fail naming `what` and the last messages sent."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"waited {timeout}s for {what}; last messages sent:\n{self.transcript()}"
                )
            await asyncio.sleep(0.01)


@dataclass
class Person:
    """Someone chatting with the bot one to one (on Zalo the chat id is the user id).

    Same interface as the fake Telegram's person, so the same scripted conversations
    (tests/telegram_helpers.py) run on both platforms; `press` types the option's number.
    """

    fake: FakeZalo
    user_id: str
    name: str
    mark: int = 0  # messages the bot had sent this person before their last action
    last_update: dict[str, Any] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)  # every text this person typed
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def inbox(self) -> list[Sent]:
        return self.fake.to(self.user_id)

    def update(self, event: str, **content: Any) -> dict[str, Any]:
        """An update as Zalo sends it (the webhook's shape: `from.display_name`)."""
        return {
            "event_name": event,
            "message": {
                "from": {"id": self.user_id, "display_name": self.name, "is_bot": False},
                "chat": {"id": self.user_id, "chat_type": "PRIVATE"},
                "message_id": f"{secrets.token_hex(8)}{next(self._counter):04x}",
                "date": int(time.time() * 1000),
                **content,
            },
        }

    async def act(self, update: dict[str, Any], *, secret: str | None = None) -> int:
        self.mark = len(self.inbox)
        self.last_update = update
        return await self.fake.deliver(update, secret=secret)

    async def say(self, text: str, *, secret: str | None = None) -> int:
        self.said.append(text)
        return await self.act(self.update("message.text.received", text=text), secret=secret)

    async def send_sticker(self) -> int:
        return await self.act(
            self.update(
                "message.sticker.received",
                sticker="0e078a2fb66a5f34067b",
                url="https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1",
            )
        )

    async def send_image(self) -> int:
        return await self.act(
            self.update("message.image.received", photo_url="https://photo.zdn.vn/x.jpg")
        )

    def find_option(self, label: str, *, since: int | None = None) -> tuple[Sent, int] | None:
        """The newest message (since `since`) offering an option with this label."""
        for sent in reversed(self.inbox[self.mark if since is None else since :]):
            for number, text in sent.options:
                if text == label:
                    return sent, number
        return None

    async def press(self, label: str, *, timeout: float = 10.0) -> int:
        """Choose an option shown since the last action by typing its number."""
        _, number = await self.fake.wait_for(
            lambda: self.find_option(label),
            what=f"an option {label!r} for {self.name}",
            timeout=timeout,
        )
        return await self.say(str(number))

    async def expect(self, fragment: str, *, timeout: float = 10.0) -> Sent:
        """The first message since the last action whose text contains `fragment`."""

        def found() -> Sent | None:
            return next((s for s in self.inbox[self.mark :] if fragment in s.text), None)

        return await self.fake.wait_for(found, what=f"{fragment!r} to {self.name}", timeout=timeout)
