"""Text that came from a file or a user: what a stored string may hold, and how to show any string safely.

Stored names, ids and labels are single-line text: no control characters (C0, DEL, C1), no bidirectional
overrides (they make a name read differently from what it is) and no lone surrogates (they cannot be
written as UTF-8). `shown()` turns any string, including one the model refused, into a short printable form
for a message or a terminal: control characters appear as `\\x1b`, a long value is cut in the middle.
"""

from __future__ import annotations

import re

_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
"""Descriptions may span lines and hold tabs; nothing else changes."""

SHOWN_CHARS = 60
"""How much of a value a message quotes; longer values keep their start and end around an ellipsis."""


def text_problem(value: str, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored, or None: names the first offending character and where it is."""
    match = (_CONTROL_MULTILINE if multiline else _CONTROL).search(value)
    if match is None:
        return None
    char = match.group()
    code = ord(char)
    kind = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else (
        "a bidirectional override" if 0x202A <= code <= 0x2069 else "a control character")
    return f"holds {kind} ({_escape_char(char)}) at character {match.start() + 1}"


def _escape_char(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(value: str, keep_newlines: bool = False) -> str:
    """`value` with every control character, bidi override and lone surrogate written as an escape."""
    pattern = _CONTROL_MULTILINE if keep_newlines else _CONTROL
    return pattern.sub(lambda m: _escape_char(m.group()), value)


def shorten(value: str, limit: int = SHOWN_CHARS) -> str:
    """Cut a long string in the middle: the first and last characters stay, the length is stated."""
    if len(value) <= limit:
        return value
    keep = max(limit - 20, 8)
    head, tail = value[: keep * 2 // 3], value[-(keep // 3):]
    return f"{head}...({len(value):,} characters)...{tail}"


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value as a message quotes it: repr-like for strings, escaped, never longer than about `limit`."""
    if isinstance(value, str):
        return "'" + escaped(shorten(value, limit)) + "'"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    text = repr(value)
    return escaped(shorten(text, limit))
