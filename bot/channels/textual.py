"""Rendering for channels without buttons (console, Zalo): options become numbered lines.

The engine maps a typed "2" or the option's words back to the button, so every channel shares
one way of answering.
"""

from __future__ import annotations

from bot.engine.texts import Texts
from bot.engine.types import Reply


def render_numbered(reply: Reply, texts: Texts) -> str:
    labels = [button.label for row in reply.buttons for button in row]
    if not labels:
        return reply.text
    lines = [
        texts.render("channel.option_line", number=i, label=label)
        for i, label in enumerate(labels, 1)
    ]
    numbers = [str(i) for i in range(1, len(labels) + 1)]
    spoken = (
        numbers[0]
        if len(numbers) == 1
        else (", ".join(numbers[:-1]) + f" {texts.render('channel.or_word')} {numbers[-1]}")
    )
    hint = texts.render("channel.type_number", numbers=spoken)
    return "\n".join([reply.text, "", *lines, hint])
