"""Memory habits of the large passes (load, figures, validate, summary): no cyclic GC passes while they run."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for one run, and restore it.

    A run allocates tens of thousands of small tuples (link ends, keys, graph edges) in no reference cycle:
    reference counting frees them all when the run ends. A collection during the run only traverses the
    whole design (over 100,000 objects for GB200 NVL576, tens of milliseconds) and promotes the run's
    temporaries to the oldest generation, so that later edits pay for full collections. Only the thread
    that turned the collector off turns it back on, so concurrent runs never leave it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
