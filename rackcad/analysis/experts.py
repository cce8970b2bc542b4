"""Why bigger NVLink domains win for mixture-of-experts: expert-parallel all-to-all across domains.

Model (uniform all-to-all, the traffic of expert dispatch and combine):

- The expert-parallel group is N GPUs built from copies of the design's largest NVLink domain (D GPUs),
  the copies joined by their scale-out NICs through a non-blocking scale-out network (rail-optimised fat
  tree). Each GPU has min(D, N) - 1 peers in its own domain (the last copy may be partial; we assume every
  GPU sits in a full one) and N - min(D, N) peers behind the NICs.
- Each GPU sends the same bytes to every peer, so a share f_nv = (min(D, N) - 1) / (N - 1) of its bytes
  goes over NVLink at the domain's all-to-all rate B_nv (`DomainFabric.alltoall_gbps_per_gpu`) and
  f_so = 1 - f_nv over scale-out at B_so per GPU.
- Both run in parallel and the exchange ends when the slower share ends, so the effective all-to-all
  bandwidth per GPU is `1 / max(f_nv / B_nv, f_so / B_so)`.
- B_so, unless given, is the network Gb/s of the NICs (kind `nic`: the compute fabric, not the DPUs' storage
  and management ports) in the trays that hold the domain's accelerators, divided by the accelerators:
  GB200 NVL72 and DGX B200 have one 400G ConnectX-7 per GPU (S1), so 400 Gb/s.

This is SemiAnalysis' point (S44): beyond 8 GPUs an HGX box's expert traffic drops from 900 GB/s of
NVLink to 50 GB/s of 400G NIC per GPU, 18x less, while a 72-GPU domain keeps a 64-GPU group on NVLink.
All figures are Gb/s per direction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rackcad.analysis.fabric import DomainFabric, domain_fabrics
from rackcad.catalog import Catalog
from rackcad.model import Design
from rackcad.topology import DesignIndex


@dataclass(frozen=True)
class ExpertParallel:
    """An expert-parallel group of `gpus` GPUs over copies of the design's largest NVLink domain."""

    gpus: int
    domain_size: int
    nvlink_peers: int
    scale_out_peers: int
    nvlink_share: float
    """Share of each GPU's peers (and of its all-to-all bytes) reached over NVLink."""
    nvlink_gbps_per_gpu: float
    scale_out_gbps_per_gpu: float
    scale_out_given: bool
    """True when the scale-out figure was given by the caller, False when it comes from the design's NICs."""
    effective_gbps_per_gpu: float
    bottleneck: str
    """"nvlink" or "scale-out": the share that finishes last."""

    def to_dict(self) -> dict:
        return asdict(self)


def scale_out_gbps_per_accelerator(index: DesignIndex, accelerators: list[str] | tuple[str, ...]) -> float:
    """Network Gb/s of the NICs beside the accelerators (in the same trays), per accelerator."""
    if not accelerators:
        return 0.0
    trays = {index.nodes[a].parent for a in accelerators}
    total = 0.0
    for tray in trays:
        for child in index.children.get(tray, ()):
            part = index.part(child)
            if part is not None and part.kind == "nic":
                total += sum(g.total_gbps for g in part.ports if g.role == "network")
    return total / len(accelerators)


def expert_parallel(
    design: Design, gpus: int, scale_out_gbps_per_gpu: float | None = None, catalog: Catalog | None = None,
    *, index: DesignIndex | None = None, domain: DomainFabric | None = None,
) -> ExpertParallel:
    """Share of peers over NVLink and effective all-to-all Gb/s per GPU for an N-GPU expert-parallel group.

    See the module docstring for the model. `domain` is the design's largest domain when the caller has
    already analysed it. Raises ValueError for fewer than 2 GPUs or a design without accelerators.
    """
    if gpus < 2:
        raise ValueError("an expert-parallel group needs at least 2 GPUs")
    index = index or DesignIndex(design, catalog)
    if domain is None:
        fabrics = domain_fabrics(design, index=index)
        if not fabrics:
            raise ValueError("the design has no accelerators")
        domain = fabrics[0]
    given = scale_out_gbps_per_gpu is not None
    b_so = float(scale_out_gbps_per_gpu) if given else scale_out_gbps_per_accelerator(index, domain.accelerators)
    b_nv = domain.alltoall_gbps_per_gpu
    local = min(domain.size, gpus)
    f_nv = (local - 1) / (gpus - 1)
    f_so = 1.0 - f_nv
    t_nv = _time(f_nv, b_nv)
    t_so = _time(f_so, b_so)
    slowest = max(t_nv, t_so)
    effective = 0.0 if slowest == float("inf") else 1.0 / slowest
    return ExpertParallel(
        gpus=gpus,
        domain_size=domain.size,
        nvlink_peers=local - 1,
        scale_out_peers=gpus - local,
        nvlink_share=f_nv,
        nvlink_gbps_per_gpu=b_nv,
        scale_out_gbps_per_gpu=b_so,
        scale_out_given=given,
        effective_gbps_per_gpu=effective,
        bottleneck="scale-out" if t_so > t_nv else "nvlink",
    )


def _time(share: float, gbps: float) -> float:
    """Time per unit of bytes for a share sent at `gbps`: 0 for no share, infinite without bandwidth."""
    if share <= 0:
        return 0.0
    return share / gbps if gbps > 0 else float("inf")
