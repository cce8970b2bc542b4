"""Reading and writing .rackcad files.

Layout: a JSON object whose top-level keys follow the model's field order; each rack, node, link and waiver
is one line (its default-valued fields left out), so adding a part is a one-line diff in git.
Save is atomic: write a temporary file in the same folder, fsync, rename over the target.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ValidationError

from rackcad.files.migrations import MigrationError, migrate
from rackcad.model import FORMAT_NAME, Design

_ITEM_LISTS = ("racks", "nodes", "links", "waivers")


class LoadError(ValueError):
    """A file that cannot be opened: `str()` names the file and the place (line/column or field path)."""

    def __init__(self, path: str | os.PathLike | None, where: str, problem: str):
        self.path = str(path) if path is not None else "<string>"
        self.where = where
        self.problem = problem
        super().__init__(f"{self.path}: {where}: {problem}" if where else f"{self.path}: {problem}")


def _item_json(item: BaseModel) -> str:
    data = item.model_dump(mode="json", exclude_defaults=True)
    data = {"id": data.pop("id"), **data} if "id" in data else data
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def dumps(design: Design) -> str:
    """Serialise a design to the file text (deterministic: same design, same bytes)."""
    lines = ["{"]
    fields = list(type(design).model_fields)
    for i, name in enumerate(fields):
        comma = "," if i < len(fields) - 1 else ""
        value = getattr(design, name)
        if name in _ITEM_LISTS:
            if not value:
                lines.append(f'  "{name}": []{comma}')
                continue
            lines.append(f'  "{name}": [')
            for j, item in enumerate(value):
                lines.append(f"    {_item_json(item)}{',' if j < len(value) - 1 else ''}")
            lines.append(f"  ]{comma}")
        else:
            dumped = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
            text = json.dumps(dumped, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            lines.append(f'  "{name}": {text}{comma}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _file_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 less the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save(design: Design, path: str | os.PathLike) -> None:
    """Write atomically: a crash at any point leaves either the old file or the new one, never half of one."""
    target = Path(path)
    text = dumps(design).encode("utf-8")
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(tmp, _file_mode(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of_item(text: str, loc: tuple) -> str:
    """The line number of the list item a validation error points into (items are one per line)."""
    if len(loc) >= 2 and loc[0] in _ITEM_LISTS and isinstance(loc[1], int):
        lines = text.splitlines()
        for start, line in enumerate(lines):
            if line.strip().startswith(f'"{loc[0]}"'):
                target = start + 1 + loc[1]
                if target < len(lines):
                    return f"line {target + 1}, "
    return ""


def loads(text: str, path: str | os.PathLike | None = None) -> Design:
    """Parse, migrate and validate file text. Raises LoadError naming the place of the first problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = "file ends early (truncated?)" if exc.pos >= len(text.rstrip()) else exc.msg
        raise LoadError(path, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {problem}") from None
    if not isinstance(data, dict):
        raise LoadError(path, "line 1", "expected a JSON object with a 'format' key")
    if data.get("format") != FORMAT_NAME:
        raise LoadError(path, "format", f"expected \"{FORMAT_NAME}\", found {data.get('format')!r}")
    try:
        data = migrate(data)
    except MigrationError as exc:
        raise LoadError(path, "", str(exc)) from None
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _line_of_item(text, first["loc"]) + _field_path(first["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise LoadError(path, where, f"{first['msg']}{more}") from None
    seen: dict[str, str] = {}
    for list_name in ("racks", "nodes", "links"):
        for i, item in enumerate(getattr(design, list_name)):
            place = f"{list_name}[{i}]"
            if item.id in seen:
                raise LoadError(path, f"{place}.id", f"duplicate id {item.id!r} (also {seen[item.id]})")
            seen[item.id] = place
    return design


def load(path: str | os.PathLike) -> Design:
    """Read a .rackcad file. Raises LoadError (file missing, unreadable, not UTF-8, bad JSON, bad types)."""
    target = Path(path)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raise LoadError(path, "", "no such file") from None
    except IsADirectoryError:
        raise LoadError(path, "", "is a folder, not a design file") from None
    except OSError as exc:
        raise LoadError(path, "", exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(path, f"line {line}, byte {exc.start}", "not UTF-8 text") from None
    if not text.strip():
        raise LoadError(path, "line 1", "file is empty")
    return loads(text, path)
