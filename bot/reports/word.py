"""The quarterly report as .docx (python-docx) in the usual Vietnamese administrative layout:
authority and number on the left (a short rule under the commune's name), the national motto on
the right, place and date ("ngày 03 tháng 12 năm 2026"), title; I. results (summary, tables per
village and group, the chart, targets, the commune's own assessment), II. difficulties,
III. proposals, IV. next quarter's tasks (written in the dashboard, bot/store/report_sections),
recipients and the signature block with room for signature and seal and the signer's name.

Tables repeat their header row on every page and never split a row; the signature block is one
table row that cannot split, so "CHỦ TỊCH" and the name stay on one page; page numbers in the
footer. A village's report is titled for the village, signed by its head, and has no UBND number.

Times New Roman 13 pt on A4 with the margins of Nghị định 30/2020/NĐ-CP; every word comes from
content/vi/messages/report.yaml.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.engine.texts import Texts
from bot.reports import charts
from bot.reports.columns import GROUP_COLUMNS, VILLAGE_COLUMNS, Column, display_name, fmt
from bot.reports.exports import printable
from bot.reports.model import Report, Row
from bot.reports.sentences import gap_text, rules_note, short_pct, summary_lines
from bot.store.report_sections import Sections

if TYPE_CHECKING:
    from bot.app import Services

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
    f"{w}_{q}" for q in ("smartphone", "vneid2", "epayment", "ai_tool") for w in ("baseline", "now")
]
SIGNATURE_ROOM = 4  # empty lines for the signature and the seal
COMMUNE_WORDS = ("xã", "phường", "thị trấn", "đặc khu")


@dataclass(frozen=True)
class OfficialLine:
    """One village's official figure beside the learners' own answer, for the Word report."""

    village: str
    official: int | None
    label: str  # "Số liệu chính thức (Công an xã, 30/09/2026)"
    self_reported: int


@dataclass(frozen=True)
class Extras:
    """What the report shows beside the numbers: the commune's words and official figures."""

    sections: Sections = field(default_factory=Sections)
    signer: str = ""
    official: list[OfficialLine] = field(default_factory=list)
    official_heading: str = ""


GROUP_KEYS = [
    "group",
    "registered",
    "assisted",
    "joined",
    "active",
    "core_done",
    "passed",
    "group_population",
    "group_registered_pct",
    "group_core_pct",
]


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
    header = [column.header(texts) for column in columns]
    body = [[name, *(fmt(c.value(row)) for c in columns[1:])] for name, row in rows]
    right = [column.kind != "text" for column in columns]
    bold = [name == texts.render("report.total_row") for name, _ in rows]
    return _grid(doc, header, body, right, bold, size)


def _grid(
    doc: DocxDocument,
    header: Sequence[str],
    body: Sequence[Sequence[str]],
    right: Sequence[bool],
    bold: Sequence[bool],
    size: float,
) -> Table:
    """A table whose header row repeats on every page and whose rows never split."""
    table: Table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, text, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    _row_props(table.rows[0], header=True)
    for values, strong in zip(body, bold, strict=True):
        row = table.add_row()  # type: ignore[no-untyped-call]
        _row_props(row)
        for cell, value, is_number in zip(row.cells, values, right, strict=True):
            _cell_text(
                cell,
                value,
                bold=strong,
                size=size,
                align=WD_ALIGN_PARAGRAPH.RIGHT if is_number else None,
            )
    _widths(
        table,
        [FIRST_COLUMN] + [(TEXT_WIDTH - FIRST_COLUMN) / (len(header) - 1)] * (len(header) - 1),
    )
    return table


def _row_props(row: object, *, header: bool = False) -> None:
    """w:cantSplit on every row; w:tblHeader on the header row (repeated on each page)."""
    tr = row._tr  # type: ignore[attr-defined]
    props = tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    if header:
        props.append(OxmlElement("w:tblHeader"))


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Column widths in cm; Word and LibreOffice read them from every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _no_borders(table: Table) -> None:
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    props.append(borders)


def _rule(cell: _Cell, width_cm: float, cell_cm: float) -> None:
    """A short centred line (a bottom border on an empty paragraph), under the authority's name."""
    para = cell.add_paragraph()
    indent = max(0.0, (cell_cm - width_cm) / 2 - 0.2)
    para.paragraph_format.left_indent = Cm(indent)
    para.paragraph_format.right_indent = Cm(indent)
    para.paragraph_format.space_after = Pt(2)
    para.paragraph_format.line_spacing = Pt(2)
    props = para._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{name}"), value)
    border.append(bottom)
    props.append(border)


