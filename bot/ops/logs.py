"""Structured logs: one line per event, JSON when LOG_JSON=true, no personal data.

What keeps personal data out:
- the code logs events with fixed messages and numeric or technical fields in `extra`
  (channel, counts, durations, file names), never a user's name, message text or chat id;
- an exception is logged as its type and stack frames only: an exception's message may quote
  the input that caused it ("invalid literal for int(): 'Nguyễn Văn A'");
- every line passes a scrubber that blanks the configured secrets (bot tokens appear in Bot API
  URLs), also URL-encoded or without their numeric prefix, anything shaped like a bot token
  (a token no setting names, an old one), and anything shaped like a Vietnamese phone number;
- an exception no code caught (the main thread's, another thread's) is logged the same way,
  never printed raw: a traceback may quote a URL, and with it the token.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import traceback
import urllib.parse
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.config import Settings

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}
_PHONE = re.compile(r"(?<![\w.])(?:\+?84|0)[35789]\d{8}(?!\d)")
# A Telegram-style bot token ("123456789:AA…", 30+ characters after the colon), also with the
# colon URL-encoded: blanked even when no setting names it.
_TOKEN_SHAPED = re.compile(r"\b\d{6,}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")
_MARK = "hocvuso_handler"


def _frames(exc_info: Any) -> str:
    _, _, tb = exc_info
    return " < ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
        for frame in reversed(traceback.extract_tb(tb))
    )


class _Base(logging.Formatter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        forms: set[str] = set()
        for secret in secrets:
            forms.update({secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote(secret)})
            prefix, colon, rest = secret.partition(":")
            if colon and prefix.isdigit() and len(rest) >= 20:
                forms.add(rest)  # the secret part of a Telegram token, alone
        # Longest first, so a longer form is not half-blanked by a shorter one.
        self.secrets = sorted((s for s in forms if len(s) >= 6), key=len, reverse=True)

    def fields(self, record: logging.LogRecord) -> dict[str, Any]:
        fields = {
            key: value
            for key, value in record.__dict__.items()
            if key not in _STANDARD and not key.startswith("_")
        }
        if record.exc_info and record.exc_info[0] is not None:
            fields["error"] = record.exc_info[0].__name__
            fields["stack"] = _frames(record.exc_info)
        return fields

    def scrub(self, line: str) -> str:
        for secret in self.secrets:
            line = line.replace(secret, "[secret]")
        line = _TOKEN_SHAPED.sub("[secret]", line)
        return _PHONE.sub("[phone]", line)

    @staticmethod
    def timestamp(record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class JsonFormatter(_Base):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in self.fields(record).items():
            entry.setdefault(key, value)
        return self.scrub(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(_Base):
    """`2026-11-18T01:30:00.000Z INFO bot.ops.backup backup done file=... bytes=...`"""

    def format(self, record: logging.LogRecord) -> str:
        parts = [self.timestamp(record), record.levelname, record.name, record.getMessage()]
        for key, value in self.fields(record).items():
            text = str(value)
            parts.append(f"{key}={json.dumps(text, ensure_ascii=False) if ' ' in text else text}")
        # One event, one line, whatever a message contains.
        return self.scrub(" ".join(parts).replace("\r", "\\r").replace("\n", "\\n"))


def secrets_of(settings: Settings) -> list[str]:
    values = (settings.telegram_bot_token, settings.zalo_bot_token, settings.webhook_secret)
    return [value.get_secret_value() for value in values if value is not None]


def setup_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Send every logger's records, one line each, to `stream` (stderr: journald, docker logs)."""
    secrets = secrets_of(settings)
    formatter = JsonFormatter(secrets) if settings.log_json else TextFormatter(secrets)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    setattr(handler, _MARK, True)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, _MARK, False):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_thread_uncaught
    return handler


def _log_uncaught(kind: type[BaseException], error: BaseException, tb: Any) -> None:
    if issubclass(kind, KeyboardInterrupt):
        return
    logging.getLogger("bot").critical("uncaught error", exc_info=(kind, error, tb))


def _log_thread_uncaught(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    logging.getLogger("bot").critical(
        "uncaught error in a thread", exc_info=(args.exc_type, args.exc_value, args.exc_traceback)
    )
