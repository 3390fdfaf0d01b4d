"""Fake messaging platforms for tests: real HTTP servers on loopback, strict about each API."""
