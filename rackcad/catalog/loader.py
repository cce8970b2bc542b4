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



class StrictYamlLoader(YamlLoader):
    """YamlLoader that refuses a key given twice in one mapping: YAML lets the last one win silently, so a
    typo'd copy of a figure in a part file (or two sources under one key) would drop what the user wrote."""


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode):
    """SafeConstructor's mapping (a generator, so aliases and recursive values build as before) that names a
    key given twice."""
    mapping: dict = {}
    yield mapping
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in mapping
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, "found an unhashable key", key_node.start_mark
            ) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node)


StrictYamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)

T = TypeVar("T", bound=BaseModel)


MAX_PART_FILE_BYTES = 1_000_000
"""A part file is a few kilobytes; anything larger is not one."""
MAX_YAML_NODES = 20_000
"""Values a part file may hold once its aliases are expanded (a "billion laughs" file expands to 10^9)."""


class CatalogError(ValueError):
    """A catalog file that cannot be read: names the file and the field; one printable line."""

    def __init__(self, message: str, path: Path | None = None):
        from rackcad.text import escaped, shorten

        super().__init__(shorten(escaped(message), 280))
        self.path = path


def _expanded_size(data, limit: int) -> int:
    """How many values `data` holds with every alias expanded, counting up to just past `limit`.

    Linear in the distinct objects (each one's size is remembered), so a file of nested aliases is measured
    without being expanded; a value that contains itself (a recursive alias) counts as past the limit.
    """
    sizes: dict[int, int] = {}
    open_ids: set[int] = set()
    stack: list[tuple[object, bool]] = [(data, False)]
    while stack:
        value, done = stack.pop()
        if not isinstance(value, (dict, list)):
            continue
        key = id(value)
        children = list(value.values()) if isinstance(value, dict) else value
        if done:
            open_ids.discard(key)
            total = 1 + sum(sizes.get(id(c), 1) if isinstance(c, (dict, list)) else 1 for c in children)
            sizes[key] = min(total, limit + 1)
            continue
        if key in sizes:
            continue
        if key in open_ids:
            return limit + 1
        open_ids.add(key)
        stack.append((value, True))
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)) and id(c) not in sizes)
    return sizes.get(id(data), 1)


def _bounded_yaml(file: Path):
    """Parse a YAML file no larger than MAX_PART_FILE_BYTES whose aliases expand to at most MAX_YAML_NODES."""
    raw = file.read_bytes()
    if len(raw) > MAX_PART_FILE_BYTES:
        raise CatalogError(f"{file}: larger than {MAX_PART_FILE_BYTES:,} bytes; not a part file", file)
    data = yaml.load(raw.decode("utf-8"), Loader=StrictYamlLoader)  # noqa: S506 - a safe loader
    if _expanded_size(data, MAX_YAML_NODES) > MAX_YAML_NODES:
        raise CatalogError(f"{file}: its aliases expand to more than {MAX_YAML_NODES:,} values "
                           "(or to a value inside itself); not a part file", file)
    return data


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
    first = err.errors(include_url=False, include_input=False)[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"{loc}: {first['msg']}"


def parse_yaml_file(path: Path):
    """The YAML document in `path` (safe loader), through the catalog cache while a catalog loads."""
    from rackcad.catalog.cache import active

    cache = active()
    return _bounded_yaml(path) if cache is None else cache.get(path, _bounded_yaml)


def _read_yaml(path: Path):
    """The data of a catalog YAML file; CatalogError (naming the file and the place) for anything unreadable."""
    try:
        return parse_yaml_file(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        problem = getattr(exc, "problem", None) or ""
        what = problem if problem.startswith("duplicate key") else "not valid YAML"
        raise CatalogError(f"{path}: {where}: {what}", path) from None
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: byte {exc.start}: not UTF-8 text", path) from None
    except RecursionError:
        raise CatalogError(f"{path}: nested too deeply", path) from None
    except OSError as exc:
        raise CatalogError(f"{path}: {exc.strerror or exc}", path) from None


def load_part_file(path: Path) -> PartSpec:
    return load_spec_file(path, PartSpec, "part")


def load_spec_file(path: Path, schema: type[T], what: str) -> T:
    """One YAML file validated against a pydantic schema; a CatalogError names the file and the field."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: expected a mapping of {what} fields", path)
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(f"{path}: {_error_path(exc)}", path) from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise CatalogError(f"{path}: {exc}", path) from None


def iter_part_files(dirs: Iterable[Path]) -> Iterator[Path]:
    for folder in dirs:
        if folder.is_dir():
            yield from sorted(p for p in folder.glob("*.yaml") if p.name != "sources.yaml")


def load_sources(folder: Path) -> dict[str, Source]:
    path = folder / "sources.yaml"
    if not path.exists():
        return {}
    raw = _read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise CatalogError(f"{path}: expected a mapping of source keys", path)
    try:
        return {key: Source(key=key, **value) for key, value in raw.items()}
    except ValidationError as exc:
        raise CatalogError(f"{path}: {_error_path(exc)}", path) from None
    except TypeError as exc:
        raise CatalogError(f"{path}: {exc}", path) from None
