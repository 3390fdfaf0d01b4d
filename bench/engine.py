"""Benchmark: scripted onboarding conversations through the engine, in-process, on a file database.

Prints one JSON line. The baseline is the same loop with the feature handlers replaced by an
echo: the same transaction, duplicate check, user load/save and outbox write, no feature logic.
Goal: updates_per_s >= 0.5 x baseline_updates_per_s and p99 under 5 ms. p999_ms shows the
rare WAL checkpoint that SQLite runs itself once the log is large; in production the scheduler's
`checkpoint` job (every minute) keeps the log small, so that spike stays off the update path.

    python bench/engine.py [--conversations 2000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine.context import Context  # noqa: E402
from bot.engine.dispatcher import Engine  # noqa: E402
from bot.engine.texts import Texts  # noqa: E402
from bot.engine.types import Incoming  # noqa: E402
from bot.features import ROUTERS  # noqa: E402
from bot.store.db import open_db  # noqa: E402
from bot.units import seed_demo  # noqa: E402
from lessons.loader import load  # noqa: E402

CONTENT = ROOT / "content" / "vi"
SCRIPT = ["/batdau", "1", "Nguyễn Văn Tư", "thon dong", "1958", "2", "1", "2", "3", "1"]


class EchoEngine(Engine):
    def _route(self, ctx: Context) -> None:
        ctx.say_text(ctx.text or "")


def run(engine_class: type[Engine], conversations: int, workdir: Path) -> dict[str, float]:
    db = open_db(workdir / f"{engine_class.__name__}.sqlite")
    seed_demo(db, CONTENT, "Xã Bình Minh")
    engine = engine_class(
        db, Texts(CONTENT / "messages"), load(CONTENT), ROUTERS, commune_name="Xã Bình Minh"
    )
    latencies: list[float] = []
    started = time.perf_counter()
    update = 0
    for n in range(conversations):
        user = f"bench-{n}"
        for text in SCRIPT:
            update += 1
            t0 = time.perf_counter()
            engine.handle(
                Incoming(
                    channel="bench", chat_id=user, user_id=user, update_id=str(update), text=text
                )
            )
            latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    if engine_class is Engine:
        onboarded = db.execute("SELECT COUNT(*) FROM users WHERE onboarded_at IS NOT NULL")
        assert onboarded.fetchone()[0] == conversations, "the script no longer onboards"
    db.close()
    latencies.sort()
    return {
        "updates": update,
        "updates_per_s": update / elapsed,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "p999_ms": latencies[int(len(latencies) * 0.999) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline = run(EchoEngine, args.conversations, Path(tmp))
        measured = run(Engine, args.conversations, Path(tmp))
    print(
        json.dumps(
            {
                "bench": "engine",
                "updates": measured["updates"],
                "updates_per_s": round(measured["updates_per_s"], 1),
                "p99_ms": round(measured["p99_ms"], 3),
                "p999_ms": round(measured["p999_ms"], 3),
                "baseline_updates_per_s": round(baseline["updates_per_s"], 1),
                "baseline_p99_ms": round(baseline["p99_ms"], 3),
                "ratio": round(measured["updates_per_s"] / baseline["updates_per_s"], 3),
            }
        )
    )


if __name__ == "__main__":
    main()
