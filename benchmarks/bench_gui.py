"""The editor on GB200 NVL576 (12 racks, 2,608 parts, 13,248 link records), off screen:

- start-up: MainWindow construction + load + layout + first painted frame of the canvas;
- repaint after a zoom step and after a pan, at the opening zoom and with all 12 racks in view;
- one edit (rename a GPU): the synchronous part the user waits for (index, layout, item sync, inspector,
  status, validation snapshot), and the scene rebuild alone;
- validation in the background: how long it takes, and the longest the GUI thread went without serving a
  5 ms timer meanwhile (what "responsive" means to a user);
- the topology tab (layout + 1,296 part items + 48 bundles) and the floor-plan tab (layout + racks + runs)
  built from scratch, and one edit while the topology tab and the charts dock are shown;
- the charts dock's refresh after an edit (on the GUI thread) and the analysis dock's (in its worker: NVLink
  domains, expert parallelism, MoE estimate, optics; then a parameter change, which reuses the domains),
  with the longest GUI-thread gap while the analysis runs.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from benchmarks.timing import measure

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "gb200-nvl576.rackcad"


def run() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    state = tempfile.mkdtemp(prefix="rackcad-bench-")
    os.environ["XDG_STATE_HOME"] = state  # recovery files of the benchmark windows go here, not to the user's

    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from rackcad.gui.app import application
    from rackcad.gui.main_window import MainWindow
    from rackcad.topology import DesignIndex

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, state)  # no recent-file entries
    app = application()

    class PaintWatch(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    windows: list[MainWindow] = []

    def start() -> None:
        window = MainWindow(restore_layout=False)
        window.resize(1600, 1000)
        watch = PaintWatch()
        window.view.viewport().installEventFilter(watch)
        window.open_path(str(EXAMPLE), interactive=False)
        window.show()
        while watch.count == 0:  # processEvents returns after the paint it delivered has been drawn
            app.processEvents()
        windows.append(window)

    measure("start-up to first painted frame (gb200-nvl576)", start, repeat=3)
    for extra in windows[:-1]:
        extra.shutdown()
        extra.deleteLater()
    window = windows[-1]
    window.wait_for_checks()
    view = window.view
    print(f"  opening zoom {view.zoom:.3f} px/mm, {len(window.scene.items()):,} scene items")

    def zoom() -> None:
        view.zoom_by(1.1)
        view.viewport().repaint()
        view.zoom_by(1 / 1.1)

    def pan() -> None:
        bar = view.horizontalScrollBar()
        bar.setValue(bar.value() + 200 if bar.value() + 200 <= bar.maximum() else 0)
        view.viewport().repaint()

    measure("zoom step + repaint (opening view, ~2 racks)", zoom, repeat=10)
    measure("pan 200 px + repaint (opening view)", pan, repeat=10)
    view.fit_all()
    measure("zoom step + repaint (all 12 racks in view)", zoom, repeat=5)
    view.fit()

    gpu = next(n.id for n in window.doc.design.nodes if n.part == "b200-gb200")
    names = iter(range(1_000_000))
    measure("one edit: doc.set + everything the GUI does after it", lambda: window.doc.set(gpu, name=f"g{next(names)}"),
            repeat=10)
    measure("  of which scene rebuild (index + layout + item sync)",
            lambda: window.scene.rebuild(DesignIndex(window.doc.design, window.catalog)), repeat=10)

    window.wait_for_checks()
    longest = 0.0
    last = time.perf_counter()

    def tick() -> None:
        nonlocal longest, last
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    window.doc.set(gpu, name="validate me")
    last = time.perf_counter()
    longest = 0.0
    while window.validator.busy:
        app.processEvents()
    timer.stop()
    print(f"  background validation {window.validator.last_seconds * 1000:9.1f} ms; longest GUI-thread gap "
          f"meanwhile {longest * 1000:.1f} ms (5 ms timer)")

    from rackcad.gui.analyzer import analyse

    index = window.index
    measure("topology tab build (layout + items)", lambda: window.topology_scene.rebuild(index, force=True), repeat=5)
    measure("floor-plan tab build (layout + items)", lambda: window.floor_scene.rebuild(index), repeat=5)
    measure("charts refresh", lambda: window.charts.refresh(index), repeat=10)
    window.show_tab("topology")
    window.raise_dock("charts")
    app.processEvents()
    measure("one edit: doc.set + GUI, topology tab and charts shown",
            lambda: window.doc.set(gpu, name=f"g{next(names)}"), repeat=5)
    params = window.analysis.params()
    first = analyse(window.doc.design, params, window.catalog)
    measure("analysis (worker thread): domains, experts, MoE, optics",
            lambda: analyse(window.doc.design, params, window.catalog), repeat=3)
    measure("  after a parameter change (domains reused)",
            lambda: analyse(window.doc.design, params, window.catalog, base=first.design), repeat=3)
    window.raise_dock("analysis")
    window.wait_for_analysis()
    timer.start(5)
    window.doc.set(gpu, name="analyse me")
    last = time.perf_counter()
    longest = 0.0
    while window.analyzer.busy:
        app.processEvents()
    timer.stop()
    print(f"  background analysis {window.analyzer.last_seconds * 1000:9.1f} ms; longest GUI-thread gap "
          f"meanwhile {longest * 1000:.1f} ms (5 ms timer)")
    window.wait_for_checks()
    window.doc.mark_clean()
    window.shutdown()
    QApplication.processEvents()
