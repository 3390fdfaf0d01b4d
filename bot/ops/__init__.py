"""Operations: backup and restore, the single-instance lock, structured logs, graceful stop."""

from __future__ import annotations

from typing import Any


class OpsError(Exception):
    """A refusal or failure an administrator can act on; `key` names its message in content/vi."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
