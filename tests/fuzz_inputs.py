"""Hostile inputs for the fuzz tests: the kinds that broke the assistant once, plus seeded random
Unicode. The same seed gives the same inputs, so a failure can be replayed."""

from __future__ import annotations

import random

# What once went wrong, or could: lone surrogates, control and direction characters, line and
# paragraph separators, huge and blank lines, decomposed letters, look-alike digits, template,
# format and SQL syntax, markup, commands with junk.
KNOWN = [
    "qqzzx \ud83d vvbbn",
    "\ud83d",
    "\udfff abc \ud800",
    "\x85",
    "\x0b",
    "\x0c",
    "\x00",
    "\x1b[31mđỏ\x1b[0m",
    " " * 5000,
    "\t\t\t",
    "\u202e1958",
    "\u2066Tư\u2069",
    "\u200b\u200b",
    "\ufeff/start",
    "\u2028\u2029",
    "Tu\u031b",
    "Nguye\u0302\u0303n Thi\u0323 Tu\u031b",
    "²",
    "¹⁹⁵⁸",
    "١٩٥٨",
    "１９５８",
    "9" * 24,
    "-1",
    "1e309",
    "0x10",
    "{{ goi }}",
    "{% for x in y %}",
    "{{ self.__init__ }}",
    "%s %d {0} {}",
    "None",
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    "<b>Tư</b> & co",
    "/",
    "//",
    "/start\x00",
    "/menu@",
    "/menu@someone_else",
    "/xoadulieu extra words",
    "/" + "a" * 300,
    "ob:c:y",
    "m:menu",
    "😀" * 600,
    "👨\u200d👩\u200d👧",
    "ＡＢＣ＝１",
    "a\r\nb\rc",
    "x" * 20000,
]
# Answers a person gives, so the fuzz reaches the states past the first question.
ORDINARY = ["1", "2", "3", "Tư", "thon dong", "1958", "có", "không", "/menu", "/trogiup", "Xong"]


def random_text(rng: random.Random) -> str:
    """Up to 40 code points from anywhere in Unicode, surrogates and controls included."""
    ranges = [
        (0x00, 0x7F),
        (0x80, 0x24F),
        (0x300, 0x36F),  # combining marks
        (0x1E00, 0x1EFF),  # Vietnamese letters
        (0x2000, 0x206F),  # punctuation, direction marks
        (0xD800, 0xDFFF),  # surrogates
        (0xE000, 0xF8FF),  # private use
        (0xFE00, 0xFFFF),  # variation selectors, specials, full-width
        (0x1F300, 0x1FAFF),  # emoji
        (0x0, 0x10FFFF),
    ]
    chars = []
    for _ in range(rng.randint(1, 40)):
        low, high = rng.choice(ranges)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def hostile_inputs(count: int, seed: int) -> list[str]:
    """`count` inputs: every known hostile one, ordinary answers between, random Unicode."""
    rng = random.Random(seed)
    inputs: list[str] = []
    while len(inputs) < count:
        roll = rng.random()
        if roll < 0.35:
            inputs.append(rng.choice(KNOWN))
        elif roll < 0.55:
            inputs.append(rng.choice(ORDINARY))
        else:
            inputs.append(random_text(rng))
    inputs[: len(KNOWN)] = KNOWN[: min(len(KNOWN), count)]
    rng.shuffle(inputs)
    return [text for text in inputs if text]  # an empty line is no message at all
