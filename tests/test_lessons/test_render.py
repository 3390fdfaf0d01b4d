from __future__ import annotations

import jinja2
import pytest

from lessons.render import ALLOWED_KEYS, SAMPLE_CONTEXT, render, template_error


def test_render_fills_in_the_keys() -> None:
    context = {"goi": "bác", "Goi": "Bác", "ten": "Lan", "xa": "Thiệu Toán"}
    text = "{{ Goi }} {{ ten }} ơi, xã {{ xa }} mời {{ goi }} học."
    assert render(text, context) == "Bác Lan ơi, xã Thiệu Toán mời bác học."


def test_render_does_not_escape_html() -> None:
    assert render("<b>{{ ten }}</b> & co", {"ten": "A & B"}) == "<b>A & B</b> & co"


def test_render_is_strict_about_unknown_keys() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render("{{ goi }} {{ tuoi }}", {"goi": "bác"})


def test_render_keeps_plain_text_and_newlines() -> None:
    assert render("Dòng một\nDòng hai\n", {}) == "Dòng một\nDòng hai\n"


def test_sample_context_has_every_allowed_key() -> None:
    assert set(SAMPLE_CONTEXT) == set(ALLOWED_KEYS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ goi }} {{ Goi }} {{ ten }} {{ xa }}", None),
        ("{{ name }}", ("template error: 'name' is undefined", None)),
        ("{{ range(3) }}", ("template error: 'range' is undefined", None)),
        ("a\n{{ goi }", ("template syntax error: unexpected '}'", 2)),
        ("{% if goi %}x", ("template syntax error", 1)),
    ],
)
def test_template_error(text: str, expected: tuple[str, int | None] | None) -> None:
    found = template_error(text)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert found[0].startswith(expected[0])
    assert found[1] == expected[1]
