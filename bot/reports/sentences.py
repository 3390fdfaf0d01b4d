"""Sentences about a report, shared by the Word report, the dashboard and /baocao."""

from __future__ import annotations

from bot.engine.texts import Texts
from bot.reports.columns import fmt
from bot.reports.model import Gap, Report
from bot.store.mentors import MENTEE_TARGET


def short_pct(value: float, texts: Texts) -> str:
    """45,2% or 70% (no ",0" on a whole number), for sentences rather than tables."""
    text = fmt(round(value, 1))
    return texts.render("report.percent", value=text.removesuffix(",0"))


def gap_text(gap: Gap, texts: Texts) -> str:
    label = texts.render(f"report.target_{gap.key}")
    if gap.key == "mentees_per_mentor":
        # Judged per mentor: achieved = mentors guiding enough people, needed = all mentors.
        return texts.render(
            "report.doc_gap_mentors",
            label=label,
            per=fmt(gap.target.per_mentor or MENTEE_TARGET),
            achieved=fmt(int(gap.achieved)),
            mentors=int(gap.needed),
            met=gap.met,
            missing=fmt(gap.missing_people),
        )
    if gap.target.people is not None:
        achieved = texts.render("report.people", value=fmt(int(gap.achieved)))
        needed = texts.render("report.people", value=fmt(int(gap.needed)))
    else:
        achieved, needed = short_pct(gap.achieved, texts), short_pct(gap.needed, texts)
    return texts.render(
        "report.doc_gap_line",
        label=label,
        achieved=achieved,
        needed=needed,
        met=gap.met,
        missing=fmt(gap.missing_people),
        households=gap.key == "households_covered",
    )


def rules_note(report: Report, texts: Texts) -> str:
    """How the numbers are counted (the rules of bot/reports/model.py), for every output."""
    return texts.render(
        "report.note_rules", as_of=report.as_of.strftime("%d/%m/%Y"), kiosk=report.webchat_kiosk
    )


def summary_lines(report: Report, texts: Texts) -> list[str]:
    total = report.total

    def pct(value: float | None) -> str:
        return texts.render("report.percent", value=fmt(None if value is None else round(value, 1)))

    core = report.targets.get("core_skills") if report.targets else None
    target = short_pct(core.percent, texts) if core and core.percent else ""
    b, n = total.baseline, total.now
    return [
        texts.render(
            "report.doc_summary_registered",
            registered=fmt(total.registered),
            registered_pct=pct(total.registered_pct),
            adults=fmt(total.adults),
            assisted=fmt(total.assisted),
        ),
        texts.render(
            "report.doc_summary_period",
            joined=fmt(total.joined),
            active=fmt(total.active),
            passed=fmt(total.passed),
            assisted_passed=fmt(total.assisted_passed),
        ),
        texts.render(
            "report.doc_summary_core",
            core_done=fmt(total.core_done),
            core_pct=pct(total.core_pct),
            core_in_period=fmt(total.core_in_period),
            target=target,
        ),
        texts.render(
            "report.doc_summary_assessment",
            vneid2_before=fmt(b["vneid2"]),
            vneid2_now=fmt(n["vneid2"]),
            smartphone_before=fmt(b["smartphone"]),
            smartphone_now=fmt(n["smartphone"]),
            epayment_before=fmt(b["epayment"]),
            epayment_now=fmt(n["epayment"]),
            ai_before=fmt(b["ai_tool"]),
            ai_now=fmt(n["ai_tool"]),
        ),
        texts.render(
            "report.doc_summary_mentors",
            mentors=fmt(total.mentors),
            mentored=fmt(total.mentored),
            hh_covered=fmt(total.hh_covered),
        ),
        *extra_lines(report, texts),
    ]


def extra_lines(report: Report, texts: Texts) -> list[str]:
    """Gia đình số %, the face-to-face self-assessment and the yearly campaigns' reach, where
    the data exists (the Word report's summary and the dashboard)."""
    total = report.total
    lines = []
    if total.hh_pct is not None:
        lines.append(
            texts.render(
                "report.doc_summary_households",
                covered=fmt((total.known or total).hh_covered),
                households=fmt(total.households),
                value=short_pct(total.hh_pct, texts),
            )
        )
    if total.assisted:
        lines.append(
            texts.render(
                "report.doc_summary_assisted_assessed",
                count=fmt(report.assisted_assessed),
                assisted=fmt(total.assisted),
            )
        )
    for name, people in report.campaigns:
        lines.append(texts.render("report.doc_summary_campaign", name=name, people=fmt(people)))
    return lines
