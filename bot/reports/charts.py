"""Charts: the share of adults with basic digital skills per village against the target.

`bars()` gives the geometry once; the dashboard draws it as inline SVG (a jinja template, no
script, no CDN) and the Word report as a PNG drawn here with Pillow in Be Vietnam Pro.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.certificates import font
from bot.engine.texts import Texts
from bot.reports.columns import fmt
from bot.reports.model import Report, Week

GREEN = (11, 122, 75)
LIGHT = (214, 236, 224)
RED = (192, 57, 43)
INK = (29, 39, 48)
GREY = (120, 130, 140)


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float  # share of adults, 0-100
    text: str  # "45,2%"
    below_target: bool


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    target: float | None
    scale: float  # the value at the right edge (100, or more when a share exceeds it)


def bars(report: Report, texts: Texts) -> BarChart:
    target = report.total.core_target
    items = []
    for row in report.villages:
        pct = row.core_pct
        if pct is None:
            continue
        name = row.name or texts.render("report.unknown_village")
        value = round(pct, 1)
        items.append(
            Bar(
                name,
                value,
                texts.render("report.percent", value=fmt(value)),
                target is not None and value < target,
            )
        )
    top = max([100.0, *(b.percent for b in items)])
    return BarChart(items, target, top)


@dataclass(frozen=True)
class TrendPoint:
    label: str  # "dd/mm" of the week's Monday
    values: tuple[int, int, int]  # joined, core done, lessons passed


def trend(weeks: list[Week]) -> tuple[list[TrendPoint], int]:
    points = [
        TrendPoint(w.start.strftime("%d/%m"), (w.joined, w.core_done, w.passed)) for w in weeks
    ]
    top = max([1, *(max(p.values) for p in points)])
    return points, top


def png(chart: BarChart, texts: Texts, width: int = 1600) -> bytes:
    """A horizontal bar chart, sized for an A4 page at print resolution."""
    row_height, label_width, top, bottom = 72, 440, 56, 120
    height = top + bottom + row_height * max(1, len(chart.bars))
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    label_font, value_font = font("Regular", 36), font("SemiBold", 34)
    axis_font = font("Regular", 30)
    plot_left, plot_right = label_width, width - 150
    span = plot_right - plot_left

    def x(value: float) -> float:
        return plot_left + span * value / chart.scale

    for tick in range(0, int(chart.scale) + 1, 20):
        draw.line([(x(tick), top - 10), (x(tick), height - bottom + 10)], fill=LIGHT, width=2)
        text = f"{tick}%"
        length = draw.textlength(text, font=axis_font)
        draw.text((x(tick) - length / 2, height - bottom + 18), text, font=axis_font, fill=GREY)
    for index, bar in enumerate(chart.bars):
        y = top + index * row_height
        label = bar.label
        while draw.textlength(label, font=label_font) > label_width - 30 and len(label) > 4:
            label = label[:-2] + "…"
        length = draw.textlength(label, font=label_font)
        draw.text((label_width - 20 - length, y + 12), label, font=label_font, fill=INK)
        draw.rectangle(
            [plot_left, y + 10, max(plot_left + 2, x(bar.percent)), y + row_height - 10],
            fill=RED if bar.below_target else GREEN,
        )
        draw.text((x(bar.percent) + 12, y + 14), bar.text, font=value_font, fill=INK)
    if chart.target is not None:
        tx = x(chart.target)
        draw.line([(tx, top - 20), (tx, height - bottom + 10)], fill=RED, width=4)
        target = texts.render("report.percent", value=fmt(chart.target).removesuffix(",0"))
        caption = texts.render("report.chart_target", target=target)
        draw.text((tx + 8, top - 38), caption, font=axis_font, fill=RED)
    axis = texts.render("report.chart_axis")
    length = draw.textlength(axis, font=axis_font)
    draw.text((plot_left + (span - length) / 2, height - 50), axis, font=axis_font, fill=GREY)
    out = io.BytesIO()
    image.quantize(colors=32).save(out, format="PNG", optimize=True)
    return out.getvalue()
