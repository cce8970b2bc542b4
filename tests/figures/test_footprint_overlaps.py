"""Footprint overlaps: racks along the axes are swept as rectangles, any other as shapes; both give the
pairs and shared areas shapely gives (worked out here pair by pair)."""

from __future__ import annotations

import random

import pytest
from shapely.geometry import Polygon

from rackcad.figures import footprint


def by_shapes(outlines):
    shapes = [Polygon(c) for c in outlines]
    return [(i, j, shapes[i].intersection(shapes[j]).area) for i in range(len(shapes)) for j in range(i + 1, len(shapes))
            if shapes[i].intersection(shapes[j]).area > footprint.TOLERANCE_MM2]


@pytest.mark.parametrize("seed", range(40))
def test_racks_along_the_axes_overlap_as_their_shapes_do(seed):
    rng = random.Random(seed)
    outlines = [footprint.corners(rng.choice([0, 300, 600, 900]), rng.choice([0, 600, 1200, 1800]), 600, 1200,
                                  rng.choice([0, 90, 180, 270])) for _ in range(10)]
    fast, slow = footprint.overlaps(outlines), by_shapes(outlines)
    assert [(i, j) for i, j, _ in fast] == [(i, j) for i, j, _ in slow]
    assert [a for *_, a in fast] == pytest.approx([a for *_, a in slow])


def test_a_row_of_touching_racks_has_no_overlap_and_a_half_step_has_half_a_rack():
    row = [footprint.corners(600 * i, 0, 600, 1200, 0) for i in range(4)]
    assert footprint.overlaps(row) == []
    assert footprint.overlaps(row + [footprint.corners(300, 0, 600, 1200, 0)]) == [
        (0, 4, 300 * 1200), (1, 4, 300 * 1200)]
    turned = row + [footprint.corners(300, 0, 600, 1200, 45)]  # not along the axes: the shapes decide
    assert [(i, j) for i, j, _ in footprint.overlaps(turned)] == [(i, j) for i, j, _ in by_shapes(turned)]
