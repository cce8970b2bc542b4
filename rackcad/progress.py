"""Progress of long operations (loads, checks, exports, sweeps), shared by the CLI bar and the editor's dialog.

A long operation takes an optional `progress` callable and calls it as `progress(done, total, label)` as it
goes (`total` may be 0 when unknown). The callable may raise `Cancelled` to stop the operation; an operation
that is stopped leaves nothing behind (no half-written file, no half-applied edit) and lets `Cancelled`
propagate to its caller.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]
"""`progress(done, total, label)`: called by a long operation as it advances; may raise Cancelled."""


class Cancelled(Exception):
    """The user stopped a long operation (the editor's Cancel button, Ctrl+C in a CLI progress bar)."""


def no_progress(done: int, total: int, label: str = "") -> None:
    """The default `progress`: reports nowhere and never cancels."""
