"""Wrong codes (invitation codes /ma, link codes /baocao) are throttled per person and per
address: after a few wrong ones, no code is checked for a while, so 300 guesses in a second
find nothing. The web chat passes a hash of the client's address in Incoming.extra["address"]
(a kiosk serves many people from one address: that limit is higher); Telegram and Zalo give
the person only."""

from __future__ import annotations

from bot.engine.context import Context
from bot.store import access

WINDOW = 3600
MAX_WRONG_PER_PERSON = 5
MAX_WRONG_PER_ADDRESS = 20


def _keys(ctx: Context) -> tuple[str, str | None]:
    address = ctx.incoming.extra.get("address")
    person = f"code:u:{ctx.user.id}"
    return person, f"code:a:{address}" if isinstance(address, str) and address else None


def blocked(ctx: Context) -> bool:
    """True when this person, or their address, typed too many wrong codes lately."""
    person, address = _keys(ctx)
    since = ctx.now - WINDOW
    if access.wrong_codes_since(ctx.db, [person], since) >= MAX_WRONG_PER_PERSON:
        return True
    return (
        address is not None
        and access.wrong_codes_since(ctx.db, [address], since) >= MAX_WRONG_PER_ADDRESS
    )


def wrong(ctx: Context) -> None:
    person, address = _keys(ctx)
    access.record_wrong_code(ctx.db, [person] if address is None else [person, address], ctx.now)
