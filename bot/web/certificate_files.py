"""Certificate images at public, unguessable URLs, for platforms that fetch photos by URL (Zalo).

`GET /files/cert/<token>.png` serves the certificate the random token was made for; the token is
not the certificate's code (a code is shared for verification and must not open the image), and
it dies with the certificate when its holder erases their data. The URL is built from
PUBLIC_BASE_URL, or else WEBHOOK_URL: the server's public HTTPS root that nginx passes on.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from aiohttp import web

from bot.app import Services
from bot.certificates import image_path, render
from bot.store import certificate_links, certificates

ROUTE = "/files/cert/{token}.png"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def public_base(services: Services) -> str | None:
    settings = services.settings
    base = settings.public_base_url or settings.webhook_url
    return base.rstrip("/") if base else None


class CertificateFiles:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.base = public_base(services)

    def mount(self, app: web.Application) -> None:
        # One route however many channels want it (Telegram uploads files and needs none).
        if not any(getattr(r, "canonical", None) == ROUTE for r in app.router.resources()):
            app.router.add_get(ROUTE, self.serve)

    def url_for(self, image: str) -> str | None:
        """The public URL of a certificate image (a path the engine made), or None when there is
        no public root or the image is not a certificate's."""
        if self.base is None:
            return None
        db = self.services.db
        cert = certificates.by_code(db, Path(image).stem)
        if cert is None:
            return None
        token = certificate_links.link(db, cert.code, secrets.token_urlsafe(24), int(time.time()))
        return f"{self.base}/files/cert/{token}.png"

    async def serve(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        db = self.services.db
        code = certificate_links.code_for(db, token) if _TOKEN.fullmatch(token) else None
        cert = certificates.by_code(db, code) if code else None
        if cert is None:
            raise web.HTTPNotFound()
        engine = self.services.engine
        path = image_path(engine.files_dir, cert.code)
        if not path.exists():  # the files folder was not restored with the database, say
            render(cert, self.services.texts, engine.tz, engine.files_dir)
        return web.FileResponse(
            path,
            headers={
                "Content-Type": "image/png",
                "Cache-Control": "private, max-age=3600",
                "X-Robots-Tag": "noindex",
            },
        )
