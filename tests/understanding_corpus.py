"""The corpus of resident messages (tests/data/understanding_corpus.yaml), shared by its test and
bench/understanding.py: each message with the question waiting and what it must mean."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.engine.understanding import Understood, Waiting

CORPUS = Path(__file__).resolve().parent / "data" / "understanding_corpus.yaml"


@dataclass(frozen=True)
class Case:
    text: str
    context: str
    waiting: Waiting | None
    kind: str
    option: int | None = None
    options: tuple[int, ...] = ()
    action: str | None = None

    def matches(self, got: Understood) -> bool:
        if got.kind != self.kind:
            return False
        if self.option is not None and got.option != self.option:
            return False
        if self.options and tuple(got.options) != self.options:
            return False
        return self.action is None or got.action == self.action

    def expected(self) -> str:
        detail = self.option if self.option is not None else self.options or self.action
        return f"{self.kind}" + (f" {detail}" if detail not in (None, ()) else "")


def _waiting(spec: dict[str, object]) -> Waiting | None:
    labels = tuple(str(label) for label in spec.get("labels", []) or [])  # type: ignore[union-attr]
    if not labels:
        return None
    own = {int(n) for n in spec.get("own", []) or []}  # type: ignore[union-attr]
    expects = spec.get("expects")
    return Waiting(
        labels=labels,
        expects=str(expects) if expects else None,
        matchable=tuple(i + 1 not in own for i in range(len(labels))),
    )


def load() -> list[Case]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    contexts = {name: _waiting(spec or {}) for name, spec in data["contexts"].items()}
    cases = []
    for block in data["cases"]:
        for text in block["texts"]:
            cases.append(
                Case(
                    text=str(text),
                    context=block["context"],
                    waiting=contexts[block["context"]],
                    kind=block["expect"],
                    option=block.get("option"),
                    options=tuple(block.get("options") or ()),
                    action=block.get("action"),
                )
            )
    return cases


@dataclass
class Score:
    right: Counter[str]
    total: Counter[str]
    misses: list[tuple[Case, Understood]]

    def share(self, kind: str | None = None) -> float:
        if kind is None:
            return sum(self.right.values()) / max(1, sum(self.total.values()))
        return self.right[kind] / max(1, self.total[kind])


def score(cases: list[Case], classify: Callable[[str, Waiting | None], Understood]) -> Score:
    result = Score(Counter(), Counter(), [])
    for case in cases:
        got = classify(case.text, case.waiting)
        result.total[case.kind] += 1
        if case.matches(got):
            result.right[case.kind] += 1
        else:
            result.misses.append((case, got))
    return result
