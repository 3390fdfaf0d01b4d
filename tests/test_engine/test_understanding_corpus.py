"""The understanding core against the corpus of resident messages: every miss is reported."""

from __future__ import annotations

import pytest

from bot.engine.understanding import Vocabulary
from tests.conftest import CONTENT
from tests.understanding_corpus import Case, load, score

VOCABULARY = Vocabulary.load(CONTENT / "understanding.yaml")
CASES = load()


def _report(misses: list[tuple[Case, object]]) -> str:
    return "\n".join(
        f"  [{case.context}] {case.text!r}: expected {case.expected()}, got {got}"
        for case, got in misses
    )


def test_the_corpus_is_big_and_varied() -> None:
    assert len(CASES) >= 300
    kinds = {case.kind for case in CASES}
    assert kinds == {"answer", "navigate", "courtesy", "stop", "cancel", "question", "unclear"}


def test_corpus_accuracy() -> None:
    result = score(CASES, VOCABULARY.classify)
    shares = {kind: f"{result.share(kind):.0%}" for kind in sorted(result.total)}
    assert result.share() >= 0.95, f"{result.share():.1%} {shares}\n{_report(result.misses)}"


def test_no_courtesy_word_is_ever_a_question_and_no_option_ever_a_stop() -> None:
    result = score(CASES, VOCABULARY.classify)
    critical = [
        (case, got)
        for case, got in result.misses
        if (case.kind == "courtesy" and got.kind == "question")
        or (case.kind == "answer" and got.kind == "stop")
    ]
    assert not critical, "\n" + _report(critical)


@pytest.mark.parametrize(
    ("text", "kind"),
    [("dừng", "stop"), ("dung", "courtesy"), ("huy", "cancel"), ("hủy", "cancel")],
)
def test_dung_is_dung_and_huy_is_cancel(text: str, kind: str) -> None:
    # "dung" without marks is "đúng" (right), never "dừng"; "huy" is /huy, never reminders off.
    assert VOCABULARY.classify(text).kind == kind
