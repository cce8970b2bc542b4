"""The editing API cannot corrupt a design: random verbs with random, hostile arguments either apply or raise
EditError, and after every step the design saves and re-loads to the same bytes (undo and redo included)."""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackcad import Document
from rackcad.document import EditError
from rackcad.files import dumps, load, loads
from rackcad.model import FloorPosition
from tests.conftest import EXAMPLES

HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.sampled_from([0, 1, 2, 10, 48, -1, 10**25]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([math.nan, math.inf, -0.0, 1e400, 0.5]),
    st.text(max_size=12), st.sampled_from(["12", "nan", "true", "", "\x1b[2J", "x\ud800", "R1", "T1", "G1", "L1"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(FloorPosition(x_mm=5.0)),
)
PARTS = st.sampled_from(["rack-42u-air", "mgx-nvl72-rack", "b200-hgx", "custom-compute-sled", "x86-host-cpu",
                         "gb200-compute-tray", "nvlink5-switch-tray", "no-such-part"])
FIELDS = st.sampled_from(["name", "u", "bay", "parent", "part", "overrides", "position", "count", "length_m",
                          "protocol", "medium", "id", "power_budget_w", "a", "b", "bogus"])
DESIGN_FIELDS = st.sampled_from(["name", "description", "metadata", "floor", "rules", "waivers", "racks"])


def _ids(doc: Document):
    return st.sampled_from(sorted(doc._store.items) or ["none"])


@st.composite
def step(draw, doc: Document):
    """One verb with arguments drawn from real ids, catalog parts and hostile values."""
    some = st.one_of(_ids(doc), HOSTILE)
    verb = draw(st.sampled_from(["add_rack", "place", "move", "connect", "set", "set_design", "remove",
                                 "undo", "redo"]))
    if verb == "add_rack":
        extra = draw(st.dictionaries(FIELDS, HOSTILE, max_size=2))
        return verb, (draw(st.one_of(PARTS, HOSTILE)),), {k: v for k, v in extra.items() if k != "name"}
    if verb == "place":
        kwargs = {"u": draw(st.one_of(st.integers(0, 50), HOSTILE)), "bay": draw(st.one_of(st.integers(0, 9), HOSTILE))}
        extra = draw(st.dictionaries(FIELDS, HOSTILE, max_size=1))
        kwargs.update({k: v for k, v in extra.items() if k not in ("parent", "name", "u", "bay")})
        return verb, (draw(st.one_of(PARTS, HOSTILE)), draw(some)), kwargs
    if verb == "move":
        return verb, (draw(some),), {"parent": draw(some), "u": draw(st.one_of(st.integers(0, 50), HOSTILE)),
                                      "bay": draw(HOSTILE)}
    if verb == "connect":
        return verb, (draw(some), draw(some)), {"protocol": draw(st.one_of(st.sampled_from(["nvlink5", None]), HOSTILE)),
                                                "count": draw(st.one_of(st.integers(0, 20), HOSTILE))}
    if verb == "set":
        return verb, (draw(some),), draw(st.dictionaries(FIELDS, st.one_of(HOSTILE, _ids(doc)), min_size=1, max_size=2))
    if verb == "set_design":
        return verb, (), draw(st.dictionaries(DESIGN_FIELDS, HOSTILE, min_size=1, max_size=2))
    if verb == "remove":
        return verb, tuple(draw(st.lists(some, max_size=3))), {}
    return verb, (), {}


def assert_sound(doc: Document) -> None:
    text = dumps(doc.design)
    again = loads(text)
    assert dumps(again) == text
    ids = [item.id for item in (*doc.design.racks, *doc.design.nodes, *doc.design.links)]
    assert len(ids) == len(set(ids)) == len(doc._store.items)


@settings(max_examples=int(os.environ.get("RACKCAD_EDIT_CASES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_hostile_edits_never_corrupt(data):
    doc = Document(load(EXAMPLES / "mesh-4gpu.rackcad"))
    for _ in range(12):
        verb, args, kwargs = data.draw(step(doc))
        try:
            getattr(doc, verb)(*args, **kwargs)
        except EditError:
            pass
        assert_sound(doc)
    while doc.undo():
        assert_sound(doc)
    assert dumps(doc.design) == (EXAMPLES / "mesh-4gpu.rackcad").read_text(encoding="utf-8")


@pytest.mark.parametrize("verb, args, kwargs, message", [
    ("move", ("T1",), {"u": 12, "bay": "garbage"}, "a bay must be a whole number, not 'garbage'"),
    ("add_rack", ("rack-42u-air",), {"id": "G1"}, "id cannot be given as a field"),
    ("place", ("x86-host-cpu", "T1"), {"bay": 0, "id": "X"}, "id cannot be given as a field"),
    ("set", ("T1",), {"u": "12"}, "u: Input should be a valid number"),
    ("set", ("T1",), {"u": math.nan}, "u: Input should be a finite number"),
    ("set", ("L1",), {"count": True}, "count: Input should be a valid integer"),
    ("set", ("R1",), {"part": "b200-hgx"}, "b200-hgx is a gpu, not a rack"),
    ("set", ("T1",), {"parent": "C1"}, "it would sit inside itself"),
    ("set", ("R1",), {"name": "\x1b[31mred"}, "control character (\\x1b)"),
    ("connect", ("G1", "G2"), {"protocol": ["nvlink5"]}, "protocol must be text"),
    ("connect", ("G1", ["G2"]), {}, "no rack, part or link with id ['G2']"),
    ("place", ("x86-host-cpu", {"T1": 1}), {"bay": 0}, "no rack or tray with id"),
])
def test_reported_corruptions_are_edit_errors(verb, args, kwargs, message):
    doc = Document(load(EXAMPLES / "mesh-4gpu.rackcad"))
    before = dumps(doc.design)
    with pytest.raises(EditError) as caught:
        getattr(doc, verb)(*args, **kwargs)
    assert message in str(caught.value)
    assert dumps(doc.design) == before and not doc.history.can_undo
