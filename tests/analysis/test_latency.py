"""Path latency by hand: switch hops (catalog `latency_ns`: NVLink 5 switch 100 ns, QM9700 130 ns, both
estimates), 4.9 ns per metre of fibre, 4.5 ns per metre of copper, one packet's serialisation at the slowest
link (256 B on NVLink, 4 KiB on the network: 8 x 256 / 400 = 5.12 ns, 8 x 4,096 / 400 = 81.92 ns)."""

from __future__ import annotations

import pytest

from rackcad import Document, validate
from rackcad.analysis import summary
from rackcad.analysis.latency import Latency, latency_figures, members
from rackcad.figures import Figures
from rackcad.model import Building, FibreRoute, FloorPosition, Hall, LatencyBudget, Site
from rackcad.rules.checker import Checker
from tests.rules.conftest import only


def _box(doc: Document, rack: str, u: int, name: str) -> tuple[list[str], list[str], list[str]]:
    """A DGX B200 with 2 GPUs on one NVLink switch chip (on the board) and 2 ConnectX-7."""
    box = doc.place("dgx-b200", rack, u=u, name=name)
    gpus = [doc.place("b200-hgx", box, bay=i, name=f"{name}/GPU{i + 1}") for i in range(2)]
    chip = doc.place("nvlink5-switch", box, bay=8, name=f"{name}/SW1")
    nics = [doc.place("connectx-7", box, bay=12 + i, name=f"{name}/NIC{i + 1}") for i in range(2)]
    for gpu in gpus:
        doc.connect(gpu, chip, protocol="nvlink5", medium="pcb")
    return gpus, [chip], nics


@pytest.fixture
def campus():
    """Two halls in two buildings 5 km apart. In A: boxes X and Y on LEAF-A (both NICs, 10 m and 20 m of
    fibre). In B: box Z on LEAF-B (15 m). LEAF-A - LEAF-B: 5,000 m set on the link."""
    doc = Document()
    doc.set_design(site=Site(buildings=[Building(id="A", halls=[Hall(id="A1")]),
                                        Building(id="B", x_km=5.0, halls=[Hall(id="B1")])],
                             routes=[FibreRoute(a="A", b="B", length_km=5.0)]))
    ra = doc.add_rack("rack-48u-network", name="RA", position=FloorPosition(x_mm=1200, y_mm=1200, hall="A1"))
    rb = doc.add_rack("rack-48u-network", name="RB", position=FloorPosition(x_mm=1200, y_mm=1200, hall="B1"))
    x = _box(doc, ra, 2, "X")
    y = _box(doc, ra, 12, "Y")
    z = _box(doc, rb, 2, "Z")
    leaf_a = doc.place("quantum-2-qm9700", ra, u=30, name="LEAF-A")
    leaf_b = doc.place("quantum-2-qm9700", rb, u=30, name="LEAF-B")
    for box, leaf, metres in ((x, leaf_a, 10.0), (y, leaf_a, 20.0), (z, leaf_b, 15.0)):
        for nic in box[2]:
            doc.connect(nic, leaf, protocol="infiniband", medium="pluggable-optic", length_m=metres)
    dci = doc.connect(leaf_a, leaf_b, protocol="infiniband", medium="pluggable-optic", length_m=5000.0, name="DCI")
    return doc, {"x": x, "y": y, "z": z, "leaf_a": leaf_a, "leaf_b": leaf_b, "dci": dci, "ra": ra, "rb": rb}


def test_nvlink_hop_on_the_board(campus):
    doc, ids = campus
    gpus = ids["x"][0]
    path = Latency(Figures(doc.design)).path(gpus[0], gpus[1])
    # 0 m of pcb each way + 100 ns switch + 256 B at 400 Gb/s
    assert path.ns == pytest.approx(100 + 5.12)
    assert [h.kind for h in path.hops] == ["link", "switch", "link", "serialisation"]


def test_scale_out_path_through_one_leaf(campus):
    doc, ids = campus
    path = Latency(Figures(doc.design)).path(ids["x"][0][0], ids["y"][0][0])
    # GPU -> NIC (board, 0) -> 10 m fibre -> 130 ns leaf -> 20 m fibre -> NIC -> GPU, + 4 KiB at 400 Gb/s
    assert path.ns == pytest.approx(10 * 4.9 + 130 + 20 * 4.9 + 81.92)  # 358.92 ns
    assert [h.kind for h in path.hops] == ["adapter", "link", "switch", "link", "adapter", "serialisation"]


def test_between_buildings_the_fibre_dominates(campus):
    doc, ids = campus
    path = Latency(Figures(doc.design)).path(ids["x"][0][0], ids["z"][0][0])
    expected = 10 * 4.9 + 130 + 5000 * 4.9 + 130 + 15 * 4.9 + 81.92  # 24,964.42 ns
    assert path.ns == pytest.approx(expected)
    dci = next(h for h in path.hops if h.id == ids["dci"])
    assert dci.ns == pytest.approx(24_500.0)  # ~4.9 us per km of fibre


def test_a_switch_latency_override_wins(campus):
    doc, ids = campus
    doc.set(ids["leaf_a"], overrides={"latency_ns": 300.0})
    path = Latency(Figures(doc.design)).path(ids["x"][0][0], ids["y"][0][0])
    assert path.ns == pytest.approx(10 * 4.9 + 300 + 20 * 4.9 + 81.92)


def test_copper_is_4_5_ns_a_metre(campus):
    doc, ids = campus
    for nic in ids["x"][2]:
        link = next(link for link in doc.design.links if link.a.node == nic)
        doc.set(link.id, medium="copper-cable", length_m=2.0)
    path = Latency(Figures(doc.design)).path(ids["x"][0][0], ids["y"][0][0])
    assert path.ns == pytest.approx(2 * 4.5 + 130 + 20 * 4.9 + 81.92)


