"""Telegram, as data: updates become `Incoming`, `Reply`s become Bot API calls (aiogram methods).

Nothing here does I/O. `telegram_runner` polls or takes webhooks and drives the engine;
`bot.delivery.telegram` sends what `render` makes.

Choices worth knowing:
- Reply text is plain text; it is escaped here for HTML parse mode, so whatever a person typed
  (a name like "<Tư>") is shown as typed.
- A reply longer than a message allows is split at paragraph boundaries (then lines, then words);
  buttons go under the last part. An image goes first, as a photo with as much of the text as
  fits a caption.
- Updates the assistant does not converse through are dropped here (None): edited messages (a
  fixed typo should not answer a question twice; Telegram is not even asked to send them),
  channel posts, service messages, and group messages not addressed to the bot.
"""

from __future__ import annotations

import html
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

from aiogram.enums import ParseMode
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage, SendPhoto
from aiogram.types import (
    BotCommand,
    CallbackQuery,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)

from bot.channels import clean
from bot.channels.textual import split_text as split_parts
from bot.channels.textual import utf16_len
from bot.engine.texts import Texts
from bot.engine.types import MAX_PAYLOAD_BYTES, Button, Incoming, Kind, Reply

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT = 4096
MAX_CAPTION = 1024
# Updates the bot asks for; everything else is never sent to it.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
# What a person may send besides text; each gets the polite "text only" answer in a private chat.
# Service messages (pins, members joining, ...) are not a person talking and are ignored.
PERSON_CONTENT = frozenset(
    {
        "animation",
        "audio",
        "checklist",
        "contact",
        "dice",
        "document",
        "game",
        "live_photo",
        "location",
        "paid_media",
        "photo",
        "poll",
        "sticker",
        "story",
        "venue",
        "video",
        "video_note",
        "voice",
    }
)
COMMAND_PREFIX = "telegram.command_"

Outgoing = SendMessage | SendPhoto


# -- text -------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Plain text → HTML parse mode: only <, > and & are special there."""
    return html.escape(text, quote=False)


# Telegram counts UTF-16 code units (an emoji may count two), as Zalo does.
tg_len = utf16_len


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Parts of at most `limit`, cut at paragraphs, else lines, else words (shared with Zalo)."""
    return split_parts(text, limit)


# -- replies → Bot API calls ------------------------------------------------------------------


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard; the callback data is the button's payload (≤ 64 bytes)."""
    if not rows:
        return None
    for row in rows:
        for button in row:
            if len(button.payload.encode()) > MAX_PAYLOAD_BYTES:
                raise ValueError(f"callback data over {MAX_PAYLOAD_BYTES} bytes: {button.payload}")
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.label, callback_data=b.payload) for b in row]
            for row in rows
            if row
        ]
    )


