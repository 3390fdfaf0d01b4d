"""`hocvuso import vneid FILE --date YYYY-MM-DD --source "Công an xã"`: the official VNeID
figures the commune receives, one row per village (matched by its code `ma`, else its name
without diacritics). All rows or none; every bad row is named."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.engine.texts import Texts
from bot.store import official_figures, units
from bot.store.db import now_ts
from bot.units import ImportResult, _count, _header_key, read_rows
from lessons.text import fold

NAME = ("ten_thon", "ten_xom", "ten_ap", "ten_khu", "ten_to_dan_pho", "ten", "thon", "xom", "ap")
CODE = ("ma", "ma_thon", "ma_xom", "ma_ap", "code")
VALUE = ("so_vneid_muc_2", "vneid_muc_2", "so_tai_khoan_vneid_muc_2", "vneid2", "so_luong")
MAX_SOURCE = 120


def import_figures(
    db: Database, path: Path, texts: Texts, as_of: date, source: str, actor: str = "cli"
) -> ImportResult:
    source = " ".join(source.split())
    if not source or len(source) > MAX_SOURCE:
        return ImportResult(False, [texts.render("cli.official_bad_source", limit=MAX_SOURCE)])
    try:
        rows = [r for r in read_rows(path) if any(str(c or "").strip() for c in r)]
    except ValueError:
        return ImportResult(False, [texts.render("cli.import_bad_format")])
    except (OSError, UnicodeDecodeError, csv.Error, KeyError) as exc:
        return ImportResult(False, [texts.render("cli.import_unreadable", reason=str(exc))])
    if len(rows) < 2:
        return ImportResult(False, [texts.render("cli.import_no_rows")])
    header = [_header_key(c) for c in rows[0]]

    def column(names: tuple[str, ...]) -> int | None:
        return next((i for i, h in enumerate(header) if h in names), None)

    name_at, code_at, value_at = column(NAME), column(CODE), column(VALUE)
    if value_at is None or (name_at is None and code_at is None):
        missing = VALUE[0] if value_at is None else NAME[0]
        return ImportResult(False, [texts.render("cli.import_missing_official", column=missing)])
    villages = units.villages(db)
    codes = {str(c).lower(): uid for uid, c in units.codes(db).items() if c}
    names = {fold(v.name): v.id for v in villages}
    found: dict[int, int] = {}
    errors: list[str] = []

    def cell(row: list[Any], i: int | None) -> Any:
        return row[i] if i is not None and i < len(row) else None

    for number, row in enumerate(rows[1:], start=2):
        code = " ".join(str(cell(row, code_at) or "").split())
        if isinstance(cell(row, code_at), float) and float(cell(row, code_at)).is_integer():
            code = str(int(cell(row, code_at)))
        name = " ".join(str(cell(row, name_at) or "").split())
        unit_id = codes.get(code.lower()) if code else None
        if unit_id is None and name:
            unit_id = names.get(fold(name))
        problem = None
        try:
            value = _count(cell(row, value_at))
        except ValueError:
            value, problem = (
                None,
                texts.render(
                    "cli.err_not_number", column=header[value_at], value=cell(row, value_at)
                ),
            )
        if problem is None and unit_id is None:
            problem = texts.render("cli.err_unknown_village", name=name or code)
        elif problem is None and value is None:
            problem = texts.render("cli.err_value_missing")
        if problem:
            errors.append(texts.render("cli.import_row_error", row=number, message=problem))
            continue
        assert unit_id is not None and value is not None
        found[unit_id] = value
    if errors:
        return ImportResult(False, [texts.render("cli.import_failed", count=len(errors)), *errors])
    now = now_ts()
    with db.atomic():
        for unit_id, value in found.items():
            official_figures.add(
                db, unit_id, "vneid2", value, as_of.isoformat(), source, now, actor
            )
    day = as_of.strftime("%d/%m/%Y")
    return ImportResult(
        True, [texts.render("cli.official_done", count=len(found), source=source, date=day)]
    )
