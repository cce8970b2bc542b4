"""Step-by-step schema migrations: MIGRATIONS[n] turns a version-n document (a dict) into version n+1.

Version 1 is the first released schema; its frozen sample is tests/files/samples/v1.rackcad. Version 2
adds blocks, instances and wiring patterns (`rackcad.model.blocks`), each list left out of the file while
empty; a version-1 file is a version-2 file without them (samples/v2.rackcad is the frozen v2 sample).
When the schema changes, bump SCHEMA_VERSION in model/design.py, add MIGRATIONS[old] here, and freeze a
new sample.
"""

from __future__ import annotations

from collections.abc import Callable

from rackcad.model import SCHEMA_VERSION

Migration = Callable[[dict], dict]



def _v1_to_v2(data: dict) -> dict:
    """Version 1 has no blocks, instances or patterns; those keys must not be there yet."""
    for key in ("blocks", "instances", "patterns"):
        if key in data:
            raise MigrationError(f"{key}: a schema_version 1 file has no {key} (they came with version 2)")
    return data


MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2}


class MigrationError(ValueError):
    pass


def migrate(data: dict, target: int = SCHEMA_VERSION) -> dict:
    """Apply migrations one version at a time until `data` is at `target`."""
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise MigrationError("schema_version: must be an integer")
    if version > target:
        raise MigrationError(
            f"schema_version: {version} is newer than this RackCAD supports ({target}); upgrade RackCAD"
        )
    while version < target:
        step = MIGRATIONS.get(version)
        if step is None:
            raise MigrationError(f"schema_version: no migration from version {version}")
        data = step(data)
        version += 1
        data["schema_version"] = version
    return data
