"""Logging: a rotating `rackcad.log` in the user log folder; `--verbose` adds debug detail and stderr.

The file handler opens its file on the first record only (`delay=True`), so a command that logs nothing
creates nothing. Without `--verbose` only warnings and errors reach the file.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys

from rackcad.userdirs import log_dir

LOG_NAME = "rackcad.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def configure_logging(verbose: bool = False) -> logging.Logger:
    """Attach (once per process) the rotating file handler, and a stderr handler when verbose."""
    logger = logging.getLogger("rackcad")
    for handler in list(logger.handlers):
        if getattr(handler, "_rackcad", False):
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(folder / LOG_NAME, maxBytes=MAX_BYTES,
                                                            backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError as exc:  # a read-only home never stops a command
        print(f"rackcad: warning: cannot write the log file: {exc}", file=sys.stderr)
    else:
        file_handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
        file_handler.setFormatter(logging.Formatter(FORMAT))
        file_handler._rackcad = True  # type: ignore[attr-defined]
        logger.addHandler(file_handler)
    if verbose:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.DEBUG)
        stream.setFormatter(logging.Formatter("rackcad: %(levelname)s: %(message)s"))
        stream._rackcad = True  # type: ignore[attr-defined]
        logger.addHandler(stream)
    return logger
