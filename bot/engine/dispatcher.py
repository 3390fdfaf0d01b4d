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

from bot import erasure
from bot.engine import pending
from bot.engine.context import Context
from bot.engine.router import Handler, Router, Routes
from bot.engine.texts import Texts
from bot.engine.types import Incoming, Outcome, Reply
from bot.engine.understanding import Understood, Vocabulary, Waiting
from bot.reminders import QuietHours
from bot.store import outbox, updates, users
from bot.store.users import User
from lessons.model import Curriculum
from lessons.search import SearchIndex

log = logging.getLogger(__name__)

ELDER_AGE = 55
YOUTH_AGE = 22
# Channels whose messages carry buttons; the others (console, Zalo) show numbered lines.
BUTTON_CHANNELS = frozenset({"telegram", "webchat"})
# The forms a person may choose to be called by (Engine.address); before anything is known the
# assistant says "bác", warm and respectful to anyone.
ADDRESS_FORMS = ("bác", "cô", "chú", "anh", "chị", "em", "bạn")
NEUTRAL_ADDRESS = "bác"
# Navigation words understood before registration is finished (the others wait for it).
OPEN_TO_ALL = frozenset({"help.help"})


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
        # What typed words mean (content/vi/understanding.yaml).
        self.vocabulary = Vocabulary.load(texts.messages_dir.parent / "understanding.yaml")

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
        """How to address the user: the form they chose; else by age ("bác" for elders, "bạn"
        for the young and for an adult who has not said "anh" or "chị"); else the group's form;
        else the warm "bác". Never a slash form such as "anh/chị"."""
        if user.address_form in ADDRESS_FORMS:
            return user.address_form
        if user.birth_year:
            return "bác" if self.local_now().year - user.birth_year >= ELDER_AGE else "bạn"
        group_form = self._group_address.get(user.grp or "", "").lower()
        if group_form and "/" not in group_form:
            return group_form
        return NEUTRAL_ADDRESS

    def suggested_address(self, birth_year: int) -> str | None:
        """The form the age rule gives, or None for an adult whom the person should choose."""
        age = self.local_now().year - birth_year
        if age >= ELDER_AGE:
            return "bác"
        if age <= YOUTH_AGE:
            return "bạn"
        return None

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
            user = users.load_or_create(self.db, incoming.channel, incoming.user_id, own_chat, now)
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
                ctx.keep_pending = True
            replies = self._end_turn(ctx)
            if not ctx.erased:
                users.save(self.db, user)
            user_id = None if ctx.erased else user.id
            for reply in replies:
                body = reply.to_dict()
                if ctx.erased:
                    body["forget"] = True  # the goodbye leaves no row once delivered
                outbox.enqueue(
                    self.db,
                    channel=incoming.channel,
                    chat_id=incoming.chat_id,
                    user_id=user_id,
                    body=body,
                    now=now,
                )
        if ctx.wipe_after_commit:
            erasure.wipe_freed(self.db)
        return Outcome(replies)

    @staticmethod
    def _end_turn(ctx: Context) -> list[Reply]:
        """Remember what the turn offered and which question waits; number only that one."""
        user = ctx.user
        if not ctx.keep_pending:
            user.pending_question = pending.from_replies(ctx.replies)
            if ctx.pending_under and user.pending_question:
                user.pending_question["under"] = ctx.pending_under
        user.last_buttons = pending.offered(ctx.replies)
        return pending.number_one(ctx.replies, user.pending_question)

    def push(
        self,
        user: User,
        compose: Handler,
        *,
        now: int,
        broadcast_id: int | None = None,
    ) -> int:
        """Send something the assistant starts (a reminder, a broadcast, a mentor's push) to
        `user`, inside the caller's transaction. Returns the number of messages queued.

        The buttons become the question waiting (so a typed "1" answers them) only when the user
        is not in the middle of a flow, whose own question must keep its numbers."""
        incoming = Incoming(
            channel=user.channel, chat_id=user.chat_id, user_id=user.external_id, update_id=""
        )
        ctx = Context(self, self.db, user, incoming, now)
        compose(ctx)
        offered = pending.offered(ctx.replies)
        if offered and user.state is None:
            user.pending_question = pending.from_replies(ctx.replies)
            user.last_buttons = offered
        elif offered:
            user.last_buttons = offered + user.last_buttons
        replies = pending.number_one(ctx.replies, user.pending_question)
        users.save(self.db, user)
        for reply in replies:
            outbox.enqueue(
                self.db,
                channel=user.channel,
                chat_id=user.chat_id,
                user_id=user.id,
                body=reply.to_dict(),
                now=now,
                broadcast_id=broadcast_id,
            )
        return len(ctx.replies)

    def waiting(self, user: User) -> Waiting | None:
        """The question waiting for `user` (a user from before m013 has only last_buttons)."""
        current = user.pending_question or (
            {"buttons": user.last_buttons} if user.last_buttons else {}
        )
        return pending.waiting(current)

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
        if incoming.payload is not None:
            return self._route_payload(ctx, incoming.payload)
        user = ctx.user
        state_handler = routes.states.get(user.state or "")
        waiting = self.waiting(user)
        if text and user.state in routes.free_text:
            # A name or a village is data ("Dung" is a name): only the buttons' own words count.
            chosen = self.vocabulary.classify(text, waiting, known=frozenset())
            if chosen.kind == "answer" and chosen.option is not None and waiting is not None:
                return self._answer(ctx, chosen)
            if state_handler is not None:
                return state_handler(ctx)
        understood = self.vocabulary.classify(text, waiting, known=frozenset(routes.entries))
        ctx.understood = understood
        if understood.kind == "answer":
            if understood.option is None and state_handler is not None:
                return state_handler(ctx)  # several options ("1, 3"): the state grades them
            return self._answer(ctx, understood)
        if (
            understood.kind == "navigate"
            and understood.action in routes.entries
            and (user.onboarded_at is not None or understood.action in OPEN_TO_ALL)
        ):
            return self.entry(understood.action)(ctx)
        if understood.kind in ("courtesy", "stop", "cancel"):
            return self.entry(f"conversation.{understood.kind}")(ctx)
        answered_on_the_way = state_handler is None or user.state in routes.questions
        known_person = user.onboarded_at is not None or user.state is not None
        if understood.kind == "question" and answered_on_the_way and known_person:
            return self.entry("conversation.question")(ctx)
        if state_handler is not None:
            return state_handler(ctx)
        if user.onboarded_at is None:
            return self.entry("onboarding.resume")(ctx)
        return self.entry("conversation.unclear")(ctx)

    def _answer(self, ctx: Context, understood: Understood) -> None:
        options = pending.flat(ctx.user.pending_question) or [
            (label, payload) for row in ctx.user.last_buttons for label, payload in row
        ]
        if understood.option is None or understood.option >= len(options):
            return self.entry("conversation.unclear")(ctx)
        self._route_payload(ctx, options[understood.option][1])

    def _route_payload(self, ctx: Context, payload: str) -> None:
        prefix, *args = payload.split(":")
        offered = {p for row in ctx.user.last_buttons for _, p in row}
        offered.update(pending.payloads(ctx.user.pending_question))
        handler = self.routes.payloads.get(prefix)
        if handler is None or (payload not in offered and prefix not in self.routes.anytime):
            return self.entry("help.stale")(ctx)
        ctx.payload, ctx.args = payload, args
        handler(ctx)
