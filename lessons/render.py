"""Filling in the template keys of lesson text (steps, questions, explanations, FAQ answers).

Text is plain: autoescape is off, because each channel escapes for its own parse mode.
Only the keys in ALLOWED_KEYS exist; anything else fails (StrictUndefined), and so does
`hocvuso content check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import jinja2

ALLOWED_KEYS = ("goi", "Goi", "ten", "xa")

# Values used by the validator. They are on the long side on purpose: length limits are checked
# on the text after these are filled in.
SAMPLE_CONTEXT: dict[str, str] = {
    "goi": "anh/chị",
    "Goi": "Anh/chị",
    "ten": "Nguyễn Thị Thu Hương",
    "xa": "Thiệu Toán",
}

_env = jinja2.Environment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
)
_env.globals.clear()  # no range(), lipsum() ...: a template may use the allowed keys only


@lru_cache(maxsize=4096)
def _template(text: str) -> jinja2.Template:
    return _env.from_string(text)


def render(text: str, context: Mapping[str, str]) -> str:
    """`text` with its template keys filled in from `context`.

    Raises jinja2.TemplateError (TemplateSyntaxError, UndefinedError) on a bad template.
    """
    if "{" not in text:
        return text
    return _template(text).render(dict(context))


def template_error(text: str) -> tuple[str, int | None] | None:
    """Why `text` does not render with SAMPLE_CONTEXT, and the template line if known; else None."""
    try:
        render(text, SAMPLE_CONTEXT)
    except jinja2.TemplateSyntaxError as error:
        return f"template syntax error: {error.message}", error.lineno
    except jinja2.TemplateError as error:
        return f"template error: {error.message}", None
    return None
