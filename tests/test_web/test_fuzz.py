"""1,000 hostile inputs through the console and the web chat API (tests/fuzz_inputs.py): every
one answered, no Python text leaks into a reply, the database stays sound, and another person
is answered while the fuzz runs. Timings are printed, not asserted; each web request may take
at most ANSWER_WITHIN seconds (its client gives up after that, which fails the test)."""

from __future__ import annotations

import asyncio
import io
import statistics
import time
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from bot.app import Services, web_app
from bot.channels.console import chat
from tests.fuzz_inputs import hostile_inputs

ANSWER_WITHIN = 8.0
LEAKS = ("Traceback", "Error", "None", "{{", "self.")
SEED = 16


def _leaks(reply: str, typed: list[str]) -> list[str]:
    """Python text in a reply that the person did not type themselves (a name is repeated)."""
    return [m for m in LEAKS if m in reply and not any(m in text for text in typed)]


class _Feeder:
    """The console's stdin: one line per readline, noting where each answer begins and when."""

    def __init__(self, lines: list[str], out: io.StringIO) -> None:
        self.lines = list(lines)
        self.out = out
        self.marks: list[int] = []
        self.times: list[float] = []

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        self.marks.append(len(self.out.getvalue()))
        self.times.append(time.monotonic())
        return self.lines.pop(0) + "\n" if self.lines else ""


def _report(name: str, timings: list[float]) -> None:
    ordered = sorted(timings)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(
        f"fuzz {name}: {len(timings)} inputs, median {statistics.median(timings) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


def test_500_hostile_lines_through_the_console(services: Services) -> None:
    # A line of the console cannot hold a line break: each input is one line.
    inputs = [t.replace("\r", " ").replace("\n", " ") for t in hostile_inputs(500, SEED)]
    timings: list[float] = []
    unanswered, leaked = [], []
    for person in range(10):  # ten people, fifty lines each: many states are reached
        lines = inputs[person * 50 : (person + 1) * 50]
        out = io.StringIO()
        feeder = _Feeder(lines, out)
        chat(services.engine, f"fuzz-{person}", stdin=feeder, stdout=out)  # type: ignore[arg-type]
        text = out.getvalue()
        for i, line in enumerate(lines):
            reply = text[feeder.marks[i] : feeder.marks[i + 1]]
            timings.append(feeder.times[i + 1] - feeder.times[i])
            if not reply.strip():
                unanswered.append(line[:40])
            if _leaks(reply, lines[: i + 1]):
                leaked.append((line[:40], reply[:200]))
    _report("console", timings)
    assert unanswered == []
    assert leaked == []
    assert services.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_500_hostile_messages_through_the_web_chat_while_another_person_chats(
    aiohttp_client: Any, services: Services
) -> None:
    app = web_app(services)
    fuzzer: TestClient = await aiohttp_client(app)
    await fuzzer.get("/")
    inputs = hostile_inputs(500, SEED + 1)
    timeout = aiohttp.ClientTimeout(total=ANSWER_WITHIN)
    timings: list[float] = []
    refused, unanswered, leaked = 0, [], []

    async def fuzz() -> None:
        nonlocal refused
        for number, text in enumerate(inputs):
            if number % 100 == 0:  # a new browser now and then: new conversations
                fuzzer.session.cookie_jar.clear()
                await fuzzer.get("/")
            started = time.monotonic()
            response = await fuzzer.post(
                "/api/chat", json={"id": f"f{number}", "text": text}, timeout=timeout
            )
            data = await response.json()
            timings.append(time.monotonic() - started)
            if response.status == 400:  # too long for the page's text box: said politely
                assert "không hợp lệ" in data["error"]
                refused += 1
                continue
            assert response.status == 200, (text[:40], response.status)
            replies = " ".join(r["text"] for r in data["replies"])
            if not replies.strip():
                unanswered.append(text[:40])
            if _leaks(replies, inputs[: number + 1]):
                leaked.append((text[:40], replies[:200]))
            await asyncio.sleep(0)

    async def another_person() -> list[str]:
        """Someone registering meanwhile, step by step as in the browser."""
        client: TestClient = await aiohttp_client(app)
        await client.get("/")
        said = []
        for number, body in enumerate(
            [{"text": "/menu"}, {"payload": "ob:c:y"}, {"text": "Lan"}, {"text": "/trogiup"}]
        ):
            await asyncio.sleep(0.05)
            response = await client.post(
                "/api/chat", json={"id": f"o{number}", **body}, timeout=timeout
            )
            assert response.status == 200
            said.append(" ".join(r["text"] for r in (await response.json())["replies"]))
        return said

    _, said = await asyncio.gather(fuzz(), another_person())
    _report("web chat", timings)
    print(f"fuzz web chat: {refused} refused as too long")
    assert unanswered == []
    assert leaked == []
    assert "Xin chào" in said[0] and "gọi" in said[1] and "Lan" in said[2]
    assert "Cách dùng Trợ lý" in said[3]
    assert services.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
