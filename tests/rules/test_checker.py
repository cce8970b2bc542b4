"""Checker: after every edit, undo and redo its report equals a full validation, and it re-runs only what
an edit can affect."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rackcad
from rackcad import Checker, Document, EditError, validate
from rackcad.figures import Figures
from rackcad.model import FloorPosition, Waiver
from rackcad.rules import RULES


def small_factory() -> Document:
    """Two racks with trays, a CPO switch and a pluggable switch, NICs on both, copper, optics and CPO
    fibre between racks, power shelves and a CDU: every budget and every medium in a few dozen items."""
    doc = Document()
    r1 = doc.add_rack("mgx-nvl72-rack", name="A")
    r2 = doc.add_rack("rack-48u-air", name="B")
    for u in (1, 2):
        doc.place("power-shelf-33kw", r1, u=u)
    doc.place("cdu-in-rack", r1, u=40)
    gpus, nics = [], []
    for i in range(2):
        tray = doc.place("gb200-compute-tray", r1, u=10 + i, name=f"CT{i}")
        cpus = [doc.place("grace", tray, bay=doc.free_bay(tray, "cpu")) for _ in range(2)]
        accs = [doc.place("b200-gb200", tray, bay=doc.free_bay(tray, "gpu")) for _ in range(4)]
        nic = doc.place("connectx-7", tray, bay=doc.free_bay(tray, "nic"))
        for cpu, gpu in zip(cpus * 2, accs):
            doc.connect(cpu, gpu, protocol="nvlink-c2c", port_a="c2c", port_b="c2c")
        gpus += accs
        nics.append(nic)
    st_tray = doc.place("nvlink5-switch-tray", r1, u=20)
    chips = [doc.place("nvlink5-switch", st_tray, bay=b) for b in range(2)]
    for gpu in gpus:
        for chip in chips:
            doc.connect(gpu, chip, protocol="nvlink5", medium="backplane-copper")
    cpo = doc.place("quantum-x-photonics-q3450", r2, u=1)
    plug = doc.place("quantum-x800-q3400", r2, u=6)
    doc.connect(nics[0], cpo, protocol="infiniband", medium="cpo-fiber", port_a="net", port_b="net")
    doc.connect(nics[1], plug, protocol="infiniband", medium="pluggable-optic", port_a="net", port_b="net")
    doc.connect(cpo, plug, protocol="infiniband", count=3, medium="pluggable-optic", port_a="net", port_b="net")
    doc.connect(chips[0], plug, protocol="nvlink5", medium="copper-cable", port_a="nvlink", port_b="net")
    # twin-port cages: a QM9700 whose 800G twin-port modules are shared by single 400G links from two NICs
    # and a 2-link record from the Q3400 (ceil(4 / 2) = 2 modules for 3 records), so removing, re-counting or
    # re-routing any of them changes the shares of the others
    qm = doc.place("quantum-2-qm9700", r2, u=12)
    box = doc.place("dgx-b200", r2, u=20)
    for bay in (12, 13):
        nic = doc.place("connectx-7", box, bay=bay)
        doc.connect(nic, qm, protocol="infiniband", medium="pluggable-optic", port_a="net", port_b="net")
    doc.connect(plug, qm, protocol="infiniband", count=2, medium="pluggable-optic", port_a="net", port_b="net")
    doc.mark_clean()
    return doc


def same_figures(patched: Figures, built: Figures) -> None:
    """The patched figures hold what a full build holds: every link's shares and power, pools, rack loads."""
    assert patched.link_figures.keys() == built.link_figures.keys()
    for link_id, fig in built.link_figures.items():
        mine = patched.link_figures[link_id]
        assert (mine.modules_a, mine.modules_b, mine.power_a, mine.power_b, mine.liquid_a, mine.liquid_b) == (
            fig.modules_a, fig.modules_b, fig.power_a, fig.power_b, fig.liquid_a, fig.liquid_b), link_id
    assert {k: (p.units, p.members) for k, p in patched.pools.items()} == {
        k: (p.units, p.members) for k, p in built.pools.items()}
    assert patched.rack_loads == built.rack_loads and patched.modules() == built.modules()


