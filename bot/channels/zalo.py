"""Zalo, as data: updates become `Incoming`, `Reply`s become Zalo Bot API messages.

Nothing here does I/O. `zalo_runner` polls or takes webhooks and drives the engine;
`bot.delivery.zalo` sends what `render` makes; `zalo_api` is the HTTP client.

This is the Zalo Bot Platform (bots made with "Zalo Bot Creator" and managed in "Zalo Bot
Manager", one token, a Telegram-like HTTP API), not the Official Account API. What the adapter
relies on, and where it was confirmed (../shared/ZALO_API.md keeps the full table):

- `POST {base}/bot{token}/{method}`, JSON body; success `{"ok": true, "result": ...}`, failure
  `{"ok": false, "error_code", "description"}` with HTTP 200. [C] "Base URL" and every sample;
  [OC] api.ts `callZaloApi`; [M] zalo-bot-api-client.ts.
- Methods used: getMe, getUpdates {timeout (String, seconds)}, setWebhook {url, secret_token
  (8-256 characters), both required}, deleteWebhook, sendMessage {chat_id, text 1-2000},
  sendPhoto {chat_id, photo (an http(s) URL Zalo fetches), caption 1-2000 optional},
  sendChatAction {chat_id, action "typing"}. [C] each method's table; [SDK] `_bot.py`
  (send_photo, set_webhook, send_chat_action); [OC] api.ts. There is no reply_markup, no button,
  no file upload: sendPhoto refuses multipart and data URIs ([M] client.ts, measured).
- getUpdates returns ONE update (not a list), has no offset and forgets the update once it has
  answered; with nothing to give it answers `error_code` 408 after `timeout` seconds, which is
  the normal idle answer. [C] sample; [OC] api.ts "Zalo returns a single update per call" and
  monitor.ts `isPollingTimeout`; [M] client.ts (5/10/30 s measured). It stays silent while a
  webhook is set: deleteWebhook first. [C] "Nhận tin nhắn".
- Webhook: Zalo POSTs one update per request with the secret in `X-Bot-Api-Secret-Token`; the
  docs wrap it as `{"ok": true, "result": {...}}`, OpenClaw also sees it unwrapped, so both are
  accepted. [C] setWebhook; [OC] monitor.webhook.ts. How often Zalo re-sends a webhook call that
  failed is not documented; a repeat is recognised by the message id.
- Update: `{"event_name": "message.text.received", "message": {"from": {"id", "display_name" or
  "first_name", "is_bot"}, "chat": {"id", "chat_type": "PRIVATE"|"GROUP"}, "text",
  "message_id", "date"}}`; ids are strings, `date` is in milliseconds. Other events:
  message.image/.sticker/.voice/.unsupported.received (a person sent something that is not
  text: a short polite answer), message.link.received (text), message.reaction.received (not
  a message: ignored). [C] samples; [OC] api.ts `ZaloUpdate`, monitor.ts `processUpdate`;
  [SDK] `_message.py`. Groups are a beta ("internal testing"): the assistant talks one to one.
- Error codes (docs' error_code page, as scraped by GoClaw): 400 bad request, 401 token invalid,
  403 "internal server error" (sic), 404 not found, 408 request timeout, 429 quota exceeded.
  No retry-after and no code for "the person blocked the bot" are published. [GC]
- Rate limits: none published; 10 sendMessage to one chat in 416 ms went through [M]. The
  sender therefore keeps to Telegram's figures (bot.delivery.zalo).

Sources:
[C]   verbatim copy of the official docs (https://bot.zaloplatforms.com/docs/build-your-bot/),
      "Cập nhật lần cuối: 10/12/2025": https://github.com/XuanNguyenNB/QuanLyThuChi_Bot_Telegram_Zalom/blob/bd4d9ab72dab7810808d291b2961b5861d4a2946/docs/ZALO_BOT_API.md
[SDK] official Python SDK python-zalo-bot 0.1.9 (PyPI), zalo_bot/_bot.py and constants.py.
[OC]  OpenClaw's Zalo extension: https://github.com/openclaw/openclaw/blob/main/extensions/zalo/src/api.ts,
      monitor.ts, monitor.webhook.ts.
[M]   live measurements: https://github.com/vuhai2002/zalo-agent/blob/main/src/zalo-bot/zalo-bot-api-client.ts
      and nang-luc-kenh-bot.ts.
[GC]  https://github.com/nextlevelbuilder/goclaw/blob/main/internal/channels/zalo/bot/errors.go
      (from https://bot.zapps.me/docs/error-code/).

Choices worth knowing:
- Zalo has no buttons: options are numbered lines (`render_numbered`, the console's rendering);
  the engine maps a typed "2" or the option's words back to the button.
- Text is sent plain (no parse_mode), split at 2000 characters on paragraph boundaries
  (`split_text`, shared with Telegram).
- An image (a certificate) goes first, as a photo Zalo fetches from an unguessable URL on this
  server; with no public URL configured the reply goes as text, which names the certificate's
  verification code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.channels import clean
from bot.channels.textual import render_numbered, split_text
from bot.engine.texts import Texts
from bot.engine.types import Incoming, Reply

CHANNEL = "zalo"
MAX_TEXT = 2000
TEXT_EVENTS = frozenset({"message.text.received", "message.link.received"})
# Events that are not someone sending a message: nothing to answer.
NOT_MESSAGES = frozenset({"message.reaction.received"})


# -- updates → Incoming -----------------------------------------------------------------------


def unwrap(body: Any) -> dict[str, Any] | None:
    """The update in a webhook body: `{"ok": true, "result": update}` (the docs) or the update
    itself (seen by other clients); None when it is neither."""
    if not isinstance(body, dict):
        return None
    if body.get("ok") is True and isinstance(body.get("result"), dict):
        body = body["result"]
    return body if is_update(body) else None


def is_update(value: Any) -> bool:
    """An update names its event, or at least carries a message (the docs' getUpdates sample
    has no event_name; the official SDK reads only the message)."""
    return isinstance(value, dict) and (
        isinstance(value.get("event_name"), str) or isinstance(value.get("message"), dict)
    )


def to_incoming(update: dict[str, Any]) -> Incoming | None:
    """The engine's view of an update, or None when it is not a person writing to the bot."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    event = update.get("event_name") or (
        "message.text.received" if isinstance(message.get("text"), str) else "message.received"
    )
    if event in NOT_MESSAGES or not str(event).startswith("message."):
        return None
    chat = _mapping(message.get("chat"))
    person = _mapping(message.get("from"))
    chat_id, user_id = _id(chat.get("id")), _id(person.get("id"))
    message_id = _id(message.get("message_id"))
    if not chat_id or not user_id or not message_id or person.get("is_bot"):
        return None
    if str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE":
        return None
    text = message.get("text")
    is_text = event in TEXT_EVENTS and isinstance(text, str) and bool(text.strip())
    found = Incoming(
        channel=CHANNEL,
        chat_id=chat_id,
        user_id=user_id,
        # Zalo has no update id; the message id names one message for good, so a webhook call
        # or a poll answer delivered twice is recognised by the engine.
        update_id=f"m:{chat_id}:{message_id}",
        text=text if is_text else None,
        kind="text" if is_text else "other",
        at=_seconds(message.get("date")),
    )
    return clean.incoming(found)  # whatever a person sends can be stored (bot.channels.clean)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _id(value: Any) -> str:
    """Ids are strings; a number is taken as one too, anything else as missing."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return clean.safe_id(str(value).strip())  # "" when nothing storable is left


def _seconds(date: Any) -> float:
    """Zalo's `date` is in milliseconds since the epoch."""
    if isinstance(date, int | float) and not isinstance(date, bool) and date > 0:
        return float(date) / 1000
    return time.time()


# -- replies → Bot API messages ---------------------------------------------------------------


@dataclass(frozen=True)
class TextPart:
    chat_id: str
    text: str


@dataclass(frozen=True)
class PhotoPart:
    chat_id: str
    url: str


Outgoing = TextPart | PhotoPart


def render(reply: Reply, chat_id: str, texts: Texts, photo_url: str | None) -> list[Outgoing]:
    """The messages one reply becomes, in order: its photo (when it has a public URL), then its
    text with the options numbered, cut into parts of at most 2000 characters."""
    parts: list[Outgoing] = []
    if reply.image and photo_url:
        parts.append(PhotoPart(chat_id, photo_url))
    parts.extend(
        TextPart(chat_id, part) for part in split_text(render_numbered(reply, texts), MAX_TEXT)
    )
    return parts
