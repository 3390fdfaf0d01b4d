"""content/vi/understanding.yaml is well formed: every word a string, every navigation target an
entry the assistant has (or one another capability registers), and the mark rules hold."""

from __future__ import annotations

import yaml

from bot.engine.dispatcher import Engine
from bot.engine.understanding import Vocabulary, Waiting
from tests.conftest import CONTENT

PATH = CONTENT / "understanding.yaml"
# Entries another capability registers; the word is skipped while it is missing.
REGISTERED_ELSEWHERE = {"certificates.list"}


def _strings(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _strings(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_strings(v) for v in value)
    return isinstance(value, str)


def test_every_word_is_text() -> None:
    # YAML reads a bare yes/no/on/off as true/false: such words must be quoted.
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    assert _strings(data)


def test_navigation_targets_exist(engine: Engine) -> None:
    data = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    targets = set(data["navigation"])
    assert targets - set(engine.routes.entries) <= REGISTERED_ELSEWHERE


def test_a_missing_target_is_skipped() -> None:
    vocabulary = Vocabulary.load(PATH)
    assert vocabulary.classify("chứng nhận").kind == "navigate"
    assert vocabulary.classify("chứng nhận", known=frozenset({"menu"})).kind != "navigate"


def test_marks_decide_when_two_lists_fold_alike() -> None:
    vocabulary = Vocabulary.load(PATH)
    yes_no = Waiting(("Đồng ý", "Không đồng ý"), "yes_no")
    assert vocabulary.classify("đúng", yes_no).option == 0
    assert vocabulary.classify("dung", yes_no).option == 0
    assert vocabulary.classify("dừng").kind == "stop"
    assert vocabulary.classify("dung").kind == "courtesy"
    assert vocabulary.classify("đung rồi").kind == "courtesy"  # a mark left out still fits
