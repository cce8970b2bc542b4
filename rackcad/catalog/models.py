"""ModelSpec: one LLM architecture (one YAML file in rackcad/assets/models/), and its loader.

User folders add or override models by id, like the parts catalog:
  1. `~/.config/rackcad/models/` (or `$XDG_CONFIG_HOME/rackcad/models/`)
  2. each folder in `$RACKCAD_MODELS_PATH` (os.pathsep-separated)

The serving model (`rackcad.analysis.serving`) reads only what a forward pass costs: parameter counts split
by where they live (attention, dense FFN, routed and shared experts, embeddings), FLOPs per token, KV-cache
elements per token, and the expert routing. The split is derived from the architecture fields here, so a
user model needs the same handful of config.json figures, not a hand-made breakdown.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rackcad.catalog.loader import load_spec_file, packaged_catalog_dir, user_catalog_dirs
from rackcad.catalog.schema import Confidence


class ModelSpec(BaseModel):
    """An LLM as the serving model sees it. Parameter counts are plain numbers (not billions)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    id: str
    name: str
    description: str = ""
    source: str
    confidence: Confidence
    estimates: list[str] = Field(default_factory=list)
    """Fields whose value is our estimate (the rest carry `confidence`)."""
    note: str = ""
    total_params: float = Field(gt=0)
    active_params: float = Field(gt=0)
    layers: int = Field(ge=1)
    hidden: int = Field(ge=1)
    vocab: int = Field(ge=1)
    tied_embeddings: bool = False
    attention: Literal["mha", "gqa", "mla"]
    heads: int = Field(ge=1)
    kv_heads: int = Field(ge=1)
    head_dim: int = Field(ge=1)
    """Query/key width per head (MLA: the no-rope part plus the rope part, 128 + 64 on DeepSeek-V3)."""
    v_head_dim: int | None = None
    q_lora_rank: int | None = None
    kv_lora_rank: int | None = None
    rope_dim: int | None = None
    sliding_window: int | None = None
    sliding_layers: int = 0
    ffn: Literal["swiglu", "gelu"] = "swiglu"
    dense_layers: int = Field(ge=0)
    dense_intermediate: int = Field(ge=0)
    experts: int = 0
    experts_per_token: int = 0
    shared_experts: int = 0
    expert_intermediate: int = 0
    mtp_layers: int = 0
    """Multi-token-prediction modules (DeepSeek-V3/R1: 1), usable as a speculative-decoding draft head."""

    @model_validator(mode="after")
    def _check(self) -> "ModelSpec":
        if self.dense_layers > self.layers:
            raise ValueError(f"dense_layers ({self.dense_layers}) exceeds layers ({self.layers})")
        if self.moe_layers and not (self.experts and self.experts_per_token and self.expert_intermediate):
            raise ValueError("a model with MoE layers needs experts, experts_per_token and expert_intermediate")
        if self.experts_per_token > self.experts:
            raise ValueError("experts_per_token exceeds experts")
        if self.attention == "mla" and not (self.kv_lora_rank and self.rope_dim):
            raise ValueError("MLA attention needs kv_lora_rank and rope_dim")
        if self.sliding_layers > self.layers:
            raise ValueError("sliding_layers exceeds layers")
        if self.active_params > self.total_params:
            raise ValueError("active_params exceeds total_params")
        return self

    # ------------------------------------------------------------- structure
    @property
    def moe_layers(self) -> int:
        return self.layers - self.dense_layers

    @property
    def is_moe(self) -> bool:
        return self.moe_layers > 0 and self.experts > 0

    @property
    def _matrices(self) -> int:
        return 3 if self.ffn == "swiglu" else 2

    @property
    def attention_params_per_layer(self) -> float:
        h, heads = self.hidden, self.heads
        v = self.v_head_dim or self.head_dim
        if self.attention == "mla":
            q = (h * self.q_lora_rank + self.q_lora_rank * heads * self.head_dim if self.q_lora_rank
                 else h * heads * self.head_dim)
            kv = h * (self.kv_lora_rank + self.rope_dim) + self.kv_lora_rank * heads * (self.head_dim - self.rope_dim + v)
            return q + kv + heads * v * h
        kv_heads = heads if self.attention == "mha" else self.kv_heads
        return h * heads * self.head_dim + 2 * h * kv_heads * self.head_dim + heads * v * h

    @property
    def expert_params(self) -> float:
        """Parameters of one routed (or shared) expert of one layer."""
        return self._matrices * self.hidden * self.expert_intermediate

    @property
    def routed_params(self) -> float:
        return self.expert_params * self.experts * self.moe_layers if self.is_moe else 0.0

    @property
    def embedding_params(self) -> float:
        return self.vocab * self.hidden * (1 if self.tied_embeddings else 2)

    @property
    def replicated_params(self) -> float:
        """Everything but the routed experts: attention, dense FFNs, shared experts, embeddings (no MTP)."""
        dense = self._matrices * self.hidden * self.dense_intermediate * self.dense_layers
        shared = self.expert_params * self.shared_experts * self.moe_layers
        return self.attention_params_per_layer * self.layers + dense + shared + self.embedding_params

    @property
    def derived_total_params(self) -> float:
        return self.replicated_params + self.routed_params

    @property
    def derived_active_params(self) -> float:
        """Parameters one token multiplies (2 FLOPs each): everything but the unrouted experts."""
        routed = self.expert_params * self.experts_per_token * self.moe_layers if self.is_moe else 0.0
        return self.replicated_params - (0 if self.tied_embeddings else self.vocab * self.hidden) + routed

    @property
    def mtp_params(self) -> float:
        """One MTP module: a full MoE layer plus its projection (DeepSeek: 11.5 B unique)."""
        if not self.mtp_layers:
            return 0.0
        layer = self.attention_params_per_layer + self.expert_params * (self.experts + self.shared_experts)
        return self.mtp_layers * (layer + 2 * self.hidden * self.hidden)

    @property
    def mtp_active_params(self) -> float:
        if not self.mtp_layers:
            return 0.0
        layer = self.attention_params_per_layer + self.expert_params * (self.experts_per_token + self.shared_experts)
        return self.mtp_layers * (layer + 2 * self.hidden * self.hidden)

    # ------------------------------------------------------------- per token
    def kv_elements_per_token(self, context: float | None = None) -> float:
        """KV-cache elements one token of context adds over all layers (sliding layers cap at their window
        once the context is longer: pass `context` to get the average over a context of that length)."""
        if self.attention == "mla":
            per_layer = float(self.kv_lora_rank + self.rope_dim)
        else:
            kv_heads = self.heads if self.attention == "mha" else self.kv_heads
            per_layer = 2.0 * kv_heads * self.head_dim
        full = self.layers - self.sliding_layers
        sliding = self.sliding_layers
        if sliding and self.sliding_window and context and context > self.sliding_window:
            sliding *= self.sliding_window / context
        return per_layer * (full + sliding)

    def attention_flops_per_token(self, context: float, decode: bool) -> float:
        """Score and value FLOPs of one token attending to `context` earlier tokens, all layers.

        Decode with MLA works in the latent space (the weights absorbed: 576 + 512 elements per head on
        DeepSeek-V3); prefill and the other attentions use the per-head widths."""
        if self.attention == "mla" and decode:
            width = (self.kv_lora_rank + self.rope_dim) + self.kv_lora_rank
        else:
            width = self.head_dim + (self.v_head_dim or self.head_dim)
        full = self.layers - self.sliding_layers
        window = min(context, self.sliding_window) if self.sliding_window else context
        return 2.0 * self.heads * width * (full * context + self.sliding_layers * window)

    def a2a_elements_per_token(self) -> float:
        """Hidden-state elements one token sends to experts per MoE layer (dispatch; combine returns as many)."""
        return float(self.experts_per_token * self.hidden) if self.is_moe else 0.0


