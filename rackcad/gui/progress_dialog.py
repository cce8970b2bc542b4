"""The editor's progress dialog for long operations (open, export): a QProgressDialog with Cancel, fed by the
`rackcad.progress` protocol.

`run_with_progress(parent, title, work)` runs `work(progress)` in a worker thread while the window stays
live and the dialog (shown after `SHOW_AFTER_MS`, so quick operations never flash one) follows the
`progress(done, total, label)` calls; input to the window is held meanwhile. Cancel makes the next `progress` call raise `Cancelled` inside the
work, which stops it and cleans up after itself (the protocol's promise: no half-written file, nothing
changed); work that reports no progress runs to its end and its result is thrown away. Either way the
caller gets `Cancelled` and changes nothing.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from rackcad.progress import Cancelled, Progress

T = TypeVar("T")
SHOW_AFTER_MS = 400
"""Operations shorter than this show no dialog."""
POLL_MS = 50
INPUT = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
                   QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.Wheel, QEvent.Type.ShortcutOverride,
                   QEvent.Type.ContextMenu, QEvent.Type.Drop})


class _Hold(QObject):
    """Drops input to the parent's window while the work runs (before the modal dialog shows, too): the work
    reads the design, so nothing may edit it meanwhile."""

    def __init__(self, window: QWidget | None):
        super().__init__()
        self.window = window

    def eventFilter(self, obj, event) -> bool:
        if event.type() not in INPUT or self.window is None or not isinstance(obj, QWidget):
            return False
        return obj.window() is self.window


def takes_progress(function: Callable) -> bool:
    """Whether `function` accepts a `progress=` argument."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False
    return "progress" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


class _Shared:
    """What the worker reports and the dialog shows, under one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = 0
        self.total = 0
        self.label = ""
        self.cancelled = False

    def progress(self, done: int, total: int, label: str = "") -> None:
        with self.lock:
            if self.cancelled:
                raise Cancelled(label or "cancelled")
            self.done, self.total = done, total
            if label:
                self.label = label


class ProgressRun:
    """One operation under a progress dialog (see the module docstring); `dialog` while it runs."""

    def __init__(self, parent: QWidget | None, title: str, first_label: str = ""):
        self.parent = parent
        self.title = title
        self.shared = _Shared()
        self.shared.label = first_label
        self.dialog: QProgressDialog | None = None

    def cancel(self) -> None:
        """What the dialog's Cancel button does."""
        with self.shared.lock:
            self.shared.cancelled = True
        if self.dialog is not None:
            self.dialog.setLabelText(f"{self.shared.label}\nCancelling…")

    def _show(self) -> None:
        dialog = QProgressDialog(self.shared.label or self.title, "Cancel", 0, 0, self.parent)
        dialog.setWindowTitle(self.title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(420)
        dialog.canceled.connect(self.cancel)
        dialog.show()
        self.dialog = dialog

    def _update(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        with self.shared.lock:
            done, total, label, cancelled = self.shared.done, self.shared.total, self.shared.label, \
                self.shared.cancelled
        if cancelled:
            return
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        else:
            dialog.setMaximum(0)  # busy indicator
        if label and dialog.labelText() != label:
            dialog.setLabelText(label)

    def run(self, work: Callable[[Progress], T]) -> T:
        """Run `work(progress)` in a thread until it ends; its result, or its exception (Cancelled when the
        user cancelled, even if the work itself could not stop early)."""
        outcome: dict[str, object] = {}

        def target() -> None:
            try:
                outcome["result"] = work(self.shared.progress)
            except BaseException as exc:  # handed to the caller's thread
                outcome["error"] = exc

        thread = threading.Thread(target=target, name=f"rackcad: {self.title}", daemon=True)
        clock = QElapsedTimer()
        clock.start()
        thread.start()
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(POLL_MS)

        def poll() -> None:
            if not thread.is_alive():
                loop.quit()
                return
            if self.dialog is None and clock.elapsed() >= SHOW_AFTER_MS:
                self._show()
            self._update()

        timer.timeout.connect(poll)
        timer.start()
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        hold = _Hold(self.parent.window() if self.parent is not None else None)
        app = QApplication.instance()
        app.installEventFilter(hold)
        try:
            if thread.is_alive():
                loop.exec()
            thread.join()
        finally:
            timer.stop()
            app.removeEventFilter(hold)
            QApplication.restoreOverrideCursor()
            if self.dialog is not None:
                self.dialog.canceled.disconnect(self.cancel)  # closing it emits canceled
                self.dialog.close()
                self.dialog.deleteLater()
                self.dialog = None
        if self.shared.cancelled:
            raise Cancelled(self.title)
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["result"]  # type: ignore[return-value]


def run_with_progress(parent: QWidget | None, title: str, work: Callable[[Progress], T], first_label: str = "") -> T:
    """`work(progress)` under a progress dialog titled `title`; raises Cancelled when the user cancelled."""
    return ProgressRun(parent, title, first_label).run(work)
