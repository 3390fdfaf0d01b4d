"""A fake Telegram Bot API server: real HTTP on 127.0.0.1, as strict as the real one about limits.

It implements the methods the bot calls, at `{base}/bot{token}/{method}`, and checks every call
the way Telegram does: text ≤ 4096 and captions ≤ 1024 characters after entity parsing, HTML
that parses (only Telegram's tags, every <, > and & escaped), inline keyboards of the right shape
with callback data of 1–64 bytes, known chats, callback queries answered once. A call that breaks
a rule gets Telegram's 400 answer and is also listed in `violations`, which tests assert empty.

Faults can be injected: 429 with retry_after, 500, slow answers, 403 for a chat that blocked the
bot. Calling a chat again before its retry_after has passed is a violation.

A test plays people: `person.say("...")`, `person.press("Đồng ý")`, `await person.expect(...)`.
Their updates are queued for getUpdates, or POSTed to the bot's webhook when one is set.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import ClientSession, web

TOKEN = "123456:TEST-fake-token_for-tests"
BOT_ID = 123456
BOT_USERNAME = "hocvuso_test_bot"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

T = TypeVar("T")

_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_HTML_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z-]*)([^<>]*)>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[<>&]"
)
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_BUTTON_ACTIONS = {
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
_JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "entities"}


class ApiError(Exception):
    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def tg_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The visible text of an HTML-formatted message, or ApiError as Telegram answers."""
    visible: list[str] = []
    stack: list[str] = []
    position = 0
    for match in _HTML_TOKEN.finditer(text):
        visible.append(text[position : match.start()])
        position = match.end()
        closing, tag, _attrs, entity = (
            match.group(1),
            match.group(2),
            match.group(3),
            match.group(4),
        )
        if tag is not None:
            name = tag.lower()
            if name not in _TAGS:
                raise ApiError(400, f"Bad Request: can't parse entities: unsupported tag <{name}>")
            if closing:
                if not stack or stack[-1] != name:
                    raise ApiError(400, f"Bad Request: can't parse entities: unexpected </{name}>")
                stack.pop()
            else:
                stack.append(name)
        elif entity is not None:
            if entity.startswith("#"):
                code = int(entity[2:], 16) if entity[1:2] in ("x", "X") else int(entity[1:])
                visible.append(chr(code))
            elif entity in _NAMED_ENTITIES:
                visible.append(_NAMED_ENTITIES[entity])
            else:
                raise ApiError(400, f"Bad Request: can't parse entities: unknown &{entity};")
        else:
            raise ApiError(400, f"Bad Request: can't parse entities: unescaped {match.group(0)!r}")
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: <{stack[-1]}> is not closed")
    visible.append(text[position:])
    return "".join(visible)


def check_markup(markup: Any) -> list[list[tuple[str, str]]]:
    """An inline keyboard as [(label, callback_data)] rows; ApiError if it is malformed."""
    if not isinstance(markup, dict) or set(markup) != {"inline_keyboard"}:
        raise ApiError(400, "Bad Request: unsupported reply_markup (an inline keyboard expected)")
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) and row for row in rows):
        raise ApiError(400, "Bad Request: inline keyboard must be an array of non-empty arrays")
    result = []
    for row in rows:
        labels = []
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(400, "Bad Request: inline keyboard button must have text")
            if not button["text"].strip():
                raise ApiError(400, "Bad Request: inline keyboard button text is empty")
            actions = set(button) & _BUTTON_ACTIONS
            if len(actions) != 1 or set(button) - _BUTTON_ACTIONS - {"text"}:
                raise ApiError(400, "Bad Request: inline keyboard button needs exactly one action")
            data = button.get("callback_data", "")
            if "callback_data" in button and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            labels.append((button["text"], data))
        result.append(labels)
    if sum(len(row) for row in result) > 100:
        raise ApiError(400, "Bad Request: too many inline keyboard buttons")
    return result


