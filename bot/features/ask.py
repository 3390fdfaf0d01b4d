""" "Hỏi đáp" and any free-text question: ONE best answer, cut to the paragraph that answers and to
one phone screen, with "Xem thêm" for the rest, a button to the lesson, and at most one related
question. When nothing passes search's relevance floor, say so plainly, record the question
(bot/store/questions.py, with no link to the person) and offer to pass it to the person's Đại sứ
số or to the commune. Mentors see their mentees' unanswered questions (`mq`, from their menu).

Payloads: `ask:more:f:<faq id>:<offset>` and `ask:more:l:<lesson>:<step>:<paragraph>:<offset>`
(the rest of an answer, valid any time), `ask:f:<faq id>` (a related entry), `aq:m:<question>` and
`aq:c:<question>` (pass an unanswered question on; only right after being offered), `mq`.
"""

from __future__ import annotations

from bot.engine.context import Context
from bot.engine.router import Router
from bot.engine.types import MAX_PAYLOAD_BYTES, Button
from bot.store import mentors, questions, units, users
from lessons.answer_cut import SCREEN_CHARS, cut
from lessons.render import render
from lessons.search import Hit, paragraphs

router = Router("ask")

MAX_QUERY_SHOWN = 60
RELATED_CHARS = 44  # a related question's title, cut to this: the button stays under 64
MENTOR_LIST = 10
RELATED_SHARE = 0.7  # a second entry is offered as related when it scores this close to the best


@router.entry("menu.ask")
def prompt(ctx: Context) -> None:
    ctx.set_state("ask")
    ctx.say("ask.prompt")


@router.state("ask")
def asked(ctx: Context) -> None:
    answer(ctx)
    ctx.set_state("ask")


def _menu(ctx: Context) -> list[Button]:
    return [ctx.button("buttons.menu", "m:menu")]


@router.entry("ask.answer")
def answer(ctx: Context) -> None:
    search = ctx.engine.search
    if not search.terms(ctx.text):
        return ctx.say("ask.no_words", [_menu(ctx)])
    hits = search.search(ctx.text, limit=2)
    if not hits:
        return nothing(ctx)
    best = hits[0]
    related = next(
        (
            h
            for h in hits[1:]
            if h.kind == "faq" and h.id != best.id and h.score >= RELATED_SHARE * best.score
        ),
        None,
    )
    show(ctx, best.kind, best.id, best.step, best.paragraph, related=related)


# -- one answer -----------------------------------------------------------------------------


def _source(ctx: Context, kind: str, id: str, step: int, paragraph: int) -> tuple[str, str] | None:
    """(header value, the whole text the answer is cut from), rendered; None if gone."""
    curriculum = ctx.engine.curriculum
    values = ctx.values()
    if kind == "f":
        entry = next((e for e in curriculum.faq if e.id == id), None)
        if entry is None:
            return None
        return render(entry.question, values), render(entry.answer, values)
    lesson = curriculum.lessons.get(id)
    if lesson is None or not 0 <= step < len(lesson.steps):
        return None
    parts = paragraphs(lesson.steps[step])
    if not 0 <= paragraph < len(parts):
        return None
    return lesson.title, render("\n\n".join(parts[paragraph:]), values)


def _ref(kind: str, id: str, step: int, paragraph: int) -> str:
    return f"f:{id}" if kind == "f" else f"l:{id}:{step}:{paragraph}"


def show(
    ctx: Context,
    kind: str,
    id: str,
    step: int = -1,
    paragraph: int = -1,
    offset: int = 0,
    related: Hit | None = None,
) -> None:
    kind = "f" if kind in ("f", "faq") else "l"
    source = _source(ctx, kind, id, step, paragraph)
    if source is None or offset >= len(source[1]):
        return ctx.say("ask.gone", [_menu(ctx)])
    header, text = source
    if offset == 0:
        key, names = (
            ("ask.faq_answer", "question") if kind == "f" else ("ask.lesson_answer", "title")
        )
        frame = ctx.t(key, **{names: header, "answer": ""})
        budget = SCREEN_CHARS - len(frame)
        piece, rest = cut(text, budget, paragraph=kind == "l")
        body = ctx.t(key, **{names: header, "answer": piece}).rstrip()
    else:
        frame = ctx.t("ask.more_text", text="")
        piece, rest = cut(text[offset:], SCREEN_CHARS - len(frame))
        rest += offset
        body = ctx.t("ask.more_text", text=piece).rstrip()
    rows: list[list[Button]] = []
    more = f"ask:more:{_ref(kind, id, step, paragraph)}:{rest}"
    if rest < len(text) and len(more.encode()) <= MAX_PAYLOAD_BYTES:
        rows.append([ctx.button("ask.more", more)])
    if related is not None and len(f"ask:f:{related.id}".encode()) <= MAX_PAYLOAD_BYTES:
        title = render(related.title, ctx.values())
        if len(title) > RELATED_CHARS:
            title = title[: RELATED_CHARS - 1].rsplit(" ", 1)[0] + "…"
        rows.append([ctx.button("ask.related_button", f"ask:f:{related.id}", title=title)])
    lesson_id = id if kind == "l" else _faq_lesson(ctx, id)
    if lesson_id in ctx.engine.curriculum.lessons:
        title = ctx.engine.curriculum.lesson(lesson_id).title
        rows.append([ctx.button("ask.open_lesson", f"l:go:{lesson_id}", title=title)])
    rows.append(_menu(ctx))
    ctx.say_text(body, rows)


