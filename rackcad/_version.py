"""The one version of RackCAD: read from the installed package's metadata (pyproject.toml sets it)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """`0.1.0` for an installed (or editable) package; `0+unknown` for a bare source tree on sys.path."""
    try:
        return version("rackcad")
    except PackageNotFoundError:
        return "0+unknown"


__version__ = package_version()
