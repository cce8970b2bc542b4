"""Simulator topologies from the design's graph: ASTRA-sim (analytical network YAML, or the ns-3 backend's
physical topology) and SimAI (its topology file).

Three forms, one graph:
- `astra-sim` (ASTRA-sim 2.0 analytical backend, `network.yml`): a hierarchy of dimensions. Dimension 1 is
  the NVLink domain (`Switch` when its accelerators meet at switch chips, `FullyConnected` when they are
  wired directly), its `npus_count` the domain size and its `bandwidth` each accelerator's scale-up rate
  per direction in GB/s (per pair of accelerators for FullyConnected); dimension 2, when the design has
  more than one domain, is the scale-out network (`Switch`, one unit per domain, the NIC rate per
  accelerator). Domains must be the same size: a hierarchy cannot hold a 72 next to an 8.
- `astra-ns3` (ASTRA-sim's ns-3 backend): `nodes switches links`, the switch ids, then one line per
  connected pair `src dst <rate>Gbps <delay>ms 0` (parallel links summed).
- `simai` (SimAI / astra-sim-alibabacloud): `nodes gpus_per_server nvswitches switches links gpu_type`, the
  switch ids (NVLink switch chips first), then the same link lines.
Node ids: accelerators first (design order), then NVLink switch chips, then network switches. CPUs and
their C2C links, and on-board PCIe, are not network nodes; a NIC stands in for the accelerators of its tray
(its links attach to them, shared out in order).

Latencies are estimates per link medium (`LATENCY_NS`, plus 5 ns per metre of cable from the lengths (rackcad.figures) the
reach checks use), or the `latency_ns` given; they are marked as such in the written file.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rackcad.analysis import summary
from rackcad.figures.lengths import link_length_m
from rackcad.catalog.schema import ACCELERATOR_KINDS
from rackcad.files.atomic import write_bytes
from rackcad.interop import InteropError
from rackcad.model import Design
from rackcad.topology import DesignIndex

FORMATS = ("astra-sim", "astra-ns3", "simai")
LATENCY_NS = {"in-package": 10.0, "pcb": 20.0, "backplane-copper": 100.0, "copper-cable": 100.0,
              "active-copper": 110.0, "pluggable-optic": 150.0, "cpo-fiber": 120.0}
"""Estimated one-hop latency by medium (SerDes, retimers, switch port), before propagation."""
DEFAULT_LATENCY_NS = 150.0
NS_PER_M = 5.0
SWITCH_KINDS = ("network-switch", "cpo-switch")
"""Scale-out switches; management switches carry no training traffic and are left out."""


class _Graph:
    """Accelerators, NVLink switch chips and network switches with the summed links between them."""

    def __init__(self, design: Design, index: DesignIndex, latency_ns: float | None):
        self.index = index
        kinds = {n.id: index.kind(n) for n in design.nodes}
        self.npus = [n.id for n in design.nodes if kinds[n.id] in ACCELERATOR_KINDS]
        self.nvswitches = [n.id for n in design.nodes if kinds[n.id] == "switch"]
        self.switches = [n.id for n in design.nodes if kinds[n.id] in SWITCH_KINDS]
        order = self.npus + self.nvswitches + self.switches
        self.number = {node_id: i for i, node_id in enumerate(order)}
        self.stand_in = self._nic_stand_ins(design, kinds)
        self.pairs: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])  # gbps, latency
        self.left_out = 0
        for link in design.links:
            ends = [self._end(link.a.node), self._end(link.b.node)]
            if None in ends or ends[0] == ends[1]:
                self.left_out += link.count
                continue
            a, b = sorted(ends)
            length = link_length_m(index, link) or 0.0
            hop = latency_ns if latency_ns is not None else (
                LATENCY_NS.get(link.medium or "", DEFAULT_LATENCY_NS) + NS_PER_M * length)
            entry = self.pairs[(a, b)]
            entry[0] += index.link_gbps(link)
            entry[1] = max(entry[1], hop)

    def _nic_stand_ins(self, design: Design, kinds: dict[str, str | None]) -> dict[str, list[int]]:
        """NIC id -> the accelerators of its tray it serves (NICs and accelerators paired in order)."""
        by_tray: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"nic": [], "acc": []})
        for node in design.nodes:
            kind = kinds[node.id]
            if kind in ("nic", "dpu"):
                by_tray[node.parent]["nic"].append(node.id)
            elif kind in ACCELERATOR_KINDS:
                by_tray[node.parent]["acc"].append(node.id)
        out: dict[str, list[int]] = {}
        for tray in by_tray.values():
            nics, accs = tray["nic"], tray["acc"]
            for i, nic in enumerate(nics):
                served = accs[i::len(nics)] if len(nics) <= len(accs) else accs[i % len(accs):][:1] if accs else []
                out[nic] = [self.number[a] for a in served]
        return out

    def _end(self, node_id: str) -> int | None:
        if node_id in self.number:
            return self.number[node_id]
        served = self.stand_in.get(node_id)
        return served[0] if served else None

    def lines(self) -> list[str]:
        return [f"{a} {b} {_g(gbps)}Gbps {_g(latency / 1e6)}ms 0" for (a, b), (gbps, latency) in sorted(self.pairs.items())]


def _g(value: float) -> str:
    return f"{value:.10g}"


def _scale_out_gbps(index: DesignIndex, design: Design, npus: int) -> float:
    """Network-port Gb/s of the NICs, per accelerator (the scale-out rate each one gets)."""
    total = 0.0
    for node in design.nodes:
        part = index.part(node)
        if part is not None and part.kind == "nic":
            total += sum(g.total_gbps for g in part.ports if g.role == "network")
    return total / npus if npus else 0.0


def astra_analytical(design: Design, index: DesignIndex, latency_ns: float | None) -> tuple[str, str]:
    info = summary(design)
    domains = info.get("domains") or []
    if not domains:
        raise InteropError("the design has no NVLink domain of accelerators to simulate")
    sizes = sorted({d["size"] for d in domains})
    if len(sizes) > 1:
        raise InteropError(f"NVLink domains of different sizes ({', '.join(map(str, sizes))}) do not form one "
                           "ASTRA-sim hierarchy; use --format astra-ns3 for the link-level topology")
    top = domains[0]
    size = top["size"]
    per_gpu = min(d["scale_up_gbps_per_gpu"] for d in domains)
    switched = top["switches"] > 0
    scale_up_latency = latency_ns if latency_ns is not None else LATENCY_NS["backplane-copper"]
    dims = [("Switch" if switched else "FullyConnected", size,
             per_gpu / 8 if switched else per_gpu / 8 / max(size - 1, 1), scale_up_latency)]
    if len(domains) > 1:
        out_gbps = _scale_out_gbps(index, design, size * len(domains))
        if out_gbps <= 0:
            raise InteropError(f"{len(domains)} NVLink domains but no NIC to join them")
        dims.append(("Switch", len(domains), out_gbps / 8,
                     latency_ns if latency_ns is not None else LATENCY_NS["pluggable-optic"]))
    estimate = "given on the command line" if latency_ns is not None else "RackCAD estimates by medium"
    text = "\n".join([
        f"# ASTRA-sim analytical network: {design.name} (RackCAD)",
        f"# {len(domains)} NVLink domain{'s' if len(domains) != 1 else ''} of {size} accelerators, "
        f"{per_gpu:g} Gb/s scale-up per accelerator per direction; latencies: {estimate}",
        f"topology: [ {', '.join(d[0] for d in dims)} ]",
        f"npus_count: [ {', '.join(str(d[1]) for d in dims)} ]",
        f"bandwidth: [ {', '.join(_g(round(d[2], 6)) for d in dims)} ]  # GB/s per link, per direction",
        f"latency: [ {', '.join(_g(d[3]) for d in dims)} ]  # ns",
    ]) + "\n"
    return text, f"{' x '.join(str(d[1]) for d in dims)} NPUs ({', '.join(d[0] for d in dims)})"


def write_topology(design: Design, path: str | Path, fmt: str = "astra-sim", latency_ns: float | None = None) -> str:
    """Write `design` in simulator format `fmt` (see FORMATS); returns a one-line summary."""
    if fmt not in FORMATS:
        raise InteropError(f"unknown simulator format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if latency_ns is not None and not 0 <= latency_ns <= 1e9:
        raise InteropError(f"--latency-ns {latency_ns:g} is outside 0 - 1e9")
    index = DesignIndex(design)
    if fmt == "astra-sim":
        text, what = astra_analytical(design, index, latency_ns)
        write_bytes(path, text.encode("utf-8"))
        return what
    graph = _Graph(design, index, latency_ns)
    if not graph.npus:
        raise InteropError("the design has no accelerators to simulate")
    switch_ids = " ".join(str(graph.number[s]) for s in graph.nvswitches + graph.switches)
    links = graph.lines()
    total = len(graph.number)
    if fmt == "astra-ns3":
        head = f"{total} {len(graph.nvswitches) + len(graph.switches)} {len(links)}"
    else:
        info = summary(design)
        per_server = (info["nvlink_domains"] or [len(graph.npus)])[0]
        gpu = index.part(index.nodes[graph.npus[0]])
        gpu_type = (gpu.model.split()[0] if gpu else "GPU").replace(" ", "_")
        head = (f"{total} {per_server} {len(graph.nvswitches)} {len(graph.switches)} {len(links)} {gpu_type}")
    write_bytes(path, ("\n".join([head, switch_ids, *links]) + "\n").encode("utf-8"))
    dropped = f"; {graph.left_out:,} links not between network nodes left out" if graph.left_out else ""
    return (f"{len(graph.npus)} NPUs, {len(graph.nvswitches)} NVLink switches, {len(graph.switches)} network "
            f"switches, {len(links)} links{dropped}")