OPS = ("set_rack", "move_rack", "override", "rename", "move_node", "remove", "connect", "set_link", "place",
       "waive", "settings", "hall", "hall", "undo", "redo", "undo", "redo")


def _step(doc: Document, data) -> None:
    design = doc.design
    op = data.draw(st.sampled_from(OPS), label="op")
    pick = lambda items, label: items[data.draw(st.integers(0, len(items) - 1), label=label)]  # noqa: E731
    if op == "undo":
        doc.undo()
    elif op == "redo":
        doc.redo()
    elif op == "set_rack" and design.racks:
        rack = pick(design.racks, "rack")
        field = data.draw(st.sampled_from(["power_budget_w", "liquid_capacity_w", "air_capacity_w"]), label="f")
        doc.set(rack.id, **{field: data.draw(st.sampled_from([1_000.0, 20_000.0, 150_000.0, None]), label="w")})
    elif op == "move_rack" and design.racks:
        rack = pick(design.racks, "rack")
        doc.set(rack.id, position=FloorPosition(x_mm=data.draw(st.sampled_from([0.0, 300.0, 5_000.0, 30_000.0])),
                                                y_mm=1_200.0, rotation_deg=data.draw(st.sampled_from([0.0, 90.0]))),
                power_redundancy=data.draw(st.sampled_from(["n", "n+1", "n+n"])))
    elif op == "override" and design.nodes:
        node = pick(design.nodes, "node")
        value = data.draw(st.sampled_from([None, 0.0, 5_000.0, 80_000.0]), label="power")
        doc.set(node.id, overrides={} if value is None else {"power_w": value, "liquid_share": 0.5})
    elif op == "rename" and design.nodes:
        doc.set(pick(design.nodes, "node").id, name=data.draw(st.sampled_from(["x", "GPU9", "Z"]), label="name"))
    elif op == "move_node" and design.nodes:
        node = pick(design.nodes, "node")
        rack = pick(design.racks, "rack") if design.racks else None
        if node.u is not None and rack is not None:
            part = doc.part_of(node.id)
            u = doc.free_u(rack.id, part.height_u or 1 if part else 1)
            if u is not None:
                doc.move(node.id, parent=rack.id, u=u)
    elif op == "remove":
        items = [*design.racks, *design.nodes, *design.links]
        if items:
            doc.remove(pick(items, "item").id)
    elif op == "connect" and len(design.nodes) > 1:
        a, b = pick(design.nodes, "a"), pick(design.nodes, "b")
        protocol = data.draw(st.sampled_from(["nvlink5", "infiniband", "nvlink-c2c", None]), label="protocol")
        medium = data.draw(st.sampled_from([None, "pluggable-optic", "cpo-fiber", "copper-cable"]), label="m")
        doc.connect(a.id, b.id, protocol=protocol, medium=medium, count=data.draw(st.integers(1, 5), label="n"))
    elif op == "set_link" and design.links:
        link = pick(design.links, "link")
        doc.set(link.id, length_m=data.draw(st.sampled_from([None, 1.0, 4.0, 800.0, 3_000.0]), label="len"),
                count=data.draw(st.integers(1, 40), label="count"))
    elif op == "place" and design.racks:
        rack = pick(design.racks, "rack")
        part = data.draw(st.sampled_from(["power-shelf-33kw", "nvlink5-switch-tray", "cdu-in-rack"]), label="p")
        u = doc.free_u(rack.id, doc.catalog.get(part).height_u or 1)
        if u is not None:
            doc.place(part, rack.id, u=u)
    elif op == "waive":
        code = data.draw(st.sampled_from(["power.rack_budget", "cooling.air_capacity", "reach.optic"]), label="c")
        doc.set_design(waivers=[*design.waivers, Waiver(code=code, reason="accepted")])
    elif op == "hall":  # rows and trays: links route through the trays, racks snap into slots
        from rackcad.editing import hall

        what = data.draw(st.sampled_from(["row", "tray", "snap", "narrow"]), label="hall")
        floor = design.floor
        if what == "row":
            hall.add_row(doc, (1_200.0, data.draw(st.sampled_from([3_000.0, 5_000.0]), label="y")), slots=4,
                         cold_aisle=data.draw(st.sampled_from(["front", "back"]), label="cold"))
        elif what == "tray":
            y = data.draw(st.sampled_from([600.0, 2_900.0]), label="ty")
            hall.add_tray(doc, [(600.0, y), (19_000.0, y)] if data.draw(st.booleans(), label="along")
                          else [(900.0, 300.0), (900.0, 11_000.0)])
        elif what == "snap" and floor.rows and design.racks:
            hall.snap(doc, [pick(design.racks, "rack").id], pick(floor.rows, "row").id,
                      data.draw(st.integers(0, 3), label="slot"))
        elif what == "narrow" and floor.trays:
            hall.set_tray(doc, pick(floor.trays, "tray").id, width_mm=20.0, height_mm=5.0)
    elif op == "settings":
        doc.set_design(rules=design.rules.model_copy(
            update={"power_warning_ratio": data.draw(st.sampled_from([0.5, 0.9]), label="ratio")}))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_checker_report_equals_a_full_validation_after_every_step(data):
    doc = small_factory()
    checker = Checker(doc)
    failures: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = failures.append
    log = logging.getLogger("rackcad.rules.checker")
    log.addHandler(handler)
    try:
        assert checker.report.to_dict() == validate(doc.design).to_dict()
        for _ in range(data.draw(st.integers(1, 12), label="steps")):
            try:
                _step(doc, data)
            except EditError:
                pass
            assert checker.report.to_dict() == validate(doc.design).to_dict()
            same_figures(checker.figures, Figures(doc.design))
        assert not failures, [r.getMessage() for r in failures]  # patched, never rebuilt after a failure
    finally:
        log.removeHandler(handler)


