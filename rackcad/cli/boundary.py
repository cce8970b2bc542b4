"""The one error boundary every sub-command runs behind, and the safe terminal output it installs.

- A CliError (a bad file, a bad argument) is one line on stderr, exit 2.
- An OSError nobody caught (a full disk while writing an export, a folder that vanished) is one line naming
  the file, exit 2: the user can fix it.
- Ctrl+C (KeyboardInterrupt, or Cancelled from the progress bar) is exit 130; an interrupted write leaves
  no file behind (every output goes through files/atomic.py), which the one line on stderr says.
- Anything else is a bug: one line naming the command, the file and the exception, exit 3, with a hint to
  run again with `--debug`, which shows the traceback instead.

Every line is at most MESSAGE_CHARS long and printable. Text a command prints goes through an escaping
writer: control characters (a terminal escape sequence in a part name) appear as `\\x1b`, and a lone
surrogate can never end a command in UnicodeEncodeError.
"""

from __future__ import annotations

import io
import logging
import sys
import traceback
from collections.abc import Callable
from contextlib import contextmanager

from rackcad.progress import Cancelled
from rackcad.text import escaped, shorten

EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
"""128 + SIGINT, as shells report a command stopped by Ctrl+C."""
MESSAGE_CHARS = 300

log = logging.getLogger("rackcad")


class EscapingWriter(io.TextIOBase):
    """Writes text to `stream` with control characters escaped (newlines and tabs kept)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escaped(text, keep_newlines=True))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return not self._stream.closed and self._stream.isatty()

    @property
    def closed(self) -> bool:  # type: ignore[override]
        return self._stream.closed

    @property
    def encoding(self):  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")

    def fileno(self) -> int:
        return self._stream.fileno()


def one_line(text: str) -> str:
    """`text` as one printable line of at most MESSAGE_CHARS characters."""
    return shorten(escaped(" ".join(text.split("\n"))), MESSAGE_CHARS - 12)


def error(text: str) -> None:
    print(one_line(f"rackcad: error: {text}"), file=sys.stderr)


@contextmanager
def escaped_stdout():
    original = sys.stdout
    sys.stdout = EscapingWriter(original)
    try:
        yield
    finally:
        try:
            sys.stdout.flush()
        finally:
            sys.stdout = original


def run(command: Callable[[], int], name: str, file: str | None, debug: bool, cli_error: type) -> int:
    """Run one sub-command behind the boundary; returns its exit code."""
    try:
        with escaped_stdout():
            return int(command() or 0)
    except cli_error as exc:
        log.warning("%s", exc)
        error(str(exc))
        return EXIT_USAGE
    except (KeyboardInterrupt, Cancelled):
        error("stopped (Ctrl+C); nothing was written")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if debug:
            traceback.print_exc()
        where = exc.filename or file or name
        error(f"{where}: {exc.strerror or exc}")
        return EXIT_USAGE
    except Exception as exc:  # the boundary: a bug must never reach the user as a traceback
        log.error("internal error in %s", name, exc_info=True)
        if debug:
            traceback.print_exc()
        on = f" on {file}" if file else ""
        detail = shorten(str(exc), 120)
        print(one_line(f"rackcad: internal error in `{name}`{on}: {type(exc).__name__}"
                       f"{': ' + detail if detail else ''} (run again with --debug for the traceback)"),
              file=sys.stderr)
        return EXIT_INTERNAL
