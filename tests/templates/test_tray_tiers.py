"""Tray sizing of the SuperPOD templates: a run the largest stock tray (1,200 x 200 mm = 240,000 mm², so
120,000 mm² of cable at the 50 % fill limit) cannot hold gets stacked tiers, each whole cable in one tier,
each tier's fill checked on its own (Tray.tiers, rackcad.figures.routing.tier_loads).

Hand-worked cross-sections (mm² of one cable x how many):
- 16 x 7,500 = 120,000: one 1,200 x 200 tray at exactly 50 %.
- 16 x 30,000 = 480,000: 4 tiers of 7,500 cables = 120,000 each, 1,200 x 200.
- 16 x 30,001: 4 tiers would put 7,501 x 16 = 120,016 > 120,000 in one: 5 tiers of 6,000-6,001 cables,
  the fullest 96,016 mm², which needs 192,032 mm² of tray: only 1,200 x 200 does.
- 16 x 8,000 = 128,000: 2 tiers of 4,000 = 64,000, which needs 128,000 mm²: 900 x 150 (135,000).
- A 1-SU hall's spine-row tray in a 21-SU SuperPOD: 18,888 fibres of 3 mm (7.0686 mm² each) = 133,511 mm²
  > 120,000: 2 tiers of 9,444 = 66,756 mm² each, needing 133,511 mm²: 900 x 150 (135,000), 49.4 % full.
"""

from __future__ import annotations

import math

import pytest

from rackcad import templates
from rackcad.catalog import default_catalog
from rackcad.figures import Figures
from rackcad.figures.pieces import linked
from rackcad.figures.routing import tier_loads, tray_fill
from rackcad.files import load, save
from rackcad.model import Tray
from rackcad.rules.hall import TrayFill
from rackcad.templates.superpod import tray_size


@pytest.mark.parametrize("sizes, expected", [
    ([(16.0, 7_500)], (1200.0, 200.0, 1)),
    ([(16.0, 30_000)], (1200.0, 200.0, 4)),
    ([(16.0, 30_001)], (1200.0, 200.0, 5)),
    ([(16.0, 8_000)], (900.0, 150.0, 2)),
    ([(16.0, 100)], (600.0, 100.0, 1)),  # 1,600 mm² needs 3,200: the smallest stock tray
])
def test_tray_size_by_hand(sizes, expected):
    assert tray_size([sizes], 0.5) == expected


def test_the_fullest_edge_of_a_run_sizes_it():
    assert tray_size([[(16.0, 100)], [(16.0, 8_000)], [(16.0, 3_000)]], 0.5) == (900.0, 150.0, 2)


def test_tier_loads_split_whole_cables():
    assert tier_loads([(16.0, 30_001)], 5) == [96_016.0, 96_000.0, 96_000.0, 96_000.0, 96_000.0]
    # the big cable first, in either order given; the small ones then even the tiers out: 40 | 10 + 10 + 10
    assert sorted(tier_loads([(10.0, 3), (40.0, 1)], 2)) == [30.0, 40.0]
    assert sorted(tier_loads([(40.0, 1), (10.0, 3)], 2)) == [30.0, 40.0]
    assert tier_loads([(16.0, 10)], 1) == [160.0]


def test_tiers_are_left_out_of_the_file_while_one():
    tray = Tray(id="T1", points=[[0, 0], [1000, 0]])
    assert "tiers" not in tray.model_dump()
    assert Tray(id="T1", points=[[0, 0], [1000, 0]], tiers=3).model_dump()["tiers"] == 3


def _tray_fill_violations(design):
    from rackcad.rules.context import Context
    from rackcad.rules.engine import run_rule

    figures = Figures(linked(design), default_catalog())
    return figures, run_rule(TrayFill(), Context(figures.design, figures.catalog, figures))


@pytest.fixture(scope="module")
def sus21():
    design = templates.build("gb200-superpod", sus=21)
    figures, found = _tray_fill_violations(design)
    return design, figures, found


def test_21_sus_lay_the_spine_row_tray_in_two_tiers_within_the_fill_limit(sus21, tmp_path):
    design, figures, found = sus21
    spine = next(t for t in design.floor.trays if t.name == "Tray 22")
    assert (spine.width_mm, spine.height_mm, spine.tiers) == (900.0, 150.0, 2)
    fills = tray_fill(figures)
    worst = max((f for f in fills if f.tray.id == spine.id), key=lambda f: f.ratio)
    assert worst.sizes == ((pytest.approx(math.pi * 3.0 ** 2 / 4), 18_888),)
    assert worst.tier_areas_mm2 == pytest.approx((9_444 * math.pi * 9 / 4,) * 2)
    assert worst.ratio == pytest.approx(9_444 * math.pi * 9 / 4 / 135_000)  # 49.4 %
    assert all(f.ratio <= f.tray.fill_limit for f in fills)
    assert found == []  # no tray-fill error anywhere in the hall
    path = tmp_path / "sus21.rackcad"
    save(design, path)
    assert load(path).floor.trays == design.floor.trays  # the tiers survive a save


def test_the_rule_counts_the_fullest_tier(sus21):
    """The spine-row tray as 2 tiers of 600 x 100 mm: 66,756 mm² in each is 111 % of 60,000 mm²."""
    design = sus21[0]
    floor = design.floor
    trays = [t.model_copy(update={"width_mm": 600.0, "height_mm": 100.0}) if t.name == "Tray 22" else t
             for t in floor.trays]
    _, found = _tray_fill_violations(design.model_copy(update={"floor": floor.model_copy(update={"trays": trays})}))
    assert len(found) == 1
    assert found[0].measured == pytest.approx(9_444 * math.pi * 9 / 4 / 60_000)
    assert "in 2 tiers, the fullest 668 cm² of its 600 cm²" in found[0].message
