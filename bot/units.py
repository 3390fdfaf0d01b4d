"""The commune's villages: import from CSV/Excel with every bad row named, and the demo seed.

A village is matched by its code (`ma`), so a rename is not a new village; without a code, by
its name without diacritics. A blank cell keeps the known figure; a population of 0 is imported
but warned about (the report cannot give that village a percentage). Optional columns give the
population of a learner group (`so_can_bo`, `so_hoc_sinh` … or the group's name), for "% of the
group reached". Importing real villages removes the demo ones nobody is registered in.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from sqlite_utils import Database

from bot.engine.texts import Texts
from bot.store import units
from bot.store.db import now_ts
from lessons.text import fold

MAX_ROWS = 5000
MAX_NAME_LEN = 80
MAX_CODE_LEN = 20
# Besides letters (with their accents), ASCII digits and spaces, what a village's name may hold.
NAME_PUNCTUATION = frozenset("-.,'()/&#:")
# Column names accepted in the header row (compared without diacritics, spaces as "_").
COLUMNS = {
    "name": (
        "ten_thon",
        "thon",
        "ten",
        "name",
        "village",
        "ten_xom",
        "xom",
        "ten_ap",
        "ap",
        "ten_khu",
        "khu",
        "ten_to_dan_pho",
        "to_dan_pho",
        "ten_ban",
        "ban",
    ),
    "code": ("ma", "ma_thon", "ma_xom", "ma_ap", "ma_khu", "ma_to_dan_pho", "code"),
    "adult_population": (
        "so_nguoi_truong_thanh",
        "nguoi_truong_thanh",
        "adult_population",
        "adults",
    ),
    "households": ("so_ho", "ho", "households"),
}


class FileProblem(Exception):
    """The file as a whole cannot be imported (no rows, missing column, too many rows)."""


@dataclass
class ImportResult:
    ok: bool
    messages: list[str]


def _group_headers(groups: dict[str, str]) -> dict[str, str]:
    """Header → group id: `so_<id>`, `<id>`, `so_<name>` or the group's name (no diacritics)."""
    found: dict[str, str] = {}
    for gid, name in groups.items():
        named = _header_key(name).replace(",", "")
        for header in (f"so_{gid}", gid, f"so_{named}", named, f"dan_so_{gid}"):
            found.setdefault(header, gid)
    return found


def _header_key(cell: Any) -> str:
    return fold(str(cell or "")).replace(" ", "_")


def read_rows(path: Path) -> list[list[Any]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return [row for row in csv.reader(io.StringIO(text))]
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    raise ValueError("format")


def _count(value: Any) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "")
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def plain_name(name: str) -> bool:
    """Letters (any accents), ASCII digits, spaces and a little punctuation only: no control
    characters (they break the Excel and Word files), no invisible direction marks (U+202E shows
    "Đông" reversed), no full-width look-alikes ("＝" is not "=", and fools a reader)."""
    return all(
        (char.isalpha() and not "\uff00" <= char <= "\uffef")
        or unicodedata.category(char).startswith("M")
        or char in "0123456789 "
        or char in NAME_PUNCTUATION
        for char in name
    )


def parse(
    rows: list[list[Any]], texts: Texts, groups: dict[str, str] | None = None
) -> tuple[list[units.VillageRow], list[str], list[str]]:
    """Validate every row first; return the villages, the errors and the warnings, row by row.

    Raises FileProblem when the file as a whole is unusable.
    """
    rows = [r for r in rows if any(str(c or "").strip() for c in r)]
    if not rows:
        raise FileProblem(texts.render("cli.import_no_rows"))
    header = [_header_key(c) for c in rows[0]]
    index: dict[str, int] = {}
    for field, names in COLUMNS.items():
        found = next((i for i, h in enumerate(header) if h in names), None)
        if found is None and field == "name":
            raise FileProblem(texts.render("cli.import_missing_column", column=names[0]))
        if found is not None:
            index[field] = found
    by_header = _group_headers(groups or {})
    group_index = {
        by_header[h]: i for i, h in enumerate(header) if h in by_header and i not in index.values()
    }
    body = rows[1:]
    if not body:
        raise FileProblem(texts.render("cli.import_no_rows"))
    if len(body) > MAX_ROWS:
        raise FileProblem(texts.render("cli.import_too_many", count=len(body), limit=MAX_ROWS))
    villages: list[units.VillageRow] = []
    errors: list[str] = []
    warnings: list[str] = []
    seen: dict[str, int] = {}
    codes: dict[str, int] = {}

    def cell(row: list[Any], field: str) -> Any:
        i = index.get(field)
        return row[i] if i is not None and i < len(row) else None

    for number, row in enumerate(body, start=2):
        name = unicodedata.normalize("NFC", " ".join(str(cell(row, "name") or "").split()))
        problems: list[str] = []
        if not name:
            problems.append(texts.render("cli.err_name_missing"))
        elif len(name) > MAX_NAME_LEN:
            problems.append(texts.render("cli.err_name_too_long", limit=MAX_NAME_LEN))
        elif not plain_name(name):
            problems.append(texts.render("cli.err_name_odd_characters"))
        elif fold(name) in seen:
            problems.append(texts.render("cli.err_duplicate", name=name, other=seen[fold(name)]))
        code = " ".join(str(cell(row, "code") or "").split()) or None
        if isinstance(cell(row, "code"), float) and float(cell(row, "code")).is_integer():
            code = str(int(cell(row, "code")))  # Excel writes 7 as 7.0
        if code is not None and len(code) > MAX_CODE_LEN:
            problems.append(texts.render("cli.err_code_too_long", limit=MAX_CODE_LEN))
        elif code is not None and code.lower() in codes:
            problems.append(
                texts.render("cli.err_duplicate_code", code=code, other=codes[code.lower()])
            )
        counts: dict[str, int | None] = {}
        for field in ("adult_population", "households"):
            try:
                counts[field] = _count(cell(row, field))
            except ValueError:
                problems.append(
                    texts.render(
                        "cli.err_not_number", column=COLUMNS[field][0], value=cell(row, field)
                    )
                )
        group_counts: dict[str, int] = {}
        for gid, i in group_index.items():
            value = row[i] if i < len(row) else None
            try:
                count = _count(value)
            except ValueError:
                problems.append(texts.render("cli.err_not_number", column=header[i], value=value))
                continue
            if count is not None:
                group_counts[gid] = count
        adults, households = counts.get("adult_population"), counts.get("households")
        if adults is not None and households is not None and households > adults:
            problems.append(texts.render("cli.err_households_gt_adults"))
        if problems:
            errors.extend(
                texts.render("cli.import_row_error", row=number, message=p) for p in problems
            )
            continue
        if adults == 0:
            warnings.append(
                texts.render(
                    "cli.import_row_error",
                    row=number,
                    message=texts.render("cli.warn_zero_adults", name=name),
                )
            )
        seen[fold(name)] = number
        if code is not None:
            codes[code.lower()] = number
        villages.append(units.VillageRow(name, adults, households, code, group_counts))
    return villages, errors, warnings


