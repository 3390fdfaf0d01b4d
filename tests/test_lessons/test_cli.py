from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from lessons.cli import check_command, main

from .conftest import BROKEN, GOOD, TODAY

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessons", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_check_broken_exits_1_and_names_file_and_line() -> None:
    result = run("check", str(BROKEN.relative_to(ROOT)))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert (
        "tests/fixtures/broken/lessons/minutes-range.md:7: minutes must be from 1 to 10, not 12"
        in lines
    )
    assert (
        "tests/fixtures/broken/lessons/many-steps.md:54: lesson has 7 steps; it needs 3 to 6 "
        "(split by '---')" in lines
    )
    assert lines[-1] == "content check: 41 lessons, 7 faq, 52 problems"
    assert all(line.count(":") >= 2 for line in lines[:-1])


def test_check_good_exits_0() -> None:
    result = run("check", str(GOOD))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "content check: 7 lessons, 5 faq, 0 problems\n"


def test_check_without_a_command_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert "usage" in result.stderr


def test_check_command_writes_to_the_given_stream() -> None:
    out = io.StringIO()
    assert check_command(GOOD, out=out, today=TODAY) == 0
    assert out.getvalue() == "content check: 7 lessons, 5 faq, 0 problems\n"
    out = io.StringIO()
    assert check_command(BROKEN, out=out, today=TODAY) == 1
    assert out.getvalue().endswith("content check: 41 lessons, 7 faq, 52 problems\n")


def test_main_returns_the_status() -> None:
    assert main(["check", str(GOOD)]) == 0
    assert main(["check", str(BROKEN / "nowhere")]) == 1
