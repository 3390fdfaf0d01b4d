"""Search over FAQ entries and lesson paragraphs that answers, or admits it cannot.

Every text is turned into canonical folded words by `lessons.search_words.Vocabulary` (no tone
marks, synonyms such as "ck" → "chuyen khoan" replaced, question and stop words dropped from
queries). A document is one FAQ entry (its question, keywords and answer) or one paragraph of a
lesson step (with the lesson's title). Each content word of the query weighs its rarity (idf), more
in a title or keywords than in the body; two query words side by side ("muc 2", "ma otp",
"dich vu cong") weigh more again when they are side by side in the document too.

A hit must pass a relevance floor: a share of the query's content words found (`MIN_COVERAGE`),
a share of their weight (`MIN_WEIGHT`), for a query of several words two of them close together
in the document (`NEAR`), and, unless every word is found, the question's last word (what is
asked: "... co phai dong thue ko"). Below the floor nothing is returned, so courtesy words,
chit-chat and questions the content does not cover find nothing. "X là gì" prefers the entry
that defines X (its title asks it, or its text says "X là ...", "X: ...", less "X (...)").

The `Searcher` protocol is all callers should rely on.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from lessons.model import Curriculum
from lessons.search_words import DEFAULT_PATH, Vocabulary, words

MIN_COVERAGE = 0.6  # share of the query's content words the document must hold
MIN_WEIGHT = 0.55  # share of their idf weight
FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.5, "body": 1.0}
NEAR = 2  # two document words this close count as side by side
COMMON_IDF = 2.3  # a word found in more than about 1 document in 9 is a common syllable
BODY_BONUS = 0.1  # each query word in the body itself: this share of its weight
PAIR_BONUS = 0.8  # two query words side by side in the document: this share of their weight
ASKS_BONUS = 3.0  # "X là gì" and the document's title asks it
DEFINES_BONUS = 1.8  # "X là gì" and the document's text says "X là ..." or "X: ..."
GLOSS_BONUS = 1.2  # "X là gì" and the document explains X in passing: "X (...)"
LESSON_FACTOR = 0.8  # a lesson paragraph ranks a little below an FAQ entry of the same score

Kind = Literal["faq", "lesson"]

_PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Hit:
    kind: Kind
    id: str  # FAQ id or lesson id
    title: str  # the FAQ question or the lesson title
    answer: str  # the text that answers (FAQ answer, lesson paragraphs); a template: render it
    lesson_id: str  # the lesson the hit belongs to (for an FAQ entry: the one that teaches it)
    score: float  # higher is better; only comparable within one search
    coverage: float  # share of the query's content words found
    step: int = -1  # lesson hits: the step index, and the first paragraph of `answer` in it
    paragraph: int = -1

    @property
    def snippet(self) -> str:
        return self.answer


class Searcher(Protocol):
    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best hits above the relevance floor, best first; [] when nothing answers."""
        ...

    def terms(self, query: str) -> list[str]:
        """The query's content words ([] for courtesy words and chit-chat)."""
        ...


@dataclass(frozen=True)
class _Doc:
    kind: Kind
    id: str
    title: str
    answer: str
    lesson_id: str
    fields: dict[str, frozenset[str]]  # field -> canonical words
    pairs: frozenset[tuple[str, str]]  # neighbouring words, with and without stop words
    folded: str  # all canonical words joined, to find "x la" definitions
    title_folded: str
    step: int = -1
    paragraph: int = -1


def paragraphs(step: str) -> list[str]:
    """A lesson step's paragraphs; one ending with ":" is joined to the next (never cut there);
    the "Nguồn:" line is left out."""
    parts = [p.strip() for p in _PARAGRAPHS.split(step) if p.strip()]
    out: list[str] = []
    for part in parts:
        if out and out[-1].rstrip().endswith(":"):
            out[-1] = out[-1] + "\n" + part
        else:
            out.append(part)
    return out


