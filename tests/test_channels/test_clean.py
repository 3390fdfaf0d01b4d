"""Text cleaned at the channel boundary: what a person sends can always be stored and answered."""

from __future__ import annotations

import unicodedata

import pytest

from bot.channels import clean
from bot.channels.telegram import to_incoming as telegram_incoming
from bot.channels.zalo import to_incoming as zalo_incoming
from bot.engine.types import Incoming


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("qqzzx \ud83d vvbbn", "qqzzx vvbbn"),  # a lone surrogate cannot be stored as UTF-8
        ("a\ud83d\ude00b", "a😀b"),  # a pair sent as two code points is one emoji
        ("abc\u202edef\u2066g\u2069", "abcdefg"),  # direction marks flip text on screen
        ("x\u200by\ufeff", "xy"),  # zero-width space, byte order mark
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # the joiner makes one emoji of three
        ("\x85", ""),
        ("\x0b", ""),
        (" " * 5000, ""),
        ("a\x00b\x07c", "abc"),
        ("một\u00a0hai\u3000ba\tbốn", "một hai ba bốn"),
        ("dòng 1\r\ndòng 2\x85dòng 3\u2028dòng 4", "dòng 1\ndòng 2\ndòng 3\ndòng 4"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("１９５８", "1958"),  # a full-width keyboard
        ("١٩٥٨", "1958"),
        ("sinh năm ¹⁹⁵⁸, chọn ²", "sinh năm 1958, chọn 2"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    cleaned = clean.clean(raw)
    assert cleaned == expected
    cleaned.encode("utf-8")  # storable


def test_decomposed_vietnamese_becomes_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Tư")
    assert nfd != "Nguyễn Thị Tư"
    assert clean.clean(nfd) == "Nguyễn Thị Tư"


def test_a_huge_text_is_capped() -> None:
    assert len(clean.clean("chữ " * 100_000)) <= clean.MAX_INPUT


def test_an_update_of_invisible_characters_is_not_text() -> None:
    update = clean.incoming(Incoming("console", "c\ud83d", "u", "1", text="\u202e\x0b  "))
    assert update.text is None and update.kind == "other"
    assert update.chat_id == "c"


def test_telegram_and_zalo_updates_are_cleaned() -> None:
    from aiogram.types import Update, User

    me = User(id=1, is_bot=True, first_name="Bot", username="bot")
    update = Update.model_validate(
        {
            "update_id": 5,
            "message": {
                "message_id": 7,
                "date": 1795000000,
                "chat": {"id": 42, "type": "private"},
                "from": {"id": 42, "is_bot": False, "first_name": "A"},
                "text": "qqzzx \ud83d vvbbn\u202e",
            },
        }
    )
    found = telegram_incoming(update, me)
    assert found is not None and found.text == "qqzzx vvbbn"
    zalo = zalo_incoming(
        {
            "event_name": "message.text.received",
            "message": {
                "from": {"id": "u\ud83d1"},
                "chat": {"id": "c1", "chat_type": "PRIVATE"},
                "message_id": "m1",
                "text": "Tu\u031b \ud83d",
            },
        }
    )
    assert zalo is not None and zalo.text == "Tư" and zalo.user_id == "u1"
