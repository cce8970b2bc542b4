"""The one version of RackCAD: read from the installed package's metadata (pyproject.toml sets it)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def package_version() -> str:
    """`0.1.0` for an installed (or editable) package; `0+unknown` for a bare source tree on sys.path."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rackcad")
    except PackageNotFoundError:
        return "0+unknown"



def __getattr__(name: str) -> str:
    if name == "__version__":  # read on first use: importlib.metadata costs ~20 ms at start-up
        return package_version()
    raise AttributeError(name)