def _is_source(paragraph: str) -> bool:
    return words(paragraph[:8])[:1] == ["nguon"]


class SearchIndex:
    """An in-memory index of a curriculum's FAQ entries and lesson paragraphs."""

    def __init__(self, curriculum: Curriculum, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary.load(_vocabulary_path(curriculum))
        self.docs: list[_Doc] = []
        for entry in curriculum.faq:
            self._add(
                "faq",
                entry.id,
                entry.question,
                entry.answer,
                entry.lesson,
                {"title": entry.question, "keywords": " ".join(entry.keywords)},
            )
        for lesson in curriculum.lessons.values():
            for step_index, step in enumerate(lesson.steps):
                for index, paragraph in enumerate(paragraphs(step)):
                    if _is_source(paragraph):
                        continue
                    self._add(
                        "lesson",
                        lesson.id,
                        lesson.title,
                        paragraph,
                        lesson.id,
                        {"title": lesson.title},
                        step=step_index,
                        paragraph=index,
                    )
        df: Counter[str] = Counter()
        self.postings: dict[str, list[int]] = {}  # word -> the documents holding it
        for index, doc in enumerate(self.docs):
            held = set().union(*doc.fields.values())
            df.update(held)
            for word in held:
                self.postings.setdefault(word, []).append(index)
        total = len(self.docs) or 1
        self.idf = {w: math.log(1 + total / n) for w, n in df.items()}
        self.default_idf = math.log(1 + total)
        self.vocab_by_length: dict[int, list[str]] = {}
        for word in sorted(df, key=lambda w: -df[w]):
            self.vocab_by_length.setdefault(len(word), []).append(word)

    def _add(
        self,
        kind: Kind,
        id: str,
        title: str,
        answer: str,
        lesson_id: str,
        extra: dict[str, str],
        step: int = -1,
        paragraph: int = -1,
    ) -> None:
        v = self.vocabulary
        texts = {**extra, "body": answer}
        fields: dict[str, frozenset[str]] = {}
        pairs: set[tuple[str, str]] = set()
        for name, text in texts.items():
            canon = v.canonical(text)
            content = [w for w in canon if w not in v.stop_words]
            fields[name] = frozenset(content)
            pairs |= _near_pairs(canon) | _near_pairs(content)
        self.docs.append(
            _Doc(
                kind,
                id,
                title,
                answer,
                lesson_id,
                fields,
                frozenset(pairs),
                " " + " ".join(v.canonical(answer, marks=True)) + " ",
                " " + " ".join(v.canonical(title)) + " ",
                step,
                paragraph,
            )
        )

    # -- the query -------------------------------------------------------------------------

    def terms(self, query: str) -> list[str]:
        """The query's canonical content words, typos of known words corrected, in order."""
        return [self._correct(w) for w in self.vocabulary.content(query)]

    def _correct(self, word: str) -> str:
        # Only long words, and only a letter changed, swapped or missing: a short or extra-letter
        # "typo" is as often another real syllable ("ngheo" is not "nghe").
        if word in self.idf or len(word) < 5 or not word.isalpha():
            return word
        for size in (len(word), len(word) + 1):
            for known in self.vocab_by_length.get(size, ()):
                if _one_edit(word, known):
                    return known
        return word

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best `limit` documents above the relevance floor, best first; [] when none."""
        sequence = self.terms(query)
        terms = list(dict.fromkeys(sequence))
        if not terms or limit <= 0:
            return []
        query_pairs = [p for p in itertools.pairwise(sequence) if p[0] != p[1]]
        weight = {w: self.idf.get(w, self.default_idf) for w in terms}
        total = sum(weight.values())
        defines = self._defined(query, terms)
        scored: list[tuple[float, int, float]] = []
        candidates = sorted({i for w in terms for i in self.postings.get(w, ())})
        for index in candidates:
            doc = self.docs[index]
            score = 0.0
            found = 0.0
            matched = 0
            for word in terms:
                best = max(
                    (FIELD_WEIGHTS[name] for name, ws in doc.fields.items() if word in ws),
                    default=0.0,
                )
                if best:
                    matched += 1
                    found += weight[word]
                    score += weight[word] * best
            if not matched:
                continue
            coverage = matched / len(terms)
            near = [p for p in query_pairs if p in doc.pairs]
            if coverage < MIN_COVERAGE or found / total < MIN_WEIGHT:
                continue
            # Words of a question belong together: two of them close together in the document
            # ("trung tam ... so" does not answer "trung so").
            if len(terms) > 1 and not near:
                continue
            # The last words of a question say what is asked ("... co phai dong thue ko"): an
            # entry about the first words only does not answer it.
            # (Unless that word is a common syllable: "co dung k", "dung" is many words.)
            last = sequence[-1]
            if (
                coverage < 1
                and weight[last] >= COMMON_IDF
                and not any(last in ws for ws in doc.fields.values())
            ):
                continue
            score += sum(PAIR_BONUS * (weight[a] + weight[b]) for a, b in near)
            # Among paragraphs of one lesson (same title), the one that says the words wins.
            score += BODY_BONUS * sum(weight[w] for w in terms if w in doc.fields["body"])
            if defines and _asks(doc.title_folded, defines):
                score *= ASKS_BONUS
            elif defines:
                score *= _defines(doc.folded, defines)
            if doc.kind == "lesson":
                score *= LESSON_FACTOR
            scored.append((score / total, index, coverage))
        scored.sort(key=lambda s: (-s[0], s[1]))
        hits: list[Hit] = []
        for score, index, coverage in scored[:limit]:
            doc = self.docs[index]
            hits.append(
                Hit(
                    doc.kind,
                    doc.id,
                    doc.title,
                    doc.answer,
                    doc.lesson_id,
                    score,
                    coverage,
                    doc.step,
                    doc.paragraph,
                )
            )
        return hits

    def _defined(self, query: str, terms: list[str]) -> str:
        """For "X là gì": " X " (canonical words), else ""."""
        if not self.vocabulary.is_definition_question(query):
            return ""
        return " " + " ".join(terms) + " "


def _near_pairs(tokens: list[str]) -> set[tuple[str, str]]:
    """Ordered pairs of words at most `NEAR` apart ("mat the can_cuoc": mat, can_cuoc)."""
    return {
        (a, tokens[j])
        for i, a in enumerate(tokens)
        for j in range(i + 1, min(i + 1 + NEAR, len(tokens)))
    }


def _asks(title: str, subject: str) -> bool:
    """The title asks what `subject` is: "X là gì", "X là cái gì"."""
    return f"{subject}la gi " in title or f"{subject}la cai gi " in title


def _defines(folded: str, subject: str) -> float:
    """How plainly `folded` says what `subject` (or its last word) is: "x la ...", "x: ..."
    (DEFINES_BONUS), "x (...)" (GLOSS_BONUS), or not at all (1)."""
    last = " " + subject.split()[-1] + " "
    best = 1.0
    for wanted in dict.fromkeys((subject, last)):
        at = folded.find(wanted)
        while at >= 0:
            rest = folded[at + len(wanted) :]
            if rest.startswith(("la ", ": ", "co the hieu la ")):
                return DEFINES_BONUS
            if rest.startswith("( "):
                best = GLOSS_BONUS
            at = folded.find(wanted, at + 1)
    return best


def _one_edit(a: str, b: str) -> bool:
    """True when `b` is `a` with one letter changed, added, removed, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _vocabulary_path(curriculum: Curriculum) -> Path:
    """content/<lang>/search.yaml next to the curriculum's lessons, else the real one."""
    for lesson in curriculum.lessons.values():
        candidate = lesson.path.parent.parent / "search.yaml"
        if candidate.exists():
            return candidate
        break
    return DEFAULT_PATH
