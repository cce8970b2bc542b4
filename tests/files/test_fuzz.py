"""Fuzzing the loader and everything behind it with mutations of the shipped example files.

Each case mutates one example (byte flips, truncations, inserted bytes, deleted keys, wrong types, extreme
numbers, deep nesting, hostile unicode, duplicated items, re-parented parts, swapped part ids) and runs it in
process through load, then, when it loads, validate, summary, the BOM and every diagram view. A case passes
when the file either loads or raises LoadError naming a place, every stage finishes within CASE_SECONDS,
and a design that loaded re-saves to a file that loads to the same design (so nothing garbage slipped in).

CI runs FUZZ_CASES (2,000) over the small examples; `make fuzz` sets RACKCAD_FUZZ_CASES (and
RACKCAD_FUZZ_ALL=1 for every example, the 576-GPU ones included) for a longer run.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rackcad import summary, validate
from rackcad.export.bom import bom
from rackcad.export.svg import VIEWS, drawing
from rackcad.files import LoadError, dumps, load, loads
from tests.conftest import EXAMPLES

FUZZ_CASES = int(os.environ.get("RACKCAD_FUZZ_CASES", "2000"))
CASE_SECONDS = float(os.environ.get("RACKCAD_FUZZ_CASE_SECONDS", "20"))
SMALL_BYTES = 20_000
SEEDS = sorted(p for p in [*EXAMPLES.glob("*.rackcad"), *(EXAMPLES / "broken").glob("*.rackcad")]
               if os.environ.get("RACKCAD_FUZZ_ALL") or p.stat().st_size <= SMALL_BYTES)
TEXTS = {p.name: p.read_bytes() for p in SEEDS}
PARTS = ["b200-hgx", "rack-42u-air", "mgx-nvl72-rack", "custom-compute-sled", "x86-host-cpu",
         "gb200-compute-tray", "nvlink5-switch-tray", "no-such-part"]
EXTREME = [0, -1, 1, -0.0, 0.5, 1e308, -1e308, 1e-320, 2**63, 2**64, -(2**63) - 1, 10**19, 10**40, True, False,
           None, "", "12", "nan", "1e400", [], {}, [1, [2, [3]]], {"x": {"y": None}}]
UNICODE = ["\x00", "\x1b[2J", "\x7f", "\x9b", "\u202e", "\ud800", "\udfff", "\ufeff", "\uffff", "é", "✓",
           "𝔘", "\n", "\t", "A" * 300, "x" * 5000]


@contextmanager
def time_bound(seconds: float, what: str):
    """Fail (rather than hang the suite) if a stage runs longer than `seconds`."""

    def expired(signum, frame):
        raise AssertionError(f"{what} ran longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _paths(value, path=()):
    """Every (path, value) inside parsed JSON, containers included."""
    yield path, value
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


def _at(data, path):
    for part in path:
        data = data[part]
    return data


def _structural(data, rnd: random.Random) -> str:
    """One structural mutation of parsed JSON, serialised back (NaN and Infinity allowed to appear)."""
    places = list(_paths(data))
    path, _ = rnd.choice(places)
    kind = rnd.choice(["delete", "extreme", "unicode", "nest", "duplicate", "reparent", "part", "swap_type"])
    if kind == "delete" and path:
        parent = _at(data, path[:-1])
        del parent[path[-1]]
    elif kind == "extreme" and path:
        _at(data, path[:-1])[path[-1]] = rnd.choice([*EXTREME, math.nan, math.inf, -math.inf])
    elif kind == "unicode" and path:
        _at(data, path[:-1])[path[-1]] = "".join(rnd.choice(UNICODE) for _ in range(rnd.randint(1, 3)))
    elif kind == "nest" and path:
        value = _at(data, path)
        for _ in range(rnd.choice([2, 10, 70, 500])):
            value = [value] if rnd.random() < 0.5 else {"k": value}
        _at(data, path[:-1])[path[-1]] = value
    elif kind == "duplicate":
        lists = [p for p, v in places if isinstance(v, list) and v]
        if lists:
            items = _at(data, rnd.choice(lists))
            items.append(json.loads(json.dumps(rnd.choice(items))))
    elif kind == "reparent" and data.get("nodes"):
        ids = [n.get("id") for n in data["nodes"] if isinstance(n, dict)] + [r.get("id") for r in data.get("racks", [])
                                                                            if isinstance(r, dict)]
        node = rnd.choice(data["nodes"])
        if isinstance(node, dict):
            node["parent"] = rnd.choice(ids)
    elif kind == "part":
        items = [x for x in [*data.get("racks", []), *data.get("nodes", [])] if isinstance(x, dict)]
        if items:
            rnd.choice(items)["part"] = rnd.choice(PARTS)
    elif kind == "swap_type" and path:
        value = _at(data, path)
        swapped = {int: str, float: str, str: lambda v: len(v), bool: int, type(None): lambda v: 0}
        convert = swapped.get(type(value), lambda v: None)
        _at(data, path[:-1])[path[-1]] = convert(value)
    return json.dumps(data, ensure_ascii=rnd.random() < 0.5, allow_nan=True)


def _bytes_mutation(raw: bytes, rnd: random.Random) -> bytes:
    kind = rnd.choice(["flip", "truncate", "insert", "delete", "splice"])
    data = bytearray(raw)
    if kind == "flip":
        for _ in range(rnd.randint(1, 8)):
            i = rnd.randrange(len(data))
            data[i] ^= 1 << rnd.randrange(8)
    elif kind == "truncate":
        del data[rnd.randrange(len(data)):]
    elif kind == "insert":
        i = rnd.randrange(len(data) + 1)
        data[i:i] = rnd.choice([b"[" * 5000, b"\xef\xbb\xbf", b"\xff\xfe", b"NaN", b"-Infinity", b"9" * 400,
                                b'"\\ud800"', b"\x00", b",", b"}", b"1e400", rnd.randbytes(rnd.randint(1, 16))])
    elif kind == "delete":
        i = rnd.randrange(len(data))
        del data[i:i + rnd.randint(1, 64)]
    else:
        i, j = sorted(rnd.randrange(len(data)) for _ in range(2))
        data[i:i] = data[j:j + rnd.randint(1, 200)]
    return bytes(data)


def mutate(raw: bytes, seed: int) -> bytes:
    rnd = random.Random(seed)
    if rnd.random() < 0.5:
        return _bytes_mutation(raw, rnd)
    data = json.loads(raw)
    text = raw.decode("utf-8")
    for _ in range(rnd.randint(1, 3)):
        try:
            text = _structural(data, rnd)
        except (TypeError, KeyError, AttributeError, IndexError):
            continue  # an earlier mutation changed the shape this one expected: mutate elsewhere
        try:
            data = json.loads(text)
        except ValueError:
            break
    prefix = "\ufeff" if rnd.random() < 0.05 else ""
    return (prefix + text).encode("utf-8", errors="surrogatepass")


def run_case(path: Path) -> str:
    """Load `path` and, if it loads, run every consumer; returns "refused" or "loaded"."""
    with time_bound(CASE_SECONDS, "load"):
        try:
            design = load(path)
        except LoadError as exc:
            message = str(exc)
            assert exc.where or exc.problem in ("file is empty",) or "schema_version" in exc.problem, message
            assert str(path) in message and len(message) <= 300 and "\n" not in message, message
            return "refused"
    with time_bound(CASE_SECONDS, "validate, summary, BOM and diagrams"):
        validate(design)
        summary(design)
        bom(design)
        for view in VIEWS:
            drawing(design, view)
    with time_bound(CASE_SECONDS, "re-save"):
        text = dumps(design)
        again = loads(text)
        assert again == design and dumps(again) == text
    return "loaded"


OUTCOMES: dict[str, int] = {"refused": 0, "loaded": 0}


@settings(max_examples=FUZZ_CASES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(seed_file=st.sampled_from(sorted(TEXTS)), seed=st.integers(0, 2**32 - 1))
def test_mutated_examples_load_or_refuse_cleanly(tmp_path_factory, seed_file, seed):
    path = tmp_path_factory.getbasetemp() / "fuzz.rackcad"
    path.write_bytes(mutate(TEXTS[seed_file], seed))
    OUTCOMES[run_case(path)] += 1


def test_fuzz_cases_did_both():
    """The fuzz run above exercised both sides: files refused and files that loaded and ran everything."""
    if sum(OUTCOMES.values()) == 0:
        pytest.skip("run together with the fuzz test")
    assert OUTCOMES["refused"] > FUZZ_CASES // 10 and OUTCOMES["loaded"] > FUZZ_CASES // 20, OUTCOMES
