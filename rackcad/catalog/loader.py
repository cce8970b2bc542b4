"""Load the parts catalog: the packaged YAML files, then user catalog folders that add or override parts.

User folders, in order (a later one overrides an earlier one by part id):
  1. `catalog/` in the user config folder (`rackcad.userdirs.config_dir()`: `~/.config/rackcad/catalog/`
     or `$XDG_CONFIG_HOME/rackcad/catalog/` on Linux)
  2. each folder in `$RACKCAD_CATALOG_PATH` (os.pathsep-separated)
"""

from __future__ import annotations

import os
from importlib import resources
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from rackcad.catalog.schema import PartSpec, Source
from rackcad.userdirs import config_dir


YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (~10x faster), else the pure-Python one: same data."""

T = TypeVar("T", bound=BaseModel)


class CatalogError(ValueError):
    """A catalog file that cannot be read: names the file and the field."""


def packaged_catalog_dir() -> Path:
    """The catalog shipped inside the package (`rackcad/assets/catalog`), so a wheel carries its parts.

    `RACKCAD_ASSETS` points at another assets folder (one holding `catalog/`), for tests and development.
    """
    env = os.environ.get("RACKCAD_ASSETS")
    if env:
        return Path(env) / "catalog"
    return Path(str(resources.files("rackcad") / "assets" / "catalog"))


def user_catalog_dirs() -> list[Path]:
    dirs = [config_dir() / "catalog"]
    extra = os.environ.get("RACKCAD_CATALOG_PATH", "")
    dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    return dirs


def _error_path(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"{loc}: {first['msg']}"


def parse_yaml_file(path: Path):
    """The YAML document in `path` (safe loader), through the catalog cache while a catalog loads."""
    from rackcad.catalog.cache import active

    def parse(file: Path):
        return yaml.load(file.read_text(encoding="utf-8"), Loader=YamlLoader)  # noqa: S506 - a safe loader

    cache = active()
    return parse(path) if cache is None else cache.get(path, parse)


def load_part_file(path: Path) -> PartSpec:
    return load_spec_file(path, PartSpec, "part")


def load_spec_file(path: Path, schema: type[T], what: str) -> T:
    """One YAML file validated against a pydantic schema; a CatalogError names the file and the field."""
    try:
        data = parse_yaml_file(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        raise CatalogError(f"{path}: {where}: not valid YAML") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping of {what} fields")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(f"{path}: {_error_path(exc)}") from exc


def iter_part_files(dirs: Iterable[Path]) -> Iterator[Path]:
    for folder in dirs:
        if folder.is_dir():
            yield from sorted(p for p in folder.glob("*.yaml") if p.name != "sources.yaml")


def load_sources(folder: Path) -> dict[str, Source]:
    path = folder / "sources.yaml"
    if not path.exists():
        return {}
    raw = parse_yaml_file(path) or {}
    return {key: Source(key=key, **value) for key, value in raw.items()}
