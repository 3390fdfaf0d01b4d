"""Zalo as data: updates in the shapes the docs and real clients show, replies as Zalo messages,
Zalo's errors as delivery decisions."""

from __future__ import annotations

import pytest

from bot.channels.textual import render_numbered, split_text, utf16_len
from bot.channels.zalo import MAX_TEXT, PhotoPart, TextPart, render, to_incoming, unwrap
from bot.channels.zalo_api import ZaloError
from bot.delivery.policy import Rejected, RetryAfter, TemporaryError, Unreachable
from bot.delivery.zalo import classify
from bot.engine.texts import Texts
from bot.engine.types import Button, Reply
from tests.fakes.zalo import numbered_options

# The getUpdates sample of the official docs (copy dated 10/12/2025): no event_name, first_name.
DOCS_POLL_SAMPLE = {
    "ok": True,
    "result": {
        "message": {
            "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
            "text": "Xin chào",
            "message_id": "16f6366b3f02645a3d15",
            "date": 1766619597466,
            "from": {"id": "e4ea2cd5189df1c3a88c", "first_name": "Nguyen Van A"},
        }
    },
}


def _update(event: str, **message: object) -> dict[str, object]:
    return {
        "event_name": event,
        "message": {
            "from": {"id": "a1b2", "display_name": "Tư", "is_bot": False},
            "chat": {"id": "a1b2", "chat_type": "PRIVATE"},
            "message_id": "m-1",
            "date": 1766619597466,
            **message,
        },
    }


def test_the_docs_sample_becomes_a_text_update_with_string_ids_and_seconds() -> None:
    update = unwrap(DOCS_POLL_SAMPLE)
    assert update is not None
    incoming = to_incoming(update)
    assert incoming is not None
    assert (incoming.channel, incoming.chat_id, incoming.user_id) == (
        "zalo",
        "e4ea2cd5189df1c3a88c",
        "e4ea2cd5189df1c3a88c",
    )
    assert incoming.text == "Xin chào" and incoming.kind == "text"
    assert incoming.update_id == "m:e4ea2cd5189df1c3a88c:16f6366b3f02645a3d15"
    assert incoming.at == pytest.approx(1766619597.466)  # Zalo's date is in milliseconds


def test_a_webhook_body_is_accepted_wrapped_or_not() -> None:
    update = _update("message.text.received", text="1")
    assert unwrap({"ok": True, "result": update}) == update
    assert unwrap(update) == update
    assert unwrap({"ok": True, "result": "x"}) is None
    assert unwrap(["not", "an", "update"]) is None
    assert unwrap({"hello": "world"}) is None


@pytest.mark.parametrize(
    "event, extra",
    [
        ("message.sticker.received", {"sticker": "0e078a2fb66a5f34067b"}),
        ("message.image.received", {"photo_url": "https://photo.zdn.vn/x.jpg"}),
        ("message.voice.received", {}),
        ("message.unsupported.received", {}),
        ("message.text.received", {"text": "   "}),
    ],
)
def test_anything_but_text_is_other_and_gets_the_polite_answer(event, extra) -> None:
    incoming = to_incoming(_update(event, **extra))
    assert incoming is not None and incoming.kind == "other" and incoming.text is None


def test_a_link_is_text() -> None:
    incoming = to_incoming(_update("message.link.received", text="https://dichvucong.gov.vn"))
    assert incoming is not None and incoming.text == "https://dichvucong.gov.vn"


@pytest.mark.parametrize(
    "update",
    [
        _update("message.reaction.received"),
        {"event_name": "message.text.received"},
        _update("message.text.received", text="hi", chat={"id": "g1", "chat_type": "GROUP"}),
        _update("message.text.received", text="hi", **{"from": {"id": "b", "is_bot": True}}),
        _update("message.text.received", text="hi", message_id=None),
        _update("bot.status.changed"),
    ],
    ids=["reaction", "no message", "group", "from a bot", "no message id", "not a message"],
)
def test_what_is_not_a_person_writing_one_to_one_is_ignored(update) -> None:
    assert to_incoming(update) is None


