"""Telegram's `Sender`: outbox rows → Bot API calls through aiogram, errors → delivery errors.

Limits from Telegram's FAQ: about 30 messages a second overall, about one a second in a chat
("short bursts" allowed), 20 a minute in a group. The per-chat bucket lets a two- or three-message
reply out at once and holds a chat to one message a second after that.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import (
    AiogramError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from bot.channels.telegram import CHANNEL, Outgoing, render
from bot.delivery.policy import Rate, Rejected, RetryAfter, TemporaryError, Unreachable
from bot.engine.types import Reply
from bot.store.outbox import OutboxItem

log = logging.getLogger(__name__)

OVERALL_RATE = Rate(per_second=30, burst=1)
CHAT_RATE = Rate(per_second=1, burst=3)
GROUP_RATE = Rate(per_second=20 / 60, burst=3)

# Bad requests that mean the chat itself is gone, not that the message was wrong.
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "not enough rights")


class TelegramSender:
    channel = CHANNEL
    overall_rate = OVERALL_RATE

    def __init__(
        self, bot: Bot, *, chat_rate: Rate = CHAT_RATE, overall_rate: Rate = OVERALL_RATE
    ) -> None:
        self.bot = bot
        self._chat_rate = chat_rate
        self.overall_rate = overall_rate

    def chat_rate(self, chat_id: str) -> Rate:
        return GROUP_RATE if chat_id.startswith("-") else self._chat_rate

    def parts(self, item: OutboxItem) -> Sequence[Outgoing]:
        return render(Reply.from_dict(item.body), item.chat_id)

    async def send(self, part: Outgoing) -> None:
        try:
            await self.bot(part)
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after, error.message) from error
        except TelegramForbiddenError as error:
            raise Unreachable(error.message) from error
        except TelegramMigrateToChat as error:
            # A group became a supergroup under a new id; its next message comes from there.
            raise Unreachable(error.message) from error
        except TelegramBadRequest as error:
            if any(reason in error.message.lower() for reason in _GONE):
                raise Unreachable(error.message) from error
            raise Rejected(error.message) from error
        except TelegramEntityTooLarge as error:
            raise Rejected(error.message) from error
        except (TelegramServerError, TelegramNetworkError) as error:
            raise TemporaryError(error.message) from error
        except TelegramUnauthorizedError as error:
            # The token was revoked: keep the messages and retry, so they go out once an
            # administrator sets the new token.
            log.error("telegram: the bot token is refused (401); check TELEGRAM_BOT_TOKEN")
            raise TemporaryError(error.message) from error
        except (TelegramAPIError, AiogramError) as error:
            raise TemporaryError(str(error)) from error
