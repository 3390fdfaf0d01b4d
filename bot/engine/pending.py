"""The question waiting for an answer, apart from the buttons last offered.

After a turn, the question waiting is the last reply with buttons, unless the turn was a detour
(a courtesy answer, a search, help, a reminder arriving during a flow): then the question asked
before stays, and a typed "2" still answers it. Text channels number only that question's
buttons, so one turn shows one numbered list and a typed number means exactly that list.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.engine.types import Button, Reply
from bot.engine.understanding import Waiting

# The assistant's own buttons (payload prefix "u:"): typed words never choose them, numbers do.
OWN_PREFIX = "u:"
RECAP_CHARS = 120


def recap_of(reply: Reply) -> str:
    """A short line that names the question: the reply's recap, else its first line, cut."""
    if reply.recap:
        return reply.recap
    first = next((line.strip() for line in reply.text.splitlines() if line.strip()), "")
    if len(first) > RECAP_CHARS:
        first = first[: RECAP_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return first


def from_replies(replies: list[Reply]) -> dict[str, Any]:
    """The question a turn leaves waiting: its last reply with buttons; else the last reply's
    short line (a typed answer is awaited: a name, an hour); {} when the turn said nothing."""
    for reply in reversed(replies):
        if reply.buttons:
            return {
                "text": recap_of(reply),
                "buttons": [[[b.label, b.payload] for b in row] for row in reply.buttons],
                "expects": reply.expects,
            }
    return {"text": recap_of(replies[-1])} if replies else {}


def offered(replies: list[Reply]) -> list[list[list[str]]]:
    """Every button of the turn, the last reply's first: all may be tapped on Telegram."""
    rows: list[list[list[str]]] = []
    for reply in reversed(replies):
        rows.extend([[b.label, b.payload] for b in row] for row in reply.buttons)
    return rows


def buttons(pending: dict[str, Any]) -> list[list[Button]]:
    return [
        [Button(label, payload) for label, payload in row] for row in pending.get("buttons", [])
    ]


def payloads(pending: dict[str, Any]) -> list[str]:
    return [payload for row in pending.get("buttons", []) for _, payload in row]


def flat(pending: dict[str, Any]) -> list[tuple[str, str]]:
    return [(label, payload) for row in pending.get("buttons", []) for label, payload in row]


def waiting(pending: dict[str, Any]) -> Waiting | None:
    options = flat(pending)
    if not options:
        return None
    return Waiting(
        labels=tuple(label for label, _ in options),
        expects=pending.get("expects"),
        matchable=tuple(not payload.startswith(OWN_PREFIX) for _, payload in options),
    )


def number_one(replies: list[Reply], pending: dict[str, Any]) -> list[Reply]:
    """Mark every reply with buttons but the last showing the waiting question as not numbered."""
    wanted = payloads(pending)
    numbered_index = next(
        (
            i
            for i in range(len(replies) - 1, -1, -1)
            if replies[i].buttons and replies[i].payloads() == wanted
        ),
        None,
    )
    return [
        dataclasses.replace(reply, numbered=False)
        if reply.buttons and i != numbered_index
        else reply
        for i, reply in enumerate(replies)
    ]
