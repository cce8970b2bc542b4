"""Shared fixtures. Tests run off screen (QT_QPA_PLATFORM=offscreen) and never read the user's catalog."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = str(Path(__file__).parent / "_no_user_config")
# The catalog cache and the log file go to a throw-away folder, never the user's.
_SCRATCH = Path(tempfile.mkdtemp(prefix="rackcad-tests-"))
os.environ["XDG_CACHE_HOME"] = str(_SCRATCH / "cache")
os.environ["XDG_STATE_HOME"] = str(_SCRATCH / "state")
os.environ.pop("RACKCAD_CATALOG_PATH", None)
os.environ.pop("RACKCAD_PROGRESS", None)  # no progress bar in test output, whatever the shell says

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def catalog():
    from rackcad.catalog import default_catalog

    return default_catalog()


@pytest.fixture(scope="session")
def built():
    """Templates built once per session (read-only: copy before editing)."""
    from rackcad.templates import build

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = build(name)
        return cache[name]

    return get
