"""The quarterly report as .docx (python-docx) in the usual Vietnamese administrative layout:
authority and number on the left, the national motto on the right, place and date, title,
summary, tables per village and group, a chart, remaining gaps, recipients and signature.

Times New Roman 13 pt on A4 with the margins of Nghị định 30/2020/NĐ-CP; every word comes from
content/vi/messages/report.yaml.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.engine.texts import Texts
from bot.reports import charts
from bot.reports.columns import GROUP_COLUMNS, VILLAGE_COLUMNS, Column, display_name, fmt
from bot.reports.exports import printable
from bot.reports.model import Report, Row
from bot.reports.sentences import gap_text, short_pct, summary_lines

FONT = "Times New Roman"
TEXT_WIDTH = 16.5  # cm: A4 less the 3 cm and 1.5 cm margins
FIRST_COLUMN = 3.2
CORE_KEYS = (
    "village",
    "adults",
    "registered",
    "registered_pct",
    "joined",
    "active",
    "core_done",
    "core_pct",
    "core_of_target",
)
ASSESS_KEYS = [
    f"{w}_{q}" for q in ("vneid2", "smartphone", "epayment", "ai_tool") for w in ("baseline", "now")
]
GROUP_KEYS = ["group", "registered", "assisted", "joined", "active", "core_done", "passed"]


def _pick(columns: Sequence[Column], keys: Sequence[str]) -> list[Column]:
    by_key = {c.key: c for c in columns}
    return [by_key[k] for k in keys]


def _paragraph(
    doc: DocxDocument,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 13,
    align: WD_ALIGN_PARAGRAPH | None = None,
    space: float = 6,
) -> Paragraph:
    para = doc.add_paragraph()
    if text:
        run = para.add_run(printable(text))
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    para.paragraph_format.space_after = Pt(space)
    if align is not None:
        para.alignment = align
    return para


def _heading(doc: DocxDocument, text: str) -> Paragraph:
    para = _paragraph(doc, text, bold=True, space=4)
    para.paragraph_format.space_before = Pt(12)
    para.paragraph_format.keep_with_next = True
    return para


def _cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    size: float = 11,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    cell.text = ""
    para = cell.paragraphs[0]
    run = para.add_run(printable(text))
    run.bold, run.font.size = bold, Pt(size)
    para.paragraph_format.space_after = Pt(0)
    if align is not None:
        para.alignment = align


def _table(
    doc: DocxDocument,
    columns: Sequence[Column],
    rows: Sequence[tuple[str, Row]],
    texts: Texts,
    size: float = 10,
) -> Table:
    table: Table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(table.rows[0].cells, columns, strict=True):
        _cell_text(
            cell, column.header(texts), bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER
        )
    for name, row in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        values = [name, *(c.value(row) for c in columns[1:])]
        for cell, value, column in zip(cells, values, columns, strict=True):
            right = column.kind != "text"
            _cell_text(
                cell,
                fmt(value),
                bold=name == texts.render("report.total_row"),
                size=size,
                align=WD_ALIGN_PARAGRAPH.RIGHT if right else None,
            )
    _widths(
        table,
        [FIRST_COLUMN] + [(TEXT_WIDTH - FIRST_COLUMN) / (len(columns) - 1)] * (len(columns) - 1),
    )
    return table


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Column widths in cm; Word and LibreOffice read them from every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _header(doc: DocxDocument, report: Report, texts: Texts) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _widths(table, [6.0, TEXT_WIDTH - 6.0])
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(left, texts.render("report.doc_authority"), size=12, align=center)
    para = left.add_paragraph()
    para.alignment = center
    run = para.add_run(printable(report.commune.upper()))
    run.bold, run.font.size = True, Pt(12)
    para = left.add_paragraph()
    para.alignment = center
    para.add_run(texts.render("report.doc_number")).font.size = Pt(12)
    _cell_text(right, texts.render("report.doc_country"), bold=True, size=11.5, align=center)
    para = right.add_paragraph()
    para.alignment = center
    run = para.add_run(texts.render("report.doc_motto"))
    run.bold, run.underline, run.font.size = True, True, Pt(13)
    place = report.commune.removeprefix("Xã ").removeprefix("xã ")
    day = report.built_on
    para = right.add_paragraph()
    para.alignment = center
    para.paragraph_format.space_before = Pt(6)
    run = para.add_run(
        texts.render(
            "report.doc_place_date", place=place, day=day.day, month=day.month, year=day.year
        )
    )
    run.italic, run.font.size = True, Pt(13)


def docx(report: Report, texts: Texts) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    _header(doc, report, texts)
    period = report.period.label(texts)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, texts.render("report.doc_kind"), bold=True, size=14, align=center, space=0)
    village = report.scope_unit.name if report.scope_unit else ""
    _paragraph(
        doc,
        texts.render("report.doc_title", period=period, village=village),
        bold=True,
        size=14,
        align=center,
        space=12,
    )
    date_text = report.built_on.strftime("%d/%m/%Y")
    _paragraph(
        doc,
        texts.render("report.doc_intro", commune=report.commune, period=period, date=date_text),
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    )

    _heading(doc, texts.render("report.doc_h_summary"))
    for line in summary_lines(report, texts):
        _paragraph(doc, "- " + line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space=3)
    if report.total.core_done > report.total.registered or any(
        r.core_done > r.registered for r in report.villages
    ):
        _paragraph(doc, texts.render("report.doc_erased_note"), italic=True, size=12)

    rows = [(display_name(r, texts), r) for r in report.villages]
    if report.scope_unit is None:
        rows.append((texts.render("report.total_row"), report.total))
    _heading(doc, texts.render("report.doc_h_villages"))
    _table(doc, _pick(VILLAGE_COLUMNS, CORE_KEYS), rows, texts, size=9)
    _heading(doc, texts.render("report.doc_h_assessment"))
    _table(doc, _pick(VILLAGE_COLUMNS, ["village", *ASSESS_KEYS]), rows, texts, size=9)

    _heading(doc, texts.render("report.doc_h_groups"))
    group_rows = [(display_name(r, texts, group=True), r) for r in report.groups]
    _table(doc, _pick(GROUP_COLUMNS, GROUP_KEYS), group_rows, texts, size=10)

    _heading(doc, texts.render("report.doc_h_chart"))
    chart = charts.bars(report, texts)
    doc.add_picture(io.BytesIO(charts.png(chart, texts)), width=Cm(16))
    target = short_pct(chart.target, texts) if chart.target is not None else ""
    _paragraph(doc, texts.render("report.doc_chart_caption", target=target), italic=True, size=12)

    _heading(doc, texts.render("report.doc_h_gaps"))
    if report.targets is None:
        _paragraph(doc, texts.render("report.doc_no_targets"))
    else:
        _paragraph(doc, texts.render("report.doc_targets_source", source=report.targets.source))
        for gap in report.gaps:
            _paragraph(doc, "- " + gap_text(gap, texts), space=3)
        behind = report.behind()
        if report.scope_unit is None and behind and not all(g.met for g in report.gaps):
            names = ", ".join(display_name(r, texts) for r in behind)
            _paragraph(doc, texts.render("report.doc_behind", villages=names))
        if report.gaps and all(g.met for g in report.gaps):
            _paragraph(doc, texts.render("report.doc_all_met"))

    _signature(doc, texts)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _signature(doc: DocxDocument, texts: Texts) -> None:
    _paragraph(doc, "", space=12)
    table = doc.add_table(rows=1, cols=2)
    _widths(table, [8.0, TEXT_WIDTH - 8.0])
    left, right = table.rows[0].cells
    _cell_text(left, texts.render("report.doc_recipients_label"), bold=True, size=12)
    for line in texts.render("report.doc_recipients").splitlines():
        para = left.add_paragraph()
        para.add_run(line).font.size = Pt(11)
        para.paragraph_format.space_after = Pt(0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _cell_text(right, texts.render("report.doc_sign_for"), bold=True, size=13, align=center)
    para = right.add_paragraph()
    para.alignment = center
    run = para.add_run(texts.render("report.doc_sign_title"))
    run.bold, run.font.size = True, Pt(13)
