"""Reading and writing .rackcad files.

Layout: a JSON object whose top-level keys follow the model's field order; each rack, node, link and waiver
is one line (its default-valued fields left out), so adding a part is a one-line diff in git.
Save is atomic (files/atomic.py): write a temporary file in the same folder, fsync, rename over the target.
Load is strict and bounded (files/bounded_json.py and the model's constraints).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from rackcad.files.atomic import write_pieces
from rackcad.files.bounded_json import JsonProblem, parse
from rackcad.files.migrations import MigrationError, migrate
from rackcad.memory import without_cyclic_gc
from rackcad.model import FORMAT_NAME, SCHEMA_VERSION, Design, parent_loop
from rackcad.progress import Progress, no_progress
from rackcad.text import escaped, shorten, shown

_ITEM_LISTS = ("racks", "nodes", "links", "waivers")
_BLOCK_LISTS = ("blocks", "instances", "patterns")
"""Schema 2: left out of the file while empty, so a design without blocks reads as before."""


MAX_FILE_BYTES = 64 * 2**20
"""Largest design file read (the largest shipped example, 576 GPUs, is 2.3 MB)."""
MAX_ITEMS = {"racks": 10_000, "nodes": 1_000_000, "links": 1_000_000, "waivers": 100_000}
"""Items per list, checked before the model builds any of them."""
BYTE_ORDER_MARK = "\ufeff"
"""Some editors start UTF-8 files with one; it is not part of the JSON."""
MESSAGE_CHARS = 300
LOAD_STEPS = 4
"""Steps a load reports: read, parse, model, ids."""
"""A LoadError's one line is at most this long, however long the path or the offending value."""


class LoadError(ValueError):
    """A file that cannot be opened: `str()` names the file and the place (line/column or field path).

    The line is printable (control characters escaped) and at most MESSAGE_CHARS long.
    """

    def __init__(self, path: str | os.PathLike | None, where: str, problem: str):
        self.path = str(path) if path is not None else "<string>"
        self.where = where
        self.problem = problem
        shown_path = shorten(escaped(self.path), 120)
        head = f"{shown_path}: {shorten(escaped(where), 80)}: " if where else f"{shown_path}: "
        super().__init__(head + shorten(escaped(problem), MESSAGE_CHARS - len(head) - 10))


def _item_json(item: BaseModel) -> str:
    data = item.model_dump(mode="json", exclude_defaults=True)
    data = {"id": data.pop("id"), **data} if "id" in data else data
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def _item_lines(items: list[BaseModel], indent: str) -> list[str]:
    return [f"{indent}{_item_json(item)}{',' if j < len(items) - 1 else ''}" for j, item in enumerate(items)]


def _list_lines(key: str, items: list[BaseModel], indent: str, comma: str) -> list[str]:
    if not items:
        return [f'{indent}"{key}": []{comma}']
    return [f'{indent}"{key}": [', *_item_lines(items, indent + "  "), f"{indent}]{comma}"]


def _block_lines(name: str, items: list[BaseModel], comma: str) -> list[str]:
    """A block: its head on one line, then its racks, nodes and links one per line. An instance: one line.
    A pattern: its head on one line, then its rows of ends one per line."""
    if name == "instances":
        return _list_lines(name, items, "  ", comma)
    lines = [f'  "{name}": [']
    for j, item in enumerate(items):
        lists = ("racks", "nodes", "links") if name == "blocks" else ("ends",)
        head = item.model_dump(mode="json", exclude_defaults=True, exclude=set(lists))
        head = {"id": head.pop("id"), **head}
        lines.append("    {" + json.dumps(head, ensure_ascii=False, separators=(", ", ": "))[1:-1] + ",")
        for k, key in enumerate(lists):
            inner = "," if k < len(lists) - 1 else ""
            values = getattr(item, key)
            if key == "ends":
                rows = [json.dumps(row, ensure_ascii=False) for row in values]
                lines.append(f'     "ends": [' if rows else f'     "ends": []{inner}')
                if rows:
                    lines.extend(f"       {row}{',' if r < len(rows) - 1 else ''}" for r, row in enumerate(rows))
                    lines.append(f"     ]{inner}")
            else:
                lines.extend(_list_lines(key, values, "     ", inner))
        lines.append(f"    }}{',' if j < len(items) - 1 else ''}")
    lines.append(f"  ]{comma}")
    return lines


