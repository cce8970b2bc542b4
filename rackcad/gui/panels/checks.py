"""Checks panel: the live violations list of the rule engine, filtered by severity, with waivers.

Clicking a violation asks the window to select its subjects and centre the canvas on them; "Waive..." asks
for a reason and hands it back to the window, which records the waiver as an undoable design edit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
FILTERS = [("All severities", None), ("Errors", "error"), ("Warnings", "warning"), ("Info", "info")]
VIOLATION_ROLE = Qt.ItemDataRole.UserRole
SUBJECTS_ROLE = Qt.ItemDataRole.UserRole + 1


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def severity_icon(widget: QWidget, severity: str) -> QIcon:
    pixmap = {
        "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    }.get(severity, QStyle.StandardPixmap.SP_MessageBoxInformation)
    return widget.style().standardIcon(pixmap)


class ViolationModel(QAbstractListModel):
    """The violations shown (already filtered), each with its subjects' names for display."""

    def __init__(self, names: Callable[[str], str], parent=None):
        super().__init__(parent)
        self.rows: list = []
        self._names = names

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        violation = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return violation.code
        if role == VIOLATION_ROLE:
            return violation
        if role == SUBJECTS_ROLE:
            names = [self._names(s) for s in violation.subjects]
            return ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            measured = ""
            if getattr(violation, "measured", None) is not None:
                limit = f" (limit {violation.limit:,.4g} {violation.unit})" if violation.limit is not None else ""
                measured = f"<br>measured {violation.measured:,.4g} {violation.unit}{limit}"
            waived = "<br><i>waived</i>" if getattr(violation, "waived", False) else ""
            names = ", ".join(self._names(s) for s in violation.subjects[:20])
            return f"<b>{violation.code}</b> ({violation.severity})<br>{violation.message}{measured}<br>{names}{waived}"
        return None


class _ViolationDelegate(QStyledItemDelegate):
    """Icon, code and subjects on the first line; the message, wrapped over two more lines."""

    def __init__(self, panel: QWidget):
        super().__init__(panel)
        self._panel = panel

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(200, option.fontMetrics.height() * 3 + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        violation = index.data(VIOLATION_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_color = palette.highlightedText().color() if selected else palette.text().color()
        muted = palette.highlightedText().color() if selected else palette.placeholderText().color()
        metrics = opt.fontMetrics
        line = metrics.height()
        rect = opt.rect.adjusted(6, 4, -6, -4)
        waived = getattr(violation, "waived", False)
        painter.save()
        if waived:
            painter.setOpacity(0.55)
        severity_icon(self._panel, violation.severity).paint(painter, QRect(rect.left(), rect.top(), line, line))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text_color)
        code = violation.code + ("  (waived)" if waived else "")
        code_w = min(painter.fontMetrics().horizontalAdvance(code) + 12, rect.width() // 2)
        painter.drawText(QRect(rect.left() + line + 6, rect.top(), code_w, line), Qt.AlignmentFlag.AlignLeft,
                         painter.fontMetrics().elidedText(code, Qt.TextElideMode.ElideRight, code_w))
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(muted)
        left = rect.left() + line + 6 + code_w
        subjects = metrics.elidedText(index.data(SUBJECTS_ROLE), Qt.TextElideMode.ElideRight, rect.right() - left)
        painter.drawText(QRect(left, rect.top(), rect.right() - left, line), Qt.AlignmentFlag.AlignRight, subjects)
        painter.setPen(text_color)
        body = QRect(rect.left() + line + 6, rect.top() + line + 2, rect.width() - line - 6, line * 2)
        message = violation.message
        if metrics.boundingRect(body, Qt.TextFlag.TextWordWrap, message).height() > body.height():
            message = metrics.elidedText(message, Qt.TextElideMode.ElideRight, body.width() * 2 - line * 2)
        painter.drawText(body, Qt.TextFlag.TextWordWrap, message)
        painter.restore()


class ChecksPanel(QWidget):
    """Violations of the last validation; `activated(subjects)` on click, `waive_requested(v, reason)`."""

    activated = Signal(list)
    waive_requested = Signal(object, str)

    def __init__(self, names: Callable[[str], str], parent: QWidget | None = None):
        super().__init__(parent)
        self.violations: list = []
        self.summary = QLabel("checking…")
        self.summary.setWordWrap(True)
        self.severity = QComboBox()
        for text, value in FILTERS:
            self.severity.addItem(text, value)
        self.show_waived = QCheckBox("Show waived")
        self.waive = QPushButton("Waive...")
        self.waive.setToolTip("Accept the selected violation with a reason (saved in the design, undoable)")
        self.waive.setEnabled(False)
        self.model = ViolationModel(names, self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(_ViolationDelegate(self))
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        controls = QHBoxLayout()
        controls.addWidget(self.severity)
        controls.addWidget(self.show_waived)
        controls.addStretch(1)
        controls.addWidget(self.waive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addLayout(controls)
        layout.addWidget(self.list)
        self.severity.currentIndexChanged.connect(self._apply_filter)
        self.show_waived.toggled.connect(self._apply_filter)
        self.list.clicked.connect(self._clicked)
        self.list.activated.connect(self._clicked)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.waive.clicked.connect(self.ask_waive)

    # ---------------------------------------------------------------- data
    def show_report(self, report) -> None:
        """Show a Report's violations, errors first."""
        self.violations = sorted(report.violations, key=lambda v: (getattr(v, "waived", False),
                                                                   SEVERITY_RANK.get(v.severity, 3), v.code))
        counts = self.counts()
        waived = sum(1 for v in self.violations if getattr(v, "waived", False))
        parts = [plural(counts["error"], "error"), plural(counts["warning"], "warning"), f"{counts['info']:,} info"]
        if waived:
            parts.append(f"{waived} waived")
        self.summary.setText(" · ".join(parts) if self.violations else "No violations")
        self._apply_filter()

    def show_state(self, text: str) -> None:
        """A line in place of the counts: 'checking…' or why there are no checks."""
        self.summary.setText(text)

    def counts(self) -> dict[str, int]:
        """Unwaived violations by severity."""
        out = {"error": 0, "warning": 0, "info": 0}
        for v in self.violations:
            if not getattr(v, "waived", False) and v.severity in out:
                out[v.severity] += 1
        return out

    def _apply_filter(self) -> None:
        wanted = self.severity.currentData()
        waived = self.show_waived.isChecked()
        self.model.set_rows([v for v in self.violations if (wanted is None or v.severity == wanted)
                             and (waived or not getattr(v, "waived", False))])
        self.waive.setEnabled(False)

    # ------------------------------------------------------------- actions
    def selected(self):
        index = self.list.currentIndex()
        return index.data(VIOLATION_ROLE) if index.isValid() else None

    def _clicked(self, index: QModelIndex) -> None:
        violation = index.data(VIOLATION_ROLE)
        if violation is not None:
            self.activated.emit(list(violation.subjects))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        violation = current.data(VIOLATION_ROLE) if current.isValid() else None
        self.waive.setEnabled(violation is not None and not getattr(violation, "waived", False))

    def ask_waive(self) -> None:
        """Ask why the selected violation is acceptable; an empty answer or Cancel waives nothing."""
        violation = self.selected()
        if violation is None:
            return
        reason, ok = QInputDialog.getText(self, "Waive violation",
                                          f"Why is {violation.code} acceptable here?\n{violation.message}")
        if ok and reason.strip():
            self.waive_requested.emit(violation, reason.strip())
