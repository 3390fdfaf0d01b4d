"""`lessons.validate.check`: the good fixture passes; tests/fixtures/broken has one mistake per
rule (its lesson files are named after the rule) and each is reported at its exact line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lessons.problems import Problem
from lessons.validate import check

from .conftest import BROKEN, GOOD, TODAY

# Paths are relative to tests/fixtures/broken (the tests run from there).
EXPECTED = [
    "curriculum.yaml:23: topic 'empty_topic' has no lessons",
    "curriculum.yaml:27: path for 'nguoi_dan': unknown topic 'no_such_topic'",
    "curriculum.yaml:28: path for unknown group 'ghosts'",
    "faq/basics.yaml:5: duplicate FAQ id 'good-entry' (also at faq/basics.yaml:1)",
    "faq/basics.yaml:12: unknown lesson 'no-such-lesson'",
    "faq/basics.yaml:15: answer is 719 characters; at most 700",
    "faq/basics.yaml:18: missing required field 'question'",
    "faq/basics.yaml:21: missing required field 'answer'",
    "faq/chung.yaml:1: FAQ file name 'chung.yaml' is not a topic id",
    "lessons/answer-not-single.md:23: question 2: answer must be one option number, not 'một'",
    "lessons/answer-range.md:27: question 3: answer 3 is not an option (1 to 2)",
    "lessons/bad-reviewed.md:10: reviewed date '15/01/2026' is not a date YYYY-MM-DD",
    "lessons/bad-source-url.md:13: source url must start with https://, "
    "not 'http://example.gov.vn/mau'",
    "lessons/bad-template-key.md:34: step 2: template error: 'name' is undefined "
    "(template keys: goi, Goi, ten, xa)",
    "lessons/bad-yaml.md:7: invalid YAML: expected ',' or ']', but got ':' "
    "(while parsing a flow sequence started on line 6)",
    "lessons/bad_id.md:2: id 'bad_id' must be 1 to 20 characters of a-z, 0-9 and '-'",
    "lessons/dup-id.md:2: duplicate lesson id 'answer-range' (also in lessons/answer-range.md)",
    "lessons/dup-id.md:2: id 'answer-range' does not match the file name 'dup-id.md'",
    "lessons/dup-key.md:10: invalid YAML: duplicate key 'title'",
    "lessons/dup-options.md:18: question 1, option 2 repeats option 1",
    "lessons/dup-order.md:8: order 1 is also used by lesson 'answer-not-single' in topic 'basics'",
    "lessons/empty-step.md:36: step 2 is empty",
    "lessons/few-options.md:22: question 2 has 1 option; it needs 2 to 4",
    "lessons/few-questions.md:14: quiz has 2 questions; it needs at least 3",
    "lessons/few-steps.md:30: lesson has 2 steps; it needs 3 to 6 (split by '---')",
    "lessons/future-reviewed.md:10: reviewed date 2999-01-01 is in the future",
    "lessons/heading.md:30: step 1: Markdown headings are not shown in chat",
    "lessons/id-mismatch.md:2: id 'another-name' does not match the file name 'id-mismatch.md'",
    "lessons/label-option.md:26: question 3, option 1 '2' looks like an option number; "
    "write it out in words",
    "lessons/label-option.md:26: question 3, option 2 '1' looks like an option number; "
    "write it out in words",
    "lessons/long-explain.md:28: question 3: explanation is 209 characters; at most 200",
    "lessons/long-option.md:18: question 1, option 2 is 69 characters; at most 60",
    "lessons/long-question.md:15: question 1 is 307 characters; at most 300",
    "lessons/long-step.md:34: step 2 is 719 characters with sample values; at most 700",
    "lessons/long-title.md:3: title is 67 characters; at most 60",
    "lessons/many-options.md:16: question 1 has 5 options; it needs 2 to 4",
    "lessons/many-steps.md:54: lesson has 7 steps; it needs 3 to 6 (split by '---')",
    "lessons/minutes-range.md:7: minutes must be from 1 to 10, not 12",
    "lessons/missing-field.md:1: missing required field 'minutes'",
    "lessons/multi-no-flag.md:19: question 1: several answers [1, 2] need 'multi: true'",
    "lessons/no-explain.md:21: question 2: missing explanation ('explain')",
    "lessons/no-front-matter.md:1: no front matter: the file must start with a line '---'",
    "lessons/no-reviewed.md:1: missing reviewed date (YYYY-MM-DD)",
    "lessons/no-sources.md:1: missing sources: list at least one, with a title and an https:// url",
    "lessons/question-template.md:21: question 2: template error: 'ho' is undefined "
    "(template keys: goi, Goi, ten, xa)",
    "lessons/template-syntax.md:39: step 3: template syntax error: unexpected '}' "
    "(template keys: goi, Goi, ten, xa)",
    "lessons/unclosed-front.md:1: front matter is not closed by a line '---'",
    "lessons/unknown-audience.md:6: unknown audience 'tre_em' (use 'all' or a group id)",
    "lessons/unknown-domain.md:5: unknown domain 'an_ninh'",
    "lessons/unknown-field.md:10: unknown field 'tags'",
    "lessons/unknown-topic.md:4: unknown topic 'nope'",
    "lessons/untitled-source.md:12: source has no title",
]


@pytest.fixture(scope="module")
def in_broken() -> list[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(BROKEN)
        return [str(problem) for problem in check(Path("."), today=TODAY)]


def test_good_content_has_no_problems() -> None:
    assert check(GOOD, today=TODAY) == []


def test_broken_content_reports_exactly_the_expected_problems(in_broken: list[str]) -> None:
    assert in_broken == EXPECTED


@pytest.mark.parametrize("path", sorted(p.name for p in (BROKEN / "lessons").glob("*.md")))
def test_every_broken_lesson_is_reported(path: str, in_broken: list[str]) -> None:
    """One test per rule: the broken lesson named after it is reported, and only in its file."""
    reported = [line for line in in_broken if line.startswith(f"lessons/{path}:")]
    expected = [line for line in EXPECTED if line.startswith(f"lessons/{path}:")]
    assert expected, f"no expectation written for {path}"
    assert reported == expected


def test_problem_path_is_relative_to_cwd_only_below_it(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = Problem(BROKEN / "lessons" / "x.md", 3, "bad")
    monkeypatch.chdir(BROKEN)
    assert str(problem) == "lessons/x.md:3: bad"
    monkeypatch.chdir(GOOD)
    assert str(problem) == f"{BROKEN}/lessons/x.md:3: bad"


# Rules and variants that the broken fixture set does not spell out, on a copy of the good set.


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "vi"
    shutil.copytree(GOOD, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(content: Path) -> list[tuple[str, int, str]]:
    return [(p.path.name, p.line, p.message) for p in check(content, today=TODAY)]


VNEID = "lessons/vneid-01.md"
Edit = Callable[[Path], None]


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (VNEID, "id: vneid-01", "id: vneid-01-but-far-too-long", (2, "must be 1 to 20 characters")),
        (
            VNEID,
            "sources:\n  - title: Cổng thông tin Bộ Công an\n    url: https://bocongan.gov.vn/vneid",
            "sources: []",
            (11, "missing sources"),
        ),
        (
            VNEID,
            "    answer: 1\n    explain: VNeID do",
            "    answer: 0\n    explain: VNeID do",
            (20, "answer 0 is not an option (1 to 3)"),
        ),
        (
            VNEID,
            "    answer: 1\n    explain: VNeID do",
            "    answer: [1]\n    explain: VNeID do",
            (20, "answer must be one option number, not [1]"),
        ),
        (
            VNEID,
            "    answer: 1\n    explain: VNeID do",
            "    multi: true\n    answer: 1\n    explain: VNeID do",
            (21, "with 'multi: true' answer must list 2 or more numbers"),
        ),
        (
            VNEID,
            "    answer: 1\n    explain: VNeID do",
            "    multi: yes please\n    answer: 1\n    explain: VNeID do",
            (20, "multi must be true or false"),
        ),
        (VNEID, "minutes: 3", "minutes: 0", (7, "minutes must be from 1 to 10, not 0")),
        (VNEID, "minutes: 3", "minutes: 2.5", (7, "minutes must be from 1 to 10, not 2.5")),
        (VNEID, "core: true", "core: yes please", (9, "core must be true or false")),
        (VNEID, "reviewed: 2026-10-02", "reviewed: 2026-02-30", (10, "is not a date YYYY-MM-DD")),
        (VNEID, "      - Ngân hàng", "      - Bo cong an", (19, "option 3 repeats option 1")),
        (VNEID, "Chỉ tải VNeID", "| a | b |\nChỉ tải VNeID", (44, "Markdown tables")),
        (
            VNEID,
            "explain: VNeID do Bộ",
            "explain: VNeID {{ range }} do Bộ",
            (21, "'range' is undefined"),
        ),
        (
            VNEID,
            "explain: VNeID do Bộ",
            "explain: {{ goi }} xem, VNeID do Bộ",
            (21, "a value starting with {{ must be in quotes"),
        ),
        (
            VNEID,
            "{{ Goi }} ơi, VNeID",
            "{% if goi %}x{% endif %}{{ goi.upper() }} {{ Goi }} ơi, VNeID",
            None,
        ),
        ("faq/vneid.yaml", "id: vneid-muc-2", "id: Vneid Muc 2", (1, "must be ASCII")),
        ("faq/vneid.yaml", "  lesson: vneid-02\n", "", (1, "missing required field 'lesson'")),
        (
            "faq/vneid.yaml",
            "keywords: [muc 2, kich hoat]",
            "keywords: muc 2",
            (5, "keywords must be a list"),
        ),
        (
            "faq/vneid.yaml",
            "answer: Mang",
            "answer: Nhớ {{ tuoi }} mang",
            (3, "answer: template error: 'tuoi' is undefined"),
        ),
        (
            "faq/vneid.yaml",
            "  keywords: [muc 2, kich hoat]",
            "  tags: [muc 2]",
            (5, "unknown field 'tags'"),
        ),
        (
            "curriculum.yaml",
            "  - id: an_toan\n",
            "  - id: du_lieu_thong_tin\n",
            (10, "duplicate id 'du_lieu_thong_tin' in domains"),
        ),
        (
            "curriculum.yaml",
            "  cao_tuoi: [lua_dao, dien_thoai]",
            "  cao_tuoi: [lua_dao, lua_dao]",
            (41, "path for 'cao_tuoi' repeats topic 'lua_dao'"),
        ),
        ("curriculum.yaml", "    address: Bác\n", "", (23, "groups entry has no 'address'")),
    ],
)
def test_rule_variants(
    content: Path, file: str, old: str, new: str, expected: tuple[int, str] | None
) -> None:
    edit(content / file, old, new)
    found = messages(content)
    if expected is None:
        assert found == []
        return
    line, fragment = expected
    name = Path(file).name
    assert [(n, ln) for n, ln, m in found if fragment in m] == [(name, line)], found


def test_missing_curriculum_and_content_dir(tmp_path: Path) -> None:
    assert [p.message for p in check(tmp_path / "nowhere")] == ["content directory not found"]
    (tmp_path / "vi").mkdir()
    assert [p.message for p in check(tmp_path / "vi")] == ["curriculum.yaml not found"]


def test_malformed_faq_yaml_and_curriculum(content: Path) -> None:
    (content / "faq" / "vneid.yaml").write_text("- id: x\n  question: [oops\n", encoding="utf-8")
    edit(content / "curriculum.yaml", "core_track:\n", "core_track: [\n")
    found = messages(content)
    assert ("vneid.yaml", 3, "invalid YAML") in [(n, ln, m[:12]) for n, ln, m in found]
    assert ("curriculum.yaml", 17, "invalid YAML") in [(n, ln, m[:12]) for n, ln, m in found]
    assert "flow sequence started on line 15" in str(found)


def test_empty_topic_is_reported_at_its_line(content: Path) -> None:
    (content / "lessons" / "dien-thoai-01.md").unlink()
    assert messages(content) == [("curriculum.yaml", 31, "topic 'dien_thoai' has no lessons")]
