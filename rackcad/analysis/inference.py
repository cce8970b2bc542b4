"""A roofline estimate of mixture-of-experts decode throughput: tokens/s per GPU and tokens/s per MW.

The point is the comparison between designs (the same model on a 4-GPU mesh, an 8-GPU HGX box and a 72-GPU
NVLink domain), not an absolute forecast: the figures are upper bounds of what the hardware allows.

Model of one decode step on each GPU of an expert-parallel group of N GPUs, with `tokens` in flight per GPU
(one new token for each of `tokens` sequences):

- compute: 2 x active parameters FLOPs per token (one multiply-add per active weight) at the GPU's dense
  peak (FP4 when the weights are 4-bit or smaller, else FP8; from the catalog); attention FLOPs and kernel
  efficiency are left out;
- memory: every step reads the GPU's share of the weights once (total parameters x bytes per parameter / N:
  experts are sharded evenly and, with enough tokens in flight, every local expert is hit), plus the KV
  cache of its sequences (tokens x `kv_bytes_per_token`, zero unless given) at the catalog's HBM bandwidth;
- compute and memory overlap (the roofline: the step takes the longer of the two);
- expert all-to-all: each token sends `alltoall_bytes_per_token` to other GPUs (dispatch and combine, all
  MoE layers) at the effective per-GPU rate of `expert_parallel` (NVLink inside the domain, scale-out NICs
  beyond); it is not overlapped with compute (no two-batch overlap), so it adds to the step;
- tokens/s per GPU = tokens / step time; tokens/s per MW = that x the design's accelerators / the design's
  power (the catalog's maximum power of every part placed, as in `summary`; the scale-out network outside
  the design is not counted).

Every assumption is also returned in `InferenceEstimate.assumptions`, worded for the GUI, with the catalog
source of each hardware figure.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from rackcad.analysis.experts import expert_parallel
from rackcad.analysis.fabric import DomainFabric, domain_fabrics
from rackcad.catalog import Catalog, Figure, PartSpec
from rackcad.model import Design
from rackcad.topology import DesignIndex


@dataclass(frozen=True)
class MoEModel:
    """A mixture-of-experts model as the estimate sees it."""

    name: str
    total_params: float
    active_params: float
    """Parameters used per token (shared layers plus the routed experts)."""
    bytes_per_param: float
    """0.5 for FP4 weights, 1 for FP8."""
    alltoall_bytes_per_token: float
    """Bytes one token sends to other GPUs per decode step, dispatch plus combine over all MoE layers."""
    kv_bytes_per_token: float = 0.0
    """KV-cache bytes read to decode one token (context length x KV bytes per position); 0 leaves it out."""


@dataclass(frozen=True)
class InferenceEstimate:
    model: MoEModel
    accelerator: str
    """Catalog id of the accelerator whose figures were used (the lowest peak FLOPS in the largest domain)."""
    gpus: int
    tokens_in_flight_per_gpu: int
    precision: str
    pflops_per_gpu: float
    hbm_gbytes_per_s: float
    weights_gb_per_gpu: float
    fits_in_memory: bool
    compute_s: float
    memory_s: float
    alltoall_s: float
    alltoall_gbps_per_gpu: float
    step_s: float
    bottleneck: str
    """"compute", "memory" or "all-to-all": the largest of the three times."""
    tokens_per_s_per_gpu: float
    power_w: float
    accelerators: int
    tokens_per_s_per_mw: float
    assumptions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def inference_estimate(
    design: Design, model: MoEModel, *, tokens_in_flight_per_gpu: int = 256, gpus: int | None = None,
    scale_out_gbps_per_gpu: float | None = None, catalog: Catalog | None = None,
    index: DesignIndex | None = None, fabrics: list[DomainFabric] | None = None,
) -> InferenceEstimate:
    """Decode throughput of `model` on the design (see the module docstring for the model).

    `gpus` is the expert-parallel group; by default the fewest whole copies of the largest NVLink domain
    whose HBM holds the weights (at least 2 GPUs). `scale_out_gbps_per_gpu` overrides the design's NIC
    bandwidth per GPU. Raises ValueError when the design has no accelerator or its part has no dense FLOPS
    or HBM figure. A caller that already holds this design state's `index` and `fabrics` (the editor's
    analysis panel) passes them so the NVLink domains are not worked out twice.
    """
    index = index or DesignIndex(design, catalog)
    fabrics = fabrics if fabrics is not None else domain_fabrics(design, index=index)
    if not fabrics:
        raise ValueError("the design has no accelerators")
    parts = list({p.id: p for p in (index.part(a) for a in fabrics[0].accelerators) if p is not None}.values())
    if not parts:
        raise ValueError("the accelerators of the largest NVLink domain are not in the catalog")
    precision = "fp4" if model.bytes_per_param <= 0.5 else "fp8"
    part = min(parts, key=lambda p: (_flops(p, precision)[0], p.id))
    flops, flops_fig, used_precision = _flops(part, precision)
    if part.memory_bw_gbytes is None or flops_fig is None:
        raise ValueError(f"{part.id} has no dense FLOPS or HBM bandwidth figure in the catalog")
    hbm = part.memory_bw_gbytes.value
    memory_gb = part.memory_gb.value if part.memory_gb else 0.0
    weights_gb = model.total_params * model.bytes_per_param / 1e9
    if gpus is None:
        needed = math.ceil(weights_gb / memory_gb) if memory_gb else 1
        size = fabrics[0].size
        gpus = max(size * math.ceil(needed / size), 2)
    ep = expert_parallel(design, gpus, scale_out_gbps_per_gpu, index=index, domain=fabrics[0])

    tokens = tokens_in_flight_per_gpu
    compute_s = 2 * model.active_params * tokens / (flops * 1e15)
    weights_per_gpu_gb = weights_gb / gpus
    memory_s = (weights_per_gpu_gb * 1e9 + tokens * model.kv_bytes_per_token) / (hbm * 1e9)
    bits = tokens * model.alltoall_bytes_per_token * 8
    alltoall_s = bits / (ep.effective_gbps_per_gpu * 1e9) if ep.effective_gbps_per_gpu else math.inf
    step_s = max(compute_s, memory_s) + alltoall_s
    per_gpu = tokens / step_s if step_s > 0 else 0.0
    bottleneck = max((compute_s, "compute"), (memory_s, "memory"), (alltoall_s, "all-to-all"))[1]
    power_w = sum(index.power_w(n) for n in design.nodes)
    accelerators = len(index.accelerators)
    per_mw = per_gpu * accelerators / (power_w / 1e6) if power_w else 0.0

    assumptions = [
        f"{model.name}: {model.total_params / 1e9:,.0f} B parameters, {model.active_params / 1e9:,.1f} B active "
        f"per token, {model.bytes_per_param:g} bytes per parameter ({used_precision.upper()} compute).",
        f"Decode step with {tokens} tokens in flight per GPU; expert-parallel group of {gpus} GPUs "
        f"({ep.nvlink_peers} peers over NVLink in a {ep.domain_size}-GPU domain, {ep.scale_out_peers} over "
        f"scale-out at {ep.scale_out_gbps_per_gpu:,.0f} Gb/s per GPU"
        f"{' (given)' if ep.scale_out_given else ' (the NICs in the trays)'}).",
        f"Compute: 2 FLOPs per active parameter per token at the dense peak of {flops:g} PFLOPS "
        f"{used_precision.upper()} ({_cite(part, flops_fig)}); attention FLOPs and kernel efficiency left out.",
        f"Memory: each step reads the GPU's 1/{gpus} share of the weights ({weights_per_gpu_gb:,.1f} GB) "
        f"plus {model.kv_bytes_per_token:,.0f} bytes of KV cache per token at {hbm:,.0f} GB/s HBM "
        f"({_cite(part, part.memory_bw_gbytes)}); experts sharded evenly, replication of shared layers ignored.",
        "Compute and memory overlap (roofline); the expert all-to-all does not overlap them and adds to the step.",
        f"All-to-all: {model.alltoall_bytes_per_token / 1e6:,.2f} MB per token at the effective "
        f"{ep.effective_gbps_per_gpu:,.0f} Gb/s per GPU (uniform all-to-all; NVLink and scale-out in parallel).",
        f"Power: the design's {power_w / 1e3:,.1f} kW (catalog maximum of every part) over its {accelerators} "
        "accelerators; the scale-out network outside the design is not counted.",
        "Upper bound for comparing designs, not a forecast: no scheduling, batching or software overheads.",
    ]
    if used_precision != precision:
        assumptions.append(f"{part.id} has no {precision.upper()} figure in the catalog: "
                           f"{used_precision.upper()} peak used.")
    fits = weights_per_gpu_gb + tokens * model.kv_bytes_per_token / 1e9 <= memory_gb
    if not fits:
        assumptions.append(f"The weights and KV cache do not fit: {weights_per_gpu_gb:,.1f} GB of weights per "
                           f"GPU against {memory_gb:g} GB of HBM ({_cite(part, part.memory_gb)}).")
    return InferenceEstimate(
        model=model, accelerator=part.id, gpus=gpus, tokens_in_flight_per_gpu=tokens,
        precision=used_precision, pflops_per_gpu=flops, hbm_gbytes_per_s=hbm,
        weights_gb_per_gpu=weights_per_gpu_gb, fits_in_memory=fits, compute_s=compute_s, memory_s=memory_s,
        alltoall_s=alltoall_s, alltoall_gbps_per_gpu=ep.effective_gbps_per_gpu, step_s=step_s,
        bottleneck=bottleneck, tokens_per_s_per_gpu=per_gpu, power_w=power_w, accelerators=accelerators,
        tokens_per_s_per_mw=per_mw, assumptions=assumptions,
    )


def _flops(part: PartSpec, precision: str) -> tuple[float, Figure | None, str]:
    """(dense PFLOPS, its figure, the precision used): FP4 falls back to FP8 where FP4 is not listed."""
    fig = part.fp4_dense_pflops if precision == "fp4" else None
    if fig is not None:
        return fig.value, fig, "fp4"
    fig = part.fp8_dense_pflops
    return (fig.value if fig else 0.0), fig, "fp8"


def _cite(part: PartSpec, fig: Figure | None) -> str:
    return f"{part.id}: {fig.source}, {fig.confidence}" if fig else f"{part.id}: no figure"
