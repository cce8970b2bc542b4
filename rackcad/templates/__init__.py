"""Parametric system templates. Each builds a design through the Document, so it is a valid edit history.

    rackcad.templates.names()                 -> ["fusion-xpu", "gb200-nvl576", ...]
    rackcad.templates.build("gb200-nvl72")    -> Design
    rackcad.templates.build("gb200-nvl72", compute_trays=9)
"""

from __future__ import annotations

from rackcad.catalog import Catalog
from rackcad.model import Design
from rackcad.progress import Progress
from rackcad.templates.base import Template, TemplateError
from rackcad.templates.nvlink_history import TEMPLATES as HISTORY
from rackcad.templates.superpod import TEMPLATES as SUPERPODS
from rackcad.templates.systems import TEMPLATES

_BY_NAME: dict[str, Template] = {t.name: t for t in TEMPLATES + HISTORY + SUPERPODS}


def names() -> list[str]:
    return sorted(_BY_NAME)


def get(name: str) -> Template:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise TemplateError(f"unknown template {name!r}; choose one of: {', '.join(names())}") from None


def build(name: str, catalog: Catalog | None = None, progress: Progress | None = None, **params) -> Design:
    return get(name).build(catalog=catalog, progress=progress, **params)


__all__ = ["Template", "TemplateError", "build", "get", "names"]
