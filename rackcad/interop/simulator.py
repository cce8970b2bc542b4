"""Simulator topologies (ASTRA-sim, SimAI): written in a later step."""

from __future__ import annotations

from rackcad.interop import InteropError


def write_topology(design, path, fmt: str, latency_ns: float | None = None) -> str:
    raise InteropError("simulator export is not available yet")