def file_version(design: Design) -> int:
    """The schema version a design is written as: 2 when it holds blocks, instances or patterns, else 1,
    the version whose files hold nothing else, so such a design keeps its bytes and older RackCAD
    versions still open it."""
    return SCHEMA_VERSION if any(getattr(design, name) for name in _BLOCK_LISTS) else 1


SAVE_CHUNK = 4096
"""Items (racks, nodes, links, waivers) written between two progress reports of a save."""


def iter_dump(design: Design, progress: Progress | None = None) -> Iterator[str]:
    """The file text of a design in pieces, item line by item line (see `dumps`); `progress` hears of every
    SAVE_CHUNK items written."""
    fields = [name for name in type(design).model_fields if name not in _BLOCK_LISTS or getattr(design, name)]
    total = sum(len(getattr(design, name)) for name in _ITEM_LISTS if name in fields)
    done = 0
    if progress:
        progress(0, total, "saving")
    yield "{\n"
    for i, name in enumerate(fields):
        comma = "," if i < len(fields) - 1 else ""
        value = getattr(design, name)
        if name == "schema_version":
            yield f'  "schema_version": {file_version(design)}{comma}\n'
        elif name in _BLOCK_LISTS:
            yield "".join(line + "\n" for line in _block_lines(name, value, comma))
        elif name in _ITEM_LISTS:
            if not value:
                yield f'  "{name}": []{comma}\n'
                continue
            yield f'  "{name}": [\n'
            last = len(value) - 1
            for start in range(0, len(value), SAVE_CHUNK):
                chunk = value[start : start + SAVE_CHUNK]
                yield "".join(f"    {_item_json(item)}{',' if start + j < last else ''}\n"
                              for j, item in enumerate(chunk))
                done += len(chunk)
                if progress:
                    progress(done, total, "saving")
            yield f"  ]{comma}\n"
        else:
            dumped = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
            text = json.dumps(dumped, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            yield f'  "{name}": {text}{comma}\n'
    yield "}\n"


def dumps(design: Design) -> str:
    """Serialise a design to the file text (deterministic: same design, same bytes)."""
    return "".join(iter_dump(design))


def save(design: Design, path: str | os.PathLike, mode: int | None = None, progress: Progress | None = None) -> None:
    """Write atomically (files/atomic.py): a crash at any point leaves the old file or the new one.

    The text is written item by item (`iter_dump`), never held whole in memory. Through a symlink the
    linked file is written; a new file gets `mode` (e.g. 0o600 for a private recovery file), an existing
    one keeps its permissions. OSError (read-only folder, full disk, a folder in the way) names `path`,
    and the old file is kept; so does `Cancelled` raised by `progress`.
    """
    try:
        write_pieces(path, iter_dump(design, progress), mode)
    except OSError as exc:
        if exc.filename is None or os.fspath(exc.filename) != os.fspath(path):  # a write error, or the temp file
            raise type(exc)(exc.errno, exc.strerror, os.fspath(path)) from None
        raise


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of_item(text: str, loc: tuple) -> str:
    """The line number of the list item a problem points into (items are one per line in a saved file)."""
    if len(loc) >= 2 and loc[0] in _ITEM_LISTS and isinstance(loc[1], int):
        lines = text.splitlines()
        for start, line in enumerate(lines):
            if line.strip().startswith(f'"{loc[0]}"'):
                target = start + 1 + loc[1]
                if target < len(lines):
                    return f"line {target + 1}, "
    return ""


def _loc_of(path: str) -> tuple:
    """`nodes[3].u` -> ("nodes", 3, "u"), to find the line of the item."""
    out: list = []
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(index) if index else name)
    return tuple(out)


