"""Settings: read once, when the app is built (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting. Names are the env vars (case-insensitive); .env is read too."""

    # An empty value (`TELEGRAM_BOT_TOKEN=` as in deploy/.env.example) means "not set", not "".
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    database_path: Path = Field(default=Path("data/hocvuso.sqlite"))
    timezone: str = "Asia/Ho_Chi_Minh"
    host: str = "127.0.0.1"
    port: int = 8080
    content_dir: Path = PROJECT_ROOT / "content" / "vi"

    # The commune's name until its villages are imported under it. Empty: the demo commune of
    # content/vi/demo_units.yaml (a local trial).
    commune_name: str | None = None
    # Seed a demo commune and villages into an empty database (a local trial).
    demo_seed: bool = True
    # The commune's word for its villages in reports: thôn, xóm, ấp, khu, tổ dân phố, bản …
    # Empty: the targets file's `unit_word`, else the word the imported village names start with.
    unit_word: str | None = None
    # Who signs the Word report (the Chủ tịch's name) until the dashboard's report form says.
    report_signer_name: str | None = None

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    # The bot's @username without "@", for invitation deep links t.me/<username>?start=<code>.
    telegram_bot_username: str | None = None
    # Sustained messages per second to one Telegram chat, after a burst of three. Telegram asks
    # for about one; tests whose fake people press buttons instantly raise it.
    telegram_chat_rate: float = Field(default=1.0, gt=0)
    # Messages per second to all chats together (Telegram's bound is about 30). Raise it only
    # for a local Bot API server with higher limits, or a benchmark against a fake server.
    telegram_rate: float = Field(default=30.0, gt=0)
    zalo_bot_token: SecretStr | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    # Sustained messages per second to one Zalo chat, after a burst of three. Zalo publishes no
    # limit; this is Telegram's figure. Tests whose fake people answer instantly raise it.
    zalo_chat_rate: float = Field(default=1.0, gt=0)
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # This server's public HTTPS root, for files a platform fetches by URL (Zalo's photos: the
    # certificates). Empty: WEBHOOK_URL's; with neither, certificates go as text with their code.
    public_base_url: str | None = None

    quiz_pass_ratio: float = Field(default=2 / 3, ge=0, le=1)
    # Pushes (a lesson or a word of encouragement, to one mentee or all) a mentor may send a day.
    mentor_pushes_per_day: int = Field(default=5, ge=1)
    # No reminder, nudge or broadcast is sent between these local times ("HH:MM").
    quiet_hours_start: str = Field(default="21:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    quiet_hours_end: str = Field(default="06:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # The anonymous web chat simulator on "/": on by default only when no platform token is set.
    # Set true for a kiosk (a shared screen at the commune service centre), false to turn it off.
    webchat_enabled: bool | None = None
    # Web chat learners count in official numbers only in kiosk mode, as assisted at the centre.
    webchat_kiosk: bool = False
    # Web chat limits against floods and disk exhaustion: messages per second from one address
    # (after a burst of 20) and from all addresses together (after a burst of 100); new chats
    # (first page loads) an hour from one address and from all together.
    webchat_rate: float = Field(default=1.0, gt=0)
    webchat_total_rate: float = Field(default=30.0, gt=0)
    webchat_new_chats_per_hour: int = Field(default=30, ge=1)
    webchat_total_new_chats_per_hour: int = Field(default=600, ge=1)
    # Web chat users who never consented are deleted after this many hours without a message.
    webchat_trial_hours: int = Field(default=24, ge=1)
    # Addresses (or networks, "172.16.0.0/12") of reverse proxies whose X-Real-IP header is
    # believed, comma separated. The shipped nginx runs on the same machine: loopback. Empty: no
    # proxy, the connecting address is the client's. Docker: compose.yaml adds its bridge.
    trusted_proxies: str = "127.0.0.1,::1"
    # Password checks (argon2) run in this many threads, off the event loop; logins beyond
    # this many waiting get 429 ("busy, try again") instead of slowing every chat down.
    login_threads: int = Field(default=2, ge=1)
    login_queue: int = Field(default=8, ge=1)
    log_json: bool = False
    log_level: str = "INFO"

    # `hocvuso backup`: where copies go (default: a `backups` folder beside the database) and
    # how many of the newest to keep.
    backup_dir: Path | None = None
    backup_keep: int = Field(default=14, ge=1)
    # On SIGTERM, how long requests in flight may take to finish before they are cut off.
    shutdown_timeout: float = Field(default=10, gt=0)

    @property
    def backup_path(self) -> Path:
        return self.backup_dir or self.database_path.parent / "backups"

    @property
    def has_platform_token(self) -> bool:
        return self.telegram_bot_token is not None or self.zalo_bot_token is not None

    @property
    def webchat_on(self) -> bool:
        """Whether "/" serves the web chat: as set, else only when no platform token is set."""
        if self.webchat_enabled is not None:
            return self.webchat_enabled
        return not self.has_platform_token or self.webchat_kiosk
