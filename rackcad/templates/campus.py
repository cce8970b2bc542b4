"""The `campus` template: two buildings joined by fibre, each hall with its own racks and leaf switches.

Building A holds the agents: two air-cooled DGX B200 (16 GPUs, 8 ConnectX-7 each; F13) on one Quantum-2
QM9700 leaf (F1). Building B holds the reasoning cluster: one GB200 NVL72 rack (72 GPUs, one ConnectX-7 per
GPU; S1, F12) on two QM9700 leaves, trays 1-9 on the first and 10-18 on the second. The leaf in A reaches each
leaf in B over `dci_links` x 400G links of fibre along a route of `km` kilometres, so the optics of those
links are chosen by distance (LR4 at 5 km; 400ZR, ZR+ as the route grows; rackcad.figures.choice).

Two latency budgets come with it: the agents reach the cluster within 1 ms (holds: a few microseconds per
kilometre of fibre) and within 20 us (fails at 5 km: the fibre alone takes 24.5 us).
"""

from __future__ import annotations

from rackcad.document import Document
from rackcad.model import Building, FibreRoute, FloorPlan, FloorPosition, Hall, LatencyBudget, Site
from rackcad.templates.base import Param, Template
from rackcad.templates.superpod import dgx_b200
from rackcad.templates.systems import oberon_rack

LEAF = "quantum-2-qm9700"
HALL = FloorPlan(width_mm=7_200.0, depth_mm=4_800.0)
"""Each hall: 7.2 x 4.8 m, racks in one row 1.2 m from the front wall; the fibre exit at the hall's origin."""


def build_campus(doc: Document, km: int, dci_links: int) -> None:
    doc.set_design(floor=HALL, site=Site(
        buildings=[
            Building(id="A", name="Agents building", x_km=0.0, y_km=0.0,
                     halls=[Hall(id="A1", name="Hall A1", exit_mm=[0.0, 0.0], entrance_m=50.0)]),
            Building(id="B", name="Cluster building", x_km=km * 0.8, y_km=km * 0.6,
                     halls=[Hall(id="B1", name="Hall B1", exit_mm=[0.0, 0.0], entrance_m=50.0)]),
        ],
        routes=[FibreRoute(a="A", b="B", length_km=float(km), name="Duct A-B")],
    ), label="Lay out the campus")

    def rack(part: str, name: str, hall: str, x_mm: float, **fields) -> str:
        return doc.add_rack(part, name=name, position=FloorPosition(x_mm=x_mm, y_mm=1_200.0, hall=hall), **fields)

    agents = rack("rack-42u-air", "A1-AGENTS", "A1", 1_200.0, power_budget_w=48_000.0, liquid_capacity_w=0.0,
                  air_capacity_w=45_000.0)
    agent_nics = [nic for i in range(2) for nic in dgx_b200(doc, agents, 4 + i * 12, f"AGENT{i + 1}")[1]]
    net_a = rack("rack-48u-network", "A1-NET", "A1", 1_800.0)
    leaf_a = doc.place(LEAF, net_a, u=20, name="LEAF-A")
    for nic in agent_nics:
        doc.connect(nic, leaf_a, protocol="infiniband", medium="pluggable-optic")

    cluster = rack("mgx-nvl72-rack", "B1-NVL72", "B1", 1_200.0)
    oberon_rack(doc, cluster, trays=18, tray="gb200-compute-tray", cpu="grace", acc="b200-gb200",
                nics=[("connectx-7", 4), ("bluefield-3", 2)], switch_tray="nvlink5-switch-tray",
                switch_chip="nvlink5-switch")
    net_b = rack("rack-48u-network", "B1-NET", "B1", 1_800.0)
    leaves_b = [doc.place(LEAF, net_b, u=20 + i, name=f"LEAF-B{i + 1}") for i in range(2)]
    trays = [n for n in doc.children(cluster) if n.part == "gb200-compute-tray"]
    for t, tray in enumerate(trays):
        for nic in (n for n in doc.children(tray.id) if n.part == "connectx-7"):
            doc.connect(nic.id, leaves_b[t * 2 // len(trays)], protocol="infiniband", medium="pluggable-optic")
    for i, leaf in enumerate(leaves_b):
        doc.connect(leaf_a, leaf, protocol="infiniband", medium="pluggable-optic", count=dci_links,
                    name=f"DCI A-B{i + 1}")
    doc.set_design(latency_budgets=[
        LatencyBudget(name="agents to cluster, 1 ms", from_ids=[agents], to_ids=[cluster], max_us=1_000.0),
        LatencyBudget(name="agents to cluster, 20 us", from_ids=[agents], to_ids=[cluster], max_us=20.0),
    ], label="Set latency budgets")


TEMPLATES = [
    Template("campus", "Campus: agents and cluster in two buildings",
             "Two buildings joined by a fibre route: DGX B200 agents in one, a GB200 NVL72 cluster in the other, "
             "leaf to leaf over long-reach optics chosen by distance, and two latency budgets (1 ms holds, "
             "20 us fails).", "shipping", build_campus,
             {"km": Param(5, "fibre route between the buildings, km", (1, 2, 5, 10, 20, 40, 80, 100, 120, 500)),
              "dci_links": Param(4, "400G links from the agents' leaf to each cluster leaf", (1, 2, 4, 8, 16))}),
]
