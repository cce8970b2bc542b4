"""The parts catalog: PartSpec schema, YAML loader, and the process-wide Catalog."""

from __future__ import annotations

import sys
import types
from functools import lru_cache
from pathlib import Path

from rackcad.catalog.loader import (
    CatalogError,
    iter_part_files,
    load_part_file,
    load_sources,
    packaged_catalog_dir,
    user_catalog_dirs,
)
from rackcad.catalog.schema import (
    ACCELERATOR_KINDS,
    CHIP_KINDS,
    BayGroup,
    Breakout,
    Figure,
    PartSpec,
    PortGroup,
    Source,
)


class UnknownPart(KeyError):
    """A part id that no catalog defines."""

    def __str__(self) -> str:
        return f"unknown part id {self.args[0]!r}"


class Catalog:
    """Parts by id; packaged parts first, then user folders that add or override them."""

    def __init__(self, folders: list[Path]):
        self.folders = folders
        self._parts: dict[str, PartSpec] = {}
        self.origin: dict[str, Path] = {}
        self.sources: dict[str, Source] = {}
        self.errors: list[CatalogError] = []
        """Files that could not be read, each skipped: the rest of the catalog works without them."""
        for folder in folders:
            try:
                self.sources.update(load_sources(folder))
            except CatalogError as exc:
                self.errors.append(exc)
        for path in iter_part_files(folders):
            try:
                part = load_part_file(path)
            except CatalogError as exc:
                self.errors.append(exc)
                continue
            self._parts[part.id] = part
            self.origin[part.id] = path

    def get(self, part_id: str) -> PartSpec:
        try:
            return self._parts[part_id]
        except KeyError:
            raise UnknownPart(part_id) from None

    def find(self, part_id: str) -> PartSpec | None:
        return self._parts.get(part_id)

    def __contains__(self, part_id: object) -> bool:
        return part_id in self._parts

    def __iter__(self):
        return iter(sorted(self._parts.values(), key=lambda p: (p.kind, p.id)))

    def __len__(self) -> int:
        return len(self._parts)

    def by_kind(self, kind: str) -> list[PartSpec]:
        return [p for p in self if p.kind == kind]

    def source(self, key: str) -> Source | None:
        """The source entry for a figure's source field (which may list several keys: 'S1, S9')."""
        first = key.split(",")[0].split(";")[0].strip()
        return self.sources.get(first)


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    from rackcad.catalog.cache import caching

    with caching():
        return Catalog([packaged_catalog_dir(), *user_catalog_dirs()])


class _CatalogPackage(types.ModuleType):
    """This sub-package, callable: `rackcad.catalog()` returns the parts catalog (the public API).

    `rackcad.catalog` names the sub-package as soon as anything imports it, so the package itself answers
    the call rather than a function that the import would shadow.
    """

    def __call__(self) -> Catalog:
        return default_catalog()


sys.modules[__name__].__class__ = _CatalogPackage

__all__ = [
    "ACCELERATOR_KINDS",
    "CHIP_KINDS",
    "BayGroup",
    "Breakout",
    "Catalog",
    "CatalogError",
    "Figure",
    "PartSpec",
    "PortGroup",
    "Source",
    "UnknownPart",
    "default_catalog",
]
