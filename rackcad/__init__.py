"""RackCAD: CAD for rack-scale AI systems (NVLink domains, power, cooling, bandwidth, co-packaged optics).

Public API (see docs in README.md):

    import rackcad
    design = rackcad.templates.build("gb200-nvl72")
    doc = rackcad.Document(design)
    rackcad.summary(design); rackcad.validate(design)
    rackcad.save(design, "rack.rackcad"); rackcad.load("rack.rackcad")

Names are imported on first use, so `import rackcad` (and `rackcad --version`) stays cheap.
"""

from __future__ import annotations

import importlib

# public name -> (module, attribute or None for the module itself)
_LAZY = {
    "templates": ("rackcad.templates", None),
    "summary": ("rackcad.analysis", "summary"),
    "Catalog": ("rackcad.catalog", "Catalog"),
    "default_catalog": ("rackcad.catalog", "default_catalog"),
    # rackcad.catalog is both the sub-package and, called, the parts catalog (see catalog/__init__.py)
    "catalog": ("rackcad.catalog", None),
    "Change": ("rackcad.document", "Change"),
    "Document": ("rackcad.document", "Document"),
    "EditError": ("rackcad.document", "EditError"),
    "LoadError": ("rackcad.files", "LoadError"),
    "load": ("rackcad.files", "load"),
    "save": ("rackcad.files", "save"),
    "Design": ("rackcad.model", "Design"),
    "Link": ("rackcad.model", "Link"),
    "Node": ("rackcad.model", "Node"),
    "PortRef": ("rackcad.model", "PortRef"),
    "Rack": ("rackcad.model", "Rack"),
    "Waiver": ("rackcad.model", "Waiver"),
}


def __getattr__(name: str):
    if name == "__version__":
        from rackcad._version import __version__

        return __version__
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'rackcad' has no attribute {name!r}") from None
    value = importlib.import_module(module)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def Checker(doc, catalog=None):  # noqa: N802 - the public name of a class
    """A report that stays equal to `validate(doc.design)` after every edit (rackcad.rules.checker.Checker)."""
    from rackcad.rules.checker import Checker as _Checker

    return _Checker(doc, catalog)


def validate(design, catalog=None, progress=None):
    """Run every rule on `design`; returns a Report (.violations, .errors, .warnings, .ok, .to_dict()).

    `progress(done, total, label)` (rackcad.progress) hears of each rule as it starts."""
    from rackcad.rules import validate as _validate

    return _validate(design, catalog, progress=progress)


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
    "__version__",
    "catalog",
    "load",
    "save",
    "summary",
    "templates",
    "validate",
]
