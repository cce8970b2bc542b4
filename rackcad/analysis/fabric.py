"""NVLink-domain fabric figures: size, bisection, all-to-all per GPU and ring all-reduce time.

All bandwidths are Gb/s per direction, the model's unit (NVIDIA's "1.8 TB/s per GPU" is 7,200 Gb/s here).

Bisection bandwidth is the least traffic per direction that can cross between two halves of the domain.
Two computations, which a test holds against each other on the switched templates:

- **Formula** (a single switch tier: every link joins an accelerator to a switch): with h = floor(N/2) accelerators per
  half, each with B Gb/s of scale-up, the tier is non-blocking when its switches carry all of it, and the
  bisection is h x B; otherwise the switches limit it: a switch with C Gb/s of connected ports can pass at
  most C/2 from one half to the other (what enters on one half's ports leaves on the other's). So
  `formula = min(h x B, sum over switches of C/2)`. It is exact when every accelerator is wired alike to
  every switch (NVL72: one link to each of 18 chips; HGX: the same split on every GPU).
- **Min cut** (any topology: meshes, several tiers, uneven wiring): for a balanced split into halves A and B,
  the max flow from A to B over `build_graph`'s per-pair capacities (networkx `maximum_flow_value`; each
  undirected edge is an arc each way with its per-direction Gb/s). The accelerators of each half are merged
  into one super node first: exact, since the flow may enter (or leave) every one of them without limit,
  and it shrinks GB200 NVL576 (576 GPUs, 432 chips, ~12.7k pair edges) to the 432 chips and ~2.6k edges,
  so each flow takes tens of milliseconds. The true bisection is the minimum over all balanced splits,
  which is NP-hard in general; we take the smaller of two deterministic splits: the first and second half
  in placement order (cuts across racks and trays, the worst case of a tree of switch tiers) and alternate
  accelerators (the worst case of striped wiring). On a single tier wired alike every split gives the same
  value; elsewhere (several tiers, uneven wiring) the figure is an upper bound of the true bisection.

All-to-all per GPU (uniform traffic: each GPU sends T per direction, T/(N-1) to each peer) is bounded by
the GPU's own scale-up bandwidth B and by the bisection: a half of a GPUs sends a x T x b/(N-1) across the
cut to the b GPUs of the other half, so `T = min(B, bisection x (N-1) / (a x b))`. Both bounds are reached
with balanced routing on the templates' fabrics (NVL72: the 130 TB/s "all-to-all" of S9 is 72 x 1.8 TB/s).

Ring all-reduce uses the standard bandwidth-only model: each of N GPUs sends and receives 2(N-1)/N of the
message at its per-GPU bandwidth, so `t = 2(N-1)/N x size / B`; latency (per-step alpha) terms are left out,
so the figure is the large-message limit.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import asdict, dataclass

import networkx as nx

from rackcad.catalog import Catalog
from rackcad.model import Design
from rackcad.figures import Figures
from rackcad.topology import DesignIndex, build_graph

_SOURCE = "\0half-a"
_SINK = "\0half-b"


@dataclass(frozen=True)
class DomainFabric:
    """One NVLink domain. Gb/s per direction; `formula_gbps` is None where the single-tier formula does
    not apply (meshes, several tiers, direct accelerator links or links between switches)."""

    accelerators: tuple[str, ...]
    """Accelerator ids in placement order (the order of `design.nodes`)."""
    switches: int
    tiers: int
    """Switch tiers: 0 for a switchless mesh, 1 for NVL72/HGX, 2 for GB200 NVL576."""
    scale_up_gbps_per_gpu: float
    """The slowest accelerator's connected scale-up bandwidth (a collective runs at its pace)."""
    full_bisection_gbps: float
    """floor(N/2) x scale_up_gbps_per_gpu: what a non-blocking fabric would give."""
    formula_gbps: float | None
    bisection_gbps: float
    alltoall_gbps_per_gpu: float

    @property
    def size(self) -> int:
        return len(self.accelerators)

    def allreduce_s(self, size_bytes: float) -> float:
        """Ring all-reduce time of a `size_bytes` message over the whole domain (see module docstring)."""
        return ring_allreduce_s(self.size, size_bytes, self.scale_up_gbps_per_gpu)

    def to_dict(self) -> dict:
        out = asdict(self)
        del out["accelerators"]
        return {"size": self.size, **out}


