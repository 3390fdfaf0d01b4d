"""Web chat simulator: a phone-sized chat page talking to the same engine as the real channels.

The browser holds an opaque random id in an HttpOnly cookie; that id is the chat. Each POST
carries a client message id, so a double tap or a retried request is processed once.

Only the page hands out ids, signed with this installation's key, and only so many an hour
per address (bot/web/limits.py): a self-made cookie gets a polite 403 and creates nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.app import Services
from bot.certificates import image_path, render
from bot.channels import clean
from bot.channels.poison import handle_now
from bot.engine.types import MAX_PAYLOAD_BYTES, Incoming
from bot.store import access, certificates, outbox, users
from bot.web import limits
from bot.web.addresses import address_key, client_address, from_trusted_proxy
from bot.web.keys import SERVICES, TEMPLATES

CHANNEL = "webchat"
COOKIE = "hvs_chat"
MAX_TEXT = 1000
MAX_ID = 64
RANDOM_PART = 24  # characters of token_urlsafe(18); a 22-character signature follows
COOKIE_KEY: web.AppKey[bytes] = web.AppKey("webchat_cookie_key")


def setup(app: web.Application) -> None:
    db = app[SERVICES].db
    app[COOKIE_KEY] = access.secret(db, "webchat_cookie", int(time.time())).encode()
    limits.setup(app)
    app.router.add_get("/", page)
    app.router.add_get("/api/chat/certificate/{code}", certificate_image)
    app.router.add_post("/api/chat", send)
    app.router.add_get("/api/chat/pending", pending)


def _services(request: web.Request) -> Services:
    return request.app[SERVICES]


def _chat_id(request: web.Request) -> str | None:
    value = request.cookies.get(COOKIE, "")
    return (
        value
        if 16 <= len(value) <= MAX_ID and value.replace("-", "").replace("_", "").isalnum()
        else None
    )


def _signature(key: bytes, random_part: str) -> str:
    digest = hmac.new(key, random_part.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_chat_id(key: bytes) -> str:
    random_part = secrets.token_urlsafe(18)
    return random_part + _signature(key, random_part)


def _issued(request: web.Request, chat_id: str) -> bool:
    """Whether this page handed out the id (or its chat already exists, from before signing)."""
    random_part, signature = chat_id[:RANDOM_PART], chat_id[RANDOM_PART:]
    if hmac.compare_digest(signature, _signature(request.app[COOKIE_KEY], random_part)):
        return True
    return users.find(_services(request).db, CHANNEL, chat_id) is not None


def is_https(request: web.Request) -> bool:
    """The browser reached us over HTTPS: directly, or through a trusted proxy that says so."""
    if request.secure:
        return True
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return forwarded == "https" and from_trusted_proxy(request)


def _set_cookie(request: web.Request, response: web.StreamResponse, chat_id: str) -> None:
    response.set_cookie(
        COOKIE,
        chat_id,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Strict",
        path="/",
        secure=is_https(request),  # behind HTTPS the cookie never travels in clear text
    )


async def page(request: web.Request) -> web.Response:
    services = _services(request)
    texts = services.texts
    chat_id = _chat_id(request)
    fresh = chat_id is None or not _issued(request, chat_id)
    if fresh and not request.app[limits.LIMITS].new_chat(client_address(request)):
        return web.Response(text=texts.render("web.busy"), status=429, content_type="text/plain")
    xa = services.engine.commune_name
    ui = {
        key.split(".", 1)[1]: texts.render(key, xa=xa, max_len=MAX_TEXT)
        for key in texts.all_keys()
        if key.startswith("web.")
    }
    html = request.app[TEMPLATES].get_template("chat.html").render(ui=ui, max_len=MAX_TEXT)
    response = web.Response(text=html, content_type="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'"
    )
    if fresh:
        _set_cookie(request, response, new_chat_id(request.app[COOKIE_KEY]))
    return response


def _replies(services: Services, chat_id: str) -> list[dict[str, Any]]:
    items = outbox.take_for_chat(services.db, CHANNEL, chat_id, int(time.time()))
    bodies = [dict(item.body) for item in items]
    for body in bodies:
        if body.get("image"):
            # A file on the server becomes a URL only its owner's browser may open.
            body["image"] = f"/api/chat/certificate/{Path(body['image']).stem}"
    return bodies


async def certificate_image(request: web.Request) -> web.StreamResponse:
    services = _services(request)
    chat_id = _chat_id(request)
    user = users.find(services.db, CHANNEL, chat_id) if chat_id else None
    cert = certificates.by_code(services.db, request.match_info["code"])
    if user is None or cert is None or cert.user_id != user.id:
        raise web.HTTPNotFound()
    path = image_path(services.engine.files_dir, cert.code)
    if not path.exists():
        render(cert, services.texts, services.engine.tz, services.engine.files_dir)
    return web.FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})


def _bad_request(services: Services) -> web.Response:
    message = services.texts.render("web.bad_request", max_len=MAX_TEXT)
    return web.json_response({"error": message}, status=400)


async def send(request: web.Request) -> web.Response:
    services = _services(request)
    chat_id = _chat_id(request)
    if chat_id is None or request.content_type != "application/json":
        return _bad_request(services)
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):  # RecursionError: deep
        return _bad_request(services)
    if not isinstance(data, dict):
        return _bad_request(services)
    message_id, text, payload = data.get("id"), data.get("text"), data.get("payload")
    valid = (
        isinstance(message_id, str)
        and 0 < len(message_id) <= MAX_ID
        and (text is None or (isinstance(text, str) and 0 < len(text) <= MAX_TEXT))
        and (
            payload is None
            or (
                isinstance(payload, str)
                and payload.isascii()
                and 0 < len(payload) <= MAX_PAYLOAD_BYTES
            )
        )
        and (text is None) != (payload is None)
    )
    if not valid:
        return _bad_request(services)
    if not _issued(request, chat_id):
        message = services.texts.render("web.reload")
        return web.json_response({"error": message}, status=403)
    handled = handle_now(
        services.engine,
        clean.incoming(
            Incoming(
                channel=CHANNEL,
                chat_id=chat_id,
                user_id=chat_id,
                update_id=f"{chat_id}:{message_id}",
                text=text,
                payload=payload,
                kind="button" if payload else "text",
                at=time.time(),
                # Wrong codes are throttled per address too (bot/code_guesses.py): a hash.
                extra={"address": address_key(client_address(request))},
            )
        ),
    )
    if handled is None:  # the database could not take it: nothing changed, send it again
        return web.json_response({"error": services.texts.render("channel.busy")}, status=503)
    return web.json_response({"replies": _replies(services, chat_id)})


async def pending(request: web.Request) -> web.Response:
    services = _services(request)
    chat_id = _chat_id(request)
    if chat_id is None:
        return web.json_response({"replies": []})
    return web.json_response({"replies": _replies(services, chat_id)})


def setup_off(app: web.Application) -> None:
    """With a platform token and no WEBCHAT_ENABLED: no web chat, "/" says where to chat."""

    async def off(request: web.Request) -> web.Response:
        texts = request.app[SERVICES].texts
        xa = request.app[SERVICES].engine.commune_name
        return web.Response(text=texts.render("web.closed", xa=xa), status=404)

    app.router.add_get("/", off)
