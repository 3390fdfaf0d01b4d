"""Full-text search over FAQ entries and lessons, so "lua dao" finds "lừa đảo".

Everything indexed and every query is folded with `lessons.text.fold` (lower case, no tone marks,
đ → d) and searched with SQLite FTS5, ranked by bm25 with titles, questions and keywords weighing
more than body text. The `Searcher` protocol is all callers should rely on, so another engine
(PostgreSQL tsvector) can replace this one.

Query words are quoted one by one, so nothing a user types is read as FTS syntax. Words are
joined with OR (a partly matching question still finds something) plus the query's phrases, so
entries with the words side by side rank first. Common question words ("là gì", "làm sao") are
dropped when other words remain; they are kept when they are all there is, because folded they
can be real words too ("the" is also "thẻ", a card).
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from dataclasses import dataclass
from typing import Literal, Protocol

from lessons.model import Curriculum
from lessons.text import fold

STOP_WORDS = frozenset(
    {"la", "gi", "cua", "toi", "thi", "co", "khong", "lam", "sao", "the", "nao", "cach"}
)
WEIGHTS = (10.0, 5.0, 1.0)  # bm25 weights of the columns title, keywords, body
SNIPPET_CHARS = 160

_WORD = re.compile(r"[^\W_]+")
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_PIECE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\S+", re.DOTALL)  # a word, or a template key whole
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

Kind = Literal["faq", "lesson"]


@dataclass(frozen=True)
class Hit:
    kind: Kind
    id: str  # FAQ id or lesson id
    title: str  # the FAQ question or the lesson title
    snippet: str  # a sentence of the answer or lesson; may contain template keys: render it
    lesson_id: str  # the lesson the hit belongs to (for an FAQ entry: the one that teaches it)
    score: float  # higher is better; only comparable within one search


class Searcher(Protocol):
    def search(self, query: str, limit: int = 3) -> list[Hit]: ...


@dataclass(frozen=True)
class _Entry:
    kind: Kind
    id: str
    title: str
    text: str  # the original text snippets are taken from
    lesson_id: str


def query_terms(query: str) -> list[str]:
    """The folded words of `query` worth searching for, in order (may repeat)."""
    words = [w for w in _WORD.findall(fold(query)) if len(w) >= 2 or w.isdigit()]
    content = [w for w in words if w not in STOP_WORDS]
    return content or words


def fts_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression: the whole phrase, each pair of neighbours, each word; OR-ed."""
    phrases: list[str] = []
    if len(terms) > 2:
        phrases.append(" ".join(terms))
    phrases += [f"{a} {b}" for a, b in itertools.pairwise(terms)]
    phrases += terms
    unique = list(dict.fromkeys(phrases))
    return " OR ".join('"' + phrase.replace('"', '""') + '"' for phrase in unique)


class SearchIndex:
    """FTS5 index of a curriculum's FAQ entries and lessons, in a temporary table of `conn`
    (a new in-memory database by default)."""

    TABLE = "lessons_search"

    def __init__(self, curriculum: Curriculum, conn: sqlite3.Connection | None = None) -> None:
        self.conn = conn or sqlite3.connect(":memory:", check_same_thread=False)
        self.entries: list[_Entry] = []
        self.conn.execute(f"DROP TABLE IF EXISTS temp.{self.TABLE}")
        self.conn.execute(
            f"CREATE VIRTUAL TABLE temp.{self.TABLE} USING fts5(title, keywords, body)"
        )
        for entry in curriculum.faq:
            self._add(
                _Entry("faq", entry.id, entry.question, entry.answer, entry.lesson),
                keywords=" ".join(entry.keywords),
                body=entry.answer,
            )
        for lesson in curriculum.lessons.values():
            quiz = [q.text + "\n" + "\n".join(q.options) + "\n" + q.explain for q in lesson.quiz]
            topic = curriculum.topic(lesson.topic).title
            self._add(
                _Entry("lesson", lesson.id, lesson.title, "\n".join(lesson.steps), lesson.id),
                keywords=topic,
                body="\n".join([*lesson.steps, *quiz]),
            )
        self.conn.commit()

    def _add(self, entry: _Entry, keywords: str, body: str) -> None:
        self.entries.append(entry)
        self.conn.execute(
            f"INSERT INTO temp.{self.TABLE} (rowid, title, keywords, body) VALUES (?, ?, ?, ?)",
            (len(self.entries), _index_text(entry.title), fold(keywords), _index_text(body)),
        )

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best `limit` FAQ entries and lessons for `query`; [] if it has no words."""
        terms = query_terms(query)
        if not terms or limit <= 0:
            return []
        rows = self.conn.execute(
            f"SELECT rowid, bm25({self.TABLE}, ?, ?, ?) AS rank FROM temp.{self.TABLE} "
            f"WHERE {self.TABLE} MATCH ? ORDER BY rank, rowid LIMIT ?",
            (*WEIGHTS, fts_query(terms), limit),
        ).fetchall()
        hits = []
        for rowid, rank in rows:
            entry = self.entries[rowid - 1]
            hits.append(
                Hit(
                    kind=entry.kind,
                    id=entry.id,
                    title=entry.title,
                    snippet=snippet(entry.text, terms),
                    lesson_id=entry.lesson_id,
                    score=-float(rank),
                )
            )
        return hits


def _index_text(text: str) -> str:
    return fold(_TEMPLATE.sub(" ", text))


def snippet(text: str, terms: list[str], size: int = SNIPPET_CHARS) -> str:
    """The sentence of `text` holding most of `terms`, cut to about `size` characters between
    words (template keys are never cut)."""
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    if not sentences:
        return ""
    wanted = set(terms)

    def found(sentence: str) -> int:
        return len(wanted & set(_WORD.findall(fold(_TEMPLATE.sub(" ", sentence)))))

    best = max(sentences, key=found)  # max keeps the first of equals
    if len(best) <= size:
        return best
    pieces: list[str] = []
    length = 0
    for piece in _PIECE.findall(best):
        if length + len(piece) + 1 > size and pieces:
            break
        pieces.append(piece)
        length += len(piece) + 1
    return " ".join(pieces).rstrip(",;:") + "…"