# ----------------------------------------------------------------- loading
def packaged_models_dir() -> Path:
    """`models/` beside the packaged catalog (so `RACKCAD_ASSETS` moves both)."""
    return packaged_catalog_dir().parent / "models"


def user_models_dirs() -> list[Path]:
    extra = os.environ.get("RACKCAD_MODELS_PATH", "")
    return [user_catalog_dirs()[0].parent / "models"] + [Path(p) for p in extra.split(os.pathsep) if p]


def load_model_file(path: Path) -> ModelSpec:
    return load_spec_file(path, ModelSpec, "model")


class Models:
    """LLM models by id; packaged first, then user folders that add or override them."""

    def __init__(self, folders: Iterable[Path]):
        self.folders = list(folders)
        self._models: dict[str, ModelSpec] = {}
        self.origin: dict[str, Path] = {}
        for folder in self.folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.yaml")):
                model = load_model_file(path)
                self._models[model.id] = model
                self.origin[model.id] = path

    def get(self, model_id: str) -> ModelSpec:
        try:
            return self._models[model_id]
        except KeyError:
            known = ", ".join(sorted(self._models))
            raise KeyError(f"unknown model {model_id!r}; choose one of: {known}") from None

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def __iter__(self):
        return iter(sorted(self._models.values(), key=lambda m: m.id))

    def __len__(self) -> int:
        return len(self._models)

    def ids(self) -> list[str]:
        return sorted(self._models)


@lru_cache(maxsize=1)
def default_models() -> Models:
    return Models([packaged_models_dir(), *user_models_dirs()])
