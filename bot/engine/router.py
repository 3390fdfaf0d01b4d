"""Routers: each feature module declares the commands, states and button payloads it handles."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.engine.context import Context

Handler = Callable[["Context"], None]


@dataclass
class Router:
    name: str
    commands: dict[str, Handler] = field(default_factory=dict)
    states: dict[str, Handler] = field(default_factory=dict)
    payloads: dict[str, Handler] = field(default_factory=dict)
    # States whose typed text is data (a name, a village) even when it looks like a keyword:
    # "Dung" typed as a name must not turn reminders off.
    free_text: set[str] = field(default_factory=set)
    # States where a typed question is answered on the way (a search) and the state goes on: a
    # lesson, a quiz. In the others (a birth year, an hour) typed text is the state's data.
    questions: set[str] = field(default_factory=set)
    # Named entry points other features hand over to ("menu", "onboarding.resume").
    entries: dict[str, Handler] = field(default_factory=dict)
    # Payload prefixes valid at any time (a persistent menu), not only right after being offered.
    anytime: set[str] = field(default_factory=set)

    def command(self, *names: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for name in names:
                self.commands[name] = handler
            return handler

        return register

    def state(
        self, *states: str, free_text: bool = False, questions: bool = False
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for state in states:
                self.states[state] = handler
                if free_text:
                    self.free_text.add(state)
                if questions:
                    self.questions.add(state)
            return handler

        return register

    def entry(self, name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.entries[name] = handler
            return handler

        return register

    def payload(self, prefix: str, *, anytime: bool = False) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.payloads[prefix] = handler
            if anytime:
                self.anytime.add(prefix)
            return handler

        return register


@dataclass
class Routes:
    """All routers merged; a name registered twice is a programming error caught at start."""

    commands: dict[str, Handler] = field(default_factory=dict)
    states: dict[str, Handler] = field(default_factory=dict)
    payloads: dict[str, Handler] = field(default_factory=dict)
    entries: dict[str, Handler] = field(default_factory=dict)
    anytime: set[str] = field(default_factory=set)
    free_text: set[str] = field(default_factory=set)
    questions: set[str] = field(default_factory=set)

    @classmethod
    def merge(cls, routers: list[Router]) -> Routes:
        routes = cls()
        for router in routers:
            for mine, theirs in (
                (routes.commands, router.commands),
                (routes.states, router.states),
                (routes.payloads, router.payloads),
                (routes.entries, router.entries),
            ):
                clash = mine.keys() & theirs.keys()
                if clash:
                    raise ValueError(f"router {router.name} registers {sorted(clash)} again")
                mine.update(theirs)
            routes.anytime |= router.anytime
            routes.free_text |= router.free_text
            routes.questions |= router.questions
        return routes


def personal(handler: Handler) -> Handler:
    """A handler whose answer is one person's own data (their data, progress, mentees, a report):
    in a group chat it only asks them to write to the assistant privately."""

    @functools.wraps(handler)
    def only_in_private(ctx: Context) -> None:
        if ctx.incoming.extra.get("group"):
            return ctx.say("privacy.private_only")
        return handler(ctx)

    return only_in_private
