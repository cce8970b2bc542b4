"""A tiny timer: best and median of several runs, printed in milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(label: str, fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    print(f"  {label:<52} best {best * 1000:9.1f} ms   median {median * 1000:9.1f} ms   (n={repeat})")
    return best


def wait_first_paint(app, widget) -> None:
    """Process events until `widget` (a canvas viewport) has painted once; `widget`'s window is shown here."""
    from PySide6.QtCore import QEvent, QObject

    painted: list[int] = []

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                painted.append(1)
            return False

    watch = Watch()
    widget.installEventFilter(watch)
    widget.window().show()
    while not painted:
        app.processEvents()
    widget.removeEventFilter(watch)
