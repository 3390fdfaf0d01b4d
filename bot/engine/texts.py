"""Every sentence the assistant says comes from content/vi/messages/*.yaml (jinja2 templates).

A key is `<file stem>.<name>`: `onboarding.ask_name` is `ask_name` in onboarding.yaml.
Replies are plain text; each channel escapes for its own markup, so templates are not autoescaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import yaml


class Texts:
    def __init__(self, messages_dir: Path) -> None:
        self.messages_dir = messages_dir
        self.env = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.sources: dict[str, str] = {}
        for path in sorted(messages_dir.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for name, source in data.items():
                self.sources[f"{path.stem}.{name}"] = str(source)
        self._compiled: dict[str, jinja2.Template] = {}
        # Most labels have no template syntax at all: they are served as they are.
        self._static = {key: src.strip() for key, src in self.sources.items() if "{" not in src}

    def render(self, key: str, **values: Any) -> str:
        static = self._static.get(key)
        if static is not None:
            return static
        template = self._compiled.get(key)
        if template is None:
            try:
                source = self.sources[key]
            except KeyError:
                raise KeyError(f"no message template {key!r} in content/vi/messages") from None
            template = self._compiled[key] = self.env.from_string(source)
        return template.render(**values).strip()

    def variables(self, key: str) -> set[str]:
        """Names a template needs, for the test that renders every key."""
        return set(jinja2.meta.find_undeclared_variables(self.env.parse(self.sources[key])))

    def all_keys(self) -> list[str]:
        return sorted(self.sources)
