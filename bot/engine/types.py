"""The engine's vocabulary, shared by every channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "button", "other"]

# Telegram allows 64 bytes of callback data; payloads are short ASCII ids, never Vietnamese text.
MAX_PAYLOAD_BYTES = 64


@dataclass(frozen=True)
class Button:
    label: str
    payload: str

    def __post_init__(self) -> None:
        if len(self.payload.encode()) > MAX_PAYLOAD_BYTES or not self.payload.isascii():
            raise ValueError(f"button payload must be short ASCII: {self.payload!r}")


@dataclass(frozen=True)
class Reply:
    """One message to the user: plain text (channels escape it), optional rows of buttons, image."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: str | None = None
    # What kind of answer the buttons wait for: "choice" (any one of them) or "yes_no" (the first
    # button is yes, the second no), so typed "ok", "co", "ko" answer a yes/no question.
    expects: str | None = None
    # False when text channels must not number this reply's buttons: one turn shows one
    # numbered list, the one a typed "2" answers (the question waiting), set by the engine.
    numbered: bool = True
    # A short line that shows the question again after a detour ("Bài ..., phần 3/7"), instead
    # of the whole text; kept with the waiting question, not sent.
    recap: str | None = None

    def payloads(self) -> list[str]:
        return [b.payload for row in self.buttons for b in row]

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text}
        if self.buttons:
            body["buttons"] = [[[b.label, b.payload] for b in row] for row in self.buttons]
        if self.image:
            body["image"] = self.image
        if self.expects:
            body["expects"] = self.expects
        if not self.numbered:
            body["numbered"] = False
        return body

    @classmethod
    def from_dict(cls, body: dict[str, Any]) -> Reply:
        rows = tuple(
            tuple(Button(label, payload) for label, payload in row)
            for row in body.get("buttons", [])
        )
        return cls(
            text=body["text"],
            buttons=rows,
            image=body.get("image"),
            expects=body.get("expects"),
            numbered=body.get("numbered", True),
        )


@dataclass(frozen=True)
class Incoming:
    """A platform update, reduced to what the engine needs."""

    channel: str
    chat_id: str
    user_id: str
    update_id: str
    text: str | None = None
    payload: str | None = None
    kind: Kind = "text"
    at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    replies: list[Reply]
    duplicate: bool = False
    # The update could not be processed and was given up (bot.store.updates.record_failure).
    failed: bool = False