def test_options_are_numbered_lines_the_fake_reads_back(texts: Texts) -> None:
    reply = Reply(
        "Xin chào!",
        ((Button("Đồng ý", "ob:c:y"), Button("Không đồng ý", "ob:c:n")), (Button("Hỏi", "a"),)),
    )
    [part] = render(reply, "c1", texts, None)
    assert isinstance(part, TextPart) and part.chat_id == "c1"
    assert part.text == render_numbered(reply, texts)  # the console's rendering, not a copy
    assert part.text.splitlines()[-4:] == [
        "1. Đồng ý",
        "2. Không đồng ý",
        "3. Hỏi",
        "(Gõ 1, 2 hoặc 3)",
    ]
    assert numbered_options(part.text) == [(1, "Đồng ý"), (2, "Không đồng ý"), (3, "Hỏi")]


def test_a_long_reply_is_cut_at_paragraphs_and_the_options_close_the_last_part(texts) -> None:
    paragraphs = [f"Đoạn {i}: " + " ".join(["chữ"] * 120) for i in range(12)]  # ~490 each
    reply = Reply("\n\n".join(paragraphs), ((Button("Tiếp", "n"),),))
    parts = render(reply, "c1", texts, None)
    texts_sent = [p.text for p in parts if isinstance(p, TextPart)]
    assert len(texts_sent) == len(parts) >= 3
    assert all(utf16_len(t) <= MAX_TEXT for t in texts_sent)
    assert all(t.startswith("Đoạn ") for t in texts_sent)  # cut between paragraphs only
    assert "\n\n".join(texts_sent) == render_numbered(reply, texts)
    assert numbered_options(texts_sent[-1]) == [(1, "Tiếp")]


def test_splitting_is_shared_with_telegram_and_counts_like_zalo() -> None:
    emoji = "👍" * 1500  # 3000 UTF-16 code units
    parts = split_text(emoji, MAX_TEXT)
    assert [utf16_len(p) for p in parts] == [2000, 1000] and "".join(parts) == emoji


def test_a_certificate_goes_first_as_a_photo_then_its_words(texts) -> None:
    reply = Reply("Chúc mừng! Mã xác minh K7QX-9MPD.", image="/data/files/K7QX-9MPD.png")
    parts = render(reply, "c1", texts, "https://xa.example.vn/files/cert/tok.png")
    assert parts == [
        PhotoPart("c1", "https://xa.example.vn/files/cert/tok.png"),
        TextPart("c1", "Chúc mừng! Mã xác minh K7QX-9MPD."),
    ]
    # No public URL: the words alone, which carry the code.
    assert render(reply, "c1", texts, None) == [TextPart("c1", "Chúc mừng! Mã xác minh K7QX-9MPD.")]


@pytest.mark.parametrize(
    "error, expected",
    [
        (ZaloError("sendMessage", 429, "Quota exceeded"), RetryAfter),
        (ZaloError("sendMessage", 429, "HTTP 429, not a JSON answer", from_zalo=False), RetryAfter),
        (ZaloError("sendMessage", 500, "Internal server error"), TemporaryError),
        (ZaloError("sendMessage", 403, "Internal server error"), TemporaryError),
        (ZaloError("sendMessage", 408, "Request timeout"), TemporaryError),
        (ZaloError("sendMessage", None, "ClientConnectorError", from_zalo=False), TemporaryError),
        (ZaloError("sendMessage", 404, "HTTP 404, not JSON", from_zalo=False), TemporaryError),
        (ZaloError("sendMessage", 401, "Unauthorized"), TemporaryError),
        (ZaloError("sendMessage", 403, "The user has blocked the bot"), Unreachable),
        (ZaloError("sendMessage", 404, "User not found"), Unreachable),
        (ZaloError("sendMessage", 400, "Người dùng đã chặn tài khoản này"), Unreachable),
        (ZaloError("sendMessage", 400, "The text must not be empty"), Rejected),
    ],
)
def test_zalo_errors_become_delivery_decisions(error, expected) -> None:
    decision = classify(error)
    assert type(decision) is expected
    if isinstance(decision, RetryAfter):
        # No retry-after is published: a short wait first, longer while 429s go on, capped.
        assert decision.seconds == 2
        waits = [classify(error, hits).seconds for hits in range(1, 9)]  # type: ignore[attr-defined]
        assert waits == [2, 4, 8, 16, 32, 60, 60, 60]
