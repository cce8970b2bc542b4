"""Interchange with the tools users already keep: NetBox (device types and bulk CSV, both ways, and an
optional push through its API), draw.io diagrams, DXF floor plans, and simulator topologies (ASTRA-sim,
SimAI). Sits between cli/ and export/: it reads the design, the catalog and the figures the lower layers
own, and writes other tools' formats."""


class InteropError(ValueError):
    """A file or request another tool's format cannot carry: one clear line, exit code 2 in the CLI."""
