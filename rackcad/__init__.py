"""RackCAD: CAD for rack-scale AI systems (NVLink domains, power, cooling, bandwidth, co-packaged optics).

Public API (see docs in README.md):

    import rackcad
    design = rackcad.templates.build("gb200-nvl72")
    doc = rackcad.Document(design)
    rackcad.summary(design); rackcad.validate(design)
    rackcad.save(design, "rack.rackcad"); rackcad.load("rack.rackcad")
"""

from __future__ import annotations

from rackcad import templates
from rackcad.analysis import summary
from rackcad.catalog import Catalog, default_catalog
from rackcad.document import Change, Document, EditError
from rackcad.files import LoadError, load, save
from rackcad.model import Design, Link, Node, PortRef, Rack, Waiver

__version__ = "0.1.0"


def catalog() -> Catalog:
    """The parts catalog: packaged parts plus user catalog folders (see README, 'User catalog')."""
    return default_catalog()


def Checker(doc: Document, catalog: Catalog | None = None):  # noqa: N802 - the public name of a class
    """A report that stays equal to `validate(doc.design)` after every edit (rackcad.rules.checker.Checker)."""
    from rackcad.rules.checker import Checker as _Checker

    return _Checker(doc, catalog)


def validate(design: Design, catalog: Catalog | None = None):
    """Run every rule on `design`; returns a Report (.violations, .errors, .warnings, .ok, .to_dict())."""
    from rackcad.rules import validate as _validate

    return _validate(design, catalog)


__all__ = [
    "Change",
    "Checker",
    "Design",
    "Document",
    "EditError",
    "Link",
    "LoadError",
    "Node",
    "PortRef",
    "Rack",
    "Waiver",
    "catalog",
    "load",
    "save",
    "summary",
    "templates",
    "validate",
]
