"""Thin Ray wrappers around engine objects. Nothing here holds matching logic."""