def ring_allreduce_s(gpus: int, size_bytes: float, gbps_per_gpu: float) -> float:
    """Bandwidth-only ring all-reduce time: 2(N-1)/N x size / per-GPU bandwidth (per direction), seconds."""
    if gpus < 2 or size_bytes <= 0:
        return 0.0
    if gbps_per_gpu <= 0:
        return float("inf")
    return 2 * (gpus - 1) / gpus * size_bytes * 8 / (gbps_per_gpu * 1e9)


def alltoall_gbps(gpus: int, bisection_gbps: float, gbps_per_gpu: float) -> float:
    """Uniform all-to-all rate per GPU: min(own bandwidth, bisection x (N-1) / (a x b))."""
    if gpus < 2:
        return 0.0
    a, b = gpus // 2, gpus - gpus // 2
    return min(gbps_per_gpu, bisection_gbps * (gpus - 1) / (a * b))


def domain_fabrics(
    design: Design, catalog: Catalog | None = None, *, index: DesignIndex | None = None,
    graph: nx.Graph | None = None,
) -> list[DomainFabric]:
    """Every NVLink domain of the design (`Figures.domains`), largest first.

    `index` (the design's Figures) and `graph` (= `build_graph(index, "scale-up")`) may be passed in when
    the caller has them.
    """
    index = Figures.of(design, index, catalog)
    graph = graph if graph is not None else build_graph(index, protocols="scale-up")
    position = {node.id: i for i, node in enumerate(index.design.nodes)}  # expanded: instances' parts too
    out = []
    for domain in index.domains():
        accelerators = tuple(sorted(domain, key=position.__getitem__))
        out.append(_domain(index, graph, accelerators))
    return out


def _domain(index: DesignIndex, graph: nx.Graph, accelerators: tuple[str, ...]) -> DomainFabric:
    component = nx.node_connected_component(graph, accelerators[0])
    edges = list(graph.edges(component, data="gbps"))
    transit = component.difference(accelerators)
    n = len(accelerators)
    per_gpu = min(index.scale_up_gbps(index.nodes[a]) for a in accelerators)
    full = (n // 2) * per_gpu
    tiers = _tiers(graph, accelerators, transit)
    members = set(accelerators)
    formula = None
    if tiers == 1 and all((u in members) != (v in members) for u, v, _ in edges):
        switch_side = sum(gbps for *_, gbps in edges) / 2  # every edge has exactly one switch end
        formula = min(full, switch_side)
    if n < 2:
        bisection = 0.0
    else:
        half = n // 2
        contiguous = {a: (_SOURCE if i < half else _SINK) for i, a in enumerate(accelerators)}
        alternate = {a: (_SOURCE if i % 2 == 0 else _SINK) for i, a in enumerate(accelerators)}
        bisection = min(_cut_gbps(edges, contiguous), _cut_gbps(edges, alternate))
    return DomainFabric(
        accelerators=accelerators,
        switches=len(transit),
        tiers=tiers,
        scale_up_gbps_per_gpu=per_gpu,
        full_bisection_gbps=full,
        formula_gbps=formula,
        bisection_gbps=bisection,
        alltoall_gbps_per_gpu=alltoall_gbps(n, bisection, per_gpu),
    )


def _tiers(graph: nx.Graph, accelerators: tuple[str, ...], transit: set[str]) -> int:
    """Switch tiers: the largest hop distance from any switch to its nearest accelerator."""
    depth = dict.fromkeys(accelerators, 0)
    queue = deque(accelerators)
    while queue:
        node = queue.popleft()
        for other in graph.adj[node]:
            if other not in depth:
                depth[other] = depth[node] + 1
                queue.append(other)
    return max((depth[s] for s in transit), default=0)


def _cut_gbps(edges: list[tuple[str, str, float]], side: dict[str, str]) -> float:
    """Max flow from half A to half B, each half merged into one node (see module docstring)."""
    capacity: dict[tuple[str, str], float] = defaultdict(float)
    for u, v, gbps in edges:
        a, b = side.get(u, u), side.get(v, v)
        if a != b:
            capacity[(a, b) if a < b else (b, a)] += gbps
    flow = nx.Graph()
    flow.add_weighted_edges_from(((a, b, c) for (a, b), c in capacity.items()), weight="capacity")
    if _SOURCE not in flow or _SINK not in flow:
        return 0.0
    return float(nx.maximum_flow_value(flow, _SOURCE, _SINK, capacity="capacity"))