def test_checker_follows_every_template_through_an_edit_and_its_undo():
    for name in rackcad.templates.names():
        if name in ("gb200-nvl576", "kyber-nvl576"):
            continue  # the large ones are covered by the benchmark; the same code path
        doc = Document(rackcad.templates.build(name))
        checker = Checker(doc)
        node = next(n for n in doc.design.nodes if n.u is not None)
        doc.set(node.id, overrides={"power_w": 200_000.0})
        assert checker.report.to_dict() == validate(doc.design).to_dict(), name
        assert "power.rack_budget" in checker.report.codes("error"), name
        doc.undo()
        assert checker.report.to_dict() == validate(doc.design).to_dict(), name


def test_a_budget_edit_re_runs_only_the_power_rule_for_one_rack():
    doc = Document(rackcad.templates.build("gb200-nvl576", racks=2, spine_racks=1))
    checker = Checker(doc)
    doc.set(doc.design.racks[0].id, power_budget_w=100_000)
    # one rule (power.rack_budget), for the rack and for the parts in no rack: 2 runs, not 24 rules x 4 owners
    assert checker.runs == 2
    assert checker.report.to_dict() == validate(doc.design).to_dict()
    assert [v.subjects for v in checker.report.errors if v.code == "power.rack_budget"] == [("R1",)]


def test_registry_declares_what_every_rule_reads():
    for rule in RULES:
        assert rule.scope in ("rack", "design", "estimates"), rule.code
        assert isinstance(rule.reads, frozenset), rule.code


@pytest.mark.parametrize("kind", ["undo", "redo"])
def test_undo_and_redo_of_a_rack_removal(kind):
    doc = small_factory()
    checker = Checker(doc)
    doc.remove(doc.design.racks[1].id)
    assert checker.report.to_dict() == validate(doc.design).to_dict()
    doc.undo()
    if kind == "redo":
        doc.redo()
    assert checker.report.to_dict() == validate(doc.design).to_dict()
