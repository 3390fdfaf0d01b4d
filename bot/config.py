"""Settings: read once, when the app is built (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting. Names are the env vars (case-insensitive); .env is read too."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_path: Path = Field(default=Path("data/hocvuso.sqlite"))
    timezone: str = "Asia/Ho_Chi_Minh"
    host: str = "127.0.0.1"
    port: int = 8080
    content_dir: Path = PROJECT_ROOT / "content" / "vi"

    commune_name: str = "Xã Bình Minh"
    # Seed a demo commune and villages into an empty database (a local trial).
    demo_seed: bool = True

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    zalo_bot_token: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None

    quiz_pass_ratio: float = Field(default=2 / 3, ge=0, le=1)
    log_json: bool = False
    log_level: str = "INFO"

    @property
    def has_platform_token(self) -> bool:
        return self.telegram_bot_token is not None or self.zalo_bot_token is not None
