"""What a handler gets: the user, the update, and ways to answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from bot.engine.types import Button, Incoming, Reply
from bot.engine.understanding import Understood
from bot.store.users import User

if TYPE_CHECKING:
    from bot.engine.dispatcher import Engine


@dataclass
class Context:
    engine: Engine
    db: Database
    user: User
    incoming: Incoming
    now: int
    text: str = ""
    payload: str | None = None
    args: list[str] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    # Set when this update erased the user (privacy): nothing more is saved for them.
    erased: bool = False
    # Set when this update erased someone: after the commit the WAL is truncated, so no old copy
    # of their rows stays on disk.
    wipe_after_commit: bool = False
    # A detour (courtesy, a question, help): the question waiting stays the one to answer.
    keep_pending: bool = False
    # Saved under a question asked on the way (a confirmation), shown again once it is answered.
    pending_under: dict[str, Any] | None = None
    # How the engine understood the typed text (bot/engine/understanding.py), when it did.
    understood: Understood | None = None

    def values(self) -> dict[str, Any]:
        """Template values every message may use: how to address the user, name, commune."""
        goi = self.engine.address(self.user)
        return {
            "goi": goi,
            "Goi": goi[:1].upper() + goi[1:],
            "ten": self.user.display_name or "",
            "xa": self.engine.commune_name,
            # Whether this channel shows buttons: templates say "bấm" where it does and "gõ số"
            # where options come as numbered lines (console, Zalo).
            "co_nut": self.engine.channel_has_buttons(self.incoming.channel),
        }

    def t(self, key: str, **values: Any) -> str:
        return self.engine.texts.render(key, **{**self.values(), **values})

    def button(self, key: str, payload: str, **values: Any) -> Button:
        return Button(self.t(key, **values), payload)

    def say(
        self,
        key: str,
        buttons: list[list[Button]] | None = None,
        image: str | None = None,
        *,
        expects: str | None = None,
        recap: str | None = None,
        **values: Any,
    ) -> None:
        self.replies.append(
            Reply(
                self.t(key, **values),
                tuple(tuple(row) for row in buttons or ()),
                image,
                expects=expects,
                recap=recap,
            )
        )

    def say_text(
        self,
        text: str,
        buttons: list[list[Button]] | None = None,
        *,
        expects: str | None = None,
        recap: str | None = None,
    ) -> None:
        """A reply whose text is already rendered (e.g. a lesson step)."""
        self.replies.append(
            Reply(text, tuple(tuple(row) for row in buttons or ()), expects=expects, recap=recap)
        )

    def set_state(self, state: str | None, **data: Any) -> None:
        self.user.state = state
        self.user.state_data = data

    def run(self, handler_name: str) -> None:
        """Hand over to another feature's entry point (e.g. the main menu)."""
        self.engine.entry(handler_name)(self)