def import_file(
    db: Database,
    path: Path,
    texts: Texts,
    commune_name: str,
    groups: dict[str, str] | None = None,
) -> ImportResult:
    """All rows or none: any bad row stops the import and every bad row is reported.

    `groups` (learner group id → name) names the optional group population columns."""
    try:
        rows = read_rows(path)
    except ValueError:
        return ImportResult(False, [texts.render("cli.import_bad_format")])
    except (OSError, UnicodeDecodeError, csv.Error, KeyError) as exc:
        return ImportResult(False, [texts.render("cli.import_unreadable", reason=str(exc))])
    try:
        villages, errors, warnings = parse(rows, texts, groups)
    except FileProblem as problem:
        return ImportResult(False, [str(problem)])
    existing = units.commune(db)
    if existing is not None:
        errors += _rename_clashes(db, existing.id, villages, texts)
    if errors:
        return ImportResult(False, [texts.render("cli.import_failed", count=len(errors)), *errors])
    notes: list[str] = []
    with db.atomic():
        commune = units.ensure_commune(db, commune_name, now_ts())
        counts = units.upsert_villages(db, commune.id, villages, now_ts())
        for old, new in counts["renamed"]:
            notes.append(texts.render("cli.import_renamed", old=old, new=new))
        for demo in units.demo_villages(db):
            if demo.id in counts["ids"]:
                continue
            people = units.registered_in(db, demo.id)
            if people == 0 and units.remove_unused(db, demo.id):
                notes.append(texts.render("cli.import_demo_removed", name=demo.name))
            else:
                notes.append(texts.render("cli.import_demo_kept", name=demo.name, count=people))
    done = texts.render(
        "cli.import_done",
        total=len(villages),
        xa=commune.name,
        added=counts["added"],
        updated=counts["updated"],
    )
    return ImportResult(True, [done, *warnings, *notes])


def _rename_clashes(
    db: Database, commune_id: int, villages: list[units.VillageRow], texts: Texts
) -> list[str]:
    """A rename (same code, new name) onto the name of another known village is refused."""
    problems = []
    for number, row in enumerate(villages, start=2):
        if not row.code:
            continue
        found = db.execute(
            "SELECT id FROM units WHERE parent_id = ? AND code = ?", [commune_id, row.code]
        ).fetchone()
        target = found[0] if found else None
        clash = units.name_taken(db, commune_id, row.name, target)
        if clash and (target is not None or _coded_elsewhere(db, commune_id, row)):
            message = texts.render("cli.err_name_taken", name=row.name, code=row.code)
            problems.append(texts.render("cli.import_row_error", row=number, message=message))
    return problems


def _coded_elsewhere(db: Database, commune_id: int, row: units.VillageRow) -> bool:
    """The name belongs to a village that already has another code."""
    found = db.execute(
        "SELECT code FROM units WHERE parent_id = ? AND name_folded = ?",
        [commune_id, fold(row.name)],
    ).fetchone()
    return found is not None and found[0] is not None and found[0] != row.code


def _demo(content_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (content_dir / "demo_units.yaml").read_text(encoding="utf-8")
    )
    return data


def learner_groups(content_dir: Path) -> dict[str, str]:
    """Learner group id → name, from content/vi/curriculum.yaml (for the population columns)."""
    data = yaml.safe_load((content_dir / "curriculum.yaml").read_text(encoding="utf-8")) or {}
    return {str(g["id"]): str(g["name"]) for g in data.get("groups") or []}


def commune_name(db: Database, content_dir: Path, configured: str | None) -> str:
    """The commune's name: the one in the database, else the setting, else the demo's."""
    commune = units.commune(db)
    if commune is not None:
        return commune.name
    return configured or str(_demo(content_dir)["commune"])


def seed_demo(db: Database, content_dir: Path, commune_name: str) -> int:
    """Create the demo commune and villages in an empty database; returns villages created."""
    if units.commune(db) is not None:
        return 0
    data = _demo(content_dir)
    rows = [
        units.VillageRow(v["name"], v["adult_population"], v["households"])
        for v in data["villages"]
    ]
    with db.atomic():
        commune = units.ensure_commune(db, commune_name, now_ts())
        units.upsert_villages(db, commune.id, rows, now_ts(), demo=True)
    return len(rows)
