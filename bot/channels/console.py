"""Console channel: `hocvuso chat` — a conversation in the terminal, or scripted through pipes.

Each line read is one update; the replies are printed (buttons as numbered options) and flushed
before the next line is read, so another program can hold the conversation turn by turn.
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from typing import TextIO

from bot.channels import clean
from bot.channels.poison import handle_now
from bot.channels.textual import render_numbered
from bot.engine.dispatcher import Engine
from bot.engine.types import Incoming, Reply
from bot.store import outbox

CHANNEL = "console"


def chat(engine: Engine, user: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    counter = itertools.count(1)
    session = f"{os.getpid()}-{time.time_ns()}"

    def turn(text: str) -> None:
        handled = handle_now(
            engine,
            clean.incoming(
                Incoming(
                    channel=CHANNEL,
                    chat_id=user,
                    user_id=user,
                    update_id=f"{session}-{next(counter)}",
                    text=text,
                    at=time.time(),
                )
            ),
        )
        if handled is None:
            stdout.write(engine.texts.render("channel.busy") + "\n\n")
        for item in outbox.take_for_chat(engine.db, CHANNEL, user, int(time.time())):
            stdout.write(render_numbered(Reply.from_dict(item.body), engine.texts) + "\n\n")
        stdout.flush()

    interactive = stdin.isatty()
    turn("/menu")
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            break
        line = line.rstrip("\n")
        if line:  # a line of invisible characters is answered too (clean.incoming)
            turn(line)
