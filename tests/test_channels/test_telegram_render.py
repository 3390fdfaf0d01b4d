"""Telegram as data: escaping, splitting, keyboards, and which updates reach the engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, SendMessage, SendPhoto
from aiogram.types import Update, User

from bot.channels.telegram import (
    MAX_CAPTION,
    MAX_TEXT,
    after_press,
    bot_commands,
    escape,
    keyboard,
    membership,
    render,
    split_text,
    tg_len,
    to_incoming,
)
from bot.engine.dispatcher import Engine
from bot.engine.texts import Texts
from bot.engine.types import Button, Reply
from tests.fakes.telegram import BOT_ID, BOT_USERNAME, parse_html

ME = User(id=BOT_ID, is_bot=True, first_name="Trợ lý", username=BOT_USERNAME)
PERSON = {"id": 42, "is_bot": False, "first_name": "Tư"}
PRIVATE = {"id": 42, "type": "private", "first_name": "Tư"}
GROUP = {"id": -1001234, "type": "supergroup", "title": "Thôn Đông"}


# -- escaping ---------------------------------------------------------------------------------

TRICKY = [
    "<Tư> & \"bạn\" > 'bè'",
    "&amp; is not an entity here",
    "<b>not bold</b> <script>alert(1)</script>",
    "a < b && c > d",
    "Emoji 😀 và dấu: Đồng ý?",
]


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_parses_back_to_what_was_written(text: str) -> None:
    assert parse_html(escape(text)) == text


def test_escape_leaves_plain_vietnamese_alone() -> None:
    assert escape("Bác muốn làm gì?") == "Bác muốn làm gì?"
    assert escape("<Tư> & co") == "&lt;Tư&gt; &amp; co"


# -- splitting --------------------------------------------------------------------------------


def _paragraphs(count: int, size: int) -> str:
    return "\n\n".join(f"Đoạn {i}. " + " ".join(["chữ"] * (size // 4)) for i in range(count))


def test_short_text_is_one_part() -> None:
    assert split_text("  Xin chào  ") == ["Xin chào"]
    assert split_text(" \n ") == []


def test_long_text_splits_at_paragraph_boundaries() -> None:
    text = _paragraphs(10, 500)  # about 5000 characters
    parts = split_text(text)
    assert len(parts) == 2
    assert all(tg_len(p) <= MAX_TEXT for p in parts)
    assert "\n\n".join(parts) == text
    assert all(p.startswith("Đoạn") for p in parts), "a part must begin at a paragraph"


def test_a_long_paragraph_splits_at_lines_then_words_then_anywhere() -> None:
    lines = "\n".join(" ".join(["dòng"] * 50) for _ in range(40))  # one paragraph, 40 lines
    parts = split_text(lines, 1000)
    assert all(tg_len(p) <= 1000 for p in parts)
    assert "\n".join(parts) == lines

    words = " ".join(["lừa"] * 600)
    parts = split_text(words, 1000)
    assert all(tg_len(p) <= 1000 for p in parts) and " ".join(parts) == words

    word = "x" * 2500
    assert split_text(word, 1000) == ["x" * 1000, "x" * 1000, "x" * 500]


def test_length_is_counted_as_telegram_counts_it() -> None:
    text = "😀" * 3000  # 6000 UTF-16 code units
    parts = split_text(text)
    assert [tg_len(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == text  # no emoji cut in half


# -- rendering --------------------------------------------------------------------------------

CONSENT = Reply(
    "Bác có đồng ý không? <không phải HTML>",
    ((Button("Đồng ý", "ob:c:y"), Button("Không đồng ý", "ob:c:n")),),
)


def test_reply_with_buttons_is_one_html_message_with_an_inline_keyboard() -> None:
    [call] = render(CONSENT, "42")
    assert isinstance(call, SendMessage)
    assert call.chat_id == 42 and call.parse_mode == "HTML"
    assert call.text == "Bác có đồng ý không? &lt;không phải HTML&gt;"
    assert call.reply_markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in call.reply_markup.inline_keyboard]
    assert rows == [[("Đồng ý", "ob:c:y"), ("Không đồng ý", "ob:c:n")]]


def test_a_5000_character_reply_becomes_two_messages_buttons_under_the_last() -> None:
    reply = Reply(_paragraphs(10, 500), CONSENT.buttons)
    calls = render(reply, "42")
    assert len(calls) == 2 and all(isinstance(c, SendMessage) for c in calls)
    assert [c.reply_markup is not None for c in calls] == [False, True]
    assert all(tg_len(parse_html(c.text)) <= MAX_TEXT for c in calls)  # type: ignore[union-attr]


def test_image_goes_first_as_a_photo_with_what_fits_in_its_caption(tmp_path: Path) -> None:
    image = tmp_path / "cert.png"
    image.write_bytes(b"\x89PNG fake")
    text = _paragraphs(4, 400)  # about 1600 characters: more than a caption holds
    calls = render(Reply(text, CONSENT.buttons, image=str(image)), "42")
    photo, rest = calls
    assert isinstance(photo, SendPhoto) and isinstance(rest, SendMessage)
    assert photo.caption is not None and tg_len(parse_html(photo.caption)) <= MAX_CAPTION
    assert photo.reply_markup is None and rest.reply_markup is not None
    assert parse_html(photo.caption) + "\n\n" + parse_html(rest.text) == text


def test_missing_image_sends_the_text_alone(tmp_path: Path) -> None:
    calls = render(Reply("Chứng nhận", image=str(tmp_path / "gone.png")), "42")
    assert [type(c) for c in calls] == [SendMessage]


def test_callback_data_over_64_bytes_is_refused() -> None:
    button = Button("Đồng ý", "ok")
    object.__setattr__(button, "payload", "x" * 65)  # past Button's own check
    with pytest.raises(ValueError, match="64 bytes"):
        keyboard(((button,),))


# -- updates → Incoming -----------------------------------------------------------------------


def _update(**content: Any) -> Update:
    return Update.model_validate({"update_id": 1, **content})


def _message(chat: dict[str, Any] = PRIVATE, **content: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 1_795_000_000, "chat": chat, "from": PERSON, **content}


def test_text_in_a_private_chat() -> None:
    incoming = to_incoming(_update(message=_message(text="Tư")), ME)
    assert incoming is not None
    assert (incoming.channel, incoming.chat_id, incoming.user_id) == ("telegram", "42", "42")
    assert (incoming.kind, incoming.text, incoming.update_id) == ("text", "Tư", "m:42:7")


def test_deep_link_start_reaches_the_engine_with_its_code() -> None:
    incoming = to_incoming(_update(message=_message(text="/start MENTOR_ab12")), ME)
    assert incoming is not None and incoming.text == "/start MENTOR_ab12"


@pytest.mark.parametrize(
    "content",
    [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "u",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"photo": [{"file_id": "p", "file_unique_id": "u", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v", "file_unique_id": "u", "duration": 3}},
        {"location": {"latitude": 21.0, "longitude": 105.8}},
        {"contact": {"phone_number": "0912345678", "first_name": "Tư"}},
    ],
    ids=["sticker", "photo", "voice", "location", "contact"],
)
def test_what_is_not_text_is_other(content: dict[str, Any]) -> None:
    incoming = to_incoming(_update(message=_message(**content)), ME)
    assert incoming is not None and incoming.kind == "other" and incoming.text is None


@pytest.mark.parametrize(
    "update",
    [
        {"edited_message": _message(text="Tư sửa", edit_date=1_795_000_100)},
        {"message": _message(pinned_message={"message_id": 3, "date": 0, "chat": PRIVATE})},
        {"message": {**_message(text="hi"), "from": {**PERSON, "is_bot": True}}},
        {
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -100, "type": "channel"},
                "text": "tin",
            }
        },
        {"message": _message(GROUP, text="Chào cả thôn")},
        {"message": _message(GROUP, text="/menu@another_bot")},
        {
            "message": _message(
                GROUP,
                sticker={
                    "file_id": "s",
                    "file_unique_id": "u",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                },
            )
        },
    ],
    ids=[
        "edited",
        "service",
        "from-a-bot",
        "channel-post",
        "group-chatter",
        "group-other-bot",
        "group-sticker",
    ],
)
def test_what_is_not_a_person_talking_to_the_bot_is_ignored(update: dict[str, Any]) -> None:
    assert to_incoming(_update(**update), ME) is None


@pytest.mark.parametrize(
    ("text", "reply_to_bot", "expected"),
    [
        ("/menu", False, "/menu"),
        (f"/menu@{BOT_USERNAME}", False, f"/menu@{BOT_USERNAME}"),
        (f"@{BOT_USERNAME} lừa đảo qua mạng", False, "lừa đảo qua mạng"),
        ("1958", True, "1958"),
    ],
)
def test_group_messages_addressed_to_the_bot(text: str, reply_to_bot: bool, expected: str) -> None:
    content: dict[str, Any] = {"text": text}
    if reply_to_bot:
        content["reply_to_message"] = {
            "message_id": 5,
            "date": 0,
            "chat": GROUP,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý"},
            "text": "Bác sinh năm nào?",
        }
    incoming = to_incoming(_update(message=_message(GROUP, **content)), ME)
    assert incoming is not None
    assert (incoming.chat_id, incoming.user_id, incoming.text) == ("-1001234", "42", expected)


def _press(with_keyboard: bool = True) -> dict[str, Any]:
    message = _message(text="Bác có đồng ý không?")
    message["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý"}
    if with_keyboard:
        message["reply_markup"] = {
            "inline_keyboard": [[{"text": "Đồng ý", "callback_data": "ob:c:y"}]]
        }
    return {"id": "q77", "from": PERSON, "message": message, "chat_instance": "c", "data": "ob:c:y"}


def test_a_button_press_is_its_payload() -> None:
    incoming = to_incoming(_update(callback_query=_press()), ME)
    assert incoming is not None
    assert (incoming.kind, incoming.payload, incoming.text) == ("button", "ob:c:y", None)
    assert (incoming.chat_id, incoming.update_id) == ("42", "cb:q77")


def test_a_press_is_answered_and_its_keyboard_removed() -> None:
    query = _update(callback_query=_press()).callback_query
    assert query is not None
    answer, edit = after_press(query, edit=True)
    assert isinstance(answer, AnswerCallbackQuery) and answer.callback_query_id == "q77"
    assert isinstance(edit, EditMessageReplyMarkup)
    assert (edit.chat_id, edit.message_id, edit.reply_markup) == (42, 7, None)
    assert [type(c) for c in after_press(query, edit=False)] == [AnswerCallbackQuery]
    bare = _update(callback_query=_press(with_keyboard=False)).callback_query
    assert bare is not None and [type(c) for c in after_press(bare, edit=True)] == [
        AnswerCallbackQuery
    ]


@pytest.mark.parametrize(("status", "reachable"), [("kicked", False), ("member", True)])
def test_blocking_and_unblocking_the_bot(status: str, reachable: bool) -> None:
    update = _update(
        my_chat_member={
            "chat": PRIVATE,
            "from": PERSON,
            "date": 1_795_000_000,
            "old_chat_member": {
                "status": "member",
                "user": {**PERSON, "id": BOT_ID, "is_bot": True},
            },
            "new_chat_member": {
                "status": status,
                "user": {**PERSON, "id": BOT_ID, "is_bot": True},
                **({"until_date": 0} if status == "kicked" else {}),
            },
        }
    )
    change = membership(update)
    assert change is not None
    assert (change.chat_id, change.user_id, change.reachable) == ("42", "42", reachable)
    assert to_incoming(update, ME) is None


# -- commands ---------------------------------------------------------------------------------


def test_command_menu_comes_from_content_and_every_command_exists(
    texts: Texts, engine: Engine
) -> None:
    commands = bot_commands(texts)
    assert [c.command for c in commands][:3] == ["menu", "batdau", "trogiup"]
    for command in commands:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.command)
        assert 1 <= len(command.description) <= 256
        assert command.command in engine.routes.commands, f"/{command.command} is not handled"
