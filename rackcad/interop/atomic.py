"""Atomic text writes for the interop exporters: a temporary file in the target folder, then rename, so a
failed export never leaves a half-written file; permissions as the design files get them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rackcad.files.format import _file_mode


def write_text_atomic(path: str | Path, text: str) -> None:
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(tmp, _file_mode(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
