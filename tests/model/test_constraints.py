"""Domain constraints of the model: what a stored value may be, whoever stores it (file, editor, script)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rackcad.model import FloorPlan, FloorPosition, Link, Node, PortRef, Rack
from rackcad.text import escaped, shorten, shown, text_problem


def refused(model, **fields) -> str:
    with pytest.raises(ValidationError) as caught:
        model(**fields)
    first = caught.value.errors()[0]
    return ".".join(map(str, first["loc"])) + ": " + first["msg"]


NODE = dict(id="N1", name="N1", part="b200-hgx", parent="R1")
LINK = dict(id="L1", a=PortRef(node="A", port="p"), b=PortRef(node="B", port="p"), protocol="nvlink5")


def test_numbers_are_strict_and_finite():
    assert refused(Node, **NODE, u="12").startswith("u: Input should be a valid number")
    assert refused(Node, **NODE, u=True).startswith("u: Input should be a valid number")
    assert "finite" in refused(Node, **NODE, u=float("nan"))
    assert refused(Link, **LINK, count=True).startswith("count: Input should be a valid integer")
    assert refused(Link, **LINK, count=2.0).startswith("count: Input should be a valid integer")
    assert "finite" in refused(FloorPosition, x_mm=float("inf"))


def test_domain_bounds():
    assert "greater than or equal to 1" in refused(Link, **LINK, count=0)
    assert "greater than or equal to 0" in refused(Link, **LINK, length_m=-1.0)
    assert "greater than or equal to 1" in refused(Node, **NODE, u=0)
    assert "less than or equal to 100" in refused(Node, **NODE, u=101)
    assert "greater than or equal to 0" in refused(Rack, id="R1", name="R", part="x", power_budget_w=-5)
    assert "power_w: -5 is outside 0-1e+09" in refused(Node, **NODE, overrides={"power_w": -5.0})
    assert "must be a number" in refused(Node, **NODE, overrides={"power_w": "12"})
    assert "liquid_share: 1.5 is outside 0-1" in refused(Node, **NODE, overrides={"liquid_share": 1.5})
    assert Node(**NODE, u=12, overrides={"power_w": 1200.0, "note": "spare"}).u == 12.0


def test_floor_grid_is_capped_before_anything_draws_it():
    # A 20,000 mm hall on a 1 mm grid is 20,000 lines a side; the cap is 2,000, so 10 mm is the finest.
    message = refused(FloorPlan, width_mm=20_000.0, grid_mm=1.0)
    assert "20,000 lines a side, at most 2,000" in message and "at least 10 mm" in message
    assert FloorPlan(width_mm=20_000.0, depth_mm=12_000.0, grid_mm=10.0).grid_mm == 10
    assert "less than or equal to 1000000" in refused(FloorPlan, width_mm=1e12)


def test_text_fields_refuse_control_characters_surrogates_and_huge_values():
    assert "control character (\\x1b) at character 4" in refused(Node, **{**NODE, "name": "GPU\x1b[31m"})
    assert "lone surrogate (\\ud800)" in refused(Node, **{**NODE, "name": "x\ud800"})
    assert "bidirectional override" in refused(Node, **{**NODE, "name": "abc\u202edef"})
    assert "at most 256 characters" in refused(Node, **{**NODE, "name": "x" * 10_000})
    assert "at least 1 character" in refused(Node, **{**NODE, "id": ""})
    assert Node(**{**NODE, "name": "GPU 1 — Müller ✓"}).name == "GPU 1 — Müller ✓"


def test_shown_values_are_printable_and_short():
    assert escaped("a\x1b[2Jb\ud800") == "a\\x1b[2Jb\\ud800"
    assert text_problem("line\nbreak", multiline=True) is None and text_problem("line\nbreak")
    long = shorten("x" * 10_000_000)
    assert len(long) < 80 and "10,000,000 characters" in long
    assert shown(10**5000).startswith("an integer of about 5,00")
    assert shown("\x07bell") == "'\\x07bell'"
