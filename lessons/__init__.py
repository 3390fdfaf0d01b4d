"""The content model, independent of chat: load, validate, grade, search.

The format is docs/content-format.md.
"""