def chat_ref(chat_id: str) -> int | str:
    """Telegram chat ids are integers; keep anything else (an @channel name) as it is."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


def render(reply: Reply, chat_id: str) -> list[Outgoing]:
    """The messages one reply becomes, in order; its buttons go under the last one."""
    chat = chat_ref(chat_id)
    text = reply.text.strip()
    calls: list[Outgoing] = []
    if reply.image and Path(reply.image).is_file():
        captions = split_text(text, MAX_CAPTION)
        caption = captions[0] if captions else ""
        rest = text[len(caption) :] if text.startswith(caption) else "\n\n".join(captions[1:])
        calls.append(
            SendPhoto(
                chat_id=chat,
                photo=FSInputFile(reply.image),
                caption=escape(caption) or None,
                parse_mode=ParseMode.HTML,
            )
        )
        text = rest
    elif reply.image:
        log.warning("telegram: image %s is missing; sending the text alone", reply.image)
    calls.extend(
        SendMessage(chat_id=chat, text=escape(part), parse_mode=ParseMode.HTML)
        for part in split_text(text, MAX_TEXT)
    )
    markup = keyboard(reply.buttons)
    if markup is not None:
        if not calls:  # buttons with no words: give them something to hang under
            raise ValueError("a reply with buttons needs text or an image")
        calls[-1] = calls[-1].model_copy(update={"reply_markup": markup})
    return calls


def bot_commands(texts: Texts) -> list[BotCommand]:
    """The command menu, in the order of content/vi/messages/telegram.yaml."""
    return [
        BotCommand(command=key.removeprefix(COMMAND_PREFIX), description=texts.render(key))
        for key in texts.sources
        if key.startswith(COMMAND_PREFIX)
    ]


# -- updates → Incoming -----------------------------------------------------------------------


def to_incoming(update: Update, me: User) -> Incoming | None:
    """The engine's view of an update, or None when it is not a person talking to the bot.
    Its text is cleaned (bot.channels.clean): whatever a person sends can be stored."""
    found = None
    if update.callback_query is not None:
        found = _from_callback(update.callback_query)
    elif update.message is not None:
        found = _from_message(update.message, me)
    return None if found is None else clean.incoming(found)


def _from_message(message: Message, me: User) -> Incoming | None:
    person = message.from_user
    if person is None or person.is_bot:
        return None
    text = message.text
    if message.chat.type != "private":
        text = addressed_text(message, me)
        if text is None:
            return None
    kind: Kind = "text"
    if text is None:
        content = message.content_type
        if getattr(content, "value", content) not in PERSON_CONTENT:
            return None
        kind = "other"
    return Incoming(
        channel=CHANNEL,
        chat_id=str(message.chat.id),
        user_id=str(person.id),
        # Message ids are unique within a chat and, unlike update ids, never reused.
        update_id=f"m:{message.chat.id}:{message.message_id}",
        text=text,
        kind=kind,
        at=message.date.timestamp(),
        # Replies go to the group; the person's own chat (for reminders) stays their private one.
        extra={"group": True} if message.chat.type != "private" else {},
    )


def addressed_text(message: Message, me: User) -> str | None:
    """In a group: the text if it is meant for the bot (a command, an @mention, a reply to it)."""
    text = message.text
    if not text:
        return None
    username = (me.username or "").lower()
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        target = command.partition("@")[2].lower()
        return text if not target or target == username else None
    if username and f"@{username}" in text.lower():
        stripped = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
        return " ".join(stripped.split()) or None
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == me.id:
        return text
    return None


def _from_callback(query: CallbackQuery) -> Incoming | None:
    if not query.data:
        return None
    chat_id = query.message.chat.id if query.message is not None else query.from_user.id
    return Incoming(
        channel=CHANNEL,
        chat_id=str(chat_id),
        user_id=str(query.from_user.id),
        update_id=f"cb:{query.id}",
        payload=query.data,
        kind="button",
        at=time.time(),
    )


def after_press(
    query: CallbackQuery, *, edit: bool
) -> list[AnswerCallbackQuery | EditMessageReplyMarkup]:
    """Every press is answered (the button stops spinning); the keyboard it came from is removed,
    so its old buttons cannot mislead later. The engine's replies carry the next buttons."""
    calls: list[AnswerCallbackQuery | EditMessageReplyMarkup] = [
        AnswerCallbackQuery(callback_query_id=query.id)
    ]
    message = query.message
    if edit and isinstance(message, Message) and message.reply_markup is not None:
        calls.append(EditMessageReplyMarkup(chat_id=message.chat.id, message_id=message.message_id))
    return calls


@dataclass(frozen=True)
class Membership:
    """The bot's standing in a chat changed: blocked/unblocked by a user, removed from a group."""

    chat_id: str
    user_id: str | None  # the person, in a private chat
    reachable: bool


def membership(update: Update) -> Membership | None:
    change = update.my_chat_member
    if change is None:
        return None
    status = change.new_chat_member.status
    reachable = status not in ("kicked", "left")
    private = change.chat.type == "private"
    return Membership(
        chat_id=str(change.chat.id),
        user_id=str(change.from_user.id) if private else None,
        reachable=reachable,
    )