def _faq_lesson(ctx: Context, faq_id: str) -> str:
    entry = next((e for e in ctx.engine.curriculum.faq if e.id == faq_id), None)
    return entry.lesson if entry else ""


MORE_PREFIX = "ask:more:"


@router.payload("ask", anytime=True)
def ask_button(ctx: Context) -> None:
    """ask:more:f:<id>:<offset> · ask:more:l:<lesson>:<step>:<paragraph>:<offset> · ask:f:<id>"""
    if not _open(ctx, ctx.args):
        ctx.run("help.stale")


def _open(ctx: Context, args: list[str]) -> bool:
    numbers = all(a.isdigit() for a in args[3:])
    if len(args) == 4 and args[:2] == ["more", "f"] and numbers:
        show(ctx, "f", args[2], offset=int(args[3]))
    elif len(args) == 6 and args[:2] == ["more", "l"] and numbers:
        show(ctx, "l", args[2], int(args[3]), int(args[4]), offset=int(args[5]))
    elif len(args) == 2 and args[0] == "f":
        show(ctx, "f", args[1])
    else:
        return False
    return True


def more_offered(buttons: list[list[list[str]]]) -> str | None:
    """The "Xem thêm" payload among buttons just offered ([[label, payload], ...] rows)."""
    return next(
        (p for row in buttons for _, p in row if p.startswith(MORE_PREFIX)),
        None,
    )


def show_more(ctx: Context, payload: str) -> bool:
    """The rest of an answer, from its "Xem thêm" payload; False when it is not one."""
    return payload.startswith(MORE_PREFIX) and _open(ctx, payload.split(":")[1:])


# -- nothing found: say so, record, offer to pass it on ----------------------------------------


def nothing(ctx: Context) -> None:
    normalized = " ".join(ctx.engine.search.terms(ctx.text))
    mentor = mentors.mentor_of(ctx.db, ctx.user.id)
    question_id = questions.record(
        ctx.db, normalized, ctx.text, ctx.user.unit_id, mentor.id if mentor else None, ctx.now
    )
    rows: list[list[Button]] = []
    name = mentor.name if mentor else ""
    if mentor is not None:
        rows.append([ctx.button("ask.to_mentor", f"aq:m:{question_id}", mentor=name)])
    rows.append([ctx.button("ask.to_commune", f"aq:c:{question_id}")])
    rows.append(_menu(ctx))
    ctx.say("ask.nothing", rows, query=questions.clean(ctx.text)[:MAX_QUERY_SHOWN], mentor=name)


@router.payload("aq")
def pass_on(ctx: Context) -> None:
    """aq:m:<question id> to the person's Đại sứ số · aq:c:<question id> to the commune."""
    args = ctx.args
    if len(args) != 2 or args[0] not in ("m", "c") or not args[1].isdigit():
        return ctx.run("help.stale")
    question = questions.get(ctx.db, int(args[1]))
    if question is None:
        return ctx.say("ask.gone", [_menu(ctx)])
    if args[0] == "c":
        questions.passed_on(ctx.db, question.id, "commune")
        return ctx.say("ask.sent_commune", [_menu(ctx)])
    mentor = mentors.mentor_of(ctx.db, ctx.user.id)
    mentor_user = users.get(ctx.db, mentor.id) if mentor else None
    if mentor is None or mentor_user is None:
        return ctx.run("help.stale")
    asker = ctx.user
    unit = units.get(ctx.db, asker.unit_id) if asker.unit_id else None

    def compose(mentor_ctx: Context) -> None:
        mentor_ctx.say(
            "ask.mentor_question",
            [[mentor_ctx.button("ask.mentor_see", f"mt:d:{asker.id}")]],
            name=asker.display_name or "",
            village=unit.name if unit else "",
            question=question.sample,
        )

    ctx.engine.push(mentor_user, compose, now=ctx.now)
    questions.passed_on(ctx.db, question.id, "mentor")
    ctx.say("ask.sent_mentor", [_menu(ctx)], mentor=mentor.name)


@router.payload("mq")
def mentor_list(ctx: Context) -> None:
    """A mentor's list: what the people they guide asked that had no answer, with counts."""
    back = [[ctx.button("mentors.back", "m:mentor")]]
    if ctx.user.role != "mentor":
        return ctx.say("mentors.not_mentor", [_menu(ctx)])
    found = questions.for_mentor(ctx.db, ctx.user.id, MENTOR_LIST)
    if not found:
        return ctx.say("ask.mentor_list_empty", back)
    items = [{"question": q.sample, "count": q.asked} for q in found]
    ctx.say("ask.mentor_list", back, unanswered=items)