@dataclass
class Sent:
    """A message the bot sent; `buttons` follows later edits of its keyboard."""

    method: str
    chat_id: int
    message_id: int
    text: str  # visible text (the caption of a photo)
    html: str
    buttons: list[list[tuple[str, str]]]
    at: float
    photo_bytes: int = 0

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass
class Fault:
    method: str
    status: int = 0  # 0: no error, only the delay
    times: int = 1
    chat_id: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    description: str = ""
    # Not the Bot API's JSON: "html" a proxy's error page, "garbage" a body no one can read.
    body: str = ""


@dataclass
class FakeTelegram:
    token: str = TOKEN
    username: str = BOT_USERNAME
    base: str = ""
    calls: list[Call] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    commands: list[dict[str, str]] = field(default_factory=list)
    webhook: dict[str, Any] | None = None
    webhook_statuses: list[int] = field(default_factory=list)
    queries: dict[str, bool] = field(default_factory=dict)  # callback query id → answered
    blocked: set[int] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    polling: int = 0  # getUpdates calls waiting right now
    abandoned: int = 0  # requests whose client gave up before the answer
    waiting: Counter[str] = field(default_factory=Counter)  # slowed requests, by method
    started: Counter[str] = field(default_factory=Counter)  # requests received, by method

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(10_000)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], Sent] = {}
        self._retry_until: dict[int, float] = {}
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None

    # -- server ---------------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._endpoint)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        self._client = ClientSession()
        return self

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _endpoint(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.started[method] += 1
        if request.match_info["token"] != self.token:
            return self._answer(method, {}, ApiError(401, "Unauthorized"))
        params, files = await self._params(request)
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
        if fault is not None and fault.body:
            self.calls.append(Call(method, params, fault.status, time.monotonic()))
            if fault.body == "html":
                page = f"<html><body><h1>{fault.status} Bad Gateway</h1><hr>nginx</body></html>"
                return web.Response(status=fault.status, text=page, content_type="text/html")
            return web.Response(status=fault.status, text='{"ok": tru', content_type="text/plain")
        if fault is not None and fault.status:
            parameters = {"retry_after": fault.retry_after} if fault.retry_after else {}
            if fault.retry_after:
                chat = params.get("chat_id")
                if chat is not None:
                    self._retry_until[int(chat)] = time.monotonic() + fault.retry_after
            error = ApiError(
                fault.status, fault.description or _DESCRIPTIONS[fault.status], **parameters
            )
            return self._answer(method, params, error)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return self._answer(method, params, ApiError(404, "Not Found"))
        try:
            result = await handler(params, files)
        except ApiError as error:
            return self._answer(method, params, error)
        return self._answer(method, params, result)

    def _answer(self, method: str, params: dict[str, Any], result: Any) -> web.Response:
        if isinstance(result, ApiError):
            if result.status == 400:
                self.violations.append(f"{method}: {result.description}")
            self.calls.append(Call(method, params, result.status, time.monotonic()))
            body: dict[str, Any] = {
                "ok": False,
                "error_code": result.status,
                "description": result.description,
            }
            if result.parameters:
                body["parameters"] = result.parameters
            return web.json_response(body, status=result.status)
        self.calls.append(Call(method, params, 200, time.monotonic()))
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                else:
                    params[key] = json.loads(value) if key in _JSON_FIELDS else value
        else:
            params = dict(request.query)
        return params, files

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        chat = params.get("chat_id")
        for fault in self.faults:
            if fault.method.lower() != method.lower() or fault.times <= 0:
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(chat):
                continue
            fault.times -= 1
            return fault
        return None

    # -- injecting faults -----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        chat_id: int | None = None,
        retry_after: int | None = None,
        body: str = "",
    ) -> Fault:
        fault = Fault(method, status, times, chat_id, retry_after, body=body)
        self.faults.append(fault)
        return fault

    def slow(
        self, method: str, seconds: float, *, times: int = 1, chat_id: int | None = None
    ) -> Fault:
        fault = Fault(method, 0, times, chat_id, delay=seconds)
        self.faults.append(fault)
        return fault

    def block(self, chat_id: int) -> None:
        """The person blocked the bot: every message to them gets 403 from now on."""
        self.blocked.add(chat_id)

    # -- Bot API methods ------------------------------------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Trợ lý học vụ số",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getme(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self._bot_user()

    async def _m_setmycommands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or not 1 <= len(commands) <= 100:
            raise ApiError(400, "Bad Request: commands must be a non-empty list of ≤ 100")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise ApiError(400, f"Bad Request: BOT_COMMAND_INVALID {command!r}")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, f"Bad Request: BOT_COMMAND_DESCRIPTION_INVALID {command!r}")
        self.commands = commands
        return True

    async def _m_setwebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        url = params.get("url", "")
        secret = params.get("secret_token")
        if not url.startswith(("http://127.0.0.1", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: an HTTPS URL must be provided")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {
            "url": url,
            "secret": secret,
            "allowed_updates": params.get("allowed_updates"),
        }
        return True

    async def _m_deletewebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = None
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def _m_getupdates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset", 0) or 0)
        if offset:
            # Telegram forgets every update below the offset: they are confirmed.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout", 0) or 0)
        if not self._updates and timeout > 0:
            self._new_update.clear()
            self.polling += 1
            try:
                await asyncio.wait_for(self._new_update.wait(), timeout)
            except TimeoutError:
                pass
            finally:
                self.polling -= 1
        limit = int(params.get("limit", 100) or 100)
        return self._updates[:limit]

    def _chat(self, params: dict[str, Any]) -> int:
        try:
            chat_id = int(params["chat_id"])
        except (KeyError, ValueError):
            raise ApiError(400, "Bad Request: chat_id is empty or invalid") from None
        if chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        until = self._retry_until.get(chat_id)
        if until is not None and time.monotonic() < until:
            self.violations.append(f"chat {chat_id} called {until - time.monotonic():.2f}s early")
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        return chat_id

    def _record(
        self,
        method: str,
        chat_id: int,
        html: str,
        text: str,
        params: dict[str, Any],
        photo_bytes: int = 0,
    ) -> dict[str, Any]:
        markup = params.get("reply_markup")
        buttons = check_markup(markup) if markup else []
        message_id = next(self._message_ids)
        sent = Sent(method, chat_id, message_id, text, html, buttons, time.monotonic(), photo_bytes)
        self.sent.append(sent)
        self._messages[(chat_id, message_id)] = sent
        return self._message_json(sent)

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": self._chats[sent.chat_id],
            "from": self._bot_user(),
        }
        if sent.method == "sendPhoto":
            body["photo"] = [
                {
                    "file_id": f"p{sent.message_id}",
                    "file_unique_id": f"u{sent.message_id}",
                    "width": 800,
                    "height": 600,
                }
            ]
            if sent.text:
                body["caption"] = sent.text
        else:
            body["text"] = sent.text
        if sent.buttons:
            body["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": label, "callback_data": data} for label, data in row]
                    for row in sent.buttons
                ]
            }
        return body

    def _visible(
        self, params: dict[str, Any], key: str, limit: int, required: bool
    ) -> tuple[str, str]:
        raw = params.get(key)
        if raw is None or raw == "":
            if required:
                raise ApiError(400, "Bad Request: message text is empty")
            return "", ""
        html = str(raw)
        if str(params.get("parse_mode", "")).upper() != "HTML":
            self.violations.append("sent without parse_mode=HTML")
            text = html
        else:
            text = parse_html(html)
        if required and not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if tg_len(text) > limit:
            what = "message is too long" if key == "text" else "message caption is too long"
            raise ApiError(400, f"Bad Request: {what}")
        return html, text

    async def _m_sendmessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat_id = self._chat(params)
        html, text = self._visible(params, "text", MAX_TEXT, required=True)
        return self._record("sendMessage", chat_id, html, text, params)

    async def _m_sendphoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat_id = self._chat(params)
        html, caption = self._visible(params, "caption", MAX_CAPTION, required=False)
        photo = str(params.get("photo", ""))
        data = (
            files.get(photo.removeprefix("attach://"), b"")
            if photo.startswith("attach://")
            else b""
        )
        if not data:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        if len(data) > 10 * 1024 * 1024:
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        return self._record("sendPhoto", chat_id, html, caption, params, photo_bytes=len(data))

    async def _m_sendchataction(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self._chat(params)
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        if self.queries.get(query_id) is not False:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: callback answer text is too long")
        self.queries[query_id] = True
        return True

    async def _m_editmessagereplymarkup(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> Any:
        chat_id = self._chat(params)
        sent = self._messages.get((chat_id, int(params.get("message_id", 0))))
        if sent is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        buttons = check_markup(markup) if markup else []
        if buttons == sent.buttons:
            raise ApiError(400, "Bad Request: message is not modified")
        sent.buttons = buttons
        return self._message_json(sent)

    # -- people ---------------------------------------------------------------------------------

    def person(self, user_id: int, first_name: str = "Tư") -> Person:
        self._chats[user_id] = {"id": user_id, "type": "private", "first_name": first_name}
        return Person(self, user_id, first_name)

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def new_query_id(self) -> str:
        query_id = f"q{next(self._query_ids)}"
        self.queries[query_id] = False
        return query_id

    async def deliver(self, update: dict[str, Any], *, secret: str | None = None) -> int:
        """Give the bot an update: POST it to the webhook (the status is returned), or queue it."""
        if self.webhook is None:
            self._updates.append(update)
            self._new_update.set()
            return 200
        assert self._client is not None
        headers = {"Content-Type": "application/json"}
        token = self.webhook["secret"] if secret is None else secret
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        async with self._client.post(
            self.webhook["url"], data=json.dumps(update), headers=headers
        ) as response:
            self.webhook_statuses.append(response.status)
            return response.status

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    def message(self, chat_id: int, message_id: int) -> Sent:
        return self._messages[(chat_id, message_id)]

    def message_json(self, sent: Sent) -> dict[str, Any]:
        return self._message_json(sent)

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    def attempts(self, method: str, chat_id: int) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method and str(c.params.get("chat_id")) == str(chat_id)
        ]

    def transcript(self, last: int = 12) -> str:
        lines = [f"  [{s.chat_id}] {s.text[:90]!r} {s.labels}" for s in self.sent[-last:]]
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


_DESCRIPTIONS = {
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry later",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Person:
    """Someone chatting with the bot in a private chat (chat id = user id)."""

    fake: FakeTelegram
    user_id: int
    first_name: str
    mark: int = 0  # messages the bot had sent this person before their last action
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def inbox(self) -> list[Sent]:
        return self.fake.to(self.user_id)

    def _from(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "vi",
        }

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "update_id": self.fake.next_update_id(),
            "message": {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
                "from": self._from(),
                **content,
            },
        }

    async def _act(self, update: dict[str, Any], *, secret: str | None = None) -> int:
        self.mark = len(self.inbox)
        return await self.fake.deliver(update, secret=secret)

    async def say(self, text: str, *, secret: str | None = None) -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._act(self._message(**content), secret=secret)

    async def send(self, **content: Any) -> int:
        """Anything but text: sticker={...}, location={...}, contact={...}, photo=[...]."""
        return await self._act(self._message(**content))

    def find_button(self, label: str, *, since: int | None = None) -> tuple[Sent, str] | None:
        """The newest message (since `since`) still showing a button with this label."""
        for sent in reversed(self.inbox[self.mark if since is None else since :]):
            for row in sent.buttons:
                for text, data in row:
                    if text == label:
                        return sent, data
        return None

    async def press(self, label: str, *, timeout: float = 10.0) -> int:
        """Press a button shown since the last action (waiting for it to arrive)."""
        sent, data = await self.fake.wait_for(
            lambda: self.find_button(label),
            what=f"a button {label!r} for {self.first_name}",
            timeout=timeout,
        )
        return await self.press_on(sent, data)

    async def press_on(self, sent: Sent, data: str) -> int:
        update = {
            "update_id": self.fake.next_update_id(),
            "callback_query": {
                "id": self.fake.new_query_id(),
                "from": self._from(),
                "message": self.fake.message_json(sent),
                "chat_instance": f"ci{self.user_id}",
                "data": data,
            },
        }
        return await self._act(update)

    async def expect(self, fragment: str, *, timeout: float = 10.0) -> Sent:
        """The first message since the last action whose text contains `fragment`."""

        def found() -> Sent | None:
            return next((s for s in self.inbox[self.mark :] if fragment in s.text), None)

        return await self.fake.wait_for(
            found, what=f"{fragment!r} to {self.first_name}", timeout=timeout
        )
