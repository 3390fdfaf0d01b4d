"""What every platform's webhook shares: its public URL and the secret it must send back."""

from __future__ import annotations

import hashlib
import hmac

from pydantic import SecretStr

from bot.config import Settings


def webhook_url(settings: Settings, path: str) -> str | None:
    """WEBHOOK_URL is this server's public root; a platform posts to `path` under it."""
    if not settings.webhook_url:
        return None
    return settings.webhook_url.rstrip("/") + path


def webhook_secret(settings: Settings, token: SecretStr | None, platform: str) -> str:
    """WEBHOOK_SECRET, or one derived from the platform's token (stable across restarts, never
    logged)."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    assert token is not None
    label = f"hocvuso {platform} webhook".encode()
    return hmac.new(token.get_secret_value().encode(), label, hashlib.sha256).hexdigest()
