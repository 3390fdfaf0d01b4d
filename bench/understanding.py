"""Benchmark: how well typed messages are understood, on the corpus of resident messages
(tests/data/understanding_corpus.yaml), against the behaviour before the understanding core,
measured in the same run.

Baseline (before): a message equal to a word of the old keywords.yaml turned reminders off
("stop"); else a match with the buttons last shown answered them; everything else went to the
FAQ search ("question"). Now: bot/engine/understanding.py with content/vi/understanding.yaml.

Prints per class the share of messages understood as expected, before and now; the search part
of bench/search_quality.py (resident questions answered with the right entry first above the
floor, out-of-scope questions refused, today's search against the plain keyword-OR search, same
run); how many courtesy words of the corpus end with a FAQ answer (classified as a question and
then answered by the search), before and now; the classifier's speed; then one JSON line.

    python bench/understanding.py [--misses]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_quality import measure  # noqa: E402
from bot.engine.understanding import Understood, Vocabulary, Waiting  # noqa: E402
from lessons.grading import match_option  # noqa: E402
from lessons.text import fold_words  # noqa: E402
from tests.understanding_corpus import load, score  # noqa: E402

# content/vi/keywords.yaml as it was: every one of these, folded, turned reminders off.
OLD_KEYWORDS = frozenset(
    fold_words(word)
    for word in (
        "dừng", "dừng lại", "huỷ", "hủy", "stop", "tắt nhắc", "tắt nhắc nhở", "đừng nhắc",
        "không nhắc nữa", "thôi nhắc",
    )
)  # fmt: skip


def before(text: str, waiting: Waiting | None) -> Understood:
    if fold_words(text) in OLD_KEYWORDS:
        return Understood("stop", action="stop")
    if waiting is not None:
        index = match_option(list(waiting.labels), text)
        if index is not None:
            return Understood("answer", option=index)
    return Understood("question")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list what is still missed")
    args = parser.parse_args()
    cases = load()
    vocabulary = Vocabulary.load(ROOT / "content" / "vi" / "understanding.yaml")
    old = score(cases, before)
    started = time.perf_counter()
    new = score(cases, vocabulary.classify)
    per_message_us = (time.perf_counter() - started) / len(cases) * 1e6

    def courtesy_to_faq(result: object) -> float:
        wrong = sum(
            1
            for case, got in result.misses  # type: ignore[attr-defined]
            if case.kind == "courtesy" and got.kind == "question"
        )
        return wrong / max(1, result.total["courtesy"])  # type: ignore[attr-defined]

    search = measure()

    def courtesy_answered(result: object, searcher: object) -> int:
        """Courtesy words of the corpus that end with a FAQ answer: sent to the search, found."""
        return sum(
            1
            for case, got in result.misses  # type: ignore[attr-defined]
            if case.kind == "courtesy"
            and got.kind == "question"
            and searcher.search(case.text, limit=1)  # type: ignore[attr-defined]
        )

    answered_before = courtesy_answered(old, search.baseline)
    answered_now = courtesy_answered(new, search.index)
    figures = search.figures

    print(f"corpus: {len(cases)} messages")
    print(f"{'class':<10} {'count':>5} {'before':>7} {'now':>7}")
    for kind in sorted(new.total):
        print(f"{kind:<10} {new.total[kind]:>5} {old.share(kind):>7.1%} {new.share(kind):>7.1%}")
    print(f"{'all':<10} {len(cases):>5} {old.share():>7.1%} {new.share():>7.1%}")
    print(
        f"courtesy words sent to the FAQ: before {courtesy_to_faq(old):.1%}, "
        f"now {courtesy_to_faq(new):.1%}"
    )
    print(f"courtesy words answered with a FAQ: {answered_now} (before {answered_before})")
    print(
        f"search, {figures['questions']} resident questions: right entry first "
        f"before {figures['baseline_right_first']:.1%}, now {figures['right_first']:.1%}; "
        f"{figures['out_of_scope']} out of scope refused "
        f"before {figures['baseline_refused']:.1%}, now {figures['refused']:.1%}"
    )
    print(f"classifier: {per_message_us:.0f} µs per message")
    if args.misses:
        for case, got in new.misses:
            print(f"  miss [{case.context}] {case.text!r}: expected {case.expected()}, got {got}")
    print(
        json.dumps(
            {
                "bench": "understanding",
                "messages": len(cases),
                "accuracy_before": round(old.share(), 4),
                "accuracy_now": round(new.share(), 4),
                "courtesy_to_faq_before": round(courtesy_to_faq(old), 4),
                "courtesy_to_faq_now": round(courtesy_to_faq(new), 4),
                "per_class_now": {k: round(new.share(k), 4) for k in sorted(new.total)},
                "per_class_before": {k: round(old.share(k), 4) for k in sorted(new.total)},
                "courtesy_answered_with_faq_before": answered_before,
                "courtesy_answered_with_faq_now": answered_now,
                "search_right_first_before": figures["baseline_right_first"],
                "search_right_first_now": figures["right_first"],
                "search_refused_before": figures["baseline_refused"],
                "search_refused_now": figures["refused"],
                "us_per_message": round(per_message_us, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