def commune_in_sentence(name: str) -> str:
    """ "Xã Dân Tiến" → "xã Dân Tiến" (inside a sentence); "Dân Tiến" → "xã Dân Tiến"."""
    words = " ".join(name.split())
    lowered = words.lower()
    for word in COMMUNE_WORDS:
        if lowered.startswith(word + " "):
            return word + words[len(word) :]
    return f"xã {words}"


def place_name(name: str) -> str:
    words = commune_in_sentence(name)
    for word in COMMUNE_WORDS:
        if words.startswith(word + " "):
            return words[len(word) + 1 :]
    return words


def report_date(report: Report, sections: Sections) -> date:
    """The date the report carries: the one written in the dashboard, else the period's last
    day for a past period, else the day it is built."""
    if sections.report_date is not None:
        return sections.report_date
    return min(report.built_on, report.period.last_day)


def _header(doc: DocxDocument, report: Report, texts: Texts, day: date) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left_cm = 6.5
    _widths(table, [left_cm, TEXT_WIDTH - left_cm])
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    commune = commune_in_sentence(report.commune)
    village = report.scope_unit
    if village is None:
        authority, name = texts.render("report.doc_authority"), commune.upper()
    else:
        authority = texts.render("report.doc_village_authority", commune=commune)
        name = village.name.upper()
    _cell_text(left, authority, size=12, align=center)
    para = left.add_paragraph()
    para.alignment = center
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(printable(name))
    run.bold, run.font.size = True, Pt(12)
    _rule(left, 2.2, left_cm)
    if village is None:
        para = left.add_paragraph()
        para.alignment = center
        para.add_run(texts.render("report.doc_number")).font.size = Pt(12)
    _cell_text(right, texts.render("report.doc_country"), bold=True, size=11.5, align=center)
    para = right.add_paragraph()
    para.alignment = center
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(texts.render("report.doc_motto"))
    run.bold, run.font.size = True, Pt(13)
    _rule(right, 5.2, TEXT_WIDTH - left_cm)
    para = right.add_paragraph()
    para.alignment = center
    para.paragraph_format.space_before = Pt(4)
    run = para.add_run(
        texts.render(
            "report.doc_place_date",
            place=place_name(report.commune),
            day=f"{day.day:02d}",
            month=f"{day.month:02d}",
            year=day.year,
        )
    )
    run.italic, run.font.size = True, Pt(13)


