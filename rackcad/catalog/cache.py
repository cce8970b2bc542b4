"""A cache of parsed catalog YAML in the user cache folder, keyed by each file's path, mtime and size.

Parsing 50-odd YAML files costs more than the rest of a small command; the cache keeps the parsed data
(plain JSON) so the next run only validates it. It is an optimisation and never a source of truth:
- an entry is used only while its file's modification time and size are unchanged, and only by the same
  RackCAD version (a new schema may read the same YAML differently);
- a missing, unreadable, corrupt or foreign cache file is ignored and rewritten;
- data that JSON would not give back unchanged (dates, integer keys) is simply not cached;
- the file is written atomically (a temporary file in the same folder, then rename), so a crash or two
  processes at once never leave a half-written cache; failing to write it is silent.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rackcad._version import package_version
from rackcad.userdirs import cache_dir

CACHE_NAME = "catalog-cache.json"
FORMAT = "rackcad-catalog-cache"


def default_cache_path() -> Path:
    return cache_dir() / CACHE_NAME


class ParseCache:
    """Parsed data by file path; `get(path, parse)` returns cached data or parses and remembers it."""

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        self.used: set[str] = set()
        self.dirty = False
        self.hits = 0
        if path is not None:
            self.entries = _read(path)

    def get(self, file: Path, parse: Callable[[Path], Any]) -> Any:
        name = str(Path(file).resolve())
        stat = os.stat(file)
        key = [stat.st_mtime_ns, stat.st_size]
        self.used.add(name)
        entry = self.entries.get(name)
        if entry is not None and entry.get("key") == key:
            self.hits += 1
            return entry["data"]
        data = parse(file)
        if _json_safe(data):
            self.entries[name] = {"key": key, "data": data}
            self.dirty = True
        return data

    def save(self) -> None:
        """Write the entries of the files read this run (forgetting deleted ones), if anything changed."""
        stale = set(self.entries) - self.used
        if self.path is None or not (self.dirty or stale):
            return
        kept = {name: entry for name, entry in self.entries.items() if name in self.used}
        payload = json.dumps({"format": FORMAT, "version": package_version(), "files": kept}, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{CACHE_NAME}.", suffix=".tmp", dir=self.path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("version") != package_version():
        return {}
    files = raw.get("files")
    if not isinstance(files, dict):
        return {}
    return {name: entry for name, entry in files.items()
            if isinstance(entry, dict) and isinstance(entry.get("key"), list) and "data" in entry}


def _json_safe(data: Any) -> bool:
    try:
        return json.loads(json.dumps(data)) == data
    except (TypeError, ValueError):
        return False


_active: ParseCache | None = None


def active() -> ParseCache | None:
    """The cache of the catalog load in progress, if any (see `caching`)."""
    return _active


@contextmanager
def caching(path: Path | None = None):
    """Use one ParseCache while loading a catalog, then save it: `with caching(): Catalog(...)`."""
    global _active
    previous = _active
    _active = ParseCache(default_cache_path() if path is None else path)
    try:
        yield _active
    finally:
        cache, _active = _active, previous
        cache.save()