def test_an_accelerator_is_never_crossed(campus):
    """Two GPUs joined only through a third GPU have no path: GPUs end paths, they do not forward."""
    doc, ids = campus
    a, b = ids["x"][0]
    c = ids["y"][0][0]
    for link in [link for link in doc.design.links if link.protocol == "nvlink5"]:
        doc.remove(link.id)
    doc.connect(a, c, protocol="nvlink5", medium="pcb", port_a="nvlink", port_b="nvlink")
    doc.connect(c, b, protocol="nvlink5", medium="pcb", port_a="nvlink", port_b="nvlink")
    paths = Latency(Figures(doc.design)).paths_from(a)
    assert c in paths
    assert paths[b].ns > 300  # only the network path (via the NIC and the leaf) remains, not 0 ns via c


def test_figures_inside_across_and_between(campus):
    doc, _ = campus
    figures = latency_figures(doc.design)
    assert figures["nvlink_domain"]["worst_us"] == pytest.approx(0.10512)
    # X-Y 358.92 ns; X-Z 24,964.42 ns and Y-Z 49 ns more (20 m to the leaf instead of 10 m)
    assert figures["scale_out"]["worst_us"] == pytest.approx(0.35892)
    assert figures["between_buildings"]["worst_us"] == pytest.approx(24.96442 + 10 * 4.9e-3)  # from Y: 20 m
    assert summary(doc.design)["latency"] == figures


def test_members_expand_racks_to_their_accelerators(campus):
    doc, ids = campus
    figures = Figures(doc.design)
    assert members(figures, [ids["rb"]]) == ids["z"][0]
    assert members(figures, [ids["leaf_a"]]) == [ids["leaf_a"]]
    assert members(figures, ["no-such-id"]) == []


def _budgets(doc: Document, ids: dict, *limits: float) -> None:
    doc.set_design(latency_budgets=[LatencyBudget(name=f"{limit:g} us", from_ids=[ids["ra"]], to_ids=[ids["rb"]],
                                                  max_us=limit) for limit in limits])


def test_budget_holds_and_fails(campus):
    doc, ids = campus
    _budgets(doc, ids, 30.0, 20.0)
    [violation] = only(validate(doc.design), "latency.budget")
    worst = 20 * 4.9 + 130 + 5000 * 4.9 + 130 + 15 * 4.9 + 81.92  # from box Y (20 m to its leaf)
    assert violation.measured == pytest.approx(worst / 1000) and violation.limit == 20.0
    message = violation.message
    assert message.startswith("Latency budget 20 us: GPU Y/GPU1 reaches GPU Z/GPU1 in 25.013 us")
    for hop in ("LEAF-A (Quantum-2 QM9700 NDR InfiniBand switch) 130.0 ns (estimate)", "DCI 5,000.0 m fibre 24.50 us",
                "20.0 m fibre 98.0 ns", "serialisation of 4,096 B at 400 Gb/s 81.9 ns"):
        assert hop in message
    assert set(violation.subjects) == {ids["y"][0][0], ids["z"][0][0]}


def test_budget_just_above_the_worst_path_is_no_false_alarm(campus):
    doc, ids = campus
    _budgets(doc, ids, 25.02)
    assert not only(validate(doc.design), "latency.budget")
    _budgets(doc, ids, 25.01)
    assert len(only(validate(doc.design), "latency.budget")) == 1


def test_budget_without_a_path_or_members(campus):
    doc, ids = campus
    doc.remove(ids["dci"])
    _budgets(doc, ids, 1000.0)
    [violation] = only(validate(doc.design), "latency.budget")
    assert "has no path to" in violation.message
    doc.set_design(latency_budgets=[LatencyBudget(from_ids=["gone"], to_ids=[ids["rb"]], max_us=1.0)])
    [violation] = only(validate(doc.design), "latency.budget")
    assert "its from group names nothing in the design" in violation.message


def test_budgets_are_one_undo_step_and_the_checker_follows(campus):
    doc, ids = campus
    checker = Checker(doc)
    _budgets(doc, ids, 20.0)
    assert len(only(checker.report, "latency.budget")) == 1
    assert checker.report == validate(doc.design)
    doc.set(ids["leaf_b"], overrides={"latency_ns": 5000.0})  # the checker re-runs the budget on an edit
    assert only(checker.report, "latency.budget")[0].measured == pytest.approx(
        (20 * 4.9 + 130 + 5000 * 4.9 + 5000 + 15 * 4.9 + 81.92) / 1000)
    doc.undo()
    doc.undo()
    assert doc.design.latency_budgets == [] and not only(checker.report, "latency.budget")
    assert checker.report == validate(doc.design)


def test_design_latency_is_what_summary_states_per_piece_for_a_hall_and_expanded_for_a_flat_design(monkeypatch):
    """One entry point for a design's latency figures: a hall of 3 NVL72 instances is sampled per piece and
    never expanded (the same figures as `summary()`), a flat rack is read on its own Figures; inside an NVLink
    domain a GPU reaches another in one switch hop."""
    from rackcad import summary, templates
    from rackcad.analysis.latency import design_latency
    from rackcad.model import expand

    hall = templates.build("gb200-nvl72", racks=3)
    calls = []
    flat = expand.expanded
    monkeypatch.setattr(expand, "expanded", lambda d: (calls.append(bool(d.instances)), flat(d))[1])
    figures = design_latency(hall)
    assert figures == summary(hall)["latency"] and not any(calls)
    assert figures["nvlink_domain"]["pairs"] > 0 and figures["scale_out"] is None
    one = templates.build("gb200-nvl72")
    assert not one.instances and design_latency(one) == summary(one)["latency"]
