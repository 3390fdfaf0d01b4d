"""aiohttp web server: the chat simulator now; the officials' dashboard and webhooks later."""
