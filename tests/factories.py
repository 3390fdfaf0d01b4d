"""Test helpers that speak the domain: a scripted conversation, a controllable clock, users."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.engine.dispatcher import Engine
from bot.engine.types import Incoming, Outcome, Reply
from bot.store import outbox, users
from bot.store.users import User

_update_ids = itertools.count(1)


@dataclass
class Clock:
    """A clock the test moves by hand (UTC epoch seconds)."""

    now: float = 1_795_000_000.0  # 2026-11-18 in Vietnam

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Conversation:
    """One person chatting with the engine on a channel, as the channel would drive it."""

    engine: Engine
    user: str = "u1"
    channel: str = "console"
    history: list[Reply] = field(default_factory=list)
    last_outcome: Outcome | None = None

    def _handle(self, incoming: Incoming) -> list[Reply]:
        self.last_outcome = self.engine.handle(incoming)
        replies = [
            Reply.from_dict(item.body)
            for item in outbox.take_for_chat(self.engine.db, self.channel, self.user, 2**40)
        ]
        self.history.extend(replies)
        self._last_count = len(replies)
        return replies

    def _incoming(self, update_id: str | None, **fields: object) -> Incoming:
        return Incoming(
            channel=self.channel,
            chat_id=self.user,
            user_id=self.user,
            update_id=update_id or f"t{next(_update_ids)}",
            **fields,  # type: ignore[arg-type]
        )

    def send(self, text: str, update_id: str | None = None) -> list[Reply]:
        return self._handle(self._incoming(update_id, text=text))

    def press(self, payload: str, update_id: str | None = None) -> list[Reply]:
        return self._handle(self._incoming(update_id, payload=payload, kind="button"))

    def sticker(self) -> list[Reply]:
        return self._handle(self._incoming(None, kind="other"))

    def tap(self, label: str) -> list[Reply]:
        """Press the button with this label among the buttons last shown."""
        for reply in reversed(self.history):
            if reply.buttons:
                for row in reply.buttons:
                    for button in row:
                        if button.label == label:
                            return self.press(button.payload)
                break
        raise AssertionError(f"no button {label!r} in {self.labels()}")

    def labels(self) -> list[str]:
        """Labels of the buttons last shown."""
        for reply in reversed(self.history):
            if reply.buttons:
                return [b.label for row in reply.buttons for b in row]
        return []

    @property
    def text(self) -> str:
        """Everything said in the last turn, joined."""
        count = getattr(self, "_last_count", 0)
        return "\n".join(r.text for r in self.history[len(self.history) - count :])

    def record(self) -> User | None:
        return users.find(self.engine.db, self.channel, self.user)

    def onboard(
        self,
        *,
        name: str = "Tư",
        village: str = "Thôn Đông",
        birth_year: int = 1958,
        group: str = "Người cao tuổi",
        answers: tuple[str, ...] = ("Có", "Chưa", "Chưa", "Chưa"),
        address: str = "Anh",
    ) -> None:
        self.send("/batdau")
        self.tap("Đồng ý")
        self.send(name)
        if self.labels()[:1] == ["Đúng rồi"]:  # the name was tidied ("an" → "An"): confirm it
            self.tap("Đúng rồi")
        self.tap(village)
        self.send(str(birth_year))
        if address in self.labels() and group not in self.labels():  # an adult says how
            self.tap(address)
        self.tap(group)
        for answer in answers:
            self.tap(answer)
        record = self.record()
        assert record is not None and record.onboarded_at is not None, self.text