def _message(error: dict) -> str:
    msg = error["msg"]
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def loads(text: str, path: str | os.PathLike | None = None, progress: Progress | None = None) -> Design:
    """Parse, migrate and validate file text. Raises LoadError naming the place of the first problem.

    `progress` hears of each step (parse, model, ids): LOAD_STEPS in all, counting the read of `load`.

    The cyclic garbage collector is paused meanwhile: the parse and the model build allocate hundreds of
    thousands of objects in no cycle, and collections during the build cost ~40 % of a large load.
    """
    with without_cyclic_gc():
        return _loads(text, path, progress or no_progress)


def _loads(text: str, path: str | os.PathLike | None, progress: Progress) -> Design:
    if text.startswith(BYTE_ORDER_MARK):
        text = text[1:]
    progress(1, LOAD_STEPS, "loading: parsing")
    try:
        data = parse(text)
    except JsonProblem as exc:
        loc = _loc_of(exc.where)
        raise LoadError(path, _line_of_item(text, loc) + exc.where, exc.problem) from None
    if not isinstance(data, dict):
        raise LoadError(path, "line 1", "expected a JSON object with a 'format' key")
    if data.get("format") != FORMAT_NAME:
        raise LoadError(path, "format", f"expected \"{FORMAT_NAME}\", found {shown(data.get('format'))}")
    for name, limit in MAX_ITEMS.items():
        items = data.get(name)
        if isinstance(items, list) and len(items) > limit:
            raise LoadError(path, name, f"{len(items):,} items; a design holds at most {limit:,}")
    try:
        data = migrate(data)
    except MigrationError as exc:
        raise LoadError(path, "", str(exc)) from None
    progress(2, LOAD_STEPS, "loading: building the model")
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = _line_of_item(text, first["loc"]) + _field_path(first["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise LoadError(path, where, f"{_message(first)}{more}") from None
    progress(3, LOAD_STEPS, "loading: checking ids")
    seen: dict[str, str] = {}
    for list_name in ("racks", "nodes", "links"):
        for i, item in enumerate(getattr(design, list_name)):
            place = f"{list_name}[{i}]"
            if item.id in seen:
                where = _line_of_item(text, (list_name, i)) + f"{place}.id"
                raise LoadError(path, where, f"duplicate id {shown(item.id)} (also {seen[item.id]})")
            seen[item.id] = place
    loop = parent_loop(design.nodes)
    if loop:
        index = next(i for i, node in enumerate(design.nodes) if node.id == loop[0])
        chain = " in ".join(shown(i) for i in [*loop[:6], loop[0]]) if len(loop) <= 6 else (
            f"{len(loop):,} parts, from {shown(loop[0])}")
        raise LoadError(path, _line_of_item(text, ("nodes", index)) + f"nodes[{index}].parent",
                        f"parent chain loops ({chain}): these parts are in no rack")
    progress(LOAD_STEPS, LOAD_STEPS, "loaded")
    return design


def load(path: str | os.PathLike, progress: Progress | None = None) -> Design:
    """Read a .rackcad file. Raises LoadError (file missing, unreadable, not UTF-8, bad JSON, bad types).

    `progress` hears of each step (see `loads`) and may raise Cancelled between them.
    """
    target = Path(path)
    if progress:
        progress(0, LOAD_STEPS, "loading: reading")
    try:
        with open(target, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise LoadError(path, "", "no such file") from None
    except IsADirectoryError:
        raise LoadError(path, "", "is a folder, not a design file") from None
    except OSError as exc:
        raise LoadError(path, "", exc.strerror or str(exc)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(path, "", f"larger than {MAX_FILE_BYTES // 2**20} MiB; not a design file RackCAD opens")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(path, f"line {line}, byte {exc.start}", "not UTF-8 text") from None
    if not text.strip():
        raise LoadError(path, "line 1", "file is empty")
    return loads(text, path, progress)
