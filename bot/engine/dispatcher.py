"""The engine: one update in, one transaction, replies into the outbox."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.engine.context import Context
from bot.engine.router import Handler, Router, Routes
from bot.engine.texts import Texts
from bot.engine.types import Incoming, Outcome, Reply
from bot.reminders import QuietHours
from bot.store import outbox, updates, users
from bot.store.users import User
from lessons.grading import match_option
from lessons.model import Curriculum
from lessons.search import SearchIndex
from lessons.text import fold_words

log = logging.getLogger(__name__)

ELDER_AGE = 55
YOUTH_AGE = 22
# Channels whose messages carry buttons; the others (console, Zalo) show numbered lines.
BUTTON_CHANNELS = frozenset({"telegram", "webchat"})


def last_buttons(replies: list[Reply]) -> list[list[list[str]]]:
    """The buttons of the last reply that has any: text channels number those from 1, so a typed
    "2" means the second of them. A tap on an earlier reply's button of the same turn is taken
    only when its kind is valid at any time (the menu, lessons, reminders)."""
    for reply in reversed(replies):
        if reply.buttons:
            return [[[b.label, b.payload] for b in row] for row in reply.buttons]
    return []


class Engine:
    def __init__(
        self,
        db: Database,
        texts: Texts,
        curriculum: Curriculum,
        routers: list[Router],
        *,
        commune_name: str,
        timezone: str = "Asia/Ho_Chi_Minh",
        settings: Any = None,
        clock: Callable[[], float] = time.time,
        files_dir: Path = Path("data/files"),
        quiz_pass_ratio: float = 2 / 3,
        quiet_hours: QuietHours | None = None,
    ) -> None:
        self.db = db
        self.texts = texts
        self.curriculum = curriculum
        self.routes = Routes.merge(routers)
        self.commune_name = commune_name
        self.tz = ZoneInfo(timezone)
        self.settings = settings
        self.clock = clock
        self.files_dir = files_dir
        self.quiz_pass_ratio = quiz_pass_ratio
        self.quiet_hours = quiet_hours or QuietHours.parse("21:00", "06:30")
        self._group_address = {g.id: g.address for g in curriculum.groups}
        self._search: SearchIndex | None = None
        self.keywords = texts.keywords()

    @property
    def search(self) -> SearchIndex:
        """Full-text search over the FAQ and lessons, built on first use."""
        if self._search is None:
            self._search = SearchIndex(self.curriculum)
        return self._search

    # -- helpers for handlers ------------------------------------------------------------------

    def entry(self, name: str) -> Handler:
        return self.routes.entries[name]

    @staticmethod
    def channel_has_buttons(channel: str) -> bool:
        return channel in BUTTON_CHANNELS

    def local_now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), self.tz)

    def address(self, user: User) -> str:
        """How to address the user: "bác" for elders, "bạn" for the young, else "anh/chị"."""
        if user.birth_year:
            age = self.local_now().year - user.birth_year
            if age >= ELDER_AGE:
                return "bác"
            if age <= YOUTH_AGE:
                return "bạn"
            return "anh/chị"
        if user.grp in self._group_address:
            return self._group_address[user.grp].lower()
        return "bác/anh/chị"

    # -- the contract --------------------------------------------------------------------------

    def handle(self, incoming: Incoming) -> Outcome:
        """Process one update in one transaction; replies are in the outbox when this returns.

        Raises when the update could not be processed (the channel offers it again), except the
        updates.POISON_ATTEMPTS-th time: the update is then given up (recorded as failed and as
        processed), the person gets a polite apology where possible, and the channel moves on."""
        try:
            return self._handle(incoming)
        except Exception as error:
            if not self._give_up(incoming, error):
                raise
            return Outcome(self._apologise(incoming), failed=True)

    def _give_up(self, incoming: Incoming, error: Exception) -> bool:
        """Count a failed try of the update; True when it is now given up."""
        fields = {"channel": incoming.channel, "error": type(error).__name__}
        if updates.transient(error):
            log.warning("update not stored: the database failed", extra=fields)
            return False
        try:
            attempts = updates.record_failure(
                self.db,
                incoming.channel,
                incoming.update_id,
                type(error).__name__,
                int(self.clock()),
            )
        except Exception:
            log.exception("update failed and its failure could not be recorded", extra=fields)
            return False
        if attempts < updates.POISON_ATTEMPTS:
            log.warning("update failed (try %d); it will be offered again", attempts, extra=fields)
            return False
        log.error("update given up after %d failures", attempts, extra=fields)
        return True

    def _apologise(self, incoming: Incoming) -> list[Reply]:
        """The "something went wrong" answer to a given-up update, if it can be queued."""
        now = int(self.clock())
        try:
            with self.db.atomic():
                user = users.find(self.db, incoming.channel, incoming.user_id)
                goi = self.address(user) if user is not None else "bác/anh/chị"
                reply = Reply(
                    self.texts.render(
                        "help.error",
                        goi=goi,
                        Goi=goi[:1].upper() + goi[1:],
                        ten="",
                        xa=self.commune_name,
                        co_nut=self.channel_has_buttons(incoming.channel),
                    )
                )
                outbox.enqueue(
                    self.db,
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    user_id=None if user is None else user.id,
                    body=reply.to_dict(),
                    now=now,
                )
        except Exception:
            log.exception("no apology could be queued", extra={"channel": incoming.channel})
            return []
        return [reply]

    def _handle(self, incoming: Incoming) -> Outcome:
        now = int(self.clock())
        with self.db.atomic():
            if not updates.mark_processed(self.db, incoming.channel, incoming.update_id, now):
                return Outcome([], duplicate=True)
            in_group = bool(incoming.extra.get("group"))
            # A person's own chat is where reminders and pushes go: never a group they wrote in.
            own_chat = incoming.user_id if in_group else incoming.chat_id
            user = users.load_or_create(
                self.db, incoming.channel, incoming.user_id, own_chat, now
            )
            user.chat_id = own_chat
            user.last_active_at = now
            user.nudges_unanswered = 0  # they answered: reminders and nudges start afresh
            user.unreachable_at = None  # writing to us again means we can write back
            ctx = Context(self, self.db, user, incoming, now)
            try:
                with self.db.atomic():  # a savepoint: a failing handler leaves no half-change
                    self._route(ctx)
            except Exception:
                # The update stays marked as processed, so a platform retry cannot loop on it.
                log.exception("handler failed", extra={"channel": incoming.channel})
                reloaded = users.get(self.db, user.id)
                if reloaded is not None:
                    user = reloaded
                    user.last_active_at = now
                ctx = Context(self, self.db, user, incoming, now)
                ctx.say("help.error")
            user.last_buttons = last_buttons(ctx.replies)
            if not ctx.erased:
                users.save(self.db, user)
            user_id = None if ctx.erased else user.id
            for reply in ctx.replies:
                outbox.enqueue(
                    self.db,
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    user_id=user_id,
                    body=reply.to_dict(),
                    now=now,
                )
        return Outcome(ctx.replies)

    def push(
        self, user: User, compose: Handler, *, now: int, broadcast_id: int | None = None,
    ) -> int:
        """Send something the assistant starts (a reminder, a broadcast, a mentor's push) to
        `user`, inside the caller's transaction. Returns the number of messages queued.

        The buttons are remembered (so a typed "1" answers them) only when the user is not in
        the middle of a flow, whose own buttons must keep working."""
        incoming = Incoming(channel=user.channel, chat_id=user.chat_id, user_id=user.external_id,
                            update_id="")
        ctx = Context(self, self.db, user, incoming, now)
        compose(ctx)
        offered = last_buttons(ctx.replies)
        if offered and user.state is None:
            user.last_buttons = offered
        users.save(self.db, user)
        for reply in ctx.replies:
            outbox.enqueue(self.db, channel=user.channel, chat_id=user.chat_id, user_id=user.id,
                           body=reply.to_dict(), now=now, broadcast_id=broadcast_id)
        return len(ctx.replies)

    def _route(self, ctx: Context) -> None:
        incoming, routes = ctx.incoming, self.routes
        if incoming.kind == "other":
            return self.entry("help.unsupported")(ctx)
        text = (incoming.text or "").strip()
        ctx.text = text
        if incoming.payload is None and text.startswith("/"):
            name, _, rest = text[1:].partition(" ")
            name = name.split("@", 1)[0].lower()
            ctx.args = rest.split()
            handler = routes.commands.get(name)
            return (handler or self.entry("help.fallback"))(ctx)
        keyword = None
        if text and incoming.payload is None and ctx.user.state not in routes.free_text:
            keyword = self.keywords.get(fold_words(text))
        if keyword is not None and keyword in routes.entries:
            return self.entry(keyword)(ctx)
        payload = incoming.payload
        if payload is None and text:
            payload = self._typed_choice(ctx.user, text)
        if payload is not None:
            return self._route_payload(ctx, payload)
        state_handler = routes.states.get(ctx.user.state or "")
        if state_handler is not None:
            return state_handler(ctx)
        if ctx.user.onboarded_at is None:
            return self.entry("onboarding.resume")(ctx)
        return self.entry("help.fallback")(ctx)

    def _route_payload(self, ctx: Context, payload: str) -> None:
        prefix, *args = payload.split(":")
        offered = {p for row in ctx.user.last_buttons for _, p in row}
        handler = self.routes.payloads.get(prefix)
        if handler is None or (payload not in offered and prefix not in self.routes.anytime):
            return self.entry("help.stale")(ctx)
        ctx.payload, ctx.args = payload, args
        handler(ctx)

    @staticmethod
    def _typed_choice(user: User, text: str) -> str | None:
        """Map "2", "b" or a button's words to the payload of a button last shown."""
        flat = [(label, payload) for row in user.last_buttons for label, payload in row]
        if not flat:
            return None
        index = match_option([label for label, _ in flat], text)
        return None if index is None else flat[index][1]
