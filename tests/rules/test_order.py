"""Reports order findings by their subjects' natural keys; the lazy comparison orders as the full keys do."""

from __future__ import annotations

import random

from rackcad.rules.engine import order_key
from rackcad.rules.violation import Violation, natural


def test_lazy_subject_order_is_the_natural_order():
    rng = random.Random(12)
    words = ["G1", "G2", "G10", "G01", "I2/G3", "I12/G3", "I1-/G3", "R", "", "L7", "a9b", "a10b"]
    found = []
    for _ in range(400):
        subjects = tuple(rng.choice(words) for _ in range(rng.randint(0, 4)))
        found.append(Violation(code="ports.dangling", severity="error", message=rng.choice("ab"), subjects=subjects))
    full = sorted(found, key=lambda v: (0, 0, tuple(natural(s) for s in v.subjects), v.message))
    lazy = sorted(found, key=order_key)
    assert [(v.subjects, v.message) for v in lazy] == [(v.subjects, v.message) for v in full]
    # G2 before G10, a prefix before what extends it
    assert sorted([("G10",), ("G2",), ("G2", "G1")], key=lambda s: order_key(
        Violation(code="x", severity="error", message="", subjects=s))) == [("G2",), ("G2", "G1"), ("G10",)]
