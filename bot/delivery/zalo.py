"""Zalo's `Sender`: outbox rows → Zalo Bot API calls, Zalo's errors → delivery errors.

Limits. Zalo publishes no rate limit for the Bot API (confirmed absent from the docs); one
project measured 10 messages to one chat in 416 ms going through, and unconfirmed blog posts
speak of monthly quotas. So the sender keeps to Telegram's published figures, which Zalo has not
been seen to refuse: about 30 messages a second overall (OVERALL_RATE) and, per chat, a burst of
three then one a second (ZALO_CHAT_RATE). Both are guesses on the safe side, not Zalo's numbers.

Errors (codes from the docs' error_code page; confidence in brackets):
- 429 "Quota exceeded" (JSON), or an HTML 429 page from Zalo's proxy [confirmed / measured]:
  no retry-after is published, so the chat waits QUOTA_WAIT (2) seconds, doubling with each
  429 in a row for that chat up to QUOTA_MAX_WAIT, and back to 2 s once a message goes through;
  not a failed attempt. (A fixed minute made a resident wait a minute for the next answer.)
- 408, 425, 5xx, 403 (which the docs call "internal server error"), no answer, an answer that is
  not JSON [confirmed codes; retrying them is what OpenClaw does]: retried with backoff.
- 401 [confirmed]: the token was refused; retried (the rows wait for the new token) and logged.
- "The person blocked the bot / cannot be reached": Zalo documents no code for it [unconfirmed].
  404 on a send (the docs: "not found — invalid resource") and any error whose description says
  the user or chat is blocked, gone or unknown are taken as unreachable: the chat's pending rows
  stop, and the person is reachable again when they next write.
- Other 400s: the message itself is refused (Rejected), except a photo Zalo could not fetch,
  which is logged and skipped so the text with the certificate's code still goes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from bot.channels.textual import utf16_len
from bot.channels.zalo import CHANNEL, MAX_TEXT, Outgoing, PhotoPart, render
from bot.channels.zalo_api import ZaloApi, ZaloError
from bot.delivery.policy import (
    DeliveryError,
    Rate,
    Rejected,
    RetryAfter,
    TemporaryError,
    Unreachable,
)
from bot.engine.texts import Texts
from bot.engine.types import Reply
from bot.store.outbox import OutboxItem

log = logging.getLogger(__name__)

OVERALL_RATE = Rate(per_second=30, burst=1)
CHAT_RATE = Rate(per_second=1, burst=3)
# Seconds a chat waits after a 429: QUOTA_WAIT, doubled for each further 429 in a row.
QUOTA_WAIT = 2.0
QUOTA_MAX_WAIT = 60.0
# Words in an error's description that mean the chat cannot be reached (English as Zalo's API
# answers, Vietnamese in case it answers in the user's language).
_GONE = (
    "block",
    "chặn",
    "user not found",
    "chat not found",
    "user is not exist",
    "user not exist",
    "invalid user",
    "invalid chat",
    "not follow",
    "unfollow",
)


def quota_wait(hits: int) -> float:
    """Seconds to wait after the `hits`-th 429 in a row."""
    return min(QUOTA_MAX_WAIT, QUOTA_WAIT * 2.0 ** max(0, hits - 1))


def classify(error: ZaloError, quota_hits: int = 1) -> DeliveryError:
    """What the outbox worker should do about a failed send (`quota_hits`: the 429s in a row
    for this chat, counting this one)."""
    description = error.description
    lowered = description.lower()
    if error.code == 429:
        return RetryAfter(quota_wait(quota_hits), f"zalo 429: {description}")
    if not error.from_zalo:
        # No answer, or not Zalo's (a proxy's error page): nothing is known about the message.
        return TemporaryError(str(error))
    if error.code == 401:
        # The token was reset: keep the messages, so they go out once the new one is set.
        log.error("zalo: the bot token is refused (401); check ZALO_BOT_TOKEN")
        return TemporaryError(str(error))
    if error.code == 404 or any(word in lowered for word in _GONE):
        return Unreachable(f"zalo {error.code}: {description}")
    if error.code == 400:
        return Rejected(f"zalo 400: {description}")
    return TemporaryError(str(error))


class ZaloSender:
    channel = CHANNEL

    def __init__(
        self,
        api: ZaloApi,
        texts: Texts,
        *,
        photo_url: Callable[[str], str | None],
        chat_rate: Rate = CHAT_RATE,
        overall_rate: Rate = OVERALL_RATE,
    ) -> None:
        self.api = api
        self.texts = texts
        self.photo_url = photo_url
        self.overall_rate = overall_rate
        self._chat_rate = chat_rate
        # 429s in a row, per chat; forgotten once a message to the chat goes through.
        self._quota_hits: dict[str, int] = {}

    def chat_rate(self, chat_id: str) -> Rate:
        return self._chat_rate

    def parts(self, item: OutboxItem) -> Sequence[Outgoing]:
        reply = Reply.from_dict(item.body)
        url = self.photo_url(reply.image) if reply.image else None
        if reply.image and url is None:
            log.warning(
                "zalo: no public URL for an image (set PUBLIC_BASE_URL or WEBHOOK_URL); "
                "row %d goes as text only",
                item.id,
            )
        return render(reply, item.chat_id, self.texts, url)

    async def send(self, part: Outgoing) -> None:
        try:
            if isinstance(part, PhotoPart):
                await self._typing(part.chat_id)
                await self.api.send_photo(part.chat_id, part.url)
            else:
                assert utf16_len(part.text) <= MAX_TEXT, "render() splits at Zalo's limit"
                await self.api.send_message(part.chat_id, part.text)
        except ZaloError as error:
            hits = self._quota_hits.get(part.chat_id, 0) + 1 if error.code == 429 else 1
            failure = classify(error, hits)
            if isinstance(failure, RetryAfter):
                self._quota_hits[part.chat_id] = hits
            if isinstance(part, PhotoPart) and isinstance(failure, Rejected):
                log.error("zalo: the photo was refused (%s); the text goes without it", error)
                return
            raise failure from error
        self._quota_hits.pop(part.chat_id, None)

    async def _typing(self, chat_id: str) -> None:
        """Show "typing…" while Zalo fetches the photo from us; only a sign, so a failure is
        noted and the photo goes anyway."""
        try:
            await self.api.send_chat_action(chat_id, "typing")
        except ZaloError as error:
            log.info("zalo: sendChatAction failed: %s", error)
