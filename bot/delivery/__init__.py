"""Delivery: drain the outbox to a platform within its limits, surviving errors and restarts.

`policy` holds what every channel shares (rate limits, retry policy, the `Sender` protocol and
the errors a sender raises); `worker` is the persistent outbox worker; `telegram` is Telegram's
`Sender`. A Zalo sender plugs into the same worker.
"""
