"""Excel and CSV files of the tables the dashboard shows (the same rows, see columns.py).

Text that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
return) is written with a leading apostrophe, so a learner named "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.reports.columns import Value

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="0B7A4B")


def printable(text: str) -> str:
    """The text without what a file cannot hold or a reader cannot see: control characters
    other than line breaks and tabs (Excel and Word refuse them), invisible format characters
    (direction marks), surrogates. A name stored before such names were refused still exports."""
    if text.isprintable():
        return text
    return "".join(
        char
        for char in text
        if char in " \n\t" or unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
    )


def neutralise(value: Value) -> Value:
    if isinstance(value, str):
        value = printable(value)
        if value.startswith(DANGEROUS_START):
            return "'" + value
    return value


Sheet = tuple[str, str, list[str], list[list[Value]]]  # sheet name, title line, header, rows


def xlsx(sheets: Sequence[Sheet]) -> bytes:
    """One workbook; each sheet has a title line, a header row, then the rows."""
    book = Workbook()
    for sheet in list(book.worksheets):
        book.remove(sheet)
    for name, title, header, rows in sheets:
        sheet = book.create_sheet(name[:31])
        sheet.append([neutralise(title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([neutralise(h) for h in header])
        for cell in sheet[2]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            sheet.append([neutralise(v) for v in row])
        for row_cells in sheet.iter_rows(min_row=3):
            for cell in row_cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                elif isinstance(cell.value, float):
                    cell.number_format = "0.0"
        for index, heading in enumerate(header, start=1):
            longest = max([len(str(heading)) // 2, *(len(str(r[index - 1] or "")) for r in rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(40, max(8, longest + 2))
        sheet.freeze_panes = "B3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: list[str], rows: list[list[Value]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens the Vietnamese letters right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
