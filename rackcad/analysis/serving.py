"""What a design is worth serving an LLM: TTFT, tokens/s per user, tokens/s per GPU and per MW.

For a model (`rackcad.catalog.models`), a precision (fp4, fp8, bf16) and input/output lengths, the search
tries every parallel layout that fits the design and every batch size, and keeps the Pareto frontier of
throughput per GPU against interactivity (tokens/s per user). Nothing about a particular system is written
in: a design enters only through its accelerator's catalog figures (FLOPS, HBM size and bandwidth, power),
its largest NVLink domain (size, per-GPU and per-pair scale-up bandwidth, switched or direct; from
`analysis.fabric`) and its scale-out NICs per GPU (`analysis.experts`). Which design wins, and where, comes
out of the arithmetic below.

Serving is disaggregated: prefill instances and decode instances, like the measured systems (S44).

**Layouts.** A decode instance has `pp` pipeline stages; each stage has `ep = tp x dp` GPUs: attention is
tensor-parallel over `tp` GPUs and data-parallel over `dp` ranks (attention-DP), the routed experts are
spread over all `ep` GPUs of the stage (expert parallel; a dense model has `dp = 1`). Tensor parallelism
stays inside one NVLink domain; an expert group or a pipeline larger than the domain reaches the other
copies of the domain through the NICs (the design is a building block repeated over a non-blocking
scale-out network, as in `analysis.experts`). With the model's MTP module, a step may also verify `d` draft
tokens (speculative decoding).

**Decode step** of one stage with `b` sequences per attention rank (`q = 1 + d` tokens each), per GPU:

- weights read from HBM: the attention, dense and shared-expert weights / tp, plus the stage's routed
  experts / ep times the share of them the step's tokens hit (1 - (1 - k/n)^tokens); KV cache read:
  b x context x KV bytes per token / min(tp, KV heads) (MLA's latent cache is one head: replicated);
- FLOPs: 2 x active parameters + attention over the context, per token, / tp;
- roofline: the step takes max(FLOPs / (peak x compute efficiency), bytes / (HBM x HBM efficiency));
- expert all-to-all per MoE layer (dispatch in the compute precision, combine in BF16): the bytes split
  between NVLink (peers in the domain) and NICs (peers beyond) as `expert_parallel` does, each at its link
  efficiency, plus one latency per collective (NVLink or scale-out, whichever the group needs);
- tensor-parallel all-reduce per layer (ring, `fabric.ring_allreduce_s`) plus its latency;
- pipeline hand-off per stage; a fixed kernel overhead per layer.

Group bandwidth: a group of g GPUs inside a switched domain gets each GPU's full scale-up bandwidth; in a
switchless mesh it gets only the links to its g - 1 peers (bandwidth division), and its all-to-all is
bounded by the domain's bisection (`DomainFabric.alltoall_gbps_per_gpu`).

Per user: accepted tokens per step / (pp x step). Output tokens/s per GPU: b x accepted / (step x tp x pp).
HBM must hold the weights, the KV cache of every sequence at ISL + OSL and a reserve.

**Prefill** is compute-bound: ISL x (2 x active + attention) FLOPs at the prefill efficiency, overlapped
with its all-to-all, on the smallest power-of-two group (at least 8 GPUs, or the domain) whose HBM holds the
weights; prefill GPUs run at a set utilisation. TTFT = the queue wait of an M/D/1 queue at that
utilisation + the prefill of one prompt + the KV hand-over to the decode instance + one decode step.

**Throughput per GPU** follows the published convention (S44): input plus output tokens per second over
all GPUs, prefill and decode: (ISL + OSL) / (prefill GPU-seconds + decode GPU-seconds) per request.
Per MW: that x the design's accelerators / the design's power.

Every figure used, with its catalog source, and every efficiency factor is in `ServingResult.assumptions`.
One set of efficiency factors (`EFFICIENCY`) serves every design; it was fitted once to S44's measured
DeepSeek-R1 points (tests/analysis/test_serving.py holds the model to them).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from rackcad.analysis.experts import scale_out_gbps_per_accelerator
from rackcad.analysis.fabric import DomainFabric, domain_fabrics, ring_allreduce_s
from rackcad.catalog import Catalog, Figure, PartSpec
from rackcad.catalog.models import ModelSpec, default_models
from rackcad.model import Design
from rackcad.figures import Figures
from rackcad.topology import DesignIndex

PRECISIONS = ("fp4", "fp8", "bf16")
_FLOPS_FIELD = {"fp4": "fp4_dense_pflops", "fp8": "fp8_dense_pflops", "bf16": "bf16_dense_pflops"}
_WEIGHT_BYTES = {"fp4": 0.5 + 1 / 16, "fp8": 1.0, "bf16": 2.0}
"""Bytes per parameter: NVFP4 carries one FP8 scale per 16 weights."""
_KV_BYTES = {"fp4": 1.0, "fp8": 1.0, "bf16": 2.0}
_DISPATCH_BYTES = {"fp4": 1.0, "fp8": 1.0, "bf16": 2.0}
_COMBINE_BYTES = 2.0
_ACT_BYTES = 2.0

BATCHES = np.unique(np.round(np.geomspace(1, 2048, 56)).astype(int))
"""Sequences per attention rank tried by the search."""


@dataclass(frozen=True)
class Efficiency:
    """The achievable share of each peak, and the fixed costs: one set for every design."""

    compute_decode: float = 0.07
    """Expert (grouped) GEMMs, MTP and attention in decode."""
    compute_dense: float = 0.40
    """Dense GEMMs in decode (attention projections, dense and shared-expert FFNs)."""
    compute_prefill: float = 0.45
    hbm: float = 0.75
    nvlink: float = 0.55
    scale_out: float = 0.60
    nvlink_latency_s: float = 20e-6
    """Per collective (one all-to-all or all-reduce) inside an NVLink domain."""
    scale_out_latency_s: float = 35e-6
    """Per collective that crosses the NICs (RDMA through a scale-out switch)."""
    layer_overhead_s: float = 60e-6
    """Kernel launches and synchronisation per layer per step that nothing hides."""
    gemm_tile: int = 128
    """Tokens per tensor-core tile: a GEMM on fewer tokens costs as much as on this many."""
    hbm_usable: float = 0.90
    hbm_reserve_gb: float = 10.0
    mtp_acceptance: float = 0.70
    """Chance a draft token is accepted, each further draft token multiplying it again."""
    prefill_utilisation: float = 0.70

    def describe(self) -> list[str]:
        return [
            f"Compute efficiency in decode {self.compute_decode:.0%} of dense peak for expert GEMMs and "
            f"attention, {self.compute_dense:.0%} for dense GEMMs; {self.compute_prefill:.0%} in prefill; "
            "attention runs at the FP8 (BF16 for BF16 models) peak.",
            f"HBM efficiency {self.hbm:.0%} of peak bandwidth; {self.hbm_usable:.0%} of HBM usable, "
            f"{self.hbm_reserve_gb:g} GB reserved per GPU for activations and workspace.",
            f"Collectives reach {self.nvlink:.0%} of NVLink and {self.scale_out:.0%} of NIC bandwidth; "
            f"{self.nvlink_latency_s * 1e6:g} us per collective inside an NVLink domain, "
            f"{self.scale_out_latency_s * 1e6:g} us across the NICs.",
            f"{self.layer_overhead_s * 1e6:g} us of kernel overhead per layer per decode step.",
            f"GEMMs run in tiles of {self.gemm_tile} tokens: an expert (or a dense layer) multiplied by fewer "
            "tokens in a step costs a whole tile.",
            f"Speculative decoding with the model's MTP module: each draft token accepted with probability "
            f"{self.mtp_acceptance:.0%} (the next one {self.mtp_acceptance:.0%} of that, and so on).",
            f"Prefill GPUs run at {self.prefill_utilisation:.0%} utilisation (M/D/1 queue for TTFT).",
            "One set of factors for every design, fitted to S44's measured DeepSeek-R1 points (GB200 NVL72 "
            "and HGX B200, FP4 1k/1k and FP8 8k/1k).",
        ]


EFFICIENCY = Efficiency()


@dataclass(frozen=True)
class Platform:
    """What the serving model reads of a design (or of a what-if fabric for the same GPUs)."""

    accelerator: str
    accelerators: int
    domain_size: int
    switched: bool
    scale_up_gbps: float
    """Per GPU, per direction: what one GPU can send into the domain."""
    pair_gbps: float
    """Per direction between two GPUs of the domain (a mesh's direct links; a switched domain: all of it)."""
    alltoall_gbps: float
    scale_out_gbps: float
    power_w: float
    """The design's power (all parts); per MW figures divide by it."""
    fabric: str
    """How the domain is built, for the assumptions ('18 switch chips, 1 tier', '4-GPU direct mesh')."""
    nvlink_latency_s: float | None = None
    """Per-collective latency of this scale-up fabric when it differs from `Efficiency.nvlink_latency_s`."""

    def group_gbps(self, gpus: np.ndarray) -> np.ndarray:
        """Per-GPU bandwidth a group of `gpus` GPUs inside the domain gets for collectives among itself."""
        direct = self.pair_gbps * np.maximum(gpus - 1, 1)
        return np.minimum(self.scale_up_gbps, direct) if not self.switched else np.full(gpus.shape, self.scale_up_gbps)


@dataclass(frozen=True)
class Layout:
    gpus: int
    tp: int
    dp: int
    ep: int
    pp: int
    mtp: int
    """Draft tokens verified per step (0: no speculative decoding)."""
    batch_per_rank: int
    concurrency: int
    """Sequences in flight in the instance."""
    domains: int
    """NVLink domains the decode instance spans (1: all inside one domain)."""
    prefill_gpus: int

    def label(self) -> str:
        parts = [f"TP{self.tp}"]
        if self.ep > 1:
            parts.append(f"EP{self.ep}")
        if self.dp > 1:
            parts.append(f"DP-attn{self.dp}")
        if self.pp > 1:
            parts.append(f"PP{self.pp}")
        if self.mtp:
            parts.append(f"MTP{self.mtp}")
        span = f", {self.domains} domains" if self.domains > 1 else ""
        return f"{' '.join(parts)} on {self.gpus} GPUs{span}, {self.concurrency} in flight"


@dataclass(frozen=True)
class FrontierPoint:
    tokens_per_s_per_user: float
    tokens_per_s_per_gpu: float
    """Input + output tokens per second per GPU (prefill and decode GPUs counted), the S44 convention."""
    output_tokens_per_s_per_gpu: float
    tokens_per_s_per_mw: float
    ttft_s: float
    step_s: float
    bottleneck: str
    layout: Layout

    def to_dict(self) -> dict:
        out = asdict(self)
        out["layout"] = {"label": self.layout.label(), **asdict(self.layout)}
        return out


@dataclass
class ServingResult:
    design: str
    model: str
    precision: str
    isl: int
    osl: int
    estimable: bool
    missing: list[str] = field(default_factory=list)
    """Catalog figures that are missing when the design is not estimable ('b200-hgx: memory_bw_gbytes')."""
    reason: str = ""
    platform: Platform | None = None
    compute_precision: str = ""
    frontier: list[FrontierPoint] = field(default_factory=list)
    prefill_ttft_s: float = 0.0
    assumptions: list[dict] = field(default_factory=list)
    """{"text", "source"}: every figure and factor the result rests on."""

    @property
    def max_interactivity(self) -> float:
        return max((p.tokens_per_s_per_user for p in self.frontier), default=0.0)

    def at(self, tokens_per_s_per_user: float) -> FrontierPoint | None:
        """The best point that gives every user at least this rate (None when out of reach)."""
        best = None
        for point in self.frontier:
            if point.tokens_per_s_per_user >= tokens_per_s_per_user and (
                    best is None or point.tokens_per_s_per_gpu > best.tokens_per_s_per_gpu):
                best = point
        return best

    def to_dict(self) -> dict:
        return {
            "design": self.design, "model": self.model, "precision": self.precision,
            "compute_precision": self.compute_precision, "isl": self.isl, "osl": self.osl,
            "estimable": self.estimable, "missing": self.missing, "reason": self.reason,
            "platform": asdict(self.platform) if self.platform else None,
            "frontier": [p.to_dict() for p in self.frontier],
            "assumptions": self.assumptions,
        }


# ----------------------------------------------------------------- platform
def design_platform(design: Design, catalog: Catalog | None = None, *, index: DesignIndex | None = None,
                    fabrics: list[DomainFabric] | None = None) -> tuple[Platform | None, PartSpec | None, str]:
    """The design's platform: its largest NVLink domain's accelerator and fabric, its NICs and power.

    Returns (platform, accelerator part, why not) with a reason when the design has no usable accelerator.
    """
    index = _figures(design, catalog, index)
    fabrics = fabrics if fabrics is not None else domain_fabrics(design, index=index)
    if not fabrics:
        return None, None, "the design has no accelerators"
    top = fabrics[0]
    parts = {p.id: p for p in (index.part(a) for a in top.accelerators) if p is not None}
    if not parts:
        return None, None, "the accelerators of the largest NVLink domain are not in the catalog"
    part = min(parts.values(), key=lambda p: (_peak(p), p.id))
    pair = _pair_gbps(index, top)
    power = index.total_power_w()
    if top.tiers == 0 and top.size > 1:
        fabric = f"{top.size}-GPU direct mesh, {pair:,.0f} Gb/s per pair"
    elif top.size > 1:
        fabric = f"{top.size}-GPU domain on {top.switches} switch chips in {top.tiers} tier(s)"
    else:
        fabric = "a single accelerator (no scale-up domain)"
    platform = Platform(
        accelerator=part.id, accelerators=len(index.accelerators), domain_size=top.size,
        switched=top.tiers > 0, scale_up_gbps=top.scale_up_gbps_per_gpu, pair_gbps=pair,
        alltoall_gbps=top.alltoall_gbps_per_gpu,
        scale_out_gbps=scale_out_gbps_per_accelerator(index, top.accelerators), power_w=power, fabric=fabric,
    )
    return platform, part, ""


def _figures(design: Design, catalog: Catalog | None, index: DesignIndex | None) -> Figures:
    """The design's Figures (the owner of its power, optics included): the caller's if it passed them."""
    if isinstance(index, Figures) and index.design is design:
        return index
    return Figures(design, catalog or (index.catalog if index is not None else None))


def _peak(part: PartSpec) -> float:
    for precision in PRECISIONS:
        fig = getattr(part, _FLOPS_FIELD[precision])
        if fig is not None:
            return fig.value
    return 0.0


def _pair_gbps(index: DesignIndex, domain: DomainFabric) -> float:
    """Direct per-direction Gb/s between the first accelerator and its best-connected peer (mesh), or the
    full scale-up bandwidth when the domain is switched (any pair can use every link)."""
    if domain.tiers > 0 or domain.size < 2:
        return domain.scale_up_gbps_per_gpu
    first = domain.accelerators[0]
    members = set(domain.accelerators)
    per_peer: dict[str, float] = {}
    for link in index.links_of.get(first, ()):
        other = link.b.node if link.a.node == first else link.a.node
        if other in members and other != first:
            per_peer[other] = per_peer.get(other, 0.0) + index.link_gbps(link)
    return max(per_peer.values(), default=0.0)


# ----------------------------------------------------------------- the model
def serving(
    design: Design, model: ModelSpec | str, precision: str = "fp4", isl: int = 1024, osl: int = 1024, *,
    catalog: Catalog | None = None, index: DesignIndex | None = None, fabrics: list[DomainFabric] | None = None,
    platform: Platform | None = None, efficiency: Efficiency = EFFICIENCY, max_gpus: int | None = None,
) -> ServingResult:
    """Search layouts and batch sizes for `model` on the design; see the module docstring.

    `platform` replaces what the design offers (the what-if of `analysis.interconnects`); `max_gpus` caps a
    decode instance (default: 8 copies of the domain, at least 64 GPUs, at most 1,152). Never raises for a
    loadable design: a design that cannot be estimated says why, naming the missing catalog figure.
    """
    if isinstance(model, str):
        model = default_models().get(model)
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if isl < 1 or osl < 1:
        raise ValueError("input and output lengths must be at least 1 token")
    index = _figures(design, catalog, index)
    result = ServingResult(design=design.name, model=model.id, precision=precision, isl=isl, osl=osl,
                           estimable=False)
    part: PartSpec | None
    if platform is None:
        platform, part, reason = design_platform(design, index=index, fabrics=fabrics)
        if platform is None:
            result.reason = reason
            return result
    else:
        part = index.catalog.find(platform.accelerator)
        if part is None:
            result.reason = f"{platform.accelerator} is not in the catalog"
            return result
    result.platform = platform
    missing = [f"{part.id}: {name}" for name in ("memory_gb", "memory_bw_gbytes") if getattr(part, name) is None]
    compute_precision = next((p for p in PRECISIONS[PRECISIONS.index(precision):]
                              if getattr(part, _FLOPS_FIELD[p]) is not None), None)
    if compute_precision is None:
        missing.append(f"{part.id}: {_FLOPS_FIELD[precision]}")
    if missing:
        result.missing = missing
        result.reason = f"not estimable: the catalog has no {', '.join(missing)}"
        return result
    result.compute_precision = compute_precision
    _search(result, model, part, platform, precision, compute_precision, isl, osl, efficiency, max_gpus)
    result.estimable = True
    result.assumptions = _assumptions(result, model, part, platform, precision, compute_precision, efficiency)
    if not result.frontier:
        result.reason = "no layout fits: the weights and KV cache exceed the HBM the design can reach"
    return result


def _search(result: ServingResult, model: ModelSpec, part: PartSpec, plat: Platform, precision: str,
            compute_precision: str, isl: int, osl: int, eff: Efficiency, max_gpus: int | None) -> None:
    peak = getattr(part, _FLOPS_FIELD[compute_precision]).value * 1e15
    attn_precision = "bf16" if precision == "bf16" else "fp8"
    attn_fig = getattr(part, _FLOPS_FIELD[attn_precision]) or getattr(part, _FLOPS_FIELD[compute_precision])
    attn_peak = attn_fig.value * 1e15
    hbm = part.memory_bw_gbytes.value * 1e9 * eff.hbm
    usable = part.memory_gb.value * 1e9 * eff.hbm_usable - eff.hbm_reserve_gb * 1e9
    w = _WEIGHT_BYTES[precision]
    kv_b = _KV_BYTES[precision]
    D = max(plat.domain_size, 1)
    cap = max_gpus or min(max(8 * D, 64), 1152)
    nv_lat = plat.nvlink_latency_s if plat.nvlink_latency_s is not None else eff.nvlink_latency_s

    layouts = _layouts(model, D, cap, plat.scale_out_gbps > 0)
    if not layouts:
        return
    tp, dp, pp, d = (np.array(col, dtype=float)[:, None] for col in zip(*layouts))
    ep = tp * dp
    gpus = ep * pp
    b = BATCHES[None, :].astype(float)
    q = 1.0 + d
    ctx_avg = isl + osl / 2
    ctx_max = isl + osl

    # ---- weights and KV per GPU
    moe = model.is_moe
    n, k = max(model.experts, 1), model.experts_per_token
    routed = model.routed_params
    repl = model.replicated_params
    mtp_routed = model.expert_params * model.experts * model.mtp_layers
    mtp_repl = model.mtp_params - mtp_routed
    use_mtp = d > 0
    weights_bytes = (repl / pp / tp + routed / pp / ep
                     + np.where(use_mtp, mtp_repl / tp + mtp_routed / ep, 0.0)) * w
    kv_shard = np.minimum(tp, model.kv_heads if model.attention != "mha" else model.heads)
    kv_token = model.kv_elements_per_token(ctx_avg) * kv_b
    kv_token_max = model.kv_elements_per_token(ctx_max) * kv_b
    kv_capacity = b * ctx_max * kv_token_max / kv_shard  # every stage holds its layers for all pp micro-batches
    fits = weights_bytes + kv_capacity <= usable

    tokens_rank = b * q
    tokens_stage = tokens_rank * dp
    if moe:
        hit = 1.0 - np.power(1.0 - k / n, tokens_stage)
        expert_read = routed / pp / ep * hit * w
    else:
        expert_read = 0.0
    repl_read = repl / pp / tp * w
    mtp_read = np.where(use_mtp, (mtp_repl / tp + mtp_routed / ep * (1.0 - np.power(1.0 - k / n, b * dp) if moe else 0)) * w * d, 0.0)
    kv_read = b * ctx_avg * kv_token / kv_shard / pp
    mem_s = (repl_read + expert_read + kv_read + mtp_read) / hbm

    # GEMMs run in tensor-core tiles of `gemm_tile` tokens: a matrix multiplied by fewer tokens costs a tile.
    # Each GPU multiplies its attention-rank tokens by its 1/tp of the dense weights, and the tokens routed to
    # each of its experts by that expert: few tokens per expert waste most of the tile (narrow EP groups).
    active = model.derived_active_params
    tile = eff.gemm_tile
    routed_active = model.expert_params * k * model.moe_layers if moe else 0.0
    dense_active = active - routed_active
    flops_dense = np.maximum(tokens_rank, tile) / tp * 2 * dense_active / pp
    flops_linear = np.zeros_like(flops_dense)
    if moe:
        local = n / ep
        hits = local * hit
        per_expert = tokens_stage * k / n / np.maximum(hit, 1e-12)
        flops_linear = flops_linear + hits * np.maximum(per_expert, tile) * 2 * model.expert_params * model.moe_layers / pp
    flops_linear = flops_linear + np.where(use_mtp, np.maximum(b * d, tile) / tp * 2 * model.mtp_active_params, 0)
    flops_attn = tokens_rank / tp * model.attention_flops_per_token(ctx_avg, decode=True) / pp
    comp_s = (flops_dense / (peak * eff.compute_dense) + flops_linear / (peak * eff.compute_decode)
              + flops_attn / (attn_peak * eff.compute_decode))
    roof = np.maximum(comp_s, mem_s)

    # ---- expert all-to-all (per MoE layer: dispatch + combine)
    within = np.minimum(ep, D)
    spans = ep > D
    a2a_s = np.zeros_like(roof)
    if moe:
        bytes_layer = tokens_rank / tp * k * model.hidden * (_DISPATCH_BYTES[precision] + _COMBINE_BYTES)
        remote = (ep - 1) / np.maximum(ep, 1)
        f_nv = np.where(ep > 1, (within - 1) / np.maximum(ep - 1, 1), 0.0)
        f_so = 1.0 - f_nv
        nv_gbps = np.minimum(plat.group_gbps(within), plat.alltoall_gbps if D > 1 else 0.0)
        so_gbps = plat.scale_out_gbps
        with np.errstate(divide="ignore", invalid="ignore"):
            t_nv = np.where(f_nv > 0, f_nv * remote * bytes_layer * 8 / (nv_gbps * 1e9 * eff.nvlink), 0.0)
            t_so = np.where(f_so > 0, f_so * remote * bytes_layer * 8 / (so_gbps * 1e9 * eff.scale_out)
                            if so_gbps > 0 else np.inf, 0.0)
        lat = np.where(spans, eff.scale_out_latency_s, nv_lat)
        layers_moe = model.moe_layers / pp + np.where(use_mtp, d * model.mtp_layers, 0.0)
        a2a_s = np.where(ep > 1, (np.maximum(t_nv, t_so) + 2 * lat) * layers_moe, 0.0)

    # ---- tensor-parallel all-reduce (attention output; dense FFN layers add one more)
    ar_per_step = model.layers / pp + model.dense_layers / pp
    msg = tokens_rank * model.hidden * _ACT_BYTES
    tp_gbps = plat.group_gbps(tp) * eff.nvlink
    ar_s = np.where(tp > 1, (_ring(tp, msg, tp_gbps) + nv_lat) * ar_per_step, 0.0)

    # ---- pipeline hand-off and per-layer overhead
    pp_cross = gpus > D
    pp_gbps = np.where(pp_cross, plat.scale_out_gbps * eff.scale_out, plat.pair_gbps * eff.nvlink)
    with np.errstate(divide="ignore"):
        pp_s = np.where(pp > 1, tokens_stage * model.hidden * _ACT_BYTES * 8 / (pp_gbps * 1e9)
                        + np.where(pp_cross, eff.scale_out_latency_s, nv_lat), 0.0)
    overhead = (model.layers / pp + np.where(use_mtp, d * model.mtp_layers, 0.0)) * eff.layer_overhead_s

    step = roof + a2a_s + ar_s + pp_s + overhead
    accepted = np.ones_like(d)
    for i in range(1, 4):
        accepted = accepted + np.where(d >= i, eff.mtp_acceptance ** i, 0.0)
    per_user = accepted / (pp * step)
    out_per_gpu = b * accepted / (step * tp * pp)
    valid = fits & np.isfinite(step) & (step > 0)

    # ---- prefill (compute-bound, overlapped with its all-to-all) and TTFT
    prefill_gpus = _prefill_gpus(model, part, w, usable, D, eff)
    pre_flops = isl * (2 * active) / peak + isl * model.attention_flops_per_token(isl / 2, decode=False) / attn_peak
    pre_gpu_s = pre_flops / eff.compute_prefill
    pre_a2a = 0.0
    if moe and prefill_gpus > 1:
        inside = min(prefill_gpus, D)
        f_nv = (inside - 1) / (prefill_gpus - 1)
        per_gpu_bytes = isl / prefill_gpus * k * model.hidden * (_DISPATCH_BYTES[precision] + _COMBINE_BYTES)
        t_nv = f_nv * per_gpu_bytes * 8 / (float(plat.group_gbps(np.array([inside]))[0]) * 1e9 * eff.nvlink) if f_nv else 0
        t_so = ((1 - f_nv) * per_gpu_bytes * 8 / (plat.scale_out_gbps * 1e9 * eff.scale_out)
                if f_nv < 1 and plat.scale_out_gbps > 0 else (math.inf if f_nv < 1 else 0.0))
        pre_a2a = max(t_nv, t_so) * model.moe_layers
    prefill_latency = max(pre_gpu_s / prefill_gpus, pre_a2a) + model.layers * eff.layer_overhead_s
    pre_gpu_s = max(pre_gpu_s, pre_a2a * prefill_gpus)  # the slower of compute and all-to-all sets GPU time
    rho = eff.prefill_utilisation
    wait = prefill_latency * rho / (2 * (1 - rho))
    kv_bytes = isl * model.kv_elements_per_token(isl) * kv_b
    if plat.scale_out_gbps <= 0:  # no NICs: prefill shares the decode GPUs, the KV cache stays in place
        handover = 0.0
    else:
        inside = prefill_gpus + 1 <= D
        kv_gbps = plat.scale_up_gbps * eff.nvlink if inside else plat.scale_out_gbps * eff.scale_out
        handover = kv_bytes * 8 / (kv_gbps * 1e9)
    ttft = wait + prefill_latency + handover + step * pp
    result.prefill_ttft_s = wait + prefill_latency + handover

    decode_gpu_s = osl / np.where(valid, out_per_gpu, np.nan)
    total_per_gpu = (isl + osl) / (pre_gpu_s / rho + decode_gpu_s)
    per_mw = total_per_gpu * plat.accelerators / (plat.power_w / 1e6) if plat.power_w > 0 else np.zeros_like(step)

    # ---- Pareto frontier
    flat = np.flatnonzero(valid.ravel() & np.isfinite(total_per_gpu.ravel()))
    if flat.size == 0:
        return
    users = np.broadcast_to(per_user, step.shape).ravel()[flat]
    per_gpu = total_per_gpu.ravel()[flat]
    order = np.lexsort((-per_gpu, -users))
    keep, best = [], -1.0
    for i in order:
        if per_gpu[i] > best * (1 + 1e-9):
            keep.append(flat[i])
            best = per_gpu[i]
    shape = step.shape
    for flat_i in keep:
        li, bi = np.unravel_index(flat_i, shape)
        t = float(step[li, bi])
        parts = {"compute": float(np.broadcast_to(comp_s, shape)[li, bi]),
                 "memory": float(np.broadcast_to(mem_s, shape)[li, bi]),
                 "all-to-all": float(np.broadcast_to(a2a_s, shape)[li, bi]),
                 "all-reduce": float(np.broadcast_to(ar_s, shape)[li, bi]),
                 "overhead": float(np.broadcast_to(overhead + pp_s, shape)[li, bi])}
        lt, ld, lp, lm = (int(v) for v in layouts[li])
        lay = Layout(gpus=lt * ld * lp, tp=lt, dp=ld, ep=lt * ld if moe else 1, pp=lp, mtp=lm,
                     batch_per_rank=int(BATCHES[bi]), concurrency=int(BATCHES[bi]) * ld * lp,
                     domains=math.ceil(lt * ld * lp / D), prefill_gpus=prefill_gpus)
        result.frontier.append(FrontierPoint(
            tokens_per_s_per_user=float(np.broadcast_to(per_user, shape)[li, bi]),
            tokens_per_s_per_gpu=float(total_per_gpu[li, bi]),
            output_tokens_per_s_per_gpu=float(out_per_gpu[li, bi]),
            tokens_per_s_per_mw=float(np.broadcast_to(per_mw, shape)[li, bi]),
            ttft_s=float(np.broadcast_to(ttft, shape)[li, bi]),
            step_s=t, bottleneck=max(parts, key=parts.get), layout=lay,
        ))
    result.frontier.reverse()  # lowest interactivity (highest throughput) first


def _ring(gpus: np.ndarray, size_bytes: np.ndarray, gbps: np.ndarray) -> np.ndarray:
    """Vectorised `fabric.ring_allreduce_s` (the scalar owner of the formula)."""
    return np.vectorize(ring_allreduce_s, otypes=[float])(gpus, size_bytes, gbps)


def _layouts(model: ModelSpec, domain: int, cap: int, scale_out: bool) -> list[tuple[int, int, int, int]]:
    """(tp, dp, pp, mtp) candidates: TP inside the domain, groups beyond it only with NICs."""
    powers = [2 ** i for i in range(11)]
    tps = [t for t in powers if t <= domain and model.heads % t == 0]
    if model.is_moe:
        eps = sorted({e for e in powers + [domain * m for m in (1, 2, 4, 8, 16)] if e <= cap})
    else:
        eps = None
    pps = [p for p in (1, 2, 4, 8) if p <= model.layers]
    mtps = (0, 1, 2, 3) if model.mtp_layers else (0,)
    out = []
    for tp in tps:
        for pp in pps:
            dps = [e // tp for e in eps if e % tp == 0] if eps else [1]
            for dp in dps:
                gpus = tp * dp * pp
                if gpus > cap or (gpus > domain and not scale_out):
                    continue
                for m in mtps:
                    out.append((tp, dp, pp, m))
    return out


def _prefill_gpus(model: ModelSpec, part: PartSpec, w: float, usable: float, domain: int, eff: Efficiency) -> int:
    need = model.total_params * w / (0.7 * usable) if usable > 0 else math.inf
    gpus = 1
    while gpus < need and gpus < 4096:
        gpus *= 2
    return max(gpus, min(domain, 8)) if math.isfinite(need) else 4096


def _assumptions(result: ServingResult, model: ModelSpec, part: PartSpec, plat: Platform, precision: str,
                 compute_precision: str, eff: Efficiency) -> list[dict]:
    def cite(fig: Figure | None) -> str:
        return f"{part.id}: {fig.source} ({fig.confidence})" if fig else f"{part.id}: no figure"

    flops = getattr(part, _FLOPS_FIELD[compute_precision])
    out = [
        {"text": f"{model.name}: {model.total_params / 1e9:,.0f} B parameters, {model.active_params / 1e9:,.1f} B "
                 f"active per token, {model.layers} layers"
                 + (f", {model.experts} experts ({model.experts_per_token} per token)" if model.is_moe else "")
                 + f"; weights in {precision.upper()} ({_WEIGHT_BYTES[precision]:g} bytes per parameter), KV cache "
                 f"{_KV_BYTES[precision]:g} byte(s) per element ({model.kv_elements_per_token():,.0f} per token)"
                 + (" - architecture partly estimated" if model.estimates else ""),
         "source": f"{model.source} ({model.confidence})"},
        {"text": f"{part.model}: {flops.value:g} PFLOPS dense {compute_precision.upper()}",
         "source": cite(flops)},
        {"text": f"{part.model}: {part.memory_gb.value:g} GB HBM at {part.memory_bw_gbytes.value:,.0f} GB/s",
         "source": f"{cite(part.memory_gb)}; {cite(part.memory_bw_gbytes)}"},
        {"text": f"Scale-up: {plat.fabric}; {plat.scale_up_gbps:,.0f} Gb/s per GPU per direction, all-to-all "
                 f"{plat.alltoall_gbps:,.0f} Gb/s per GPU",
         "source": "design topology (analysis.fabric)"},
        {"text": f"Scale-out: {plat.scale_out_gbps:,.0f} Gb/s of NIC per GPU; copies of the domain joined by a "
                 "non-blocking scale-out network" if plat.scale_out_gbps else
                 "Scale-out: no NICs beside the GPUs, so every instance stays inside one domain",
         "source": "design NICs (analysis.experts)"},
        {"text": f"Power: {plat.power_w / 1e3:,.1f} kW for {plat.accelerators} accelerators (every part and the "
                 "optics its links plug in; network outside the design not counted)",
         "source": "design figures (catalog power_max_w)"},
        {"text": "Disaggregated serving: prefill and decode instances; tokens/s per GPU counts input plus output "
                 "tokens over all GPUs, as the published benchmark does", "source": "S44"},
    ]
    if compute_precision != precision:
        out.append({"text": f"{part.id} has no {precision.upper()} compute figure: weights stored in "
                            f"{precision.upper()}, computed at its {compute_precision.upper()} peak",
                    "source": cite(flops)})
    out += [{"text": line, "source": "RackCAD estimate, fitted to S44"} for line in eff.describe()]
    return out
