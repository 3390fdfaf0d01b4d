"""Official figures beside the assistant's own numbers, each labelled: "Số liệu chính thức
(Công an xã, 30/09/2026)" against "Người học tự khai trên Trợ lý"."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.engine.texts import Texts
from bot.reports.columns import display_name
from bot.reports.model import Report
from bot.store import official_figures

if TYPE_CHECKING:
    from bot.app import Services
    from bot.reports.word import OfficialLine


def label(figure: official_figures.Figure, texts: Texts) -> str:
    day = date.fromisoformat(figure.as_of).strftime("%d/%m/%Y")
    return texts.render("report.official_label", source=figure.source, date=day)


def lines_for(services: Services, report: Report, texts: Texts) -> tuple[list[OfficialLine], str]:
    """One line per village of the report when any official figure stands at the period's
    end (or the day the report is built); none otherwise."""
    from bot.reports.word import OfficialLine

    until = min(report.built_on, report.period.last_day).isoformat()
    figures = official_figures.latest(services.db, "vneid2", until)
    villages = [r for r in report.villages if r.key]
    if not any(r.key in figures for r in villages):
        return [], ""
    lines = []
    for row in villages:
        figure = figures.get(row.key)
        lines.append(
            OfficialLine(
                display_name(row, texts),
                figure.value if figure else None,
                label(figure, texts) if figure else texts.render("report.official_missing"),
                row.now["vneid2"],
            )
        )
    return lines, texts.render("report.official_col_official")