def _page_numbers(doc: DocxDocument, texts: Texts) -> None:
    """ "Trang 2" centred in the footer of every page (a PAGE field)."""
    footer = doc.sections[0].footer
    para = footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run(texts.render("report.doc_page") + " ").font.size = Pt(11)
    run = para.add_run()
    run.font.size = Pt(11)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1")):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _written(doc: DocxDocument, text: str, texts: Texts, *, blank_lines: int = 2) -> None:
    """The commune's own words, a paragraph per line; dotted lines to fill in when empty."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        for _ in range(blank_lines):
            _paragraph(doc, texts.render("report.doc_blank_line"), space=3)
        return
    for line in lines:
        para = _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space=3)
        para.paragraph_format.first_line_indent = Cm(1)


def docx(report: Report, texts: Texts, extras: Extras | None = None) -> bytes:
    extras = extras or Extras()
    sections = extras.sections
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    _page_numbers(doc, texts)

    day = report_date(report, sections)
    _header(doc, report, texts, day)
    period = report.period.label(texts)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, "", space=6)
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
    as_of = min(report.built_on, report.period.last_day).strftime("%d/%m/%Y")
    if report.scope_unit is None:
        intro = texts.render(
            "report.doc_intro",
            commune=commune_in_sentence(report.commune),
            period=period,
            date=as_of,
        )
    else:
        intro = texts.render("report.doc_village_intro", village=village, period=period, date=as_of)
    para = _paragraph(doc, intro, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para.paragraph_format.first_line_indent = Cm(1)

    _heading(doc, texts.render("report.doc_h_results"))
    _heading(doc, texts.render("report.doc_h_summary"))
    for line in summary_lines(report, texts):
        _paragraph(doc, "- " + line, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space=3)
    _paragraph(doc, rules_note(report, texts), italic=True, size=12)

    rows = [(display_name(r, texts), r) for r in report.villages]
    if report.scope_unit is None:
        rows.append((texts.render("report.total_row"), report.total))
    _heading(doc, texts.render("report.doc_h_villages"))
    _table(doc, _pick(VILLAGE_COLUMNS, CORE_KEYS), rows, texts, size=9)
    _heading(doc, texts.render("report.doc_h_assessment"))
    _paragraph(doc, texts.render("report.doc_assessment_note"), italic=True, size=11, space=4)
    _table(doc, _pick(VILLAGE_COLUMNS, ["village", *ASSESS_KEYS]), rows, texts, size=9)
    number = 4
    if extras.official:
        _heading(doc, texts.render("report.doc_h_official"))
        _official(doc, extras, texts)
        number += 1

    _heading(doc, texts.render("report.doc_h_groups", number=number))
    group_rows = [(display_name(r, texts, group=True), r) for r in report.groups]
    _table(doc, _pick(GROUP_COLUMNS, GROUP_KEYS), group_rows, texts, size=10)

    _heading(doc, texts.render("report.doc_h_chart", number=number + 1))
    chart = charts.bars(report, texts)
    doc.add_picture(io.BytesIO(charts.png(chart, texts)), width=Cm(16))
    target = short_pct(chart.target, texts) if chart.target is not None else ""
    _paragraph(doc, texts.render("report.doc_chart_caption", target=target), italic=True, size=12)

    _heading(doc, texts.render("report.doc_h_gaps", number=number + 2))
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
    if sections.achieved.strip():
        _heading(doc, texts.render("report.doc_h_commune_results", number=number + 3))
        _written(doc, sections.achieved, texts)

    _heading(doc, texts.render("report.doc_h_difficulties"))
    _written(doc, sections.difficulties, texts)
    _heading(doc, texts.render("report.doc_h_proposals"))
    _written(doc, sections.proposals, texts)
    _heading(doc, texts.render("report.doc_h_next_tasks", kind=report.period.kind))
    _written(doc, sections.next_tasks, texts)

    _signature(doc, texts, extras.signer or sections.signer, village=report.scope_unit is not None)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _official(doc: DocxDocument, extras: Extras, texts: Texts) -> None:
    header = [
        texts.render("report.col_village"),
        extras.official_heading,
        texts.render("report.official_col_self"),
    ]
    body = [[line.village, fmt(line.official), fmt(line.self_reported)] for line in extras.official]
    table = _grid(doc, header, body, [False, True, True], [False] * len(body), 10)
    for line, row in zip(extras.official, table.rows[1:], strict=True):
        cell = row.cells[1]
        para = cell.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        run = para.add_run(line.label)
        run.italic, run.font.size = True, Pt(9)


def _signature(doc: DocxDocument, texts: Texts, signer: str, *, village: bool) -> None:
    """Recipients on the left, the signer on the right: one row that cannot split, each line
    kept with the next, so the title and the name never part across a page."""
    spacer = _paragraph(doc, "", space=6)
    spacer.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, TEXT_WIDTH - 8.0])
    _row_props(table.rows[0])
    left, right = table.rows[0].cells
    _cell_text(left, texts.render("report.doc_recipients_label"), bold=True, size=12)
    left.paragraphs[0].runs[0].italic = True
    recipients = "report.doc_village_recipients" if village else "report.doc_recipients"
    for line in texts.render(recipients).splitlines():
        para = left.add_paragraph()
        para.add_run(line).font.size = Pt(11)
        para.paragraph_format.space_after = Pt(0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    lines: list[tuple[str, bool, bool, float]] = []
    if village:
        lines.append((texts.render("report.doc_village_sign_title"), True, False, 13))
        lines.append((texts.render("report.doc_village_sign_hint"), False, True, 12))
    else:
        lines.append((texts.render("report.doc_sign_for"), True, False, 13))
        lines.append((texts.render("report.doc_sign_title"), True, False, 13))
        lines.append((texts.render("report.doc_sign_hint"), False, True, 12))
    lines.extend(("", False, False, 13) for _ in range(SIGNATURE_ROOM))
    lines.append((signer.strip(), True, False, 13))
    _cell_text(right, lines[0][0], bold=True, size=13, align=center)
    right.paragraphs[0].paragraph_format.keep_with_next = True
    for text, bold, italic, size in lines[1:]:
        para = right.add_paragraph()
        para.alignment = center
        para.paragraph_format.space_after = Pt(0)
        para.paragraph_format.keep_with_next = True
        if text:
            run = para.add_run(text)
            run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    right.paragraphs[-1].paragraph_format.keep_with_next = False


def for_services(services: Services, report: Report) -> bytes:
    """The Word file as the dashboard and `hocvuso report` give it: the commune's unit word, the
    sections written in the dashboard, the signer, and the official figures entered."""
    from bot.reports import official
    from bot.reports.wording import report_texts
    from bot.store import report_sections

    texts = report_texts(services, report.targets)
    unit_id = report.scope_unit.id if report.scope_unit else None
    sections = report_sections.get(services.db, report.period.key, unit_id)
    # The REPORT_SIGNER_NAME setting is the commune's signer; a village's head writes their own.
    default = services.settings.report_signer_name if unit_id is None else None
    signer = sections.signer or default or ""
    lines, heading = official.lines_for(services, report, texts)
    return docx(
        report,
        texts,
        Extras(sections=sections, signer=signer, official=lines, official_heading=heading),
    )
