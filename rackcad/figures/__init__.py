"""The derived figures of one design revision: resolved parts, port use, link media, lengths, cables and
optics modules, power and heat per part, tray, rack and design (optics included), domains, footprints.

    figures = Figures(design)          # built once
    figures.load(rack_id).power_w      # rack power with the optics plugged in it
    figures.update(ids, doc.find)      # patched after an edit (what rackcad.Checker does)

Nothing above this layer recomputes a figure held here. Names are imported on first use, so the Document
can use `rackcad.figures.footprint` without loading the graph and geometry libraries.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "SPINE_PAIRS_PER_LINK": "rackcad.figures.choice", "Choice": "rackcad.figures.choice",
    "Chooser": "rackcad.figures.choice", "Delta": "rackcad.figures.model", "End": "rackcad.figures.model",
    "Figures": "rackcad.figures.model", "LinkFigure": "rackcad.figures.model", "RackLoad": "rackcad.figures.model",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'rackcad.figures' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
