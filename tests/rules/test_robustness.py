"""validate() never raises and no rule crashes on any loadable design, however broken: random racks, parts
(known and unknown) in random containers and positions, links between random ends and ports."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackcad import Design, Link, Node, PortRef, Rack, Waiver, validate
from rackcad.model import FloorPosition

PARTS = ["b200-gb200", "grace", "custom-xpu-ucie", "custom-xpu-fusion", "nvlink5-switch", "nvlink6-switch",
         "nvswitch-gen3", "gb200-compute-tray", "nvlink5-switch-tray", "power-shelf-33kw", "cdu-in-rack",
         "connectx-8", "kyber-pod", "no-such-part"]
RACKS = ["mgx-nvl72-rack", "rack-42u-air", "kyber-rack", "no-such-rack"]
PORTS = ["nvlink", "c2c", "ucie", "host", "pcie", "net", "bogus"]
PROTOCOLS = ["nvlink5", "nvlink6", "nvlink4", "nvlink-c2c", "ucie", "pcie5", "pcie6", "ethernet", "infiniband", "x"]
MEDIA = [None, "pcb", "backplane-copper", "copper-cable", "active-copper", "pluggable-optic", "cpo-fiber"]
SMALL = st.integers(0, 60)
US = st.integers(1, 60)


@st.composite
def designs(draw) -> Design:
    racks = [Rack(id=f"R{i}", name=f"R{i}", part=draw(st.sampled_from(RACKS)),
                  position=FloorPosition(x_mm=draw(st.integers(-500, 3000)), y_mm=draw(st.integers(-500, 3000)),
                                         rotation_deg=draw(st.sampled_from([0, 90, 45]))),
                  power_budget_w=draw(st.sampled_from([None, 0, 1000, 150_000])),
                  liquid_capacity_w=draw(st.sampled_from([None, 0, 120_000])),
                  power_redundancy=draw(st.sampled_from(["n", "n+1", "n+n"])))
             for i in range(draw(st.integers(0, 3)))]
    count = draw(st.integers(0, 25))
    containers = [r.id for r in racks] + [f"N{i}" for i in range(count)] + ["missing"]
    nodes = [Node(id=f"N{i}", name=f"N{i}", part=draw(st.sampled_from(PARTS)),
                  parent=draw(st.sampled_from(containers)),
                  u=draw(st.one_of(st.none(), US)), bay=draw(st.one_of(st.none(), SMALL)))
             for i in range(count)]
    ends = [n.id for n in nodes] + ["ghost"] + [r.id for r in racks]
    links = [Link(id=f"L{i}", a=PortRef(node=draw(st.sampled_from(ends)), port=draw(st.sampled_from(PORTS)),
                                        index=draw(st.one_of(st.none(), SMALL))),
                  b=PortRef(node=draw(st.sampled_from(ends)), port=draw(st.sampled_from(PORTS))),
                  protocol=draw(st.sampled_from(PROTOCOLS)), medium=draw(st.sampled_from(MEDIA)),
                  length_m=draw(st.one_of(st.none(), st.floats(0, 3000))), count=draw(st.integers(1, 80)))
             for i in range(draw(st.integers(0, 30)))]
    waivers = [Waiver(code=draw(st.sampled_from(["ports.dangling", "geometry.bay", "power.rack_budget"])),
                      subjects=draw(st.lists(st.sampled_from(ends), max_size=3)), reason="accepted")
               for _ in range(draw(st.integers(0, 2)))]
    design = Design(racks=racks, nodes=nodes, links=links, waivers=waivers)
    design.rules.scale_up_target_gbps = draw(st.sampled_from([None, 7200.0]))
    return design


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_no_rule_crashes_on_any_loadable_design(design):
    report = validate(design)
    crashed = [v.message for v in report.violations if v.code == "engine.rule_failed"]
    assert not crashed
    assert report.ok == (not report.errors)
