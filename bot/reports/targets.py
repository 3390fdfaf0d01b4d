"""Targets as configuration: content/vi/targets/*.yaml, one file per commune and year.

A commune edits its own file when its plan changes; no code changes. Each target is a percent
of adults (a number), or a number of people (`{people: 10000}`), or for mentors the mentees each
mentor should guide. `unit_word` (optional) is the commune's word for its villages (xóm, ấp …).

Each file is checked on its own: a broken file of another commune is skipped (and listed by
`problems`), never taking this commune's targets with it; a broken file of this commune itself
is an error (its report shows no targets rather than another year's or the default ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lessons.text import fold

# The targets a report can show, in the order shown.
KEYS = (
    "core_skills",
    "vneid2",
    "smartphone",
    "epayment",
    "ai_tool",
    "mentees_per_mentor",
    "households_covered",
)
PERCENT_KEYS = frozenset(KEYS) - {"mentees_per_mentor"}
ANY_COMMUNE = "*"


class TargetsError(ValueError):
    """A targets file is wrong; the message names the file and what is wrong (for editors)."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Target:
    key: str
    percent: float | None = None
    people: int | None = None
    per_mentor: int | None = None


@dataclass(frozen=True)
class Targets:
    commune: str
    year: int
    source: str
    path: Path | None = None
    values: dict[str, Target] = field(default_factory=dict)
    unit_word: str | None = None

    def get(self, key: str) -> Target | None:
        return self.values.get(key)


def _target(path: Path, key: str, value: Any) -> Target:
    where = f"{path.name}: targets.{key}"
    if key == "mentees_per_mentor":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
            raise TargetsError(f"{where}: a whole number of people from 1 to 100")
        return Target(key, per_mentor=value)
    if isinstance(value, dict):
        people = value.get("people")
        if set(value) != {"people"} or not isinstance(people, int) or people < 1:
            raise TargetsError(f"{where}: write a percent (70) or {{people: 10000}}")
        return Target(key, people=people)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
        raise TargetsError(f"{where}: a percent above 0 and at most 100")
    return Target(key, percent=float(value))


def read(path: Path) -> Targets:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TargetsError(f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise TargetsError(f"{path.name}: expected commune, year, source and targets")
    unknown = set(data) - {"commune", "year", "source", "targets", "unit_word"}
    if unknown:
        raise TargetsError(f"{path.name}: unknown field(s) {sorted(unknown)}")
    commune, year, values = data.get("commune"), data.get("year"), data.get("targets")
    if not isinstance(commune, str) or not commune.strip():
        raise TargetsError(f"{path.name}: commune is missing")
    if not isinstance(year, int) or not 2020 <= year <= 2100:
        raise TargetsError(f"{path.name}: year must be a year such as 2026")
    if not isinstance(values, dict) or not values:
        raise TargetsError(f"{path.name}: targets is missing")
    bad = set(values) - set(KEYS)
    if bad:
        raise TargetsError(f"{path.name}: unknown target(s) {sorted(bad)}; known: {list(KEYS)}")
    unit_word = data.get("unit_word")
    if unit_word is not None and (not isinstance(unit_word, str) or not 1 <= len(unit_word) <= 20):
        raise TargetsError(f"{path.name}: unit_word is a word such as xóm, thôn, ấp")
    return Targets(
        commune=commune.strip(),
        year=year,
        source=str(data.get("source") or ""),
        path=path,
        values={key: _target(path, key, values[key]) for key in KEYS if key in values},
        unit_word=unit_word.strip() if unit_word else None,
    )


def _read_one(path: Path) -> Targets:
    try:
        return read(path)
    except TargetsError as problem:
        raise TargetsError(str(problem), path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetsError(f"{path.name}: cannot be read ({exc})", path) from None


def load_checked(directory: Path) -> tuple[list[Targets], list[TargetsError]]:
    """Every good file, and the problem of every broken one (each file checked on its own)."""
    good: list[Targets] = []
    bad: list[TargetsError] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            good.append(_read_one(path))
        except TargetsError as problem:
            bad.append(problem)
    return good, bad


def load_all(directory: Path) -> list[Targets]:
    """Every file; the first broken one raises TargetsError (for `hocvuso content check`)."""
    return [_read_one(path) for path in sorted(directory.glob("*.yaml"))]


def _name(text: str) -> str:
    return fold(text).removeprefix("xa ").strip()


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in _name(text)).split())


def belongs_to(problem: TargetsError, commune: str) -> bool:
    """Whether a broken file is (or may be) this commune's: its `commune` line names it, or,
    when even that cannot be read, its file name starts with the commune's name."""
    path = problem.path
    if path is None:
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("commune"), str):
            return _name(data["commune"]) == _name(commune) or data["commune"].strip() == "*"
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        pass
    return path.stem.startswith(_slug(commune) + "-") or path.stem == _slug(commune)


def problems(directory: Path) -> list[TargetsError]:
    """The broken targets files (shown to the commune's admins on the dashboard)."""
    return load_checked(directory)[1]


def pick(directory: Path, commune: str, year: int) -> Targets | None:
    """The commune's targets for the year; else its latest earlier year; else the file for any
    commune (`commune: "*"`) of that year or the latest before it.

    Raises TargetsError when a file that is (or may be) this commune's, or the default, is
    broken; other communes' broken files are skipped."""
    good, bad = load_checked(directory)
    for problem in bad:
        if belongs_to(problem, commune):
            raise problem
    found = [t for t in good if t.year <= year]

    def same(t: Targets) -> bool:
        return _name(t.commune) == _name(commune)

    for candidates in ([t for t in found if same(t)], [t for t in found if t.commune == "*"]):
        if candidates:
            return max(candidates, key=lambda t: t.year)
    return None
