"""deploy/.env.example is the one list of settings: every setting, each explained, all valid."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / ".env.example"
# `NAME=value`, or `# NAME=value` for a setting shown commented out.
_SETTING = re.compile(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=")


def _lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").splitlines()


def _documented() -> dict[str, int]:
    return {m[1]: n for n, line in enumerate(_lines()) if (m := _SETTING.match(line))}


def test_every_setting_is_listed_and_nothing_else() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    documented = set(_documented())
    assert sorted(fields - documented) == [], "add these settings to deploy/.env.example"
    assert sorted(documented - fields) == [], "deploy/.env.example lists unknown settings"


def test_every_setting_has_an_explanation_above_it() -> None:
    lines = _lines()
    for name, n in _documented().items():
        # Settings may share one comment: walk up over them to the comment that explains them.
        above = n - 1
        while above >= 0 and _SETTING.match(lines[above]):
            above -= 1
        assert above >= 0 and lines[above].startswith("# ") and not _SETTING.match(lines[above]), (
            f"{name} in deploy/.env.example needs a comment saying what it does"
        )


def test_the_example_as_it_is_gives_the_defaults_and_no_platform(monkeypatch) -> None:
    for name in Settings.model_fields:  # only the file speaks, not this shell's environment
        monkeypatch.delenv(name.upper(), raising=False)
    settings = Settings(_env_file=EXAMPLE)  # type: ignore[call-arg]
    # Empty values mean "not set": copying the file unedited must not switch on a channel.
    assert settings.telegram_bot_token is None and settings.zalo_bot_token is None
    assert not settings.has_platform_token
    assert settings.backup_path == settings.database_path.parent / "backups"
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    for name in ("timezone", "port", "backup_keep", "shutdown_timeout", "quiet_hours_end"):
        assert getattr(settings, name) == getattr(defaults, name), name
