"""Interconnect protocols as data: per-accelerator bandwidth, topology and domain size of each scale-up
fabric (rackcad/assets/interconnects/protocols.yaml), for comparisons and what-if serving runs."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from rackcad.catalog.loader import CatalogError, _error_path, packaged_catalog_dir
from rackcad.catalog.schema import Confidence


class Interconnect(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    generation: int | None = None
    year: int
    links_per_gpu: int = Field(ge=1)
    gbps_per_gpu: float = Field(gt=0)
    """Per direction, per accelerator."""
    topology: Literal["switch", "mesh"]
    domain: int = Field(ge=2)
    """Accelerators in one domain as the protocol is usually built."""
    latency_s: float | None = None
    source: str
    confidence: Confidence
    note: str = ""

    @property
    def gbytes_bidir(self) -> float:
        """The vendor form: GB/s, both directions added."""
        return self.gbps_per_gpu * 2 / 8


@lru_cache(maxsize=1)
def interconnects() -> dict[str, Interconnect]:
    path = packaged_catalog_dir().parent / "interconnects" / "protocols.yaml"
    try:
        rows = TypeAdapter(list[Interconnect]).validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise CatalogError(f"{path}: {_error_path(exc)}") from exc
    return {row.id: row for row in rows}
