"""Benchmark: search quality on resident-style questions (tests/data/questions/*.yaml).

Measures, on the real content, the share of in-scope questions answered with the right entry
first and the share of out-of-scope questions (courtesy words, "gia lua hom nay") correctly left
without an answer, for today's search (`SearchIndex`, with its relevance floor) and, in the same
run, for the search it replaced: a plain FTS5 OR of every word and neighbouring pair with no
floor (copied below as `OrSearch`, the baseline). Also the share of answers that fit one phone
screen (600 characters of answer text; the chat cuts longer ones with "Xem thêm"), and the time
to build the index and to answer one question, for both, measured in the same run.

Prints one JSON line:
    {"bench": "search_quality", "questions": N, "out_of_scope": M,
     "right_first": 0.97, "refused": 1.0, "baseline_right_first": ..., "baseline_refused": ...,
     "build_ms": ..., "baseline_build_ms": ..., "query_ms": ..., "baseline_query_ms": ...}
Goal: right_first >= 0.85, refused close to 1. Misses go to stderr with --misses.

    python bench/search_quality.py [--misses]
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lessons.answer_cut import SCREEN_CHARS  # noqa: E402
from lessons.loader import build  # noqa: E402
from lessons.model import Curriculum  # noqa: E402
from lessons.parse import read_content  # noqa: E402
from lessons.search import Hit, SearchIndex  # noqa: E402
from lessons.search_eval import evaluate, load_questions  # noqa: E402
from lessons.text import fold  # noqa: E402

CONTENT = ROOT / "content" / "vi"
QUESTIONS = ROOT / "tests" / "data" / "questions"

# -- the baseline: the search before issue 15, as it was ---------------------------------------

_STOP = frozenset(
    {"la", "gi", "cua", "toi", "thi", "co", "khong", "lam", "sao", "the", "nao", "cach"}
)
_WORD = re.compile(r"[^\W_]+")
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


class OrSearch:
    """FTS5, bm25 with title 10, keywords 5, body 1; every word OR-ed; no floor."""

    def __init__(self, curriculum: Curriculum) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.rows: list[tuple[str, str, str, str]] = []  # kind, id, title, lesson
        self.conn.execute("CREATE VIRTUAL TABLE s USING fts5(title, keywords, body)")
        for e in curriculum.faq:
            self._add(("faq", e.id, e.question, e.lesson), " ".join(e.keywords), e.answer)
        for lesson in curriculum.lessons.values():
            quiz = [q.text + "\n" + "\n".join(q.options) + "\n" + q.explain for q in lesson.quiz]
            body = "\n".join([*lesson.steps, *quiz])
            topic = curriculum.topic(lesson.topic).title
            self._add(("lesson", lesson.id, lesson.title, lesson.id), topic, body)

    def _add(self, row: tuple[str, str, str, str], keywords: str, body: str) -> None:
        self.rows.append(row)
        self.conn.execute(
            "INSERT INTO s (rowid, title, keywords, body) VALUES (?, ?, ?, ?)",
            (
                len(self.rows),
                fold(_TEMPLATE.sub(" ", row[2])),
                fold(keywords),
                fold(_TEMPLATE.sub(" ", body)),
            ),
        )

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        words = [w for w in _WORD.findall(fold(query)) if len(w) >= 2 or w.isdigit()]
        terms = [w for w in words if w not in _STOP] or words
        if not terms:
            return []
        phrases = (
            ([" ".join(terms)] if len(terms) > 2 else [])
            + [f"{a} {b}" for a, b in itertools.pairwise(terms)]
            + terms
        )
        match = " OR ".join('"' + p.replace('"', '""') + '"' for p in dict.fromkeys(phrases))
        found = self.conn.execute(
            "SELECT rowid, bm25(s, 10.0, 5.0, 1.0) AS r FROM s WHERE s MATCH ? ORDER BY r, rowid "
            "LIMIT ?",
            (match, limit),
        ).fetchall()
        hits = []
        for rowid, rank in found:
            kind, id, title, lesson = self.rows[rowid - 1]
            hits.append(Hit(kind, id, title, "", lesson, -rank, 0.0))  # type: ignore[arg-type]
        return hits


def _median_ms(searcher: SearchIndex | OrSearch, texts: list[str], rounds: int = 5) -> float:
    """Median over `rounds` of the mean time of one search over all `texts`."""
    means = []
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            searcher.search(text, limit=2)
        means.append((time.perf_counter() - started) * 1000 / len(texts))
    return statistics.median(means)


@dataclass
class Measured:
    """One run of the benchmark: the figures, the misses, and both searches (for callers such as
    bench/understanding.py that ask them more)."""

    figures: dict[str, object]
    misses: list[str]
    index: SearchIndex
    baseline: OrSearch


def measure() -> Measured:
    """Build both searches on the real content and score them on the question set."""
    curriculum = build(read_content(CONTENT))
    loaded = load_questions(QUESTIONS, curriculum)
    for where, unknown in loaded.skipped:
        print(f"skipped id {unknown} ({where})", file=sys.stderr)
    started = time.perf_counter()
    index = SearchIndex(curriculum)
    build_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    baseline = OrSearch(curriculum)
    baseline_build_ms = (time.perf_counter() - started) * 1000
    now = evaluate(index, loaded.questions)
    before = evaluate(baseline, loaded.questions)
    texts = [q.text for q in loaded.questions]
    answers = [h for q in loaded.questions for h in index.search(q.text, limit=1)]
    fits = sum(1 for h in answers if len(h.answer) <= SCREEN_CHARS)
    query_ms = _median_ms(index, texts)
    baseline_query_ms = _median_ms(baseline, texts)
    figures: dict[str, object] = {
        "bench": "search_quality",
        "questions": now.in_scope,
        "out_of_scope": now.out_of_scope,
        "skipped_ids": len(loaded.skipped),
        "right_first": round(now.right_share, 3),
        "refused": round(now.refused_share, 3),
        "baseline_right_first": round(before.right_share, 3),
        "baseline_refused": round(before.refused_share, 3),
        "answers_within_one_screen_uncut": round(fits / len(answers), 3) if answers else 1,
        "build_ms": round(build_ms, 1),
        "baseline_build_ms": round(baseline_build_ms, 1),
        "query_ms": round(query_ms, 3),
        "baseline_query_ms": round(baseline_query_ms, 3),
    }
    return Measured(figures, list(now.misses), index, baseline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the misses on stderr")
    args = parser.parse_args()
    measured = measure()
    if args.misses:
        for line in measured.misses:
            print("miss:", line, file=sys.stderr)
    print(json.dumps(measured.figures))


if __name__ == "__main__":
    main()
