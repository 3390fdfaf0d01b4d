"""The search's chit-chat comes from the understanding lists (content/vi/understanding.yaml):
a courtesy word added there is never answered with a FAQ entry."""

from __future__ import annotations

from pathlib import Path

import yaml

from lessons.search_words import DEFAULT_PATH, Vocabulary

CONTENT = DEFAULT_PATH.parent


def test_a_courtesy_word_added_to_the_understanding_lists_only_is_chit_chat(
    tmp_path: Path,
) -> None:
    typed = "chuc mung nam moi a"
    assert Vocabulary.load().content(typed) != []
    (tmp_path / "search.yaml").write_text(DEFAULT_PATH.read_text(encoding="utf-8"), "utf-8")
    understanding = yaml.safe_load((CONTENT / "understanding.yaml").read_text(encoding="utf-8"))
    understanding["courtesy"]["greet"].append("chúc mừng năm mới")
    (tmp_path / "understanding.yaml").write_text(
        yaml.safe_dump(understanding, allow_unicode=True), "utf-8"
    )
    assert Vocabulary.load(tmp_path / "search.yaml").content(typed) == []


def test_search_yaml_keeps_no_copy_of_the_courtesy_words() -> None:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert not data.get("chit_chat")


def test_courtesy_words_with_shorthand_and_particles_have_no_content() -> None:
    words = Vocabulary.load()
    for typed in ("ok cam on nhe", "da vang a", "ko", "dc r", "vui qua", "tam biet nha"):
        assert words.content(typed) == [], typed
    assert words.content("ko vao dc mang") != []
