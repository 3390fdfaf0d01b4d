"""Command-line entry points of the lessons package (`python -m lessons`, `hocvuso content ...`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from lessons.parse import lesson_paths, read_content
from lessons.validate import check_raw, faq_count

DEFAULT_CONTENT_DIR = Path("content/vi")


def check_command(
    content_dir: Path = DEFAULT_CONTENT_DIR, out: TextIO | None = None, today: date | None = None
) -> int:
    """Print every problem as `file:line: message`, then a summary; return the exit status."""
    out = out if out is not None else sys.stdout
    raw = read_content(content_dir)
    problems = check_raw(raw, today)
    for problem in problems:
        print(problem, file=out)
    lessons = len(lesson_paths(content_dir))
    summary = f"content check: {lessons} lessons, {faq_count(raw)} faq, {len(problems)} problems"
    print(summary, file=out)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lessons", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check the content files, naming file and line")
    check.add_argument("content_dir", nargs="?", type=Path, default=DEFAULT_CONTENT_DIR)
    args = parser.parse_args(argv)
    if args.command == "check":
        return check_command(args.content_dir)
    return 2  # pragma: no cover - argparse rejects other commands
