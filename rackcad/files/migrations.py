"""Step-by-step schema migrations: MIGRATIONS[n] turns a version-n document (a dict) into version n+1.

Version 1 is the first released schema; its frozen sample is tests/files/samples/v1.rackcad. When the
schema changes, bump SCHEMA_VERSION in model/design.py, add MIGRATIONS[old] here, and freeze a new sample.
"""

from __future__ import annotations

from collections.abc import Callable

from rackcad.model import SCHEMA_VERSION

Migration = Callable[[dict], dict]

MIGRATIONS: dict[int, Migration] = {}


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
