"""The derived figures of one design revision: resolved parts, port use, link media, lengths, cables and
optics modules, power and heat per part, tray, rack and design (optics included), domains, footprints.

    figures = Figures(design)          # built once
    figures.load(rack_id).power_w      # rack power with the optics plugged in it
    figures.update(ids, doc.find)      # patched after an edit (what rackcad.Checker does)

Nothing above this layer recomputes a figure held here.
"""

from rackcad.figures.choice import SPINE_PAIRS_PER_LINK, Choice, Chooser
from rackcad.figures.model import Delta, End, Figures, LinkFigure, RackLoad

__all__ = ["SPINE_PAIRS_PER_LINK", "Choice", "Chooser", "Delta", "End", "Figures", "LinkFigure", "RackLoad"]
