"""Fixtures for the Zalo channel tests (the Telegram ones define their own in their modules)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lessons.model import Curriculum
from tests.fakes.zalo import FakeZalo
from tests.zalo_helpers import Running, Start, zalo_starter


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    """The fake Zalo Bot API server."""
    server = await FakeZalo().start()
    yield server
    await server.close()


@pytest.fixture
async def start_zalo(
    zalo: FakeZalo, tmp_path: Path, curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Start]:
    """Start the web server and the Zalo channel: polling unless `webhook=True`, certificates
    public unless `public=False`, any other setting as a keyword."""
    async with zalo_starter(zalo, tmp_path, curriculum, monkeypatch) as start:
        yield start


@pytest.fixture
async def zalo_bot(start_zalo: Start) -> Running:
    """The Zalo channel, polling, with public certificates."""
    return await start_zalo()
