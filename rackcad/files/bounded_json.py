"""Bounded, strict JSON: the one parser every design file goes through.

`parse(text)` returns the data of a well-formed JSON text, or raises `JsonProblem(where, problem)`:

- numbers must be finite and of sane size: NaN, Infinity, 1e400 and integers of more than
  MAX_INT_DIGITS digits are refused (plain `json` takes them, or dies on them with ValueError);
- an object may not repeat a key (plain `json` keeps the last one silently);
- nesting is bounded: past what `json` can recurse into, the place where it passes MAX_DEPTH is named
  (anything deeper than the schema but shallower than that is a type error of the model at its path).

The fast path is `json.loads` with hooks that raise on the first such value; only when one fires is the
text parsed again with markers, to name the field path of the problem.
"""

from __future__ import annotations

import json
import math
import re

MAX_DEPTH = 64
"""Deeper than any design file (which nests 5 levels); a thousand `[` must be a one-line error."""
MAX_INT_DIGITS = 19
"""Integers fit in 64 bits: every count and index of a design does."""


class JsonProblem(ValueError):
    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class _Refused(Exception):
    """Raised from a hook to leave `json.loads` at the first refused value."""


class _Marker:
    """Stands in for a refused value in the diagnostic parse, so a walk can find its path."""

    def __init__(self, problem: str):
        self.problem = problem


class _Pairs(dict):
    """An object whose key repeated: `duplicate` holds it."""

    duplicate: str = ""


def _fast_pairs(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Refused
    return out


def _fast_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Refused
    return value


def _fast_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused
    return int(text)


def _refuse_constant(text: str):
    raise _Refused


def _marked_pairs(pairs):
    out = _Pairs()
    for key, value in pairs:
        if key in out and not out.duplicate:
            out.duplicate = key
        out[key] = value
    return out


def _marked_float(text: str):
    value = float(text)
    return _Marker(f"{_short(text)} is too large for a number (the largest is about 1.8e308)") if math.isinf(value) else value


def _marked_int(text: str):
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return _Marker(f"an integer of {digits:,} digits; at most {MAX_INT_DIGITS}")
    return int(text)


def _marked_constant(text: str):
    return _Marker(f"{text} is not a number a design may hold (only finite numbers)")


def _short(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "..."


def _join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _find_marker(data) -> tuple[str, str] | None:
    """(field path, problem) of the first marked value or repeated key, depth first in file order."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Marker):
            return path or "(top level)", value.problem
        if isinstance(value, _Pairs) and value.duplicate:
            return _join(path, value.duplicate), f"key {value.duplicate!r} appears twice in one object"
        if isinstance(value, dict):
            stack.extend(reversed([(_join(path, k), v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(_join(path, i), v) for i, v in enumerate(value)]))
    return None


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def _too_deep_at(text: str) -> str:
    """Line and column where nesting first passes MAX_DEPTH (strings skipped)."""
    depth, line, line_start = 0, 1, 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token == "\n":
            line, line_start = line + 1, match.end()
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return f"line {line}, column {match.start() - line_start + 1}"
        elif token in "]}":
            depth -= 1
    return "line 1"


def _decode(text: str, **hooks):
    """`json.loads` with `hooks`; syntax errors and runaway nesting become JsonProblem with their place."""
    try:
        return json.loads(text, **hooks)
    except RecursionError:
        raise JsonProblem(_too_deep_at(text), f"nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as exc:
        problem = "file ends early (truncated?)" if exc.pos >= len(text.rstrip()) else exc.msg
        raise JsonProblem(f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {problem}") from None


def parse(text: str):
    """The data of `text`; JsonProblem names the place of the first refused value."""
    try:
        return _decode(text, object_pairs_hook=_fast_pairs, parse_float=_fast_float, parse_int=_fast_int,
                       parse_constant=_refuse_constant)
    except _Refused:
        pass
    # A refused value, then perhaps a syntax error further on: the marked parse reports whichever it meets.
    marked = _decode(text, object_pairs_hook=_marked_pairs, parse_float=_marked_float, parse_int=_marked_int,
                     parse_constant=_marked_constant)
    found = _find_marker(marked)
    if found is None:  # pragma: no cover - the fast hooks refuse exactly what the markers mark
        raise JsonProblem("(top level)", "refused value")
    raise JsonProblem(*found)
